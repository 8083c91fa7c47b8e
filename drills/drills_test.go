//go:build drills

// Package drills holds the fault drills: real services stopped, killed and started under a
// real portal process and real indexer processes, with writes flowing and an HTTP load on the
// portal. Each drill checks that no request got a 5xx outside its documented window and ends
// by comparing Postgres and Elasticsearch document by document (id and version). They stop
// services, so they run on their own, one at a time: `make drills` (the full form) or
// `go test -short` (the short form `make test` runs: shorter outages, as many kills).
package drills

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"helpdesk/indexer"
	"helpdesk/internal/estest"
	"helpdesk/internal/pgtest"
	"helpdesk/internal/procs"
	"helpdesk/search"
	"helpdesk/search/postgres"
	"helpdesk/search/searchtest"
	"helpdesk/seed"
	"helpdesk/store"
)

var (
	pg                                  = &pgtest.Server{}
	repoRoot                            string
	portalBin, indexerBin, portalctlBin string
	workerBin                           string
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "drills")
	if err != nil {
		panic(err)
	}
	repoRoot, _ = filepath.Abs("..")
	build := exec.Command("go", "build", "-o", dir+string(filepath.Separator), "./cmd/portal", "./cmd/indexer", "./cmd/portalctl", "./cmd/worker")
	build.Dir = repoRoot
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "drills: build the binaries:", err)
		os.Exit(1)
	}
	portalBin, indexerBin, portalctlBin = filepath.Join(dir, "portal"), filepath.Join(dir, "indexer"), filepath.Join(dir, "portalctl")
	workerBin = filepath.Join(dir, "worker")
	code := m.Run()
	stopCluster()
	pg.Cleanup()
	os.RemoveAll(dir)
	os.Exit(code)
}

// plan is how long the faults last: the full form, or the short one with -short. The short
// form shortens outages and pauses, never the number of faults.
type plan struct {
	esDown, pgDown, redisDown time.Duration
	smtpDown                  time.Duration // the mail server away, in the notification drill
	calm                      time.Duration // load before a fault and after recovery
	killGap                   time.Duration // the longest pause between two indexer kills
	reindexTickets            int           // enough that a reindex is caught while loading
	searchableWrites          int           // per writer, in the change-to-searchable measure
}

func planFor() plan {
	if testing.Short() {
		return plan{esDown: 5 * time.Second, pgDown: 3 * time.Second, redisDown: 4 * time.Second, smtpDown: 5 * time.Second, calm: 2 * time.Second,
			killGap: 800 * time.Millisecond, reindexTickets: 6000, searchableWrites: 5}
	}
	return plan{esDown: 30 * time.Second, pgDown: 15 * time.Second, redisDown: 20 * time.Second, smtpDown: 30 * time.Second, calm: 5 * time.Second,
		killGap: 1500 * time.Millisecond, reindexTickets: 20000, searchableWrites: 40}
}

// postgresGrace is how long after Postgres answers again 5xx answers are still documented
// behaviour: connections broken by the outage are found and replaced on use.
const postgresGrace = 5 * time.Second

// services runs scripts/services VERB NAME against the private instances (SERVICES_PORT_OFFSET
// in the environment picks the set). A service stopped or killed is started again when the
// test ends, so that a drill failing half-way does not leave the next ones without it.
func services(t *testing.T, verb, name string) {
	t.Helper()
	start := time.Now()
	if err := runServices(verb, name); err != nil {
		t.Fatalf("scripts/services %s %s: %v", verb, name, err)
	}
	t.Logf("scripts/services %s %s: done in %s", verb, name, time.Since(start).Round(100*time.Millisecond))
	if verb == "stop" || verb == "kill" {
		t.Cleanup(func() {
			if err := runServices("start", name); err != nil { // a no-op when it runs
				t.Errorf("scripts/services start %s: %v", name, err)
			}
		})
	}
}

func runServices(verb, name string) error {
	return procs.Services(context.Background(), filepath.Join(repoRoot, "scripts/services"), os.Stderr, verb, name)
}

