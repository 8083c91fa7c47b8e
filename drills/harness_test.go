//go:build drills

package drills

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"helpdesk/auth"
	"helpdesk/internal/estest"
	"helpdesk/internal/pgtest"
	"helpdesk/search/elasticsearch"
	"helpdesk/seed"
	"helpdesk/store"
)

// process is one of the project's binaries running as a child process. Its output goes to a
// file whose tail is printed when the test fails.
type process struct {
	t      *testing.T
	name   string
	bin    string
	env    []string
	logf   string
	cmd    *exec.Cmd
	exited chan struct{}
	starts int
	kills  int
}

func newProcess(t *testing.T, name, bin string, env []string) *process {
	t.Helper()
	p := &process{t: t, name: name, bin: bin, env: env, logf: filepath.Join(t.TempDir(), name+".log")}
	t.Cleanup(func() {
		p.kill()
		if t.Failed() {
			p.dumpLog(40)
		}
	})
	return p
}

func (p *process) start() {
	p.t.Helper()
	f, err := os.OpenFile(p.logf, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		p.t.Fatal(err)
	}
	defer f.Close() // the child holds its own descriptor
	cmd := exec.Command(p.bin)
	cmd.Env = p.env
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		p.t.Fatalf("start %s: %v", p.name, err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	p.cmd, p.exited = cmd, exited
	p.starts++
}

// kill sends SIGKILL: no chance to finish a batch or close a connection.
func (p *process) kill() {
	if p.cmd == nil {
		return
	}
	_ = p.cmd.Process.Kill()
	<-p.exited
	p.cmd = nil
	p.kills++
}

// alive reports whether the process started last is still running.
func (p *process) alive() bool {
	if p.cmd == nil {
		return false
	}
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

func (p *process) dumpLog(lines int) {
	b, err := os.ReadFile(p.logf)
	if err != nil {
		return
	}
	all := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	p.t.Logf("last lines of the %s's output (%s):\n%s", p.name, p.logf, strings.Join(all[max(0, len(all)-lines):], "\n"))
}

// harness is one drill's world: its own database and index prefix, a real portal process and
// real indexer processes on them, a writer changing data through the store, and an HTTP load on
// the portal that records every answer. Faults come from scripts/services.
type harness struct {
	t        *testing.T
	prefix   string // of every index and alias of the drill
	st       *store.Store
	es       *elasticsearch.Backend
	w        *writer
	portal   *process
	indexers []*process
	base     string // the portal's URL
	env      []string
	fx       fixture
	load     *load
	windows  []window
	stop     context.CancelFunc
	wg       sync.WaitGroup
}

// fixture is data that neither the writer nor the load deletes, so requests for it always
// have an answer.
type fixture struct {
	slugs    []string // published public articles, all with fixtureWord in their title
	tickets  []int64
	email    string // a staff member with a real password
	password string
	token    string // that staff member's API token
	session  string // a session cookie from a real login
}

// fixtureWord is in the title of the fixture articles and nowhere else: a KB search for it
// must find exactly them, whichever engine answers.
const fixtureWord = "drillfix"

type harnessOptions struct {
	indexers int           // indexer processes (at least one)
	seed     *seed.Options // demo data loaded before the processes start
}

func newHarness(t *testing.T, o harnessOptions) *harness {
	t.Helper()
	if os.Getenv("REDIS_URL") == "" || os.Getenv("ELASTICSEARCH_URL") == "" {
		t.Fatal("REDIS_URL and ELASTICSEARCH_URL must be set: run the drills with `make drills`, which starts the services")
	}
	dbURL := pg.NewDatabase(t)
	durableCommits(t, dbURL)
	st := pgtest.Open(t, dbURL)
	ctx := context.Background()
	if o.seed != nil {
		if _, err := seed.Run(ctx, st, *o.seed); err != nil {
			t.Fatalf("seed: %v", err)
		}
	}
	prefix := estest.Prefix()
	// The writer's random choices differ from drill to drill, not from run to run.
	writerSeed := fnv.New64a()
	_, _ = writerSeed.Write([]byte(t.Name()))
	h := &harness{t: t, prefix: prefix, st: st, es: estest.NewWithPrefix(t, prefix, st.Analyzer()), w: newWriter(t, st, writerSeed.Sum64())}
	h.env = append(os.Environ(), "DATABASE_URL="+dbURL, "SEARCH_INDEX_PREFIX="+prefix, "LOG_LEVEL=warn")
	h.fx = newFixture(t, st, h.w)

	for i := range max(o.indexers, 1) {
		ix := newProcess(t, fmt.Sprintf("indexer %d", i+1), indexerBin, append(slices.Clip(h.env), "INDEXER_ADDR=127.0.0.1:0"))
		ix.start()
		h.indexers = append(h.indexers, ix)
	}
	addr := freeAddr(t)
	h.base = "http://" + addr
	h.portal = newProcess(t, "portal", portalBin, append(slices.Clip(h.env), "PORTAL_ADDR="+addr,
		// The load must never be throttled: a 429 would hide what the drill looks for.
		"API_RATE_LIMIT_IP=1000000/1m", "API_RATE_LIMIT_TOKEN=1000000/1m", "SESSION_SECRET=drills"))
	h.portal.start()
	eventually(t, 30*time.Second, "the portal answers /healthz", func() bool {
		code, _ := h.get("/healthz", "")
		return code == http.StatusOK
	})
	h.fx.session = h.login(t)
	// The seed and the fixture are searchable before the drill begins.
	waitDrained(t, st, 3*time.Minute)
	if err := h.es.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	return h
}

// durableCommits turns synchronous_commit back on for the drill's database (the private
// Postgres runs with it off for speed): with it off, a commit another session has already
// seen can be lost when Postgres is SIGKILLed, and the drill would find the index ahead of
// the database. Production keeps the default, on.
func durableCommits(t *testing.T, dbURL string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var name string
	if err := conn.QueryRow(ctx, `SELECT current_database()`).Scan(&name); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `ALTER DATABASE `+pgx.Identifier{name}.Sanitize()+` SET synchronous_commit = on`); err != nil {
		t.Fatal(err)
	}
}

func newFixture(t *testing.T, st *store.Store, w *writer) fixture {
	t.Helper()
	ctx := context.Background()
	fx := fixture{email: "ops@drill.example", password: "drill-password-1234"}
	hash, err := auth.HashPassword(fx.password)
	if err != nil {
		t.Fatal(err)
	}
	u, err := st.CreateUser(ctx, store.NewUser{Email: fx.email, Role: "agent", PasswordHash: hash})
	if err != nil {
		t.Fatal(err)
	}
	token, tokenHash, display, err := auth.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateToken(ctx, u.ID, "drill", tokenHash, display); err != nil {
		t.Fatal(err)
	}
	fx.token = token
	for i := range 3 {
		a, err := st.CreateArticle(ctx, store.NewArticle{Title: fmt.Sprintf("Guía %s número %d", fixtureWord, i),
			Body: "## Pasos\n\nReinicia el router y vuelve a probar.", Status: "published"})
		if err != nil {
			t.Fatal(err)
		}
		fx.slugs = append(fx.slugs, a.Slug)
		c := w.clients[i%len(w.clients)]
		tk, err := st.CreateTicket(ctx, store.NewTicket{ClientID: c, CreatedBy: w.users[c][0], Title: fmt.Sprintf("Ticket fijo %d", i)})
		if err != nil {
			t.Fatal(err)
		}
		fx.tickets = append(fx.tickets, tk.ID)
	}
	return fx
}

// freeAddr returns a loopback address with a port free right now.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// start sets the writer and the HTTP load going; finish stops them.
func (h *harness) start() {
	ctx, stop := context.WithCancel(context.Background())
	h.stop = stop
	h.load = newLoad(h.base, h.fx)
	h.wg.Add(1)
	go func() { defer h.wg.Done(); h.w.run(ctx, 5*time.Millisecond) }()
	for i := range loadWorkers {
		h.wg.Add(1)
		go func() { defer h.wg.Done(); h.load.run(ctx, i) }()
	}
}

// allow5xx documents a window in which the portal may answer 5xx (or not at all); outside
// every window it must not.
func (h *harness) allow5xx(name string, from, to time.Time) {
	h.windows = append(h.windows, window{name: name, from: from, to: to})
}

// finish stops the writer and the load, checks every recorded answer against the documented
// windows, checks that the portal and the indexers are still the processes started (nothing
// was restarted to recover), waits for the outbox to drain and compares index and database.
func (h *harness) finish() {
	t := h.t
	t.Helper()
	h.stop()
	h.wg.Wait()
	h.load.check(t, h.windows)
	t.Logf("writer: %d changes (%d refused or failed, e.g. while postgres was down)", h.w.n.Load(), h.w.errs.Load())
	if !h.portal.alive() || h.portal.starts != 1 {
		t.Errorf("the portal process died or was restarted (%d starts)", h.portal.starts)
	}
	for _, ix := range h.indexers {
		if !ix.alive() {
			t.Errorf("%s is not running", ix.name)
		}
	}
	took := waitDrained(t, h.st, 3*time.Minute)
	t.Logf("outbox drained %s after the writes stopped", took.Round(time.Millisecond))
	assertIndexEqualsDatabase(t, h.st, h.es)
}

// get requests path from the portal, with a session cookie when one is given.
func (h *harness) get(path, session string) (int, string) {
	req, err := http.NewRequest(http.MethodGet, h.base+path, nil)
	if err != nil {
		return 0, err.Error()
	}
	if session != "" {
		req.AddCookie(&http.Cookie{Name: "hd_session", Value: session})
	}
	return h.do(req)
}

// api requests path from the JSON API with the fixture's token.
func (h *harness) api(path string) (int, string) {
	req, err := http.NewRequest(http.MethodGet, h.base+path, nil)
	if err != nil {
		return 0, err.Error()
	}
	req.Header.Set("Authorization", "Bearer "+h.fx.token)
	return h.do(req)
}

func (h *harness) do(req *http.Request) (int, string) {
	res, err := probeClient.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if loc := res.Header.Get("Location"); loc != "" {
		return res.StatusCode, "Location: " + loc
	}
	return res.StatusCode, string(b)
}

// probeClient never follows redirects: a redirect to the login page is an answer to check.
var probeClient = &http.Client{Timeout: 30 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]*)"`)

