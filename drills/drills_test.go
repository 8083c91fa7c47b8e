//go:build drills

// Package drills holds the fault drills: real services stopped and started, the indexer
// killed with SIGKILL, and at the end Postgres and Elasticsearch compared document by document.
// They stop shared services, so they run on their own, one at a time: `make drills` (also
// part of `make test`).
package drills

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"helpdesk/auth"
	"helpdesk/indexer"
	"helpdesk/internal/estest"
	"helpdesk/internal/pgtest"
	"helpdesk/portal"
	"helpdesk/search"
	"helpdesk/search/elasticsearch"
	"helpdesk/search/postgres"
	"helpdesk/search/searchtest"
	"helpdesk/seed"
	"helpdesk/session"
	"helpdesk/store"
)

var (
	pg         = &pgtest.Server{}
	indexerBin string
	repoRoot   string
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "drills")
	if err != nil {
		panic(err)
	}
	repoRoot, _ = filepath.Abs("..")
	indexerBin = filepath.Join(dir, "indexer")
	build := exec.Command("go", "build", "-o", indexerBin, "./cmd/indexer")
	build.Dir = repoRoot
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "drills: build indexer:", err)
		os.Exit(1)
	}
	code := m.Run()
	pg.Cleanup()
	os.RemoveAll(dir)
	os.Exit(code)
}

// services runs scripts/services VERB NAME against the shared private instances.
func services(t *testing.T, verb, name string) {
	t.Helper()
	cmd := exec.Command(filepath.Join(repoRoot, "scripts/services"), verb, name)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("scripts/services %s %s: %v", verb, name, err)
	}
	if verb == "start" {
		t.Logf("%s started", name)
	}
}

// indexerProcess is a real indexer process over one test database and index prefix.
type indexerProcess struct {
	t      *testing.T
	env    []string
	cmd    *exec.Cmd
	starts int
}

func newIndexerProcess(t *testing.T, dbURL, prefix string) *indexerProcess {
	p := &indexerProcess{t: t, env: append(os.Environ(),
		"DATABASE_URL="+dbURL, "SEARCH_INDEX_PREFIX="+prefix, "INDEXER_ADDR=127.0.0.1:0", "LOG_LEVEL=warn")}
	t.Cleanup(p.kill)
	return p
}

func (p *indexerProcess) start() {
	p.t.Helper()
	p.cmd = exec.Command(indexerBin)
	p.cmd.Env = p.env
	p.cmd.Stdout, p.cmd.Stderr = io.Discard, io.Discard
	if err := p.cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	p.starts++
}

func (p *indexerProcess) kill() {
	if p.cmd != nil && p.cmd.Process != nil {
		_ = p.cmd.Process.Kill() // SIGKILL: no chance to finish the batch
		_ = p.cmd.Wait()
		p.cmd = nil
	}
}

// writer makes random changes of every kind until stopped; it returns how many it made.
type writer struct {
	st      *store.Store
	rng     *rand.Rand
	clients []int64
	staff   []int64
	users   map[int64][]int64 // client -> its users
	tickets []int64
	kb      []int64
	n       atomic.Int64
	errs    atomic.Int64
}

