package store_test

import (
	"context"
	"testing"

	"helpdesk/ticket"
)

// TestTicketVocabulary: the statuses and priorities the schema accepts, and those its
// ticket_open function calls open, are package ticket's, no more and no fewer.
func TestTicketVocabulary(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := pg.NewStore(t)
	w := newWorld(t, st)
	accepts := func(column, value string) bool {
		t.Helper()
		tx, err := st.Pool().Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = tx.Rollback(ctx) }()
		_, err = tx.Exec(ctx, `UPDATE tickets SET `+column+` = $2 WHERE id = $1`, w.ticket.ID, value)
		return err == nil
	}
	for _, s := range append(ticket.Statuses, "lost") {
		if got := accepts("status", s); got != ticket.ValidStatus(s) {
			t.Errorf("the schema accepts status %q: %v, package ticket: %v", s, got, ticket.ValidStatus(s))
		}
		var open bool
		if err := st.Pool().QueryRow(ctx, `SELECT ticket_open($1)`, s).Scan(&open); err != nil {
			t.Fatal(err)
		}
		if open != ticket.IsOpen(s) {
			t.Errorf("ticket_open(%q) = %v, ticket.IsOpen: %v", s, open, ticket.IsOpen(s))
		}
	}
	for _, p := range append(ticket.Priorities, "p0") {
		if got := accepts("priority", p); got != ticket.ValidPriority(p) {
			t.Errorf("the schema accepts priority %q: %v, package ticket: %v", p, got, ticket.ValidPriority(p))
		}
	}
}
