package store_test

import (
	"cmp"
	"context"
	"slices"
	"testing"

	"helpdesk/store"
)

// world is a small set of rows most store tests start from.
type world struct {
	acme, globex *store.Client
	agent, admin *store.User
	alice, bob   *store.User // alice works at acme, bob at globex
	ticket       *store.Ticket
}

func newWorld(t *testing.T, st *store.Store) world {
	t.Helper()
	ctx := context.Background()
	var w world
	var err error
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	w.acme, err = st.CreateClient(ctx, "Acme Ibérica S.L.", 60, nil)
	must(err)
	w.globex, err = st.CreateClient(ctx, "Globex Ltd", 240, nil)
	must(err)
	w.agent, err = st.CreateUser(ctx, store.NewUser{Email: "agent@example.com", Name: "Ana Agente", Role: store.RoleAgent, PasswordHash: "x"})
	must(err)
	w.admin, err = st.CreateUser(ctx, store.NewUser{Email: "admin@example.com", Name: "Admin", Role: store.RoleAdmin, PasswordHash: "x"})
	must(err)
	w.alice, err = st.CreateUser(ctx, store.NewUser{Email: "alice@acme.example", Name: "Alice", Role: store.RoleClient, ClientID: &w.acme.ID, PasswordHash: "x"})
	must(err)
	w.bob, err = st.CreateUser(ctx, store.NewUser{Email: "bob@globex.example", Name: "Bob", Role: store.RoleClient, ClientID: &w.globex.ID, PasswordHash: "x", Locale: "en"})
	must(err)
	w.ticket, err = st.CreateTicket(ctx, store.NewTicket{ClientID: w.acme.ID, CreatedBy: w.alice.ID, AssigneeID: &w.agent.ID,
		Title: "La impresora no imprime", Description: "Desde ayer la cola se queda atascada.", Priority: "high", Category: "printers", Tags: []string{"impresora"}})
	must(err)
	return w
}

// outboxRow is one change-stream entry.
type outboxRow struct {
	DocType string
	DocID   int64
	Version int64
	Deleted bool
}

// drainOutbox returns and deletes every outbox row, oldest first.
func drainOutbox(t *testing.T, st *store.Store) []outboxRow {
	t.Helper()
	rows, err := st.Pool().Query(context.Background(),
		`DELETE FROM search_outbox RETURNING id, doc_type, doc_id, version, deleted`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	type withID struct {
		id int64
		r  outboxRow
	}
	var got []withID
	for rows.Next() {
		var x withID
		if err := rows.Scan(&x.id, &x.r.DocType, &x.r.DocID, &x.r.Version, &x.r.Deleted); err != nil {
			t.Fatal(err)
		}
		got = append(got, x)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	// The outbox's id order is the order the changes were made in.
	slices.SortFunc(got, func(a, b withID) int { return cmp.Compare(a.id, b.id) })
	out := make([]outboxRow, len(got))
	for i, x := range got {
		out[i] = x.r
	}
	return out
}
