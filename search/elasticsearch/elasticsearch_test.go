package elasticsearch_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"helpdesk/auth"
	"helpdesk/indexer"
	"helpdesk/internal/estest"
	"helpdesk/internal/pgtest"
	"helpdesk/search"
	"helpdesk/search/analysis"
	"helpdesk/search/elasticsearch"
	"helpdesk/search/searchtest"
	"helpdesk/store"
	"helpdesk/tracing"
)

var pg = &pgtest.Server{}

func TestMain(m *testing.M) { pgtest.Main(m, pg) }

// TestConformance indexes the shared fixture through the real indexer and runs the suite.
func TestConformance(t *testing.T) {
	searchtest.Run(t, pg.NewStore(t), indexed)
}

func TestTotalsPastTheCap(t *testing.T) {
	searchtest.RunCapped(t, pg.NewStore(t), indexed)
}

// TestConformanceAfterChanges: rows changed and deleted through the store reach the index
// through the real indexer, and are searched as they now are.
func TestConformanceAfterChanges(t *testing.T) {
	searchtest.RunChanges(t, pg.NewStore(t), indexed)
}

// indexed builds an index of st through the real indexer, and keeps it in step when the
// suite changes rows (Sync).
func indexed(t *testing.T, st *store.Store) search.Searcher {
	s := &syncedIndex{Backend: estest.New(t, st.Analyzer())}
	s.ix = indexer.New(st, s.Backend, slog.New(slog.NewTextHandler(io.Discard, nil)), indexer.NewMetrics(prometheus.NewRegistry()), indexer.Options{})
	s.Sync(t)
	return s
}

type syncedIndex struct {
	*elasticsearch.Backend
	ix *indexer.Indexer
}

// Sync indexes what the outbox holds and makes it searchable.
func (s *syncedIndex) Sync(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := s.ix.Drain(ctx); err != nil {
		t.Fatalf("index: %v", err)
	}
	if err := s.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
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
	if status := call(t, "POST", base+"/_aliases",
		`{"actions":[{"remove":{"index":"`+orphan+`","alias":"`+es.Alias(search.TypeTicket)+`_pending"}}]}`); status != 200 {
		t.Fatalf("remove alias: status %d", status)
	}
	next, err := es.BeginReindex(ctx, search.TypeTicket)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{pending, orphan} {
		if status := call(t, "HEAD", base+"/"+name, ""); status != 404 {
			t.Errorf("%s still exists: status %d", name, status)
		}
	}
	if err := es.AbortReindex(ctx, next); err != nil {
		t.Fatal(err)
	}
	if n, err := es.Count(ctx, search.TypeTicket); err != nil || n != 0 {
		t.Errorf("the live index: %d documents, %v", n, err)
	}
}

// TestBeginReindexDropsAStrayPendingIndex: a delete sent through the pending alias as a reindex
// removes it makes an index of the alias's name (Elasticsearch creates the index a bulk delete
// names, require_alias or not); the next reindex drops it and makes its alias, where it failed
// with invalid_alias_name_exception.
func TestBeginReindexDropsAStrayPendingIndex(t *testing.T) {
	es := estest.New(t, analysis.New())
	ctx := context.Background()
	stray := es.Alias(search.TypeKB) + "_pending"
	if status := call(t, "POST", estest.URL(t)+"/_bulk?require_alias=true",
		`{"delete":{"_index":"`+stray+`","_id":"1","version":9,"version_type":"external"}}`+"\n"); status != 200 {
		t.Fatalf("bulk delete: status %d", status)
	}
	if status := call(t, "HEAD", estest.URL(t)+"/"+stray, ""); status != 200 {
		t.Fatalf("Elasticsearch no longer creates the index a delete names (status %d): this test has no cause left", status)
	}
	index, err := es.BeginReindex(ctx, search.TypeKB)
	if err != nil {
		t.Fatalf("begin reindex over a stray index: %v", err)
	}
	if err := es.AbortReindex(ctx, index); err != nil {
		t.Fatal(err)
	}
}

// call sends one request to Elasticsearch and returns its status, its body read and closed.
func call(t *testing.T, method, url, body string) int {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	if _, err := io.Copy(io.Discard, res.Body); err != nil {
		t.Fatalf("%s %s: read the answer: %v", method, url, err)
	}
	return res.StatusCode
}

// TestLoaderStopsWithItsContext: a reindex cancelled (Ctrl-C, a shutdown) stops sending: the
// loader's requests carry its context, and what they could not send is reported, not lost in
// silence nor sent after the caller gave up.
func TestLoaderStopsWithItsContext(t *testing.T) {
	es := estest.New(t, analysis.New())
	ctx := context.Background()
	index, err := es.BeginReindex(ctx, search.TypeKB)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = es.AbortReindex(context.Background(), index) })
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	loader, err := es.NewLoader(cancelled, index)
	if err != nil {
		t.Fatal(err)
	}
	doc := &search.Document{Type: search.TypeKB, ID: 1, Version: 1, Title: "Impresora en red", Locale: "es", Slug: "impresora", Audience: "public", Published: true}
	if err := loader.Add(ctx, doc); err != nil {
		t.Fatal(err)
	}
	err = loader.Close(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("close: %v, want the loader's context's end reported", err)
	}
	if status := call(t, "POST", estest.URL(t)+"/"+index+"/_refresh", ""); status != 200 {
		t.Fatalf("refresh: status %d", status)
	}
	if status := call(t, "GET", estest.URL(t)+"/"+index+"/_doc/1", ""); status != 404 {
		t.Errorf("the document was sent after its context ended: status %d", status)
	}
}

// TestSearchSendsTheRequestID: a search names the request it serves to Elasticsearch
// (X-Opaque-Id, which its slow log and tasks show). A proxy in front of the real cluster
// records what arrives.
func TestSearchSendsTheRequestID(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	prefix := estest.Prefix()
	an := analysis.New()
	if err := estest.NewWithPrefix(t, prefix, an).EnsureIndices(ctx); err != nil {
		t.Fatal(err)
	}
	target, err := url.Parse(estest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var seen []string
	proxy := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/_search") {
			mu.Lock()
			seen = append(seen, r.Header.Get("X-Opaque-Id"))
			mu.Unlock()
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	b, err := elasticsearch.New([]string{srv.URL}, prefix, an)
	if err != nil {
		t.Fatal(err)
	}
	q := search.Query{Text: "impresora", Viewer: search.Viewer{Role: auth.Agent, UserID: 1}}
	for _, c := range []struct {
		ctx  context.Context
		want string
	}{{tracing.WithRequestID(ctx, "req-7f3a"), "req-7f3a"}, {ctx, ""}} {
		mu.Lock()
		seen = nil
		mu.Unlock()
		if _, err := b.Search(c.ctx, q); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		if len(seen) == 0 || slices.ContainsFunc(seen, func(id string) bool { return id != c.want }) {
			t.Errorf("X-Opaque-Id of a search's requests: %q, want each %q", seen, c.want)
		}
		mu.Unlock()
	}
}
