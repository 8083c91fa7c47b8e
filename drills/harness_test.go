//go:build drills

package drills

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
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
	"helpdesk/internal/procs"
	"helpdesk/search/elasticsearch"
	"helpdesk/seed"
	"helpdesk/store"
)

// A running portal, indexer and database with the fixture the drills check against.

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
	env      []string      // more environment for the processes, over the services' (REDIS_URL=…)
	// esURLs, when set, is the cluster the drill runs on instead of ELASTICSEARCH_URL, and
	// shards and replicas the shape of its indices (for the processes as well).
	esURLs           []string
	shards, replicas int
	// pgReplica: the portal reads from the streaming replica (scripts/services start replica)
	// too, those reads that may lag DATABASE_REPLICA_MAX_LAG at most (2 s).
	pgReplica bool
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
	h := &harness{t: t, prefix: prefix, st: st, w: newWriter(t, st, writerSeed.Sum64())}
	h.env = procs.Environ("DATABASE_URL="+dbURL, "SEARCH_INDEX_PREFIX="+prefix, "LOG_LEVEL=warn")
	if o.esURLs == nil {
		h.es = estest.NewWithPrefix(t, prefix, st.Analyzer())
	} else {
		shards, replicas := max(o.shards, 1), o.replicas
		h.es = estest.NewAt(t, o.esURLs, prefix, st.Analyzer(), elasticsearch.WithShape(shards, replicas))
		// Later entries win: the processes see the cluster, not the single node.
		h.env = append(h.env, "ELASTICSEARCH_URL="+strings.Join(o.esURLs, ","),
			fmt.Sprintf("SEARCH_SHARDS=%d", shards), fmt.Sprintf("SEARCH_REPLICAS=%d", replicas))
	}
	if o.pgReplica {
		h.env = append(h.env, "DATABASE_REPLICA_URLS="+pgtest.ReplicaURL(t, dbURL), "DATABASE_REPLICA_MAX_LAG=2s")
	}
	h.env = append(h.env, o.env...) // exec takes the last value of a name
	h.fx = newFixture(t, st, h.w)

	for i := range max(o.indexers, 1) {
		ix := newProcess(t, fmt.Sprintf("indexer %d", i+1), indexerBin, append(slices.Clip(h.env), "INDEXER_ADDR=127.0.0.1:0"))
		ix.start()
		h.indexers = append(h.indexers, ix)
	}
	// A port free a moment ago can be taken before the portal binds it, and whatever took it
	// may answer /healthz: the portal must still run a while after it answered, else it starts
	// again on another port.
	for attempt := 1; ; attempt++ {
		addr := freeAddr(t)
		h.base = "http://" + addr
		h.portal = newProcess(t, "portal", portalBin, append(slices.Clip(h.env), "PORTAL_ADDR="+addr,
			// The load must never be throttled: a 429 would hide what the drill looks for.
			"API_RATE_LIMIT_IP=1000000/1m", "API_RATE_LIMIT_TOKEN=1000000/1m"))
		started := time.Now()
		h.portal.start()
		eventually(t, 30*time.Second, "the portal answers /healthz", func() bool {
			code, _ := h.get("/healthz", "")
			return code == http.StatusOK || !h.portal.alive()
		})
		time.Sleep(time.Until(started.Add(2 * time.Second)))
		if h.portal.alive() {
			break
		}
		if attempt == 3 {
			t.Fatalf("the portal exited at start three times (its output: %s)", h.portal.logf)
		}
		t.Logf("the portal exited at start (port %s taken?): again on another port", addr)
	}
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
func (h *harness) tryLogin() (int, string, error) { return h.tryLoginWith(h.fx.password) }

// tryLoginWith is tryLogin with another password (a wrong one, say).
func (h *harness) tryLoginWith(password string) (int, string, error) {
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
	res, err = c.PostForm(h.base+"/login", url.Values{"_csrf": {token}, "email": {h.fx.email}, "password": {password}})
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
