package store_test

import (
	"context"
	"errors"
	"testing"

	"helpdesk/store"
)

// TestHandleAlert: acknowledging and resolving name the person and the time once; a second
// press changes nothing; the SLA check's resolution names no one; bad states and unknown
// alerts are refused.
func TestHandleAlert(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := pg.NewStore(t)
	w := newWorld(t, st)
	a, fresh, err := st.RaiseAlert(ctx, w.ticket.ID, store.EventSLAWarning, "warning", "Quedan 15 minutos")
	if err != nil || !fresh {
		t.Fatalf("raise: %v %v", fresh, err)
	}
	ack, err := st.HandleAlert(ctx, a.ID, w.agent.ID, store.AlertAcknowledged)
	if err != nil || ack.AcknowledgedAt == nil || ack.AcknowledgedBy == nil || *ack.AcknowledgedBy != w.agent.ID || ack.ResolvedAt != nil {
		t.Fatalf("acknowledge: %+v %v", ack, err)
	}
	res, err := st.HandleAlert(ctx, a.ID, w.admin.ID, store.AlertResolved)
	if err != nil || res.ResolvedAt == nil || *res.ResolvedBy != w.admin.ID || *res.AcknowledgedBy != w.agent.ID || !res.AcknowledgedAt.Equal(*ack.AcknowledgedAt) {
		t.Fatalf("resolve: %+v %v", res, err)
	}
	again, err := st.HandleAlert(ctx, a.ID, w.agent.ID, store.AlertResolved)
	if err != nil || *again.ResolvedBy != w.admin.ID || !again.ResolvedAt.Equal(*res.ResolvedAt) {
		t.Errorf("resolved twice: %+v %v", again, err)
	}
	open, err := st.OpenAlerts(ctx, 10)
	if err != nil || len(open) != 0 {
		t.Errorf("open alerts after resolving: %+v %v", open, err)
	}
	if _, err := st.HandleAlert(ctx, a.ID, w.agent.ID, "closed"); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("unknown state: %v", err)
	}
	if _, err := st.HandleAlert(ctx, a.ID+1000, w.agent.ID, store.AlertResolved); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown alert: %v", err)
	}
	// Resolved by the SLA check: no one named.
	b, _, err := st.RaiseAlert(ctx, w.ticket.ID, store.EventSLABreached, "critical", "Vencido")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddComment(ctx, w.ticket.ID, w.agent.ID, "Ya estamos", false); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ResolveAnsweredAlerts(ctx, b.CreatedAt.Add(1)); err != nil {
		t.Fatal(err)
	}
	if got, err := st.Alert(ctx, b.ID); err != nil || got.ResolvedAt == nil || got.ResolvedBy != nil {
		t.Errorf("resolved by the check: %+v %v", got, err)
	}
}
