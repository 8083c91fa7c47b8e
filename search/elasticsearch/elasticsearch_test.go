package elasticsearch_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"helpdesk/indexer"
	"helpdesk/internal/estest"
	"helpdesk/internal/pgtest"
	"helpdesk/search"
	"helpdesk/search/analysis"
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
	searchtest.Run(t, pg.NewStore(t), indexed)
}

func TestTotalsPastTheCap(t *testing.T) {
	searchtest.RunCapped(t, pg.NewStore(t), indexed)
}

// indexed builds an index of st through the real indexer.
func indexed(t *testing.T, st *store.Store) search.Searcher {
	es := estest.New(t, st.Analyzer())
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	ix := indexer.New(st, es, slog.New(slog.NewTextHandler(io.Discard, nil)), indexer.NewMetrics(prometheus.NewRegistry()), indexer.Options{})
	if _, err := ix.Drain(ctx); err != nil {
		t.Fatalf("index: %v", err)
	}
	if err := es.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	return es
}

// TestBeginReindexDropsLeftovers: a reindex killed half-way leaves an index behind the pending
// alias, one killed between its alias swap and dropping the old index leaves one with no
// alias; the next reindex drops both, and never the live index.
func TestBeginReindexDropsLeftovers(t *testing.T) {
	es := estest.New(t, analysis.New())
	ctx := context.Background()
	pending, err := es.BeginReindex(ctx, search.TypeTicket)
	if err != nil {
		t.Fatal(err)
	}
	orphan, err := es.BeginReindex(ctx, search.TypeTicket) // drops pending, then makes another
	if err != nil {
		t.Fatal(err)
	}
	base := estest.URL(t)
	req, _ := http.NewRequest("POST", base+"/_aliases", strings.NewReader(
		`{"actions":[{"remove":{"index":"`+orphan+`","alias":"`+es.Alias(search.TypeTicket)+`_pending"}}]}`))
	req.Header.Set("Content-Type", "application/json")
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 200 {
		t.Fatalf("remove alias: %v %v", res, err)
	}
	next, err := es.BeginReindex(ctx, search.TypeTicket)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{pending, orphan} {
		res, err := http.Head(base + "/" + name)
		if err != nil || res.StatusCode != 404 {
			t.Errorf("%s still exists: %v %v", name, res.StatusCode, err)
		}
	}
	if err := es.AbortReindex(ctx, next); err != nil {
		t.Fatal(err)
	}
	if n, err := es.Count(ctx, search.TypeTicket); err != nil || n != 0 {
		t.Errorf("the live index: %d documents, %v", n, err)
	}
}
