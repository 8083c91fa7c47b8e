package elasticsearch_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"helpdesk/auth"
	"helpdesk/internal/estest"
	"helpdesk/search"
	"helpdesk/search/analysis"
	"helpdesk/search/elasticsearch"
)

// TestOtherNodeRetried puts a dead address and a node answering 503 before the real server:
// with several nodes, every request must still succeed, from the real one.
func TestOtherNodeRetried(t *testing.T) {
	target, err := url.Parse(estest.URLs(t)[0])
	if err != nil {
		t.Fatal(err)
	}
	var unavailable atomic.Int64
	busy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		unavailable.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	t.Cleanup(busy.Close)
	node := httptest.NewServer(httputil.NewSingleHostReverseProxy(target))
	t.Cleanup(node.Close)
	b, err := elasticsearch.New([]string{"http://127.0.0.1:1", busy.URL, node.URL}, estest.Prefix(), analysis.New())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for i := range 6 {
		if err := b.Ping(ctx); err != nil {
			t.Fatalf("ping %d: %v", i, err)
		}
	}
	if unavailable.Load() == 0 {
		t.Error("the node answering 503 was never tried: the test proves nothing")
	}
	// One node: a 503 is the answer, not a reason to ask it again.
	unavailable.Store(0)
	one, err := elasticsearch.New([]string{busy.URL}, estest.Prefix(), analysis.New())
	if err != nil {
		t.Fatal(err)
	}
	if err := one.Ping(ctx); err == nil || unavailable.Load() != 1 {
		t.Errorf("one node answering 503: %v after %d requests, want an error after 1", err, unavailable.Load())
	}
}

// TestIndexShape checks that created indices take SEARCH_SHARDS and SEARCH_REPLICAS, through
// EnsureIndices and through a reindex.
func TestIndexShape(t *testing.T) {
	ctx := context.Background()
	prefix := estest.Prefix()
	// Replicas stay unassigned on one node: the index is yellow, which is all this test needs.
	b := estest.NewAt(t, estest.URLs(t), prefix, analysis.New(), elasticsearch.WithShape(2, 1))
	pending, err := b.BeginReindex(ctx, "kb")
	if err != nil {
		t.Fatal(err)
	}
	for _, index := range []string{b.Alias("ticket"), pending} {
		res, err := http.Get(estest.URLs(t)[0] + "/" + index + "/_settings")
		if err != nil {
			t.Fatal(err)
		}
		var byIndex map[string]struct {
			Settings struct {
				Index struct {
					Shards   string `json:"number_of_shards"`
					Replicas string `json:"number_of_replicas"`
				} `json:"index"`
			} `json:"settings"`
		}
		err = json.NewDecoder(res.Body).Decode(&byIndex)
		res.Body.Close()
		if err != nil || len(byIndex) != 1 {
			t.Fatalf("settings of %s: %v (%d indices)", index, err, len(byIndex))
		}
		for name, s := range byIndex {
			if s.Settings.Index.Shards != "2" || s.Settings.Index.Replicas != "1" {
				t.Errorf("%s: %s shards, %s replicas, want 2 and 1", name, s.Settings.Index.Shards, s.Settings.Index.Replicas)
			}
		}
	}
	if err := b.AbortReindex(ctx, pending); err != nil {
		t.Fatal(err)
	}
}

// TestHungNodeSearchedElsewhere puts two nodes that never answer searches (as a SIGKILLed node
// does while its memory is freed, or a crashed machine) before the real server: with a
// deadline, every search must still be answered, by the real node, within it. Each hedged try
// must go to a node the search has not reached: handing the hedge the next node of the
// client's rotation, as before, sent some searches' two tries to the two hung nodes.
func TestHungNodeSearchedElsewhere(t *testing.T) {
	target, err := url.Parse(estest.URLs(t)[0])
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	var hung atomic.Int64
	stop := make(chan struct{})
	hanging := func() string {
		s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/_search") {
				hung.Add(1)
				select {
				case <-r.Context().Done():
				case <-stop:
				}
				return
			}
			proxy.ServeHTTP(w, r)
		}))
		t.Cleanup(s.Close)
		return s.URL
	}
	first, second := hanging(), hanging()
	t.Cleanup(func() { close(stop) }) // runs first: Close waits for every handler
	node := httptest.NewServer(proxy)
	t.Cleanup(node.Close)
	b := estest.NewAt(t, []string{first, second, node.URL}, estest.Prefix(), analysis.New())
	q := search.Query{Text: "impresora", Viewer: search.Viewer{Role: auth.Agent, UserID: 1}}
	// Searches at once, as a portal's are: each moves the client's rotation under the others.
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 4*time.Second)
			defer cancel()
			if _, err := b.Search(ctx, q); err != nil {
				t.Errorf("search %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	if hung.Load() < 2 {
		t.Errorf("%d searches went to the hanging nodes: the test proves nothing", hung.Load())
	}
}

