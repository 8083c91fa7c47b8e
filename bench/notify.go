package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"helpdesk/auth"
	"helpdesk/internal/procs"
	"helpdesk/internal/sink"
	"helpdesk/store"
)

// NotifyResult is what one worker process delivers to a mail server (the sink process).
type NotifyResult struct {
	Backlog     int           // mails queued before the worker started
	Drain       time.Duration // from the first delivery to the last
	MailsPerSec float64       // Backlog / Drain
	Rate        int           // events/s in the delay measure
	Events      int
	Delay       Stats // from the change's commit to the sink's receipt (Stats.RPS unused)
	Duplicates  int   // deliveries of a Message-ID seen before
}

// notifyStaff is how many staff a new ticket mails: each ticket is this many mails.
const notifyStaff = 4

// notifications measures one worker on a database of its own: first it drains a backlog of
// new-ticket mails (throughput), then it keeps up with a steady stream of new tickets (the
// delay people feel, commit to delivery).
func (r *runner) notifications(ctx context.Context) (*NotifyResult, error) {
	name := r.cfg.Namespace + "_notify"
	_ = store.DropDatabase(ctx, r.cfg.DatabaseURL, name)
	url, _, err := store.EnsureDatabase(ctx, r.cfg.DatabaseURL, name)
	if err != nil {
		return nil, err
	}
	defer func() { _ = store.DropDatabase(context.WithoutCancel(ctx), r.cfg.DatabaseURL, name) }()
	env := []string{"DATABASE_URL=" + url}
	if _, err := procs.RunTool(ctx, r.cfg.Bin, env, io.Discard, "migrate"); err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	dir, err := os.MkdirTemp("", "bench-sink-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	snk, err := sink.Spawn(dir)
	if err != nil {
		return nil, err
	}
	defer snk.Kill()

	client, err := st.CreateClient(ctx, "Bench notifications", 60, nil)
	if err != nil {
		return nil, err
	}
	author, err := st.CreateUser(ctx, store.NewUser{Email: "client@notify.example", Role: auth.Client, ClientID: &client.ID, PasswordHash: "!"})
	if err != nil {
		return nil, err
	}
	for i := range notifyStaff {
		if _, err := st.CreateUser(ctx, store.NewUser{Email: fmt.Sprintf("agent%d@notify.example", i), Role: auth.Agent, PasswordHash: "!"}); err != nil {
			return nil, err
		}
	}
	ticket := func(title string) error {
		_, err := st.CreateTicket(ctx, store.NewTicket{ClientID: client.ID, CreatedBy: author.ID, Title: title})
		return err
	}
	res := &NotifyResult{Rate: 20}
	events := max(250, r.cfg.KBPages/4) // 500 events, 2,000 mails with the defaults
	res.Backlog = events * notifyStaff
	r.logf("notifications: queueing %d new tickets (%d mails)", events, res.Backlog)
	for i := range events {
		if err := ticket(fmt.Sprintf("backlog %d", i)); err != nil {
			return nil, err
		}
	}
	worker, err := procs.Start(ctx, r.cfg.Bin, "worker", "WORKER_ADDR", "/healthz", append(env, "SMTP_ADDR="+snk.SMTPAddr,
		"REPORT_TZ="+procs.QuietReportTZ(time.Now()))) // no daily report among the mails counted
	if err != nil {
		return nil, err
	}
	defer worker.Stop()
	got, err := r.waitDeliveries(ctx, snk, res.Backlog, 5*time.Minute)
	if err != nil {
		return nil, err
	}
	res.Drain = got[len(got)-1].At.Sub(got[0].At)
	res.MailsPerSec = float64(res.Backlog-1) / res.Drain.Seconds()
	r.logf("notifications: %d mails in %s: %.0f/s", res.Backlog, res.Drain.Round(time.Millisecond), res.MailsPerSec)

	// Steady: a new ticket every 1/Rate s; each delay runs from the commit to the receipt.
	res.Events = res.Rate * int(r.cfg.WriteDuration/time.Second)
	committed := map[string]time.Time{}
	tick := time.NewTicker(time.Second / time.Duration(res.Rate))
	for i := range res.Events {
		<-tick.C
		title := fmt.Sprintf("steady %d", i)
		if err := ticket(title); err != nil {
			tick.Stop()
			return nil, err
		}
		committed[title] = time.Now()
	}
	tick.Stop()
	got, err = r.waitDeliveries(ctx, snk, res.Backlog+res.Events*notifyStaff, 2*time.Minute)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var delays []time.Duration
	for _, d := range got {
		if seen[d.MessageID] {
			res.Duplicates++
			continue
		}
		seen[d.MessageID] = true
		for title, at := range committed {
			if strings.HasSuffix(d.Subject, " "+title) {
				delays = append(delays, d.At.Sub(at))
				break
			}
		}
	}
	res.Delay = summarise(delays, 0, time.Second)
	r.logf("notifications: steady %d/s: delay p50 %s, p99 %s", res.Rate, ms(res.Delay.P50), ms(res.Delay.P99))
	return res, nil
}

// waitDeliveries waits until the sink has received n deliveries.
func (r *runner) waitDeliveries(ctx context.Context, snk *sink.Process, n int, within time.Duration) ([]sink.Delivery, error) {
	deadline := time.Now().Add(within)
	for {
		got, err := snk.Deliveries()
		if err != nil {
			return nil, err
		}
		if len(got) >= n {
			return got, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("the sink received %d of %d mails within %s", len(got), n, within)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}
