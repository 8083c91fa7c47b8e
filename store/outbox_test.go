package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"helpdesk/store"
)

func TestOutboxFollowsEveryWrite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := pg.NewStore(t)
	w := newWorld(t, st)
	drainOutbox(t, st)

	art, err := st.CreateArticle(ctx, store.NewArticle{Title: "Configuración de la VPN", Body: "# VPN", Category: "Redes", Status: "published"})
	if err != nil {
		t.Fatal(err)
	}
	ticketID, artID := w.ticket.ID, art.ID
	second, err := st.CreateTicket(ctx, store.NewTicket{ClientID: w.acme.ID, CreatedBy: w.alice.ID, Title: "Sin correo", AssigneeID: &w.agent.ID})
	if err != nil {
		t.Fatal(err)
	}
	// Its comments go with it when it is deleted, and must not break the delete.
	if _, err := st.AddComment(ctx, second.ID, w.agent.ID, "Revisando el buzón", false); err != nil {
		t.Fatal(err)
	}
	drainOutbox(t, st)

	status := "in_progress"
	newTitle := "Configurar la VPN en Windows 11"
	cases := []struct {
		name  string
		write func() error
		want  []outboxRow // Version 0: any version, checked to increase separately
	}{
		{"ticket update", func() error {
			_, err := st.UpdateTicket(ctx, ticketID, store.TicketPatch{Status: &status})
			return err
		}, []outboxRow{{DocType: "ticket", DocID: ticketID}}},
		{"public comment", func() error {
			_, err := st.AddComment(ctx, ticketID, w.agent.ID, "Estamos en ello", false)
			return err
		}, []outboxRow{{DocType: "ticket", DocID: ticketID}}},
		{"internal comment", func() error {
			_, err := st.AddComment(ctx, ticketID, w.agent.ID, "Proveedor avisado", true)
			return err
		}, []outboxRow{{DocType: "ticket", DocID: ticketID}}},
		{"article update", func() error {
			_, err := st.UpdateArticle(ctx, artID, store.ArticlePatch{Title: &newTitle})
			return err
		}, []outboxRow{{DocType: "kb", DocID: artID}}},
		{"client rename reaches every ticket of the client", func() error {
			_, err := st.RenameClient(ctx, w.acme.ID, "Acme Iberia S.A.")
			return err
		}, []outboxRow{{DocType: "ticket", DocID: ticketID}, {DocType: "ticket", DocID: second.ID}}},
		{"a client's new SLA moves the deadline of every ticket of the client", func() error {
			sla := 15
			_, err := st.UpdateClient(ctx, w.acme.ID, store.ClientPatch{SLAResponseMinutes: &sla})
			return err
		}, []outboxRow{{DocType: "ticket", DocID: ticketID}, {DocType: "ticket", DocID: second.ID}}},
		{"a client's contract end or state touches no ticket", func() error {
			off := false
			_, err := st.UpdateClient(ctx, w.acme.ID, store.ClientPatch{Active: &off, ClearContractEnd: true})
			return err
		}, nil},
		{"other client's rename touches nothing of acme", func() error {
			_, err := st.RenameClient(ctx, w.globex.ID, "Globex Europe Ltd")
			return err
		}, nil},
		{"assignee rename", func() error {
			_, err := st.RenameUser(ctx, w.agent.ID, "Ana María Agente")
			return err
		}, []outboxRow{{DocType: "ticket", DocID: ticketID}, {DocType: "ticket", DocID: second.ID}}},
		{"category rename", func() error {
			return st.RenameCategory(ctx, *art.CategoryID, "Redes y VPN")
		}, []outboxRow{{DocType: "kb", DocID: artID}}},
		{"ticket delete with comments leaves one tombstone", func() error {
			return st.DeleteTicket(ctx, second.ID)
		}, []outboxRow{{DocType: "ticket", DocID: second.ID, Deleted: true}}},
		{"article delete leaves a tombstone", func() error {
			return st.DeleteArticle(ctx, artID)
		}, []outboxRow{{DocType: "kb", DocID: artID, Deleted: true}}},
	}
	var lastVersion int64
	for _, tc := range cases {
		if err := tc.write(); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got := drainOutbox(t, st)
		if len(got) != len(tc.want) {
			t.Fatalf("%s: outbox = %+v, want %+v", tc.name, got, tc.want)
		}
		for i := range got {
			g, w := got[i], tc.want[i]
			if g.DocType != w.DocType || g.DocID != w.DocID || g.Deleted != w.Deleted {
				t.Errorf("%s: row %d = %+v, want %+v", tc.name, i, g, w)
			}
			if g.Version <= lastVersion {
				t.Errorf("%s: version %d does not exceed the previous %d", tc.name, g.Version, lastVersion)
			}
			lastVersion = g.Version
		}
	}
}