// TestSlowNodeNotCutShort: with several nodes, a search past half its time is hedged on
// another node, not given up: nodes that answer in 60% of the deadline (a busy cluster, not a
// dead node) still answer every search. Cutting the first try at half time, as before, made
// the second start too late to finish.
func TestSlowNodeNotCutShort(t *testing.T) {
	target, err := url.Parse(estest.URLs(t)[0])
	if err != nil {
		t.Fatal(err)
	}
	const deadline = 4 * time.Second
	proxy := httputil.NewSingleHostReverseProxy(target)
	var slowed atomic.Int64
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/_search") {
			slowed.Add(1)
			select {
			case <-time.After(deadline * 6 / 10):
			case <-r.Context().Done():
				return
			}
		}
		proxy.ServeHTTP(w, r)
	})
	a, b := httptest.NewServer(slow), httptest.NewServer(slow)
	t.Cleanup(a.Close)
	t.Cleanup(b.Close)
	an := analysis.New()
	be := estest.NewAt(t, []string{a.URL, b.URL}, estest.Prefix(), an)
	q, err := search.Query{Text: "impresora", Viewer: search.Viewer{Role: auth.Agent, UserID: 1}}.Normalize()
	if err != nil {
		t.Fatal(err)
	}
	aq := an.Query(q.Text)
	for i := range 2 {
		// One pass is one request (a whole Search may take several).
		ctx, cancel := context.WithTimeout(context.Background(), deadline)
		_, err := be.Pass(ctx, q, aq, search.Pass{Required: analysis.Required(len(aq.Terms))})
		cancel()
		if err != nil {
			t.Fatalf("search %d: %v", i, err)
		}
	}
	if slowed.Load() < 2 {
		t.Errorf("%d searches reached the slow nodes: the test proves nothing", slowed.Load())
	}
}

// TestFailedShardsSearchedElsewhere: a reply whose shards failed (a node dying between the
// query and fetch phases) is no answer: with another node the search is asked there, with
// none it fails as unavailable (the portal then asks Postgres), never shows the partial hits.
func TestFailedShardsSearchedElsewhere(t *testing.T) {
	target, err := url.Parse(estest.URLs(t)[0])
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	const partialID = 987654321
	var partial atomic.Int64
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/_search") {
			proxy.ServeHTTP(w, r)
			return
		}
		partial.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"_shards": map[string]any{"total": 2, "successful": 1, "failed": 1},
			"hits": map[string]any{"total": map[string]any{"value": 1, "relation": "eq"}, "hits": []any{
				map[string]any{"_score": 1.0, "_source": map[string]any{"doc_type": "ticket", "id": partialID,
					"display": map[string]any{"title": "impresora"}}}}}})
	}))
	t.Cleanup(failing.Close)
	node := httptest.NewServer(proxy)
	t.Cleanup(node.Close)
	q := search.Query{Text: "impresora", Viewer: search.Viewer{Role: auth.Agent, UserID: 1}}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	b := estest.NewAt(t, []string{failing.URL, node.URL}, estest.Prefix(), analysis.New())
	for i := range 4 {
		res, err := b.Search(ctx, q)
		if err != nil {
			t.Fatalf("search %d: %v", i, err)
		}
		for _, h := range res.Hits {
			if h.ID == partialID {
				t.Fatalf("search %d answered with the failed shards' partial hits", i)
			}
		}
	}
	if partial.Load() == 0 {
		t.Fatal("the node failing shards was never asked: the test proves nothing")
	}

	alone := estest.NewAt(t, []string{failing.URL}, estest.Prefix(), analysis.New())
	if _, err := alone.Search(ctx, q); !errors.Is(err, search.ErrUnavailable) {
		t.Errorf("one node failing shards: %v, want %v", err, search.ErrUnavailable)
	}
}
