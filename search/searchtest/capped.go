package searchtest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"helpdesk/search"
	"helpdesk/store"
)

// RunCapped loads more than search.TotalCap matching tickets into an empty st and checks that
// every engine counts the same way past the cap: a total of TotalCap that reads as a lower
// bound, and exact totals under it, for staff and for the client whose tickets they are.
func RunCapped(t *testing.T, st *store.Store, engine Engine) {
	t.Helper()
	ctx := context.Background()
	const extra, closed = 3, 2
	n := int64(search.TotalCap + extra)
	var acme, other, agent, alice, bob int64
	err := st.BulkLoad(ctx, func(ctx context.Context, b *store.BulkLoader) error {
		base := b.Base()
		acme, other = base.Clients+1, base.Clients+2
		i := int64(0)
		if _, err := b.CopyClients(ctx, func(r *store.ClientRow) bool {
			if i++; i > 2 {
				return false
			}
			*r = store.ClientRow{ID: base.Clients + i, Name: fmt.Sprintf("Client %d", i), SLAResponseMinutes: 60, CreatedAt: Base}
			return true
		}); err != nil {
			return err
		}
		agent, alice, bob = base.Users+1, base.Users+2, base.Users+3
		users := []store.UserRow{
			{ID: agent, Email: "agent@capped.example", Name: "Agent", Role: "agent"},
			{ID: alice, Email: "alice@capped.example", Name: "Alice", Role: "client", ClientID: &acme},
			{ID: bob, Email: "bob@capped.example", Name: "Bob", Role: "client", ClientID: &other},
		}
		i = 0
		if _, err := b.CopyUsers(ctx, func(r *store.UserRow) bool {
			if i++; i > int64(len(users)) {
				return false
			}
			*r = users[i-1]
			r.PasswordHash, r.Locale, r.CreatedAt = "x", "es", Base
			return true
		}); err != nil {
			return err
		}
		i = 0
		_, err := b.CopyTickets(ctx, func(r *store.TicketRow) bool {
			if i++; i > n {
				return false
			}
			status := "open"
			if i <= closed {
				status = "closed"
			}
			at := Base.Add(-time.Duration(n-i) * time.Minute)
			*r = store.TicketRow{ID: base.Tickets + i, ClientID: acme, CreatedBy: alice, Title: fmt.Sprintf("La impresora %d no imprime", i),
				Description: "La cola de impresión se queda atascada.", Status: status, Priority: "medium", Category: "printers", Tags: []string{},
				CreatedAt: at, UpdatedAt: at}
			if status == "closed" {
				r.ResolvedAt = &at
			}
			return true
		})
		return err
	})
	if err != nil {
		t.Fatalf("load %d tickets: %v", n, err)
	}
	s := engine(t, st)
	staff := search.Viewer{Role: "agent", UserID: agent}
	for _, c := range []struct {
		name     string
		q        search.Query
		total    int64
		relation string
		hits     int
	}{
		{"common word, staff", search.Query{Text: "impresora", Viewer: staff}, search.TotalCap, search.RelationAtLeast, search.DefaultPerPage},
		{"common word, the client", search.Query{Text: "impresora", Viewer: search.Viewer{Role: "client", UserID: alice, ClientID: acme}},
			search.TotalCap, search.RelationAtLeast, search.DefaultPerPage},
		{"another client sees none of them", search.Query{Text: "impresora", Viewer: search.Viewer{Role: "client", UserID: bob, ClientID: other}},
			0, search.RelationEqual, 0},
		{"no text, staff", search.Query{Types: []string{search.TypeTicket}, Viewer: staff}, search.TotalCap, search.RelationAtLeast, search.DefaultPerPage},
		{"a filter under the cap counts exactly", search.Query{Text: "impresora", Filters: search.Filters{Status: []string{"closed"}}, Viewer: staff},
			closed, search.RelationEqual, closed},
		// Found by the strict pass alone, then by the relaxed pass among ten thousand others: first.
		{"a rare word among many", search.Query{Text: "impresora 10002", Viewer: staff}, search.TotalCap, search.RelationAtLeast, search.DefaultPerPage},
		{"the oldest ticket holding every word", search.Query{Text: "impresora 1 atascada", Viewer: staff}, search.TotalCap, search.RelationAtLeast, search.DefaultPerPage},
		{"a later page", search.Query{Text: "impresora", Page: 3, Viewer: staff}, search.TotalCap, search.RelationAtLeast, search.DefaultPerPage},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.q.Now = Base
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			r, err := s.Search(ctx, c.q)
			if err != nil {
				t.Fatal(err)
			}
			if (c.total >= 0 && r.Total != c.total) || r.TotalRelation != c.relation {
				t.Errorf("total %d (%s), want %d (%s)", r.Total, r.TotalRelation, c.total, c.relation)
			}
			if c.hits >= 0 && len(r.Hits) != c.hits {
				t.Errorf("%d hits, want %d", len(r.Hits), c.hits)
			}
			first := map[string]string{"a rare word among many": "La impresora 10002 no imprime",
				"the oldest ticket holding every word": "La impresora 1 no imprime"}[c.name]
			if first != "" && (len(r.Hits) == 0 || r.Hits[0].Title != first) {
				t.Errorf("%q is not first among %d hits", first, len(r.Hits))
			}
		})
	}
}
