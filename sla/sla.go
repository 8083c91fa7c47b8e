// Package sla watches first-response deadlines: each check records one alert per ticket and
// kind (warning when the deadline is within 30 minutes, breached once it has passed) and
// resolves the alerts of tickets that got their answer. Raising an alert queues its
// notification in the same transaction (store.RaiseAlert), so none is lost and none is sent
// twice for one alert, however many checks run at once. The worker runs a check every minute
// (package jobs).
package sla

import (
	"context"
	"fmt"
	"time"

	"helpdesk/store"
)

// Horizon is how far ahead a deadline raises a warning.
const Horizon = 30 * time.Minute

// Alert kinds: the events their notifications are.
const (
	KindWarning  = store.EventSLAWarning
	KindBreached = store.EventSLABreached
)

// Result says what one check did.
type Result struct {
	Raised   int
	Resolved int64
}

// Check runs one pass at now: resolve the alerts of answered tickets, then raise the due ones.
func Check(ctx context.Context, st *store.Store, now time.Time) (Result, error) {
	var res Result
	resolved, err := st.ResolveAnsweredAlerts(ctx, now)
	if err != nil {
		return res, err
	}
	res.Resolved = resolved
	candidates, err := st.SLACandidates(ctx, now, Horizon)
	if err != nil {
		return res, err
	}
	for _, c := range candidates {
		due := c.Due.UTC().Format("2006-01-02 15:04 MST")
		kind, severity := KindWarning, "warning"
		msg := fmt.Sprintf("First response to ticket #%d (%s) is due at %s", c.TicketID, c.ClientName, due)
		if !c.Due.After(now) {
			kind, severity = KindBreached, "critical"
			msg = fmt.Sprintf("First response to ticket #%d (%s) is overdue since %s", c.TicketID, c.ClientName, due)
			// A ticket found already overdue gets its warning too, so the record shows both (the
			// worker does not announce a warning once the ticket has breached).
			if _, _, err := st.RaiseAlert(ctx, c.TicketID, KindWarning, "warning", msg); err != nil {
				return res, err
			}
		}
		_, created, err := st.RaiseAlert(ctx, c.TicketID, kind, severity, msg)
		if err != nil {
			return res, err
		}
		if created {
			res.Raised++
		}
	}
	return res, nil
}
