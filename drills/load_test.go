//go:build drills

package drills

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// The load a drill runs through a fault, and what it must find afterwards.

const loadWorkers = 3

// record is one request of the load and what came of it.
type record struct {
	at     time.Time
	took   time.Duration
	route  string
	status int   // 0 when no answer came
	err    error // the transport error then
	engine string
	total  int64 // hits, for the fixture search
}

func (r record) failed() bool { return r.err != nil || r.status >= 500 }

// load sends a mix of page, search and API requests, reads and writes, and keeps every answer.
type load struct {
	base   string
	fx     fixture
	client *http.Client
	began  time.Time
	mu     sync.Mutex
	recs   []record
}

func newLoad(base string, fx fixture) *load {
	return &load{base: base, fx: fx, began: time.Now(), client: &http.Client{
		Timeout:       30 * time.Second,
		CheckRedirect: probeClient.CheckRedirect,
		Transport:     &http.Transport{MaxIdleConnsPerHost: loadWorkers},
	}}
}

func (l *load) run(ctx context.Context, worker int) {
	rng := rand.New(rand.NewPCG(uint64(worker), uint64(time.Now().UnixNano())))
	for ctx.Err() == nil {
		r := l.one(rng)
		l.mu.Lock()
		l.recs = append(l.recs, r)
		l.mu.Unlock()
		time.Sleep(10 * time.Millisecond)
	}
}

// one sends a request picked at random. It is not tied to the load's context: a request in
// flight when the load stops completes, so every record is a real answer or a real failure.
func (l *load) one(rng *rand.Rand) record {
	word := url.QueryEscape(words[rng.IntN(len(words))])
	ticket := l.fx.tickets[rng.IntN(len(l.fx.tickets))]
	var route, path, method, body string
	bearer, session := false, false
	switch n := rng.IntN(100); {
	case n < 20:
		route, path = "GET /search", "/search?q="+word
	case n < 35:
		route, path, bearer = "GET /api/v1/search", "/api/v1/search?per_page=5&q="+word, true
	case n < 45:
		route, path, bearer = "GET /api/v1/search (fixture)", "/api/v1/search?type=kb&q="+fixtureWord, true
	case n < 60:
		route, path = "GET /kb/{slug}", "/kb/"+l.fx.slugs[rng.IntN(len(l.fx.slugs))]
	case n < 72:
		route, path, session = "GET /tickets/{id}", fmt.Sprintf("/tickets/%d", ticket), true
	case n < 88:
		route, path, bearer = "GET /api/v1/tickets/{id}", fmt.Sprintf("/api/v1/tickets/%d", ticket), true
	default:
		route, path, bearer = "POST /api/v1/tickets/{id}/comments", fmt.Sprintf("/api/v1/tickets/%d/comments", ticket), true
		method, body = http.MethodPost, fmt.Sprintf(`{"body": "carga %s %d"}`, words[rng.IntN(len(words))], rng.IntN(1e6))
	}
	if method == "" {
		method = http.MethodGet
	}
	r := record{at: time.Now(), route: route}
	req, err := http.NewRequest(method, l.base+path, strings.NewReader(body))
	if err != nil {
		r.err = err
		return r
	}
	if bearer {
		req.Header.Set("Authorization", "Bearer "+l.fx.token)
	}
	if session {
		req.AddCookie(&http.Cookie{Name: "hd_session", Value: l.fx.session})
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := l.client.Do(req)
	if err != nil {
		r.took, r.err = time.Since(r.at), err
		return r
	}
	raw, err := io.ReadAll(res.Body)
	res.Body.Close()
	r.took, r.status = time.Since(r.at), res.StatusCode
	if err != nil {
		r.err = fmt.Errorf("reading the answer: %w", err)
		return r
	}
	if strings.HasPrefix(route, "GET /api/v1/search") && res.StatusCode == http.StatusOK {
		var s struct {
			Engine string `json:"engine"`
			Total  int64  `json:"total"`
		}
		if err := json.Unmarshal(raw, &s); err != nil {
			r.err = fmt.Errorf("search answer: %w", err)
			return r
		}
		r.engine, r.total = s.Engine, s.Total
	}
	return r
}

func (l *load) snapshot() []record {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.recs)
}