// TestNothingLostUnderFaults writes and loads the portal while one of two indexers is
// SIGKILLed ten times at random moments: no change may be lost, no request may fail.
func TestNothingLostUnderFaults(t *testing.T) {
	p := planFor()
	h := newHarness(t, harnessOptions{indexers: 2})
	ix := h.indexers[0] // the other one runs the whole time: several share the outbox
	h.start()
	rng := rand.New(rand.NewPCG(2, 2))
	pause := func() time.Duration { return p.killGap/5 + time.Duration(rng.Int64N(int64(p.killGap))) }
	for range 10 {
		time.Sleep(pause())
		ix.kill()
		time.Sleep(pause() / 3)
		ix.start()
	}
	time.Sleep(p.calm)
	t.Logf("indexer SIGKILLed %d times at random moments (pauses up to %s) beside a second one", ix.kills, p.killGap+p.killGap/5)
	h.finish()
	if n := h.w.n.Load(); n < 200 {
		t.Fatalf("only %d changes: the drill proves little", n)
	}
}

// TestElasticsearchStopped stops Elasticsearch (30 s; 5 s short) and starts it again: searches
// fail over to Postgres, so no request may fail at all, and the outbox grows meanwhile and
// drains afterwards. The indexer is SIGKILLed during the outage and starts against the dead
// Elasticsearch.
func TestElasticsearchStopped(t *testing.T) { elasticsearchOutage(t, "stop") }

// TestElasticsearchKilled is the same with SIGKILL: no shutdown, no flush.
func TestElasticsearchKilled(t *testing.T) { elasticsearchOutage(t, "kill") }

func elasticsearchOutage(t *testing.T, verb string) {
	p := planFor()
	h := newHarness(t, harnessOptions{indexers: 1})
	h.start()
	time.Sleep(p.calm)
	down := time.Now()
	services(t, verb, "elasticsearch")
	time.Sleep(p.esDown / 2)
	h.indexers[0].kill()
	h.indexers[0].start() // it must wait for Elasticsearch, not give up
	time.Sleep(p.esDown / 2)
	services(t, "start", "elasticsearch")
	up := time.Now()
	// The failover's breaker probes Elasticsearch again after its cooldown.
	back := eventually(t, 2*time.Minute, "searches answered by elasticsearch again", func() bool {
		return h.searchEngine() == search.EngineElasticsearch
	})
	time.Sleep(p.calm)
	during := h.load.engines(down, up)
	t.Logf("elasticsearch %s, down %s: API searches meanwhile answered by postgres %d, by elasticsearch %d; elasticsearch answered again %s after it was up",
		verb, up.Sub(down).Round(100*time.Millisecond), during[search.EnginePostgres], during[search.EngineElasticsearch], back.Round(100*time.Millisecond))
	if during[search.EnginePostgres] == 0 {
		t.Error("no search was answered by postgres while elasticsearch was down")
	}
	h.finish()
}

// TestPostgresRestarted stops Postgres and starts it again, then SIGKILLs it and starts it
// again. The portal and the indexer are not restarted: they must reconnect by themselves, the
// indexer's LISTEN included. 5xx answers are documented from the stop until postgresGrace
// after Postgres answers again; /healthz stays 200 and /readyz says 503 meanwhile.
func TestPostgresRestarted(t *testing.T) {
	p := planFor()
	h := newHarness(t, harnessOptions{indexers: 1})
	h.start()
	time.Sleep(p.calm)
	for _, verb := range []string{"stop", "kill"} {
		from := time.Now()
		services(t, verb, "postgres")
		h.checkPostgresDown(t)
		time.Sleep(p.pgDown)
		services(t, "start", "postgres")
		answered := time.Now()
		h.allow5xx(fmt.Sprintf("postgres %s, until %s after it answers", verb, postgresGrace), from, answered.Add(postgresGrace))
		eventually(t, time.Minute, "portal ready again", func() bool {
			code, _ := h.get("/readyz", "")
			return code == http.StatusOK
		})
		ready := time.Since(answered)
		eventually(t, time.Minute, "every indexer listening again", func() bool {
			return h.listeners() == len(h.indexers)
		})
		listening := time.Since(answered)
		eventually(t, 2*time.Minute, "the changes of the outage indexed", func() bool {
			ob, err := h.st.OutboxStats(context.Background())
			return err == nil && ob.OldestAge < 2*time.Second
		})
		caughtUp := time.Since(answered)
		// Past the grace period, so that the next fault's window is its own.
		time.Sleep(max(p.calm, time.Until(answered.Add(postgresGrace))))
		last := "none"
		if end := h.load.lastFailure(from, time.Now()); !end.IsZero() {
			last = relative(end, answered)
		}
		t.Logf("postgres %s, down %s: last 5xx %s it answered again; then the portal ready after %s, the indexer listening after %s, the outage's backlog indexed after %s",
			verb, answered.Sub(from).Round(100*time.Millisecond), last, ready.Round(100*time.Millisecond),
			listening.Round(100*time.Millisecond), caughtUp.Round(100*time.Millisecond))
	}
	h.finish()
	for _, ix := range h.indexers {
		if ix.starts != 1 {
			t.Errorf("%s was started %d times", ix.name, ix.starts)
		}
	}
}

