package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"helpdesk/sla"
	"helpdesk/store"
)

// slaArgs is the SLA check, queued by the leader every minute.
type slaArgs struct{}

func (slaArgs) Kind() string { return "sla_check" }

// InsertOpts makes the check critical and unique per minute: a second leader during an
// election inserts nothing.
func (slaArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: store.QueueCritical, MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByPeriod: time.Minute}}
}

type slaWorker struct {
	river.WorkerDefaults[slaArgs]
	w *Worker
}

func (s *slaWorker) Work(ctx context.Context, _ *river.Job[slaArgs]) error {
	res, err := sla.Check(ctx, s.w.st, s.w.cfg.Now())
	if err != nil {
		return err
	}
	if res.Raised > 0 || res.Resolved > 0 {
		s.w.cfg.Log.Info("sla check", "raised", res.Raised, "resolved", res.Resolved)
	}
	return nil
}

// dailyAt is a schedule that fires every day at hour:00 in tz (across DST changes too).
type dailyAt struct {
	hour int
	tz   *time.Location
}

// Next implements river.PeriodicSchedule.
func (d dailyAt) Next(t time.Time) time.Time {
	l := t.In(d.tz)
	next := time.Date(l.Year(), l.Month(), l.Day(), d.hour, 0, 0, 0, d.tz)
	if !next.After(t) {
		next = time.Date(l.Year(), l.Month(), l.Day()+1, d.hour, 0, 0, 0, d.tz)
	}
	return next
}

// last is the latest firing at or before t.
func (d dailyAt) last(t time.Time) time.Time {
	l := t.In(d.tz)
	at := time.Date(l.Year(), l.Month(), l.Day(), d.hour, 0, 0, 0, d.tz)
	if at.After(t) {
		at = time.Date(l.Year(), l.Month(), l.Day()-1, d.hour, 0, 0, 0, d.tz)
	}
	return at
}

// reportCatchUp is how late a daily report may still go out: a worker that starts at 11:00
// sends the 09:00 report nobody sent, one that starts in the evening does not.
const reportCatchUp = 6 * time.Hour
