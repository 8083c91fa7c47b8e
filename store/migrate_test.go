package store_test

import (
	"context"
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
	if len(pending) != len(all) {
		t.Fatalf("empty database: %d pending, want all %d", len(pending), len(all))
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
	if total != len(all) {
		t.Fatalf("concurrent migrations applied %d files in total, want %d", total, len(all))
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

func TestSearchFoldIsIndexable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := pg.NewStore(t)
	var folded string
	if err := st.Pool().QueryRow(ctx, `SELECT search_fold('Configuración de IMPRESORA Ñandú')`).Scan(&folded); err != nil {
		t.Fatal(err)
	}
	if folded != "configuracion de impresora nandu" {
		t.Fatalf("search_fold = %q", folded)
	}
	// The trigram indexes exist on the folded expressions the fallback search queries.
	var n int
	err := st.Pool().QueryRow(ctx, `SELECT count(*) FROM pg_indexes
		WHERE indexdef LIKE '%gin_trgm_ops%' AND indexdef LIKE '%search_fold%'`).Scan(&n)
	if err != nil || n != 5 { // ticket title and description, comment body, KB title and body
		t.Fatalf("trigram indexes = %d, %v; want 5", n, err)
	}
}
