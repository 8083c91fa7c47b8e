package seed_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"helpdesk/internal/pgtest"
	"helpdesk/seed"
	"helpdesk/seed/corpus"
	"helpdesk/store"
)

var pg = &pgtest.Server{}

func TestMain(m *testing.M) { pgtest.Main(m, pg) }

var anchor = time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)

func small(s uint64) seed.Options {
	return seed.Options{Clients: 6, Tickets: 800, Articles: 60, Seed: s, Until: anchor, PasswordHash: "not-a-real-hash"}
}

// digest fingerprints every seeded table's content in id order.
func digest(t *testing.T, st *store.Store) string {
	t.Helper()
	var d string
	err := st.Pool().QueryRow(context.Background(), `SELECT md5(
		(SELECT string_agg(c::text, '|' ORDER BY c.id) FROM clients c) ||
		(SELECT string_agg(u::text, '|' ORDER BY u.id) FROM users u) ||
		(SELECT string_agg(k::text, '|' ORDER BY k.id) FROM kb_categories k) ||
		(SELECT string_agg(a::text, '|' ORDER BY a.id) FROM kb_articles a) ||
		(SELECT string_agg(t::text, '|' ORDER BY t.id) FROM tickets t) ||
		(SELECT string_agg(m::text, '|' ORDER BY m.id) FROM comments m))`).Scan(&d)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func load(t *testing.T, o seed.Options) (*store.Store, seed.Result) {
	t.Helper()
	st := pg.NewStore(t)
	res, err := seed.Run(context.Background(), st, o)
	if err != nil {
		t.Fatal(err)
	}
	return st, res
}

func TestSeedIsDeterministic(t *testing.T) {
	t.Parallel()
	a, ra := load(t, small(7))
	b, _ := load(t, small(7))
	c, _ := load(t, small(8))
	da, db, dc := digest(t, a), digest(t, b), digest(t, c)
	if da != db {
		t.Fatalf("same seed, different data: %s vs %s", da, db)
	}
	if da == dc {
		t.Fatal("different seeds gave identical data")
	}
	if ra.Tickets != 800 || ra.Clients != 6 || ra.Articles != 60 || ra.Comments == 0 {
		t.Fatalf("result = %+v", ra)
	}
	if len(ra.Logins) < 3 {
		t.Fatalf("logins = %+v, want admin, agent and client accounts", ra.Logins)
	}
}

// TestSeedDataIsPlausible checks the invariants a demo and the later search tests rely on.
func TestSeedDataIsPlausible(t *testing.T) {
	t.Parallel()
	st, res := load(t, small(1))
	ctx := context.Background()
	checks := []struct {
		name string
		sql  string // counts violations
	}{
		{"ticket creator belongs to the ticket's company", `SELECT count(*) FROM tickets t JOIN users u ON u.id = t.created_by
			WHERE u.client_id IS DISTINCT FROM t.client_id`},
		{"assignees are staff", `SELECT count(*) FROM tickets t JOIN users u ON u.id = t.assignee_id WHERE u.role = 'client'`},
		{"comments after their ticket opened", `SELECT count(*) FROM comments m JOIN tickets t ON t.id = m.ticket_id WHERE m.created_at < t.created_at`},
		{"client comments are never internal", `SELECT count(*) FROM comments m JOIN users u ON u.id = m.author_id WHERE u.role = 'client' AND m.internal`},
		{"client commenters belong to the company", `SELECT count(*) FROM comments m JOIN users u ON u.id = m.author_id
			JOIN tickets t ON t.id = m.ticket_id WHERE u.role = 'client' AND u.client_id <> t.client_id`},
		{"resolved tickets have resolved_at", `SELECT count(*) FROM tickets WHERE (status IN ('resolved','closed')) <> (resolved_at IS NOT NULL)`},
		{"nothing in the future", `SELECT count(*) FROM tickets WHERE created_at > '2026-06-30' OR updated_at > '2026-06-30'`},
		{"first response is the first staff reply", `SELECT count(*) FROM tickets t WHERE t.first_response_at IS NOT NULL AND NOT EXISTS (
			SELECT 1 FROM comments m JOIN users u ON u.id = m.author_id
			WHERE m.ticket_id = t.id AND u.role <> 'client' AND NOT m.internal AND m.created_at = t.first_response_at)`},
		{"one outbox row per ticket", `SELECT abs((SELECT count(*) FROM tickets) - (SELECT count(*) FROM search_outbox WHERE doc_type = 'ticket'))`},
		{"one outbox row per article", `SELECT abs((SELECT count(*) FROM kb_articles) - (SELECT count(*) FROM search_outbox WHERE doc_type = 'kb'))`},
		{"outbox carries row versions", `SELECT count(*) FROM search_outbox o JOIN tickets t ON t.id = o.doc_id AND o.doc_type = 'ticket' WHERE o.version <> t.version`},
	}
	for _, c := range checks {
		var n int64
		if err := st.Pool().QueryRow(ctx, c.sql).Scan(&n); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if n != 0 {
			t.Errorf("%s: %d violations", c.name, n)
		}
	}
	spread := []struct {
		name string
		sql  string
	}{
		{"statuses", `SELECT count(DISTINCT status) FROM tickets`},
		{"priorities", `SELECT count(DISTINCT priority) FROM tickets`},
		{"categories", `SELECT count(DISTINCT category) FROM tickets`},
		{"locales of articles", `SELECT count(DISTINCT locale) FROM kb_articles`},
		{"audiences", `SELECT count(DISTINCT audience) FROM kb_articles`},
		{"article states", `SELECT count(DISTINCT status) FROM kb_articles`},
		{"SLAs", `SELECT count(DISTINCT sla_response_minutes) FROM clients`},
		{"months with tickets", `SELECT count(DISTINCT date_trunc('month', created_at)) FROM tickets`},
	}
	for _, s := range spread {
		var n int
		if err := st.Pool().QueryRow(ctx, s.sql).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n < 2 {
			t.Errorf("%s: only %d distinct values", s.name, n)
		}
	}
	var breached, responded int
	if err := st.Pool().QueryRow(ctx, `SELECT count(*) FILTER (WHERE t.first_response_at > t.created_at + c.sla_response_minutes * interval '1 minute'),
		count(t.first_response_at) FROM tickets t JOIN clients c ON c.id = t.client_id`).Scan(&breached, &responded); err != nil {
		t.Fatal(err)
	}
	if share := float64(breached) / float64(responded); share < 0.03 || share > 0.3 {
		t.Errorf("SLA breaches: %d of %d responses, want a realistic few", breached, responded)
	}

	// Seeding again adds to the data without colliding with it.
	o := small(2)
	o.Tickets = 50
	more, err := seed.Run(ctx, st, o)
	if err != nil {
		t.Fatalf("second seed into a non-empty database: %v", err)
	}
	if len(more.Logins) != 0 {
		t.Errorf("second seed re-created demo logins: %+v", more.Logins)
	}
	c, err := st.Counts(ctx)
	if err != nil || c.Tickets != res.Tickets+50 {
		t.Fatalf("counts after second seed: %+v, %v", c, err)
	}
	// Normal writes go on after a bulk load: ids continue past the seeded ones.
	if _, err := st.CreateClient(ctx, "Nuevo Cliente S.L.", 60, nil); err != nil {
		t.Fatalf("insert after seed: %v", err)
	}
}

func TestSeedCategoriesAreTicketCategories(t *testing.T) {
	t.Parallel()
	cats, err := pg.NewStore(t).TicketCategories(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range corpus.TicketCategories {
		if !slices.ContainsFunc(cats, func(tc store.TicketCategory) bool { return tc.Slug == c && tc.Active }) {
			t.Errorf("seed category %q is not one the portal offers", c)
		}
	}
}

// TestSeedKeepsEveryIndex: the bulk load drops the indexes of the tables it fills and builds
// them again; every one must come back valid, on every partition of a partitioned table (the
// fallback search reads a partition's GIN index, and without it every row's vector).
func TestSeedKeepsEveryIndex(t *testing.T) {
	t.Parallel()
	st, _ := load(t, small(3))
	if broken := pgtest.BrokenIndexes(t, st); len(broken) > 0 {
		t.Errorf("after the bulk load:\n%s", strings.Join(broken, "\n"))
	}
}
