package elasticsearch_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"helpdesk/indexer"
	"helpdesk/internal/estest"
	"helpdesk/internal/pgtest"
	"helpdesk/search"
	"helpdesk/search/searchtest"
	"helpdesk/store"
)

var pg = &pgtest.Server{}

func TestMain(m *testing.M) {
	code := m.Run()
	pg.Cleanup()
	os.Exit(code)
}

// TestConformance indexes the shared fixture through the real indexer and runs the suite.
func TestConformance(t *testing.T) {
	searchtest.Run(t, pg.NewStore(t), func(t *testing.T, st *store.Store) search.Searcher {
		es := estest.New(t)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		ix := indexer.New(st, es, slog.New(slog.NewTextHandler(io.Discard, nil)), indexer.NewMetrics(prometheus.NewRegistry()), indexer.Options{})
		if _, err := ix.Drain(ctx); err != nil {
			t.Fatalf("index fixture: %v", err)
		}
		if err := es.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		return es
	})
}