// tryLogin logs the fixture's staff member in through the login form, as a browser does. It
// returns the status of the form's POST and the session cookie set by it, if any.
func (h *harness) tryLogin() (int, string, error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return 0, "", err
	}
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second, CheckRedirect: probeClient.CheckRedirect}
	res, err := c.Get(h.base + "/login")
	if err != nil {
		return 0, "", err
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	token := ""
	if m := csrfField.FindSubmatch(body); m != nil {
		token = string(m[1])
	}
	u, _ := url.Parse(h.base)
	before := sessionCookie(jar, u)
	res, err = c.PostForm(h.base+"/login", url.Values{"_csrf": {token}, "email": {h.fx.email}, "password": {h.fx.password}})
	if err != nil {
		return 0, "", err
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	after := sessionCookie(jar, u)
	if after == before {
		after = ""
	}
	return res.StatusCode, after, nil
}

func sessionCookie(jar http.CookieJar, u *url.URL) string {
	for _, c := range jar.Cookies(u) {
		if c.Name == "hd_session" {
			return c.Value
		}
	}
	return ""
}

// login logs in and returns the session cookie, or fails the test.
func (h *harness) login(t *testing.T) string {
	t.Helper()
	status, session, err := h.tryLogin()
	if err != nil || status != http.StatusSeeOther || session == "" {
		t.Fatalf("login: status %d, session %q, %v", status, session, err)
	}
	return session
}

// searchEngine asks the API for a KB search and returns which engine answered.
func (h *harness) searchEngine() string {
	code, body := h.api("/api/v1/search?type=kb&q=" + fixtureWord)
	if code != http.StatusOK {
		return fmt.Sprint("status ", code)
	}
	var r struct {
		Engine string `json:"engine"`
	}
	_ = json.Unmarshal([]byte(body), &r)
	return r.Engine
}

// eventually polls ok until it holds or within passes (then the test fails); it returns how
// long it took.
func eventually(t *testing.T, within time.Duration, what string, ok func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !ok() {
		if time.Since(start) > within {
			t.Fatalf("%s: not within %s", what, within)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return time.Since(start)
}

// ---------------------------------------------------------------- HTTP load

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

// indicesOf returns every index under prefix with the aliases that point at it.
func indicesOf(t *testing.T, prefix string) map[string][]string {
	t.Helper()
	res, err := http.Get(estest.URL(t) + "/" + prefix + "_*/_alias?expand_wildcards=all&allow_no_indices=true")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var byIndex map[string]struct {
		Aliases map[string]any `json:"aliases"`
	}
	if err := json.NewDecoder(res.Body).Decode(&byIndex); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("list indices of %s: status %d, %v", prefix, res.StatusCode, err)
	}
	out := map[string][]string{}
	for name, ix := range byIndex {
		aliases := []string{}
		for a := range ix.Aliases {
			aliases = append(aliases, a)
		}
		slices.Sort(aliases)
		out[name] = aliases
	}
	return out
}

// indexedInto returns how many documents were written to the index behind alias so far,
// refreshed or not (0 while the alias does not exist).
func indexedInto(t *testing.T, alias string) int64 {
	t.Helper()
	res, err := http.Get(estest.URL(t) + "/" + alias + "/_stats/indexing")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode == http.StatusNotFound {
		return 0
	}
	var stats struct {
		All struct {
			Primaries struct {
				Indexing struct {
					IndexTotal int64 `json:"index_total"`
				} `json:"indexing"`
			} `json:"primaries"`
		} `json:"_all"`
	}
	if err := json.NewDecoder(res.Body).Decode(&stats); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("indexing stats of %s: status %d, %v", alias, res.StatusCode, err)
	}
	return stats.All.Primaries.Indexing.IndexTotal
}

// reindexRun is one `portalctl reindex` process.
type reindexRun struct {
	cmd    *exec.Cmd
	start  time.Time
	done   chan struct{} // closed once the process has exited and its output is read
	mu     sync.Mutex
	output []string
	killed bool
	err    error
	took   time.Duration
}

// startReindex runs the real `portalctl reindex` on the drill's database and prefix.
func (h *harness) startReindex(t *testing.T) *reindexRun {
	t.Helper()
	r := &reindexRun{cmd: exec.Command(portalctlBin, "reindex"), done: make(chan struct{})}
	r.cmd.Env = h.env
	var stdout bytes.Buffer
	r.cmd.Stdout = &stdout
	stderr, err := r.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	r.start = time.Now()
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.kill(); <-r.done })
	go func() {
		defer close(r.done)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			r.mu.Lock()
			r.output = append(r.output, sc.Text())
			r.mu.Unlock()
		}
		err := r.cmd.Wait()
		r.mu.Lock()
		defer r.mu.Unlock()
		r.err, r.took = err, time.Since(r.start)
		if s := strings.TrimSpace(stdout.String()); s != "" {
			r.output = append(r.output, s)
		}
	}()
	return r
}

// kill SIGKILLs the reindex if it is still running.
func (r *reindexRun) kill() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.took == 0 && !r.killed {
		_ = r.cmd.Process.Kill()
		r.killed = true
	}
}

func (r *reindexRun) finished() bool {
	select {
	case <-r.done:
		return true
	default:
		return false
	}
}

// wait waits for the process to end, killing it and failing the test after within.
func (r *reindexRun) wait(t *testing.T, within time.Duration) {
	t.Helper()
	select {
	case <-r.done:
	case <-time.After(within):
		r.kill()
		<-r.done
		t.Fatalf("portalctl reindex still running after %s:\n%s", within, r.lines())
	}
}

func (r *reindexRun) lines() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.output, "\n")
}