func TestOutboxVersionMatchesRow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := pg.NewStore(t)
	w := newWorld(t, st)
	drainOutbox(t, st)
	if _, err := st.AddComment(ctx, w.ticket.ID, w.alice.ID, "¿Alguna novedad?", false); err != nil {
		t.Fatal(err)
	}
	got := drainOutbox(t, st)
	cur, err := st.Ticket(ctx, w.ticket.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Version != cur.Version || cur.Version <= w.ticket.Version {
		t.Fatalf("outbox %+v; ticket version %d (was %d): the outbox must carry the new row version", got, cur.Version, w.ticket.Version)
	}
}

func TestRollbackLeavesNoOutboxRow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := pg.NewStore(t)
	w := newWorld(t, st)
	drainOutbox(t, st)
	boom := errors.New("boom")
	err := st.Transact(ctx, func(tx *store.Store) error {
		if _, err := tx.CreateTicket(ctx, store.NewTicket{ClientID: w.acme.ID, CreatedBy: w.alice.ID, Title: "nunca"}); err != nil {
			return err
		}
		if _, err := tx.AddComment(ctx, w.ticket.ID, w.agent.ID, "nunca", false); err != nil {
			return err
		}
		if _, err := tx.RenameClient(ctx, w.acme.ID, "Nunca S.A."); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("transact = %v, want boom", err)
	}
	if got := drainOutbox(t, st); len(got) != 0 {
		t.Fatalf("outbox after rollback = %+v, want empty", got)
	}
	cur, err := st.Ticket(ctx, w.ticket.ID)
	if err != nil || cur.Version != w.ticket.Version {
		t.Fatalf("ticket after rollback: %+v, %v", cur, err)
	}
}

func TestOutboxNotifiesListeners(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	st := pg.NewStore(t)
	w := newWorld(t, st)
	conn, err := pgx.Connect(ctx, st.Pool().Config().ConnConfig.ConnString())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `LISTEN search_outbox`); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddComment(ctx, w.ticket.ID, w.agent.ID, "hola", false); err != nil {
		t.Fatal(err)
	}
	n, err := conn.WaitForNotification(ctx)
	if err != nil {
		t.Fatalf("no notification after a write: %v", err)
	}
	if n.Channel != "search_outbox" {
		t.Fatalf("notification on %q", n.Channel)
	}
}

func TestFirstResponseAndResolution(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := pg.NewStore(t)
	w := newWorld(t, st)
	id := w.ticket.ID
	get := func() *store.Ticket {
		t.Helper()
		cur, err := st.Ticket(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return cur
	}
	// Neither the client's own follow-up nor an internal note is a response to the client.
	if _, err := st.AddComment(ctx, id, w.alice.ID, "¿Hay novedades?", false); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddComment(ctx, id, w.agent.ID, "Nota interna", true); err != nil {
		t.Fatal(err)
	}
	if cur := get(); cur.FirstResponseAt != nil {
		t.Fatalf("first response set by a client or internal comment: %v", cur.FirstResponseAt)
	}
	c, err := st.AddComment(ctx, id, w.agent.ID, "Hola, lo revisamos ahora.", false)
	if err != nil {
		t.Fatal(err)
	}
	first := get().FirstResponseAt
	if first == nil || !first.Equal(c.CreatedAt) {
		t.Fatalf("first response = %v, want %v", first, c.CreatedAt)
	}
	if _, err := st.AddComment(ctx, id, w.admin.ID, "Segundo mensaje", false); err != nil {
		t.Fatal(err)
	}
	if again := get().FirstResponseAt; !again.Equal(*first) {
		t.Fatalf("first response moved to %v", again)
	}
	resolved, reopened := "resolved", "open"
	if cur, err := st.UpdateTicket(ctx, id, store.TicketPatch{Status: &resolved}); err != nil || cur.ResolvedAt == nil {
		t.Fatalf("resolve: %+v, %v", cur, err)
	}
	if cur, err := st.UpdateTicket(ctx, id, store.TicketPatch{Status: &reopened}); err != nil || cur.ResolvedAt != nil {
		t.Fatalf("reopen keeps resolved_at: %+v, %v", cur, err)
	}
}

func TestTicketDocs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := pg.NewStore(t)
	w := newWorld(t, st)
	if _, err := st.AddComment(ctx, w.ticket.ID, w.agent.ID, "Reinicia el spooler", false); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddComment(ctx, w.ticket.ID, w.agent.ID, "Cliente VIP", true); err != nil {
		t.Fatal(err)
	}
	docs, err := st.TicketDocs(ctx, []int64{w.ticket.ID, 999999})
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 1 {
		t.Fatalf("docs = %d, want 1 (missing ids are absent)", len(docs))
	}
	d := docs[0]
	if d.ClientName != "Acme Ibérica S.L." || d.AssigneeName == nil || *d.AssigneeName != "Ana Agente" {
		t.Fatalf("denormalised names: %q %v", d.ClientName, d.AssigneeName)
	}
	if len(d.Comments) != 1 || d.Comments[0] != "Reinicia el spooler" || len(d.Internal) != 1 {
		t.Fatalf("comments = %q, internal = %q", d.Comments, d.Internal)
	}
	cur, _ := st.Ticket(ctx, w.ticket.ID)
	if d.Version != cur.Version {
		t.Fatalf("doc version %d, row version %d", d.Version, cur.Version)
	}
}
