package sla_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"helpdesk/internal/pgtest"
	"helpdesk/sla"
	"helpdesk/store"
)

var pg = &pgtest.Server{}

func TestMain(m *testing.M) { pgtest.Main(m, pg) }

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

type world struct {
	st     *store.Store
	agent  *store.User
	client *store.User
	ticket *store.Ticket
}

func setup(t *testing.T) world {
	t.Helper()
	ctx := context.Background()
	st := pg.NewStore(t)
	c, err := st.CreateClient(ctx, "Acme", 60, nil)
	if err != nil {
		t.Fatal(err)
	}
	agent, err := st.CreateUser(ctx, store.NewUser{Email: "ana@helpdesk.example", Role: "agent", PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	client, err := st.CreateUser(ctx, store.NewUser{Email: "alice@acme.example", Role: "client", ClientID: &c.ID, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	tk, err := st.CreateTicket(ctx, store.NewTicket{ClientID: c.ID, CreatedBy: client.ID, AssigneeID: &agent.ID, Title: "Sin correo"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Pool().Exec(ctx, `UPDATE tickets SET created_at = $2, updated_at = $2 WHERE id = $1`, tk.ID, t0); err != nil {
		t.Fatal(err)
	}
	return world{st: st, agent: agent, client: client, ticket: tk}
}

func alerts(t *testing.T, st *store.Store) map[string]bool {
	t.Helper()
	rows, err := st.Pool().Query(context.Background(), `SELECT type, resolved_at IS NOT NULL FROM alerts`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var typ string
		var resolved bool
		if err := rows.Scan(&typ, &resolved); err != nil {
			t.Fatal(err)
		}
		out[typ] = resolved
	}
	return out
}

// slaEvents lists the SLA events queued for the worker, oldest first.
func slaEvents(t *testing.T, st *store.Store) []string {
	t.Helper()
	rows, err := st.Pool().Query(context.Background(),
		`SELECT args->>'event' FROM river_job WHERE kind = 'event' AND args->>'event' LIKE 'sla_%' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestWarningThenBreachThenResolved(t *testing.T) {
	t.Parallel()
	w := setup(t)
	ctx := context.Background()
	steps := []struct {
		at     time.Duration
		want   map[string]bool // type -> resolved
		events []string
	}{
		{20 * time.Minute, map[string]bool{}, nil},                                                                                        // due in 40 min: quiet
		{35 * time.Minute, map[string]bool{sla.KindWarning: false}, []string{sla.KindWarning}},                                            // due in 25 min
		{36 * time.Minute, map[string]bool{sla.KindWarning: false}, []string{sla.KindWarning}},                                            // nothing new
		{61 * time.Minute, map[string]bool{sla.KindWarning: false, sla.KindBreached: false}, []string{sla.KindWarning, sla.KindBreached}}, // overdue
		{90 * time.Minute, map[string]bool{sla.KindWarning: false, sla.KindBreached: false}, []string{sla.KindWarning, sla.KindBreached}}, // still one of each
	}
	for _, s := range steps {
		if _, err := sla.Check(ctx, w.st, t0.Add(s.at)); err != nil {
			t.Fatal(err)
		}
		if got, events := alerts(t, w.st), slaEvents(t, w.st); !equal(got, s.want) || !slices.Equal(events, s.events) {
			t.Fatalf("at +%s: alerts %v, events %v; want %v, %v", s.at, got, events, s.want, s.events)
		}
	}
	if _, err := w.st.AddComment(ctx, w.ticket.ID, w.agent.ID, "Lo miramos", false); err != nil {
		t.Fatal(err)
	}
	res, err := sla.Check(ctx, w.st, t0.Add(95*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if got := alerts(t, w.st); res.Resolved != 2 || !got[sla.KindWarning] || !got[sla.KindBreached] {
		t.Fatalf("after the response: %v (resolved %d)", got, res.Resolved)
	}
}

// TestChecksRunningTogetherRaiseOnce: four checks at once record one warning and one breach,
// and queue one event for each, however they interleave.
func TestChecksRunningTogetherRaiseOnce(t *testing.T) {
	t.Parallel()
	w := setup(t)
	ctx := context.Background()
	now := t0.Add(2 * time.Hour) // straight to overdue
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 3 {
				if _, err := sla.Check(ctx, w.st, now); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	var n int
	if err := w.st.Pool().QueryRow(ctx, `SELECT count(*) FROM alerts`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("alerts = %d %v, want a warning and a breach", n, err)
	}
	if events := slaEvents(t, w.st); len(events) != 2 {
		t.Fatalf("events = %v, want one per alert", events)
	}
}

// TestRolledBackAlertQueuesNothing: an alert raised in a transaction that rolls back leaves
// neither the alert nor its event.
func TestRolledBackAlertQueuesNothing(t *testing.T) {
	t.Parallel()
	w := setup(t)
	ctx := context.Background()
	boom := errors.New("boom")
	err := w.st.Transact(ctx, func(tx *store.Store) error {
		if _, err := sla.Check(ctx, tx, t0.Add(2*time.Hour)); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if got, events := alerts(t, w.st), slaEvents(t, w.st); len(got) != 0 || len(events) != 0 {
		t.Fatalf("after rollback: alerts %v, events %v", got, events)
	}
}

func equal(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if bv, ok := b[k]; !ok || bv != v {
			return false
		}
	}
	return true
}