// engines counts the API searches each engine answered between from and to.
func (l *load) engines(from, to time.Time) map[string]int {
	n := map[string]int{}
	for _, r := range l.snapshot() {
		if r.engine != "" && !r.at.Before(from) && r.at.Before(to) {
			n[r.engine]++
		}
	}
	return n
}

// lastFailure returns the end of the last request that failed (5xx or no answer) between
// from and to; zero when none did.
func (l *load) lastFailure(from, to time.Time) time.Time {
	var last time.Time
	for _, r := range l.snapshot() {
		if end := r.at.Add(r.took); r.failed() && !r.at.Before(from) && r.at.Before(to) && end.After(last) {
			last = end
		}
	}
	return last
}

// window is a stretch of time in which 5xx answers are documented behaviour.
type window struct {
	name     string
	from, to time.Time
}

// covers reports whether a request overlaps the window: one sent just before a fault and
// answered during it belongs to it.
func (w window) covers(r record) bool {
	return r.at.Before(w.to) && !r.at.Add(r.took).Before(w.from)
}

// check fails the test for every 5xx or transport error outside the windows, and for a
// fixture search that missed a fixture article, and logs what the load saw.
func (l *load) check(t *testing.T, windows []window) {
	t.Helper()
	recs := l.snapshot()
	if len(recs) < 100 {
		t.Errorf("only %d requests: the load proves little", len(recs))
	}
	var classes [6]int // by status/100; 0 is no answer
	inside := make([]int, len(windows))
	failedInside := make([]int, len(windows))
	engines := map[string]int{}
	var outside, incomplete []record
	var slowest record
	for _, r := range recs {
		classes[min(r.status/100, 5)]++
		if r.took > slowest.took {
			slowest = r
		}
		if r.engine != "" {
			engines[r.engine]++
		}
		if r.route == "GET /api/v1/search (fixture)" && r.status == http.StatusOK && r.total != 3 {
			incomplete = append(incomplete, r)
		}
		covered := false
		for i, w := range windows {
			if w.covers(r) {
				inside[i]++
				if r.failed() {
					failedInside[i]++
				}
				covered = true
			}
		}
		if r.failed() && !covered {
			outside = append(outside, r)
		}
	}
	elapsed := time.Since(l.began)
	t.Logf("load: %d requests in %s (%.0f/s, slowest %s %s at +%s): %d 2xx, %d 3xx, %d 4xx, %d 5xx, %d without answer; 5xx or no answer outside the documented windows: %d",
		len(recs), elapsed.Round(100*time.Millisecond), float64(len(recs))/elapsed.Seconds(), slowest.route,
		slowest.took.Round(time.Millisecond), slowest.at.Sub(l.began).Round(100*time.Millisecond),
		classes[2], classes[3], classes[4], classes[5], classes[0], len(outside))
	for i, w := range windows {
		t.Logf("load: window %q from +%s to +%s (%s): %d requests, %d of them 5xx or unanswered",
			w.name, w.from.Sub(l.began).Round(100*time.Millisecond), w.to.Sub(l.began).Round(100*time.Millisecond),
			w.to.Sub(w.from).Round(100*time.Millisecond), inside[i], failedInside[i])
	}
	t.Logf("load: API searches answered by elasticsearch %d, postgres %d", engines["elasticsearch"], engines["postgres"])
	for i, r := range outside {
		if i == 10 {
			t.Errorf("… and %d more", len(outside)-10)
			break
		}
		t.Errorf("outside any documented window: at +%s %s answered %d after %s (%v)",
			r.at.Sub(l.began).Round(time.Millisecond), r.route, r.status, r.took.Round(time.Millisecond), r.err)
	}
	for i, r := range incomplete {
		if i == 10 {
			break
		}
		t.Errorf("at +%s the %s search for %q found %d fixture articles, want 3", r.at.Sub(l.began).Round(time.Millisecond), r.engine, fixtureWord, r.total)
	}
}

// ---------------------------------------------------------------- Elasticsearch, directly