func newWriter(t *testing.T, st *store.Store, seedN uint64) *writer {
	t.Helper()
	ctx := context.Background()
	w := &writer{st: st, rng: rand.New(rand.NewPCG(seedN, 7)), users: map[int64][]int64{}}
	for i := range 3 {
		c, err := st.CreateClient(ctx, fmt.Sprintf("Drill Client %d", i), 60, nil)
		if err != nil {
			t.Fatal(err)
		}
		w.clients = append(w.clients, c.ID)
		u, err := st.CreateUser(ctx, store.NewUser{Email: fmt.Sprintf("c%d@drill.example", i), Role: "client", ClientID: &c.ID, PasswordHash: "x"})
		if err != nil {
			t.Fatal(err)
		}
		w.users[c.ID] = []int64{u.ID}
	}
	a, err := st.CreateUser(ctx, store.NewUser{Email: "agent@drill.example", Role: "agent", PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	w.staff = []int64{a.ID}
	return w
}

var words = []string{"impresora", "vpn", "correo", "outlook", "wifi", "backup", "licencia", "portátil", "contraseña", "red"}

func (w *writer) text(n int) string {
	s := ""
	for i := 0; i < n; i++ {
		if i > 0 {
			s += " "
		}
		s += words[w.rng.IntN(len(words))]
	}
	return s
}

func (w *writer) step(ctx context.Context) {
	var err error
	switch op := w.rng.IntN(100); {
	case op < 30 || len(w.tickets) < 5:
		c := w.clients[w.rng.IntN(len(w.clients))]
		var t *store.Ticket
		t, err = w.st.CreateTicket(ctx, store.NewTicket{ClientID: c, CreatedBy: w.users[c][0], Title: w.text(3), Description: w.text(12)})
		if err == nil {
			w.tickets = append(w.tickets, t.ID)
		}
	case op < 50:
		title := w.text(4)
		_, err = w.st.UpdateTicket(ctx, w.tickets[w.rng.IntN(len(w.tickets))], store.TicketPatch{Title: &title})
	case op < 70:
		_, err = w.st.AddComment(ctx, w.tickets[w.rng.IntN(len(w.tickets))], w.staff[0], w.text(8), w.rng.IntN(3) == 0)
	case op < 78:
		i := w.rng.IntN(len(w.tickets))
		err = w.st.DeleteTicket(ctx, w.tickets[i])
		w.tickets = append(w.tickets[:i], w.tickets[i+1:]...)
	case op < 82:
		c := w.clients[w.rng.IntN(len(w.clients))]
		_, err = w.st.RenameClient(ctx, c, fmt.Sprintf("Drill Client %d-%d", c, w.rng.IntN(1_000_000)))
	case op < 92 || len(w.kb) < 3:
		var a *store.Article
		a, err = w.st.CreateArticle(ctx, store.NewArticle{Title: w.text(3) + fmt.Sprint(" ", w.rng.IntN(1e9)), Body: "## " + w.text(20), Status: "published"})
		if err == nil {
			w.kb = append(w.kb, a.ID)
		}
	case op < 97:
		body := "# " + w.text(30)
		_, err = w.st.UpdateArticle(ctx, w.kb[w.rng.IntN(len(w.kb))], store.ArticlePatch{Body: &body})
	default:
		i := w.rng.IntN(len(w.kb))
		err = w.st.DeleteArticle(ctx, w.kb[i])
		w.kb = append(w.kb[:i], w.kb[i+1:]...)
	}
	if err != nil {
		w.errs.Add(1)
		return
	}
	w.n.Add(1)
}

// run writes until ctx ends, at most one change every interval.
func (w *writer) run(ctx context.Context, interval time.Duration) {
	for ctx.Err() == nil {
		w.step(ctx)
		time.Sleep(interval)
	}
}

// waitDrained waits until the outbox is empty.
func waitDrained(t *testing.T, st *store.Store, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		ob, err := st.OutboxStats(context.Background())
		if err == nil && ob.Pending == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("outbox not drained after %s: %+v, %v", within, ob, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// assertIndexEqualsDatabase compares every document's id and version.
func assertIndexEqualsDatabase(t *testing.T, st *store.Store, es *elasticsearch.Backend) {
	t.Helper()
	ctx := context.Background()
	if err := es.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{search.TypeTicket, search.TypeKB} {
		want, err := st.DocVersions(ctx, kind)
		if err != nil {
			t.Fatal(err)
		}
		got, err := es.Versions(ctx, kind)
		if err != nil {
			t.Fatal(err)
		}
		missing, stale, ghosts := 0, 0, 0
		for id, v := range want {
			switch gv, ok := got[id]; {
			case !ok:
				missing++
			case gv != v:
				stale++
			}
		}
		for id := range got {
			if _, ok := want[id]; !ok {
				ghosts++
			}
		}
		if missing+stale+ghosts > 0 {
			t.Errorf("%s: %d rows in postgres, %d docs in the index: %d missing, %d with another version, %d deleted rows still indexed",
				kind, len(want), len(got), missing, stale, ghosts)
		} else {
			t.Logf("%s: all %d documents match postgres (id and version)", kind, len(want))
		}
	}
}

// TestNothingLostUnderFaults writes continuously while the indexer is SIGKILLed and restarted
// and Elasticsearch is stopped and started, then compares index and database.
func TestNothingLostUnderFaults(t *testing.T) {
	dbURL := pg.NewDatabase(t)
	st := pgtest.Open(t, dbURL)
	prefix := estest.Prefix()
	es := estest.NewWithPrefix(t, prefix)
	ix := newIndexerProcess(t, dbURL, prefix)
	w := newWriter(t, st, 1)

	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); w.run(ctx, 5*time.Millisecond) }()

	// A second indexer runs beside the first the whole time: several may share the outbox.
	other := newIndexerProcess(t, dbURL, prefix)
	other.start()
	rng := rand.New(rand.NewPCG(2, 2))
	ix.start()
	for i := range 10 {
		time.Sleep(time.Duration(300+rng.IntN(1200)) * time.Millisecond)
		ix.kill()
		if i == 3 {
			services(t, "stop", "elasticsearch")
			ix.start() // runs against a dead Elasticsearch: the outbox must simply grow
			time.Sleep(3 * time.Second)
			services(t, "start", "elasticsearch")
			ix.kill()
		}
		time.Sleep(time.Duration(rng.IntN(500)) * time.Millisecond)
		ix.start()
	}
	time.Sleep(time.Second)
	stop()
	wg.Wait()
	t.Logf("%d changes written (%d refused as invalid), indexer SIGKILLed and restarted %d times beside a second one", w.n.Load(), w.errs.Load(), ix.starts-1)
	if w.n.Load() < 200 {
		t.Fatalf("only %d changes: the drill proves little", w.n.Load())
	}
	waitDrained(t, st, 2*time.Minute)
	assertIndexEqualsDatabase(t, st, es)
}

// TestReindexUnderWrites rebuilds the indices while changes flow through a running indexer.
func TestReindexUnderWrites(t *testing.T) {
	dbURL := pg.NewDatabase(t)
	st := pgtest.Open(t, dbURL)
	es := estest.New(t)
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
	// A reindex interrupted half-way drops its new index; the live one keeps serving.
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
	es := estest.New(t)
	f := searchtest.Load(t, st)
	ctx := context.Background()
	ix := indexer.New(st, es, slog.New(slog.NewTextHandler(io.Discard, nil)), indexer.NewMetrics(prometheus.NewRegistry()), indexer.Options{})
	if _, err := ix.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if err := es.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	failover := search.NewFailover(es, postgres.New(st.Pool()), search.FailoverOptions{Timeout: time.Second, Threshold: 2, Cooldown: 300 * time.Millisecond})

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
	time.Sleep(400 * time.Millisecond) // past the cooldown: the next search probes
	if r, err := failover.Search(ctx, search.Query{Text: "vpn"}); err != nil || r.Engine != search.EngineElasticsearch {
		t.Fatalf("after restart: %v, %v", r, err)
	}
	t.Run("elasticsearch back", func(t *testing.T) {
		searchtest.RunCases(t, f, engineCheck{t, failover, search.EngineElasticsearch})
	})
}

// TestChangeToSearchableDelay measures, over a few hundred writes, the time from a commit to
// the change being returned by search through the running indexer. It fails only when a
// change never becomes searchable; the figures are logged for the record, not asserted.
func TestChangeToSearchableDelay(t *testing.T) {
	st := pg.NewStore(t)
	es := estest.New(t)
	ctx := context.Background()
	w := newWriter(t, st, 9)
	ix := indexer.New(st, es, slog.New(slog.NewTextHandler(io.Discard, nil)), indexer.NewMetrics(prometheus.NewRegistry()), indexer.Options{})
	runCtx, stopIndexer := context.WithCancel(ctx)
	defer stopIndexer()
	go func() { _ = ix.Run(runCtx) }()

	const writers, perWriter = 8, 40
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
}

// TestPortalThroughOutages serves pages while Redis and then Postgres are stopped: with Redis
// down pages still render (visitors are anonymous); with Postgres down /readyz says 503 and
// pages show a friendly error; both recover without a restart.
func TestPortalThroughOutages(t *testing.T) {
	st := pg.NewStore(t)
	ctx := context.Background()
	if _, err := st.CreateArticle(ctx, store.NewArticle{Title: "Configuración de la VPN", Body: "## Pasos", Status: "published"}); err != nil {
		t.Fatal(err)
	}
	opts, err := redis.ParseURL(os.Getenv("REDIS_URL"))
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opts)
	defer rdb.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	app, err := portal.New(portal.Deps{Store: st, Search: search.NewFailover(nil, postgres.New(st.Pool()), search.FailoverOptions{}),
		Sessions: session.NewRedis(rdb), Redis: rdb, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	get := func(path string) (int, string) {
		t.Helper()
		res, err := app.Test(httptest.NewRequest("GET", path, nil), 15000)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, _ := get("/kb/configuracion-de-la-vpn"); code != 200 {
		t.Fatalf("before: %d", code)
	}

	staff, err := st.CreateUser(ctx, store.NewUser{Email: "ops@drill.example", Role: "agent", PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	token, hash, prefix, err := auth.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateToken(ctx, staff.ID, "drill", hash, prefix); err != nil {
		t.Fatal(err)
	}
	services(t, "stop", "redis")
	for _, path := range []string{"/", "/kb", "/kb/configuracion-de-la-vpn", "/search?q=vpn", "/login"} {
		if code, _ := get(path); code != 200 {
			t.Errorf("redis down: %s answered %d", path, code)
		}
	}
	// The API's rate limiter fails open: requests are served, and the outage is logged.
	req := httptest.NewRequest("GET", "/api/v1/search?q=vpn", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	if res, err := app.Test(req, 15000); err != nil || res.StatusCode != 200 {
		t.Errorf("redis down: API answered %v %v", res.StatusCode, err)
	}
	services(t, "start", "redis")

	services(t, "stop", "postgres")
	code, body := get("/readyz")
	if code != 503 || !strings.Contains(body, `"ok":false`) {
		t.Errorf("postgres down: /readyz %d %s", code, body)
	}
	if code, body := get("/kb"); code != 503 || !strings.Contains(body, "no está disponible") && !strings.Contains(body, "unavailable") {
		t.Errorf("postgres down: /kb %d", code)
	}
	if code, _ := get("/healthz"); code != 200 {
		t.Errorf("postgres down: /healthz %d (the process is alive)", code)
	}
	services(t, "start", "postgres")
	deadline := time.Now().Add(30 * time.Second)
	for {
		code, _ := get("/kb/configuracion-de-la-vpn")
		if code == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no recovery after postgres came back: %d", code)
		}
		time.Sleep(500 * time.Millisecond)
	}
	if code, _ := get("/readyz"); code != 200 {
		t.Errorf("after recovery: /readyz %d", code)
	}
}
