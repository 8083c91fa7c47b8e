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
	// Rows written before the upgrade, as the schema of then took them: today's store code
	// writes columns that version 6 does not have.
	var ticketID, articleID int64
	if err := st.Pool().QueryRow(ctx, `WITH
		c AS (INSERT INTO clients (name, sla_response_minutes) VALUES ('Acme', 60) RETURNING id),
		a AS (INSERT INTO users (email, name, role, password_hash) VALUES ('agent@example.com', 'Ana', 'agent', 'x') RETURNING id),
		u AS (INSERT INTO users (email, name, role, client_id, password_hash) SELECT 'alice@acme.example', 'Alice', 'client', c.id, 'x' FROM c RETURNING id),
		t AS (INSERT INTO tickets (client_id, created_by, assignee_id, title, description, priority, category, tags, text_vec, vec_source)
			SELECT c.id, u.id, a.id, x.title, x.description, 'high', 'printers', '{impresora}', '', ticket_vec_source(x.title, x.description)
			FROM c, u, a, (VALUES ('La impresora no imprime', 'Desde ayer la cola se queda atascada.')) x(title, description)
			RETURNING id),
		m AS (INSERT INTO comments (ticket_id, author_id, body, internal, search_vec, vec_source)
			SELECT t.id, a.id, x.body, x.internal, '', comment_vec_source(x.body)
			FROM t, a, (VALUES ('Cambiamos el tóner.', false), ('Nota interna: garantía caducada.', true)) x(body, internal)),
		k AS (INSERT INTO kb_articles (slug, title, body, body_text, locale, audience, status, author_id, published_at, search_vec, vec_source)
			SELECT 'configure-the-printer', x.title, 'Add the **queue**.', x.body_text, 'en', 'public', 'published', a.id, now(), '', article_vec_source(x.title, x.body_text, 'en')
			FROM a, (VALUES ('Configure the printer', 'Add the queue.')) x(title, body_text)
			RETURNING id)
		SELECT t.id, k.id FROM t, k`).Scan(&ticketID, &articleID); err != nil {
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
		{"ticket_search", ticketID, `'=impresora' & 'toner':C & '!garantia':D & !'garantia'`},
		{"kb_search", articleID, `'=printer' & '~configur':A & 'queue':B`},
	} {
		var ok bool
		if err := st.Pool().QueryRow(ctx, `SELECT match_vec @@ $2::tsquery FROM `+c.table+` WHERE id = $1`, c.id, c.query).Scan(&ok); err != nil || !ok {
			t.Errorf("%s %d does not match %s (%v)", c.table, c.id, c.query, err)
		}
	}
}

// TestUpgradeRebuildsIndexesOfOnlyTheParent: a database whose bulk load rebuilt the search
// table's indexes "ON ONLY" the partitioned table (invalid, on no partition) gets them whole.
func TestUpgradeRebuildsIndexesOfOnlyTheParent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := pgtest.Open(t, pg.NewEmptyDatabase(t))
	if _, err := st.MigrateUpTo(ctx, 16); err != nil {
		t.Fatal(err)
	}
	newWorld(t, st) // a ticket, so a partition
	for _, ix := range []string{"ticket_search_match_idx", "ticket_search_client_idx"} {
		var def string
		if err := st.Pool().QueryRow(ctx, `SELECT pg_get_indexdef($1::regclass)`, ix).Scan(&def); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Pool().Exec(ctx, `DROP INDEX `+ix+`; `+def); err != nil { // def says ON ONLY
			t.Fatal(err)
		}
	}
	if broken := pgtest.BrokenIndexes(t, st); len(broken) != 4 {
		t.Fatalf("before the upgrade: %q, want both indexes invalid and missing from the partition", broken)
	}
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if broken := pgtest.BrokenIndexes(t, st); len(broken) > 0 {
		t.Errorf("after the upgrade: %q", broken)
	}
}
