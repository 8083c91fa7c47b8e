package store_test

import (
	"context"
	"testing"

	"helpdesk/search"
	"helpdesk/store"
)

// TestListsTakeTheViewer: the store's lists of tickets, comments and articles are built from
// the viewer, so a client gets their company's tickets and public comments, staff everything,
// and no caller can ask without saying for whom.
func TestListsTakeTheViewer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := pg.NewStore(t)
	w := newWorld(t, st)
	theirs, err := st.CreateTicket(ctx, store.NewTicket{ClientID: w.globex.ID, CreatedBy: w.bob.ID, Title: "Printer offline", Priority: "low", Category: "printers"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		ticket   int64
		internal bool
	}{{w.ticket.ID, false}, {w.ticket.ID, true}, {theirs.ID, false}} {
		if _, err := st.AddComment(ctx, c.ticket, w.agent.ID, "Revisado.", c.internal); err != nil {
			t.Fatal(err)
		}
	}
	for _, a := range []store.NewArticle{
		{Title: "Para todos", Audience: "public", Status: "published"},
		{Title: "Para clientes", Audience: "clients", Status: "published"},
		{Title: "Interno", Audience: "internal", Status: "published"},
		{Title: "Borrador", Audience: "public", Status: "draft"},
	} {
		if _, err := st.CreateArticle(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	staff := search.Viewer{Role: "agent", UserID: w.agent.ID}
	alice := search.Viewer{Role: "client", UserID: w.alice.ID, ClientID: w.acme.ID}
	anonymous := search.Viewer{}
	for _, c := range []struct {
		name                    string
		v                       search.Viewer
		tickets, ownComments    int64
		otherComments, articles int
	}{
		{"staff", staff, 2, 2, 1, 4},
		{"a client", alice, 1, 1, 0, 2},
		{"anonymous", anonymous, 0, 0, 0, 1},
	} {
		_, total, err := st.Tickets(ctx, c.v, store.TicketFilter{Limit: 10})
		if err != nil || total != c.tickets {
			t.Errorf("%s: %d tickets (%v), want %d", c.name, total, err, c.tickets)
		}
		own, err := st.Comments(ctx, c.v, w.ticket.ID)
		if err != nil || int64(len(own)) != c.ownComments {
			t.Errorf("%s: %d comments of Acme's ticket (%v), want %d", c.name, len(own), err, c.ownComments)
		}
		views, err := st.CommentViews(ctx, c.v, theirs.ID)
		if err != nil || len(views) != c.otherComments {
			t.Errorf("%s: %d comments of Globex's ticket (%v), want %d", c.name, len(views), err, c.otherComments)
		}
		_, n, err := st.Articles(ctx, c.v, store.ArticleFilter{Limit: 10})
		if err != nil || n != int64(c.articles) {
			t.Errorf("%s: %d articles (%v), want %d", c.name, n, err, c.articles)
		}
	}
}
