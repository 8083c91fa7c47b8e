package store_test

import (
	"context"
	"testing"
	"time"

	"helpdesk/ticket"
)

// TestSLADueRule: a ticket's response deadline is due while it is open and unanswered, and only
// then; every reader (monitor, dashboard, search documents, fallback) takes it from these
// functions (010_sla_rules.sql).
func TestSLADueRule(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := pg.NewStore(t)
	created := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	answered := created.Add(10 * time.Minute)
	for _, tc := range []struct {
		status   string
		answered *time.Time
		due      bool
	}{
		{"open", nil, true}, {"in_progress", nil, true}, {"waiting", nil, true},
		{"resolved", nil, false}, {"closed", nil, false},
		{"open", &answered, false}, {"waiting", &answered, false},
	} {
		var open bool
		var due *time.Time
		var deadline time.Time
		err := st.Pool().QueryRow(ctx, `SELECT ticket_open($1), ticket_sla_due($2, $3, $1, 90), ticket_response_deadline($2, 90)`,
			tc.status, created, tc.answered).Scan(&open, &due, &deadline)
		if err != nil {
			t.Fatal(err)
		}
		want := created.Add(90 * time.Minute)
		if !deadline.Equal(want) {
			t.Errorf("%s: deadline %v, want %v", tc.status, deadline, want)
		}
		if tc.due != (due != nil) || (due != nil && !due.Equal(want)) {
			t.Errorf("%s, answered %v: due %v, want due %v at %v", tc.status, tc.answered != nil, due, tc.due, want)
		}
		if open != ticket.IsOpen(tc.status) {
			t.Errorf("ticket_open(%s) = %v", tc.status, open)
		}
	}
}