// relative says how long before or after ref t was.
func relative(t, ref time.Time) string {
	d := t.Sub(ref).Round(10 * time.Millisecond)
	if d < 0 {
		return (-d).String() + " before"
	}
	return d.String() + " after"
}

// checkPostgresDown checks what the portal says while Postgres is away: alive, not ready, and
// a friendly page instead of an error.
func (h *harness) checkPostgresDown(t *testing.T) {
	t.Helper()
	eventually(t, 10*time.Second, "/readyz says 503", func() bool {
		code, body := h.get("/readyz", "")
		return code == http.StatusServiceUnavailable && strings.Contains(body, `"ready":false`)
	})
	if code, body := h.get("/kb", ""); code != http.StatusServiceUnavailable ||
		!strings.Contains(body, "no está disponible") && !strings.Contains(body, "unavailable") {
		t.Errorf("postgres down: /kb answered %d", code)
	}
	if code, _ := h.get("/healthz", ""); code != http.StatusOK {
		t.Errorf("postgres down: /healthz answered %d (the process is alive)", code)
	}
}

// listeners counts the sessions LISTENing for outbox notifications on the drill's database.
func (h *harness) listeners() int {
	var n int
	err := h.st.Pool().QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity
		WHERE datname = current_database() AND query = 'LISTEN search_outbox' AND pid <> pg_backend_pid()`).Scan(&n)
	if err != nil {
		return -1
	}
	return n
}

// TestRedisStopped stops Redis under load: pages, search and the API keep serving (no 5xx at
// all). Sessions live only in Redis, so a signed-in staff member is anonymous meanwhile (a
// staff page redirects to the login page, and logging in is refused), and after the restart
// the session is gone (the drills' Redis keeps nothing on disk): they log in again.
func TestRedisStopped(t *testing.T) {
	p := planFor()
	h := newHarness(t, harnessOptions{indexers: 1})
	staffPage := fmt.Sprintf("/tickets/%d", h.fx.tickets[0])
	session := h.login(t)
	if code, _ := h.get(staffPage, session); code != http.StatusOK {
		t.Fatalf("signed in, %s answered %d", staffPage, code)
	}
	h.start()
	time.Sleep(p.calm)
	services(t, "stop", "redis")

	start := time.Now()
	for _, path := range []string{"/", "/kb", "/kb/" + h.fx.slugs[0], "/search?q=vpn", "/login"} {
		if code, _ := h.get(path, ""); code != http.StatusOK {
			t.Errorf("redis down: %s answered %d", path, code)
		}
	}
	// The API's rate limiter fails open: requests are served, and the outage is logged.
	if code, body := h.api("/api/v1/search?q=vpn"); code != http.StatusOK {
		t.Errorf("redis down: the API answered %d %s", code, body)
	}
	code, loc := h.get(staffPage, session)
	if code != http.StatusSeeOther || !strings.HasPrefix(loc, "Location: /login?next=") {
		t.Errorf("redis down: the signed-in staff page answered %d %q, want a redirect to the login page", code, loc)
	}
	// No session can be kept, so the login form carries no CSRF token and its POST is refused.
	status, newSession, err := h.tryLogin()
	if err != nil || status != http.StatusForbidden || newSession != "" {
		t.Errorf("redis down: logging in answered %d (session %q, %v), want 403 and no session", status, newSession, err)
	}
	t.Logf("redis down: pages and API served, the staff session anonymous (redirected to login), logging in refused with %d; probes took %s",
		status, time.Since(start).Round(100*time.Millisecond))

	time.Sleep(p.redisDown)
	services(t, "start", "redis")
	answered := time.Now()
	// The portal's Redis client probes the server about once a second after failing to dial.
	var again string
	eventually(t, 30*time.Second, "logging in works again", func() bool {
		status, s, err := h.tryLogin()
		again = s
		return err == nil && status == http.StatusSeeOther && s != ""
	})
	back := time.Since(answered)
	if code, _ := h.get(staffPage, again); code != http.StatusOK {
		t.Errorf("redis back, signed in again: %s answered %d", staffPage, code)
	}
	// The old session died with Redis: the drills' Redis keeps nothing on disk.
	if code, loc := h.get(staffPage, session); code != http.StatusSeeOther || !strings.HasPrefix(loc, "Location: /login?next=") {
		t.Errorf("redis back: the old session answered %d %q, want a redirect to the login page", code, loc)
	}
	t.Logf("redis back: logging in works again %s after it answered; the session from before the outage is gone (redirected to login)",
		back.Round(100*time.Millisecond))
	time.Sleep(p.calm)
	h.finish()
}

// TestReindexInterrupted SIGKILLs the real `portalctl reindex` half-way through loading the
// tickets, checks that the live alias never moved and what was left behind, runs the reindex
// again to success and checks that it cleaned up: one index per kind, behind its alias.
// Search answers throughout, without a single 5xx.
func TestReindexInterrupted(t *testing.T) {
	p := planFor()
	h := newHarness(t, harnessOptions{indexers: 1, seed: &seed.Options{Clients: 4, Tickets: p.reindexTickets, Articles: 200, Seed: 3,
		Until: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), PasswordHash: "x"}})
	liveAlias, pendingAlias := h.prefix+"_tickets", h.prefix+"_tickets_pending"
	h.start()
	time.Sleep(p.calm)
	live := withAlias(indicesOf(t, h.prefix), liveAlias)
	if len(live) != 1 {
		t.Fatalf("before: %s points at %v", liveAlias, live)
	}

	counts, err := h.st.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// SIGKILL once the new index holds half the tickets: watched in Elasticsearch, so that the
	// kill lands in the middle of the bulk load however fast it goes.
	first := h.startReindex(t)
	var at int64
	for deadline := time.Now().Add(5 * time.Minute); !first.finished() && time.Now().Before(deadline); {
		if at = indexedInto(t, pendingAlias); at*2 >= counts.Tickets {
			first.kill()
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	first.wait(t, 5*time.Minute)
	if !first.killed || first.err == nil {
		t.Fatalf("the reindex ended (%v) before the new index held half the tickets: seed more\n%s", first.err, first.lines())
	}
	left := indicesOf(t, h.prefix)
	if got := withAlias(left, liveAlias); !slices.Equal(got, live) {
		t.Errorf("after the kill %s points at %v, want %v: the live alias moved", liveAlias, got, live)
	}
	orphans := withAlias(left, pendingAlias)
	if len(orphans) != 1 {
		t.Fatalf("after the kill %s points at %v, want the half-loaded index", pendingAlias, orphans)
	}
	t.Logf("portalctl reindex SIGKILLed after %s, with %d of %d tickets in the new index; its output:\n%s",
		first.took.Round(100*time.Millisecond), at, counts.Tickets, first.lines())
	t.Logf("left behind: %s, behind %s only (the indexer keeps writing to it, nobody reads it); %s still live",
		orphans[0], pendingAlias, live[0])

	time.Sleep(p.calm) // search and indexing go on beside the orphan
	second := h.startReindex(t)
	second.wait(t, 5*time.Minute)
	if second.err != nil {
		t.Fatalf("the reindex run again failed: %v\n%s", second.err, second.lines())
	}
	t.Logf("portalctl reindex run again: done in %s:\n%s", second.took.Round(100*time.Millisecond), second.lines())
	after := indicesOf(t, h.prefix)
	if len(after) != 2 {
		t.Errorf("after the reindex %d indices under %s_*, want one per kind: %v", len(after), h.prefix, after)
	}
	for name, aliases := range after {
		if len(aliases) != 1 || strings.HasSuffix(aliases[0], "_pending") {
			t.Errorf("after the reindex index %s has aliases %v, want its read alias alone", name, aliases)
		}
	}
	if _, ok := after[orphans[0]]; ok {
		t.Errorf("the half-loaded index %s is still there", orphans[0])
	}
	if _, ok := after[live[0]]; ok {
		t.Errorf("the old live index %s is still there", live[0])
	}
	time.Sleep(p.calm)
	h.finish()
}

// withAlias returns the indices that alias points at.
func withAlias(indices map[string][]string, alias string) []string {
	var out []string
	for name, aliases := range indices {
		if slices.Contains(aliases, alias) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// TestReindexUnderWrites rebuilds the indices in-process while changes flow through a running
// indexer, then cancels one half-way.
func TestReindexUnderWrites(t *testing.T) {
	dbURL := pg.NewDatabase(t)
	st := pgtest.Open(t, dbURL)
	es := estest.New(t, st.Analyzer())
	ctx := context.Background()
	if _, err := seed.Run(ctx, st, seed.Options{Clients: 4, Tickets: 3000, Articles: 200, Seed: 3,
		Until: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), PasswordHash: "x"}); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ix := indexer.New(st, es, log, indexer.NewMetrics(prometheus.NewRegistry()), indexer.Options{Poll: 200 * time.Millisecond})
	runCtx, stopIndexer := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); _ = ix.Run(runCtx) }()
	waitDrained(t, st, 2*time.Minute)

	w := newWriter(t, st, 4)
	writeCtx, stopWriting := context.WithCancel(ctx)
	wg.Add(1)
	go func() { defer wg.Done(); w.run(writeCtx, 2*time.Millisecond) }()

	for round := range 2 {
		if err := indexer.Reindex(ctx, st, es, []string{search.TypeTicket, search.TypeKB}, nil); err != nil {
			t.Fatalf("reindex %d: %v", round, err)
		}
	}
	// A reindex cancelled half-way drops its new index; the live one keeps serving.
	interrupted, interrupt := context.WithCancel(ctx)
	err := indexer.Reindex(interrupted, st, es, []string{search.TypeTicket}, func(p indexer.ReindexProgress) {
		if !p.Final {
			interrupt()
		}
	})
	interrupt()
	if err == nil {
		t.Fatal("an interrupted reindex reported success")
	}
	time.Sleep(500 * time.Millisecond)
	stopWriting()
	waitDrained(t, st, 2*time.Minute)
	stopIndexer()
	wg.Wait()
	t.Logf("%d changes written during two reindexes", w.n.Load())
	assertIndexEqualsDatabase(t, st, es)
}

// engineCheck fails the test when a result comes from another engine than expected.
type engineCheck struct {
	t    *testing.T
	s    search.Searcher
	want string
}

func (e engineCheck) Search(ctx context.Context, q search.Query) (*search.Result, error) {
	r, err := e.s.Search(ctx, q)
	if err == nil && r.Engine != e.want {
		e.t.Errorf("answered by %s, want %s", r.Engine, e.want)
	}
	return r, err
}

// TestFailoverWhenElasticsearchStops runs the conformance cases through the failover wrapper
// with Elasticsearch stopped (Postgres must answer them all) and again once it is back.
func TestFailoverWhenElasticsearchStops(t *testing.T) {
	st := pg.NewStore(t)
	es := estest.New(t, st.Analyzer())
	f := searchtest.Load(t, st)
	ctx := context.Background()
	ix := indexer.New(st, es, slog.New(slog.NewTextHandler(io.Discard, nil)), indexer.NewMetrics(prometheus.NewRegistry()), indexer.Options{})
	if _, err := ix.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if err := es.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	failover := search.NewFailover(es, postgres.New(st.Pool(), st.Analyzer()), search.FailoverOptions{Timeout: time.Second, Threshold: 2, Cooldown: 300 * time.Millisecond})

	t.Run("elasticsearch up", func(t *testing.T) {
		searchtest.RunCases(t, f, engineCheck{t, failover, search.EngineElasticsearch})
	})
	services(t, "stop", "elasticsearch")
	t.Run("elasticsearch down", func(t *testing.T) {
		searchtest.RunCases(t, f, engineCheck{t, failover, search.EnginePostgres})
		if failover.Engine() != search.EnginePostgres {
			t.Errorf("breaker closed while elasticsearch is down")
		}
	})
	services(t, "start", "elasticsearch")
	// Past each cooldown one search probes; the first ones after a start may still time out.
	back := eventually(t, time.Minute, "the failover answering from elasticsearch again", func() bool {
		r, err := failover.Search(ctx, search.Query{Text: "vpn"})
		return err == nil && r.Engine == search.EngineElasticsearch
	})
	t.Logf("elasticsearch answered through the failover %s after it was started", back.Round(100*time.Millisecond))
	t.Run("elasticsearch back", func(t *testing.T) {
		searchtest.RunCases(t, f, engineCheck{t, failover, search.EngineElasticsearch})
	})
	if _, err := ix.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	assertIndexEqualsDatabase(t, st, es)
}

// TestChangeToSearchableDelay measures, over a few hundred writes (fewer in the short form),
// the time from a commit to the change being returned by search through the running indexer.
// It fails only when a change never becomes searchable; the figures are logged, not asserted.
func TestChangeToSearchableDelay(t *testing.T) {
	st := pg.NewStore(t)
	es := estest.New(t, st.Analyzer())
	ctx := context.Background()
	w := newWriter(t, st, 9)
	ix := indexer.New(st, es, slog.New(slog.NewTextHandler(io.Discard, nil)), indexer.NewMetrics(prometheus.NewRegistry()), indexer.Options{})
	runCtx, stopIndexer := context.WithCancel(ctx)
	defer stopIndexer()
	go func() { _ = ix.Run(runCtx) }()

	writers, perWriter := 8, planFor().searchableWrites
	delays := make([]time.Duration, 0, writers*perWriter)
	var mu sync.Mutex
	var wg sync.WaitGroup
	staff := search.Viewer{Role: "agent", UserID: w.staff[0]}
	for g := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				word := fmt.Sprintf("zq%dx%d", g, i)
				c := w.clients[(g+i)%len(w.clients)]
				tk, err := st.CreateTicket(ctx, store.NewTicket{ClientID: c, CreatedBy: w.users[c][0], Title: "Marca " + word})
				committed := time.Now()
				if err != nil {
					t.Error(err)
					return
				}
				for found := false; !found; {
					// Neighbouring words are one typo apart, so look for this ticket among the hits.
					r, err := es.Search(ctx, search.Query{Text: word, Viewer: staff, PerPage: 100})
					if err == nil {
						for _, h := range r.Hits {
							found = found || h.ID == tk.ID
						}
					}
					if found {
						break
					}
					if time.Since(committed) > 30*time.Second {
						t.Errorf("%s not searchable after 30s", word)
						return
					}
					time.Sleep(20 * time.Millisecond)
				}
				mu.Lock()
				delays = append(delays, time.Since(committed))
				mu.Unlock()
				time.Sleep(time.Duration(i%5) * 37 * time.Millisecond)
			}
		}()
	}
	wg.Wait()
	if len(delays) == 0 {
		t.Fatal("no measurement")
	}
	slices.Sort(delays)
	t.Logf("change-to-searchable over %d writes: median %s, p90 %s, worst %s (index refresh interval 1s)",
		len(delays), delays[len(delays)/2].Round(time.Millisecond), delays[len(delays)*9/10].Round(time.Millisecond),
		delays[len(delays)-1].Round(time.Millisecond))
	waitDrained(t, st, time.Minute)
	assertIndexEqualsDatabase(t, st, es)
}
