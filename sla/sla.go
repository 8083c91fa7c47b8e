// Package sla watches first-response deadlines: every minute it records one alert per ticket
// and kind (warning when the deadline is within 30 minutes, breached once it has passed),
// notifies someone of each new alert, and resolves alerts once the ticket is answered. Any
// number of monitors may run: the database keeps one alert per ticket and kind, and only the
// monitor that wrote an alert sends its notification.
package sla

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"helpdesk/store"
)

// Horizon is how far ahead a deadline raises a warning.
const Horizon = 30 * time.Minute

// Alert kinds.
const (
	KindWarning  = "sla_warning"
	KindBreached = "sla_breached"
)

// Notification is one new alert to tell people about.
type Notification struct {
	Alert store.Alert
	Title string
	// To are the addresses to tell: the assignee, or every agent when nobody is assigned.
	To []string
}

// Notifier delivers notifications.
type Notifier interface {
	Notify(ctx context.Context, n Notification) error
}

// Monitor checks the deadlines.
type Monitor struct {
	store    *store.Store
	notifier Notifier
	now      func() time.Time
	log      *slog.Logger
}

// New returns a monitor; now is the clock (time.Now in production).
func New(st *store.Store, n Notifier, now func() time.Time, log *slog.Logger) *Monitor {
	return &Monitor{store: st, notifier: n, now: now, log: log}
}

// Result says what one check did.
type Result struct {
	Raised, Notified int
	Resolved         int64
}

// Check runs one pass: resolve the alerts of answered tickets, then raise the due ones.
func (m *Monitor) Check(ctx context.Context) (Result, error) {
	var res Result
	now := m.now()
	resolved, err := m.store.ResolveAnsweredAlerts(ctx, now)
	if err != nil {
		return res, err
	}
	res.Resolved = resolved
	candidates, err := m.store.SLACandidates(ctx, now, Horizon)
	if err != nil {
		return res, err
	}
	var staff []string
	for _, c := range candidates {
		kind, severity := KindWarning, "warning"
		msg := fmt.Sprintf("First response to ticket #%d (%s) is due at %s", c.TicketID, c.ClientName, c.Due.UTC().Format("2006-01-02 15:04 MST"))
		if !c.Due.After(now) {
			kind, severity = KindBreached, "critical"
			msg = fmt.Sprintf("First response to ticket #%d (%s) is overdue since %s", c.TicketID, c.ClientName, c.Due.UTC().Format("2006-01-02 15:04 MST"))
		}
		if kind == KindBreached {
			// A ticket found already overdue gets its warning too, so the record shows both.
			if _, _, err := m.store.RaiseAlert(ctx, c.TicketID, KindWarning, "warning", msg); err != nil {
				return res, err
			}
		}
		a, created, err := m.store.RaiseAlert(ctx, c.TicketID, kind, severity, msg)
		if err != nil {
			return res, err
		}
		if !created {
			continue
		}
		res.Raised++
		n := Notification{Alert: *a, Title: c.Title}
		if c.AssigneeEmail != nil {
			n.To = []string{*c.AssigneeEmail}
		} else {
			if staff == nil {
				if staff, err = m.store.StaffEmails(ctx); err != nil {
					return res, err
				}
			}
			n.To = staff
		}
		if err := m.notifier.Notify(ctx, n); err != nil {
			// The alert stands (dashboard, API); only the mail is lost. Say so loudly.
			m.log.Error("sla notification failed", "ticket", c.TicketID, "kind", kind, "err", err)
			continue
		}
		res.Notified++
	}
	return res, nil
}

// Run checks every interval until ctx ends.
func (m *Monitor) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if res, err := m.Check(ctx); err != nil {
			m.log.Warn("sla check failed", "err", err)
		} else if res.Raised > 0 || res.Resolved > 0 {
			m.log.Info("sla check", "raised", res.Raised, "notified", res.Notified, "resolved", res.Resolved)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
