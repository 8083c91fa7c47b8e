package store_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"helpdesk/internal/pgtest"
	"helpdesk/store"
)

func TestMigrateEmptyDatabaseThenNoop(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := pgtest.Open(t, pg.NewEmptyDatabase(t))

	all, err := store.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	pending, err := st.PendingMigrations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) <= len(all) || pending[0] != all[0].Name || !strings.HasPrefix(pending[len(pending)-1], "river ") {
		t.Fatalf("empty database: pending %v, want all %d of ours, then River's", pending, len(all))
	}

	// Several processes migrating at once: each file is applied exactly once.
	var wg sync.WaitGroup
	applied := make([][]string, 3)
	errs := make([]error, 3)
	for i := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			applied[i], errs[i] = st.Migrate(ctx)
		}()
	}
	wg.Wait()
	total := 0
	for i := range 3 {
		if errs[i] != nil {
			t.Fatalf("migrate %d: %v", i, errs[i])
		}
		total += len(applied[i])
	}
	if total != len(pending) {
		t.Fatalf("concurrent migrations applied %d in total, want %d", total, len(pending))
	}

	again, err := st.Migrate(ctx)
	if err != nil || len(again) != 0 {
		t.Fatalf("second migrate = %v, %v; want no-op", again, err)
	}
	if pending, _ := st.PendingMigrations(ctx); len(pending) != 0 {
		t.Fatalf("pending after migrate: %v", pending)
	}
	var n int
	if err := st.Pool().QueryRow(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil || n != len(all) {
		t.Fatalf("schema_migrations rows = %d, %v; want %d", n, err, len(all))
	}
}

// TestUpgradeFillsSearchTables: a database of the release before the search tables, with
// tickets, comments and articles, is migrated; `portalctl migrate`'s analysis then writes the
// search rows of every document, and the fallback's vectors match what the rows say.
func TestUpgradeFillsSearchTables(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := pgtest.Open(t, pg.NewEmptyDatabase(t))
	if _, err := st.MigrateUpTo(ctx, 6); err != nil {
		t.Fatal(err)
	}
	w := newWorld(t, st)
	if _, err := st.AddComment(ctx, w.ticket.ID, w.agent.ID, "Cambiamos el tóner.", false); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddComment(ctx, w.ticket.ID, w.agent.ID, "Nota interna: garantía caducada.", true); err != nil {
		t.Fatal(err)
	}
	a, err := st.CreateArticle(ctx, store.NewArticle{Title: "Configure the printer", Body: "Add the **queue**.", Locale: "en",
		Audience: "public", Status: "published", AuthorID: &w.agent.ID})
	if err != nil {
		t.Fatal(err)
	}
	applied, err := st.Migrate(ctx)
	if err != nil || len(applied) == 0 {
		t.Fatalf("migrate = %v, %v", applied, err)
	}
	count := func(table string) (n int) {
		t.Helper()
		if err := st.Pool().QueryRow(ctx, `SELECT count(*) FROM `+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if count("ticket_search") != 0 || count("kb_search") != 0 {
		t.Fatal("the migration filled the search tables itself: analysis has nothing left to prove")
	}
	var seen []string
	if err := st.AnalyzeText(ctx, func(p store.AnalyzeProgress) { seen = append(seen, p.Table) }); err != nil {
		t.Fatal(err)
	}
	if count("ticket_search") != count("tickets") || count("kb_search") != count("kb_articles") {
		t.Fatalf("after analysis: %d/%d ticket rows, %d/%d article rows (progress %v)",
			count("ticket_search"), count("tickets"), count("kb_search"), count("kb_articles"), seen)
	}
	for _, c := range []struct {
		table string
		id    int64
		query string
	}{
		{"ticket_search", w.ticket.ID, `'=impresora' & 'toner':C & '!garantia':D & !'garantia'`},
		{"kb_search", a.ID, `'=printer' & '~configur':A & 'queue':B`},
	} {
		var ok bool
		if err := st.Pool().QueryRow(ctx, `SELECT match_vec @@ $2::tsquery FROM `+c.table+` WHERE id = $1`, c.id, c.query).Scan(&ok); err != nil || !ok {
			t.Errorf("%s %d does not match %s (%v)", c.table, c.id, c.query, err)
		}
	}
}
