package portal_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/redis/go-redis/v9"

	"helpdesk/auth"
	"helpdesk/config"
	"helpdesk/internal/estest"
	"helpdesk/internal/logcheck"
	"helpdesk/internal/otlpsink"
	"helpdesk/internal/pgtest"
	"helpdesk/portal"
	"helpdesk/search"
	"helpdesk/search/elasticsearch"
	"helpdesk/search/postgres"
	"helpdesk/session"
	"helpdesk/store"
	"helpdesk/tracing"
)

var pg = &pgtest.Server{}

func TestMain(m *testing.M) { pgtest.Main(m, pg) }

const password = "correct horse battery"

// env is a portal over a fresh database, with real Redis sessions.
type env struct {
	t      *testing.T
	app    *fiber.App
	st     *store.Store
	ids    map[string]int64
	emails map[string]string
	suffix string
	rdb    redis.UniversalClient
	now    func() time.Time // the rate limits' and login waits' clock; nil: time.Now
	logs   *logcheck.Buffer // what the portals log, as JSON lines
	// blocklistRefresh is how often the env's portals look for blocklist changes; 0: never.
	blocklistRefresh time.Duration
	// synonymsRefresh is the same for synonyms, categories and the KB's change count.
	synonymsRefresh time.Duration
	staticURL       string // STATIC_URL of the env's portals
	trustedProxies  []netip.Prefix
	// insightsDays is the env's portals' SEARCH_INSIGHTS_DAYS; 0 records no searches.
	insightsDays int
}

func newEnv(t *testing.T) *env {
	t.Helper()
	st := pg.NewStore(t)
	redisURL := os.Getenv("REDIS_URL")
	if redisURL == "" {
		t.Fatal("REDIS_URL is not set: run the tests with `make test`")
	}
	rdb, err := config.OpenRedis(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rdb.Close() })
	e := &env{t: t, st: st, ids: map[string]int64{}, emails: map[string]string{}, rdb: rdb, logs: &logcheck.Buffer{},
		suffix: fmt.Sprintf("%d", time.Now().UnixNano())}
	e.app = e.newApp(config.RateLimit{})
	e.seed()
	return e
}

// newApp builds a portal over the env's database with its own Redis key prefix.
func (e *env) newApp(ipLimit config.RateLimit, blocklist ...netip.Prefix) *fiber.App {
	e.t.Helper()
	app, err := portal.New(portal.Deps{Store: e.st, Search: search.NewFailover(nil, postgres.New(e.st.Pool(), e.st.Analyzer()), search.FailoverOptions{}),
		Sessions: session.NewRedis(e.rdb), Redis: e.rdb, KeyPrefix: fmt.Sprintf("test%d:", time.Now().UnixNano()),
		Logger: slog.New(slog.NewJSONHandler(e.logs, nil)), IPLimit: ipLimit, Blocklist: blocklist, Now: e.now,
		BlocklistRefresh: e.blocklistRefresh, SynonymsRefresh: e.synonymsRefresh, StaticURL: e.staticURL, TrustedProxies: e.trustedProxies,
		SearchInsightsDays: e.insightsDays})
	if err != nil {
		e.t.Fatal(err)
	}
	return app
}

// serve serves app on a loopback port until the test ends and returns its base URL. Browsers
// from browserFrom then reach it from addresses of their own, which app.Test cannot give:
// every request through it comes from 0.0.0.0.
func (e *env) serve(app *fiber.App) string {
	e.t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		e.t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	e.t.Cleanup(func() { _ = app.ShutdownWithTimeout(5 * time.Second) })
	return "http://" + ln.Addr().String()
}

// browserFrom is a browser of the portal at base (from serve) connecting from addr, a
// loopback address such as 127.0.0.2 (all of 127.0.0.0/8 is loopback on Linux).
func (e *env) browserFrom(base, addr string) *browser {
	b := e.browser()
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(addr)}, Timeout: 5 * time.Second}
	b.base = base
	b.client = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DialContext: dialer.DialContext},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return b
}

func (e *env) seed() {
	t, ctx := e.t, context.Background()
	hash, err := auth.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	acme, err := e.st.CreateClient(ctx, "Acme Ibérica S.L.", 60, nil)
	must(err)
	globex, err := e.st.CreateClient(ctx, "Globex Ltd", 240, nil)
	must(err)
	e.ids["acme"], e.ids["globex"] = acme.ID, globex.ID
	for _, u := range []struct {
		key    string
		role   auth.Role
		client *int64
	}{{"agent", "agent", nil}, {"admin", "admin", nil}, {"alice", "client", &acme.ID}, {"bob", "client", &globex.ID}} {
		email := u.key + e.suffix + "@example.com"
		user, err := e.st.CreateUser(ctx, store.NewUser{Email: email, Name: strings.ToUpper(u.key[:1]) + u.key[1:], Role: u.role, ClientID: u.client, PasswordHash: hash})
		must(err)
		e.ids[u.key], e.emails[u.key] = user.ID, email
	}
	tk, err := e.st.CreateTicket(ctx, store.NewTicket{ClientID: acme.ID, CreatedBy: e.ids["alice"], Title: "La impresora no imprime <script>alert(1)</script>",
		Description: "Cola atascada", Priority: "high", Category: "printers"})
	must(err)
	e.ids["aliceTicket"] = tk.ID
	_, err = e.st.AddComment(ctx, tk.ID, e.ids["agent"], "Reinicie el spooler", false)
	must(err)
	_, err = e.st.AddComment(ctx, tk.ID, e.ids["agent"], "NOTA-INTERNA cliente VIP", true)
	must(err)
	tk2, err := e.st.CreateTicket(ctx, store.NewTicket{ClientID: globex.ID, CreatedBy: e.ids["bob"], Title: "Printer offline in London"})
	must(err)
	e.ids["bobTicket"] = tk2.ID
	_, err = e.st.CreateArticle(ctx, store.NewArticle{Title: "Configuración de la VPN", Body: "## Pasos\n\nInstale FortiClient.", Category: "VPN", Status: "published"})
	must(err)
	_, err = e.st.CreateArticle(ctx, store.NewArticle{Title: "Runbook interno VPN", Body: "secreto", Audience: "internal", Status: "published"})
	must(err)
}

// browser keeps cookies between requests, like a person's browser.
type browser struct {
	e       *env
	cookies map[string]string
	lang    string
	// base and client, from browserFrom: requests go over the network to base.
	base   string
	client *http.Client
	header http.Header // sent with every request besides the usual
}

func (e *env) browser() *browser {
	return &browser{e: e, cookies: map[string]string{}, lang: "es-ES,es;q=0.9"}
}

type response struct {
	status int
	body   string
	header http.Header
}

func (b *browser) do(method, path string, form url.Values) response {
	b.e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	if b.client != nil {
		var err error
		if req, err = http.NewRequest(method, b.base+path, body); err != nil {
			b.e.t.Fatal(err)
		}
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept-Language", b.lang)
	for k, v := range b.header {
		req.Header[k] = v
	}
	for k, v := range b.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	var res *http.Response
	var err error
	if b.client != nil {
		res, err = b.client.Do(req)
	} else {
		res, err = b.e.app.Test(req, 10000)
	}
	if err != nil {
		b.e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	for _, c := range res.Cookies() {
		if c.MaxAge < 0 || (c.Value == "" && !c.Expires.IsZero()) {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c.Value
		}
	}
	return response{status: res.StatusCode, body: string(raw), header: res.Header}
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// csrf fetches a page and returns the token of its forms.
func (b *browser) csrf(path string) string {
	b.e.t.Helper()
	r := b.do("GET", path, nil)
	m := csrfField.FindStringSubmatch(r.body)
	if m == nil {
		b.e.t.Fatalf("no CSRF token on %s (status %d)", path, r.status)
	}
	return m[1]
}

func (b *browser) login(who string) {
	b.e.t.Helper()
	token := b.csrf("/login")
	r := b.do("POST", "/login", url.Values{"_csrf": {token}, "email": {b.e.emails[who]}, "password": {password}})
	if r.status != http.StatusSeeOther {
		b.e.t.Fatalf("login %s: status %d\n%s", who, r.status, r.body)
	}
}

func TestAnonymousVisitor(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	r := b.do("GET", "/", nil)
	if r.status != 200 || !strings.Contains(r.body, `role="search"`) || !strings.Contains(r.body, "Centro de ayuda") {
		t.Fatalf("home: %d", r.status)
	}
	if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("CSP = %q", csp)
	}
	r = b.do("GET", "/search?q=vpn", nil)
	if !strings.Contains(r.body, "<mark>VPN</mark>") || strings.Contains(r.body, "Runbook interno") {
		t.Errorf("anonymous search must show public KB only:\n%s", r.body)
	}
	for _, path := range []string{"/tickets", "/tickets/new", fmt.Sprintf("/tickets/%d", e.ids["aliceTicket"])} {
		if r := b.do("GET", path, nil); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login?next=") {
			t.Errorf("%s: status %d location %q, want a redirect to login", path, r.status, r.header.Get("Location"))
		}
	}
	if r := b.do("GET", "/search?per_page=5000", nil); r.status != http.StatusBadRequest {
		t.Errorf("huge page: %d", r.status)
	}
	if r := b.do("GET", "/nope", nil); r.status != http.StatusNotFound || !strings.Contains(r.body, "No hemos encontrado") {
		t.Errorf("404 page: %d", r.status)
	}
}

func TestLogin(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	token := b.csrf("/login")
	before := b.cookies["hd_session"]
	r := b.do("POST", "/login", url.Values{"_csrf": {token}, "email": {e.emails["alice"]}, "password": {"wrong password"}})
	if r.status != http.StatusUnauthorized || !strings.Contains(r.body, "Correo o contraseña incorrectos") {
		t.Fatalf("bad password: %d", r.status)
	}
	r = b.do("POST", "/login", url.Values{"_csrf": {token}, "email": {"nobody" + e.suffix + "@example.com"}, "password": {"x"}})
	if r.status != http.StatusUnauthorized || !strings.Contains(r.body, "Correo o contraseña incorrectos") {
		t.Fatalf("unknown email must get the same answer: %d", r.status)
	}
	if r := b.do("POST", "/login", url.Values{"email": {e.emails["alice"]}, "password": {password}}); r.status != http.StatusForbidden {
		t.Fatalf("login without CSRF token: %d", r.status)
	}
	b.login("alice")
	if after := b.cookies["hd_session"]; after == "" || after == before {
		t.Fatal("session id not rotated at login")
	}
	if r := b.do("GET", "/tickets", nil); r.status != 200 {
		t.Fatalf("tickets after login: %d", r.status)
	}
	// Logout ends the session server-side, not just in the browser.
	old := b.cookies["hd_session"]
	token = csrfField.FindStringSubmatch(b.do("GET", "/", nil).body)[1]
	if r := b.do("POST", "/logout", url.Values{"_csrf": {token}}); r.status != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.status)
	}
	replay := e.browser()
	replay.cookies["hd_session"] = old
	if r := replay.do("GET", "/tickets", nil); r.status != http.StatusSeeOther {
		t.Fatalf("old session still works after logout: %d", r.status)
	}
}

func TestClientSeesOnlyTheirCompany(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	b.login("alice")
	own := fmt.Sprintf("/tickets/%d", e.ids["aliceTicket"])
	r := b.do("GET", own, nil)
	if r.status != 200 || !strings.Contains(r.body, "Reinicie el spooler") {
		t.Fatalf("own ticket: %d", r.status)
	}
	if strings.Contains(r.body, "NOTA-INTERNA") {
		t.Error("internal comment shown to a client")
	}
	if strings.Contains(r.body, "<script>alert(1)</script>") || !strings.Contains(r.body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("ticket title not escaped")
	}
	other := fmt.Sprintf("/tickets/%d", e.ids["bobTicket"])
	if r := b.do("GET", other, nil); r.status != http.StatusNotFound {
		t.Errorf("other company's ticket: %d, want 404", r.status)
	}
	if r := b.do("GET", "/tickets/99999999", nil); r.status != http.StatusNotFound {
		t.Errorf("missing ticket: %d", r.status)
	}
	r = b.do("GET", "/tickets", nil)
	if !strings.Contains(r.body, "impresora") || strings.Contains(r.body, "London") || strings.Contains(r.body, "Globex") {
		t.Errorf("client ticket list leaks or misses:\n%s", r.body)
	}
	token := b.csrf(own)
	if r := b.do("POST", own, url.Values{"_csrf": {token}, "status": {"closed"}}); r.status != http.StatusForbidden {
		t.Errorf("client changed a ticket's status: %d", r.status)
	}
	if r := b.do("POST", other+"/comments", url.Values{"_csrf": {token}, "body": {"hola"}}); r.status != http.StatusNotFound {
		t.Errorf("client commented on another company's ticket: %d", r.status)
	}
}

func TestClientOpensTicketAndReplies(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	b.login("bob")
	token := b.csrf("/tickets/new")
	r := b.do("POST", "/tickets", url.Values{"_csrf": {token}, "title": {""}, "priority": {"high"}, "category": {"vpn"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Escribe un asunto") {
		t.Fatalf("empty title: %d", r.status)
	}
	// A client cannot open a ticket for another company by editing the form.
	r = b.do("POST", "/tickets", url.Values{"_csrf": {token}, "title": {"VPN cae cada hora"}, "priority": {"high"},
		"category": {"vpn"}, "client": {fmt.Sprint(e.ids["acme"])}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", r.status, r.body)
	}
	loc := r.header.Get("Location")
	page := b.do("GET", loc, nil)
	if page.status != 200 || !strings.Contains(page.body, "VPN cae cada hora") || !strings.Contains(page.body, "Globex") {
		t.Fatalf("new ticket page: %d", page.status)
	}
	r = b.do("POST", loc+"/comments", url.Values{"_csrf": {token}, "body": {"Sigue fallando"}, "internal": {"on"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("reply: %d", r.status)
	}
	var internal bool
	id := strings.TrimPrefix(loc, "/tickets/")
	if err := e.st.Pool().QueryRow(context.Background(), `SELECT internal FROM comments WHERE ticket_id = $1`, id).Scan(&internal); err != nil || internal {
		t.Fatalf("a client's comment became internal: %v %v", internal, err)
	}
}

func TestAgentTriage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	b.login("agent")
	r := b.do("GET", "/tickets", nil)
	if r.status != http.StatusFound || r.header.Get("Location") != "/tickets?status=open&status=in_progress&status=waiting" {
		t.Fatalf("triage starts with what is open: %d %s", r.status, r.header.Get("Location"))
	}
	r = b.do("GET", r.header.Get("Location"), nil)
	if !strings.Contains(r.body, "London") || !strings.Contains(r.body, "impresora") {
		t.Fatal("agent sees every company's tickets")
	}
	r = b.do("GET", "/tickets?priority=high&client="+fmt.Sprint(e.ids["acme"]), nil)
	if strings.Contains(r.body, "London") || !strings.Contains(r.body, "impresora") || !strings.Contains(r.body, "aria-current") {
		t.Errorf("two facets:\n%s", r.body)
	}
	own := fmt.Sprintf("/tickets/%d", e.ids["aliceTicket"])
	page := b.do("GET", own, nil)
	if !strings.Contains(page.body, "NOTA-INTERNA") {
		t.Error("agent does not see internal comments")
	}
	token := csrfField.FindStringSubmatch(page.body)[1]
	version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(page.body)[1]
	r = b.do("POST", own, url.Values{"_csrf": {token}, "status": {"in_progress"}, "version": {version}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("update: %d", r.status)
	}
	cur, _ := e.st.Ticket(context.Background(), e.ids["aliceTicket"])
	if cur.Status != "in_progress" {
		t.Fatalf("status = %s", cur.Status)
	}
	// The same stale form again is a conflict, reported, not applied.
	r = b.do("POST", own, url.Values{"_csrf": {token}, "status": {"closed"}, "version": {version}})
	if after := b.do("GET", own, nil); !strings.Contains(after.body, "Otra persona cambió este ticket") {
		t.Errorf("conflict not reported (status %d)", r.status)
	}
	if cur, _ := e.st.Ticket(context.Background(), e.ids["aliceTicket"]); cur.Status != "in_progress" {
		t.Fatalf("stale update applied: %s", cur.Status)
	}
}

func TestLanguageSwitch(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	b.lang = "en-GB,en;q=0.9"
	if r := b.do("GET", "/", nil); !strings.Contains(r.body, "Help center") || !strings.Contains(r.body, `lang="en"`) {
		t.Fatal("Accept-Language en not honoured")
	}
	if r := b.do("GET", "/lang?to=es&back=/kb", nil); r.status != http.StatusSeeOther || r.header.Get("Location") != "/kb" {
		t.Fatalf("switch: %d %s", r.status, r.header.Get("Location"))
	}
	if r := b.do("GET", "/", nil); !strings.Contains(r.body, "Centro de ayuda") {
		t.Fatal("choice not remembered")
	}
	if r := b.do("GET", "/lang?to=es&back=https://evil.example/", nil); r.header.Get("Location") != "/" {
		t.Fatalf("open redirect: %s", r.header.Get("Location"))
	}
}

func TestKBPagesAndAccess(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	evil, err := e.st.CreateArticle(ctx, store.NewArticle{Title: `Guía <script>alert("t")</script>`, Status: "published",
		Body: "# Hola\n\n<script>alert(1)</script>\n\n[clic](javascript:alert(1)) <img src=x onerror=alert(1)>\n\n## A\n\n## B\n\n## C\n"})
	if err != nil {
		t.Fatal(err)
	}
	internal, err := e.st.ArticleBySlug(ctx, "runbook-interno-vpn")
	if err != nil {
		t.Fatal(err)
	}
	anon := e.browser()
	r := anon.do("GET", "/kb", nil)
	if r.status != 200 || !strings.Contains(r.body, "Configuración de la VPN") || strings.Contains(r.body, "Runbook interno") {
		t.Fatalf("kb index for anonymous: %d", r.status)
	}
	r = anon.do("GET", "/kb/"+evil.Slug, nil)
	if r.status != 200 {
		t.Fatalf("article: %d", r.status)
	}
	body := r.body[strings.Index(r.body, "<main"):]
	for _, bad := range []string{"<script>alert", "javascript:", "onerror"} {
		if strings.Contains(body, bad) {
			t.Errorf("article page contains %q", bad)
		}
	}
	if !strings.Contains(r.body, "<title>Guía &lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt; · Centro de ayuda</title>") {
		t.Errorf("title tag not escaped:\n%s", r.body[:400])
	}
	if !strings.Contains(r.body, `class="toc"`) {
		t.Error("no table of contents for a long article")
	}
	for who, want := range map[string]int{"": 404, "alice": 404, "agent": 200} {
		b := e.browser()
		if who != "" {
			b.login(who)
		}
		if r := b.do("GET", "/kb/"+internal.Slug, nil); r.status != want {
			t.Errorf("%q reading an internal article: %d, want %d", who, r.status, want)
		}
	}
}

func TestKBEditorIsForStaff(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	client := e.browser()
	client.login("alice")
	if r := client.do("GET", "/kb/new", nil); r.status != http.StatusForbidden {
		t.Errorf("client opened the editor: %d", r.status)
	}
	token := client.csrf("/kb")
	if r := client.do("POST", "/kb", url.Values{"_csrf": {token}, "title": {"x"}, "locale": {"es"}, "audience": {"public"}, "status": {"published"}}); r.status != http.StatusForbidden {
		t.Errorf("client created an article: %d", r.status)
	}
	agent := e.browser()
	agent.login("agent")
	token = agent.csrf("/kb/new")
	form := url.Values{"_csrf": {token}, "title": {"Wi-Fi de invitados"}, "body": {"## Red\n\nConéctate a **Invitados**."},
		"category": {"Redes"}, "tags": {"wifi, Invitados"}, "locale": {"es"}, "audience": {"public"}, "status": {"published"}, "preview": {"1"}}
	if r := agent.do("POST", "/kb", form); r.status != 200 || !strings.Contains(r.body, "<strong>Invitados</strong>") {
		t.Fatalf("preview: %d", r.status)
	}
	form.Del("preview")
	r := agent.do("POST", "/kb", form)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/kb/wi-fi-de-invitados" {
		t.Fatalf("save: %d %s", r.status, r.header.Get("Location"))
	}
	a, err := e.st.ArticleBySlug(context.Background(), "wi-fi-de-invitados")
	if err != nil || a.Category != "Redes" || strings.Join(a.Tags, ",") != "wifi,invitados" {
		t.Fatalf("stored: %+v %v", a, err)
	}
	// Editing from a stale form is refused, not lost silently.
	token = agent.csrf("/kb/wi-fi-de-invitados/edit")
	stale := url.Values{"_csrf": {token}, "title": {"Wi-Fi"}, "body": {"x"}, "locale": {"es"}, "audience": {"public"},
		"status": {"published"}, "version": {fmt.Sprint(a.Version - 1)}}
	if r := agent.do("POST", "/kb/wi-fi-de-invitados", stale); r.status != http.StatusConflict {
		t.Errorf("stale edit: %d", r.status)
	}
}

func TestDashboardIsForStaff(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if r := e.browser().do("GET", "/dashboard", nil); r.status != http.StatusSeeOther {
		t.Errorf("anonymous: %d", r.status)
	}
	client := e.browser()
	client.login("bob")
	if r := client.do("GET", "/dashboard", nil); r.status != http.StatusForbidden {
		t.Errorf("client: %d", r.status)
	}
	agent := e.browser()
	agent.login("agent")
	r := agent.do("GET", "/dashboard", nil)
	if r.status != 200 || !strings.Contains(r.body, "<svg") || !strings.Contains(r.body, "Primera respuesta dentro del SLA") {
		t.Fatalf("dashboard: %d", r.status)
	}
}

func TestSavedSearches(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	agent := e.browser()
	agent.login("agent")
	token := agent.csrf("/tickets?priority=high")
	r := agent.do("POST", "/tickets/saved", url.Values{"_csrf": {token}, "name": {"Altas"}, "query": {"priority=high&page=3"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("save: %d", r.status)
	}
	page := agent.do("GET", "/tickets?sort=newest", nil)
	if !regexp.MustCompile(`href="/tickets\?priority=high">Altas</a> <span class="count">1</span>`).MatchString(page.body) {
		t.Errorf("saved search with its live count not in the sidebar:\n%s", page.body)
	}
	if r := agent.do("POST", "/tickets/saved", url.Values{"_csrf": {token}, "name": {"Mala"}, "query": {"per_page=100000"}}); r.status != http.StatusBadRequest {
		t.Errorf("invalid saved search: %d", r.status)
	}
}

// TestJobsPage: staff see the queues, the workers and the jobs in trouble, and can retry one;
// /readyz says whether a worker is alive without failing the portal's readiness.
func TestJobsPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	client := e.browser()
	client.login("bob")
	if r := client.do("GET", "/admin/jobs", nil); r.status != http.StatusForbidden {
		t.Errorf("client: %d", r.status)
	}
	ready := func() map[string]any {
		t.Helper()
		r := e.browser().do("GET", "/readyz", nil)
		var body map[string]any
		if r.status != 200 || json.Unmarshal([]byte(r.body), &body) != nil {
			t.Fatalf("readyz: %d %s", r.status, r.body)
		}
		return body["worker"].(map[string]any)
	}
	if w := ready(); w["ok"] != false || w["alive"] != float64(0) {
		t.Errorf("readyz without a worker: %v", w)
	}
	if err := e.st.WorkerHeartbeat(ctx, "host:1", time.Now()); err != nil {
		t.Fatal(err)
	}
	if w := ready(); w["ok"] != true || w["alive"] != float64(1) {
		t.Errorf("readyz with a worker: %v", w)
	}
	// The seed's tickets queued their events; give one up so the page has trouble to show.
	jobs, err := e.st.ListJobs(ctx, store.JobFilter{Kind: "event", Limit: 1})
	if err != nil || len(jobs) != 1 {
		t.Fatalf("jobs: %v %v", jobs, err)
	}
	if _, err := e.st.CancelJob(ctx, jobs[0].ID); err != nil {
		t.Fatal(err)
	}
	agent := e.browser()
	agent.login("agent")
	r := agent.do("GET", "/admin/jobs", nil)
	if r.status != 200 || !strings.Contains(r.body, "host:1") || !strings.Contains(r.body, fmt.Sprintf("/admin/jobs/%d/retry", jobs[0].ID)) {
		t.Fatalf("jobs page: %d\n%s", r.status, r.body)
	}
	token := agent.csrf("/admin/jobs")
	if r := agent.do("POST", fmt.Sprintf("/admin/jobs/%d/retry", jobs[0].ID), url.Values{"_csrf": {token}}); r.status != http.StatusSeeOther {
		t.Fatalf("retry: %d", r.status)
	}
	if again, _ := e.st.ListJobs(ctx, store.JobFilter{States: []string{"available"}, Kind: "event"}); !slices.ContainsFunc(again, func(j store.Job) bool { return j.ID == jobs[0].ID }) {
		t.Error("the retried job is not available again")
	}
	if r := agent.do("POST", "/admin/jobs/99999999/retry", url.Values{"_csrf": {token}}); r.status != http.StatusNotFound {
		t.Errorf("retry of an unknown job: %d", r.status)
	}
}

// TestClientPages: staff see the companies; only admins create and edit them, with the form's
// mistakes answered as 400 and nothing written.
func TestClientPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	bob := e.browser()
	bob.login("bob")
	if r := bob.do("GET", "/admin/clients", nil); r.status != http.StatusForbidden {
		t.Errorf("client: %d", r.status)
	}
	agent := e.browser()
	agent.login("agent")
	r := agent.do("GET", "/admin/clients", nil)
	if r.status != 200 || !strings.Contains(r.body, "Globex") || strings.Contains(r.body, `action="/admin/clients"`) {
		t.Fatalf("agent's list: %d\n%s", r.status, r.body)
	}
	token := agent.csrf("/admin/clients")
	if r := agent.do("POST", "/admin/clients", url.Values{"_csrf": {token}, "name": {"Initech"}, "sla_response_minutes": {"60"}}); r.status != http.StatusForbidden {
		t.Errorf("agent creates: %d", r.status)
	}
	admin := e.browser()
	admin.login("admin")
	token = admin.csrf("/admin/clients")
	for _, bad := range []url.Values{
		{"name": {"Initech"}, "sla_response_minutes": {"soon"}},
		{"name": {"Initech"}, "sla_response_minutes": {"0"}},
		{"name": {""}, "sla_response_minutes": {"60"}},
		{"name": {"Initech"}, "sla_response_minutes": {"60"}, "contract_end": {"31/12/2027"}},
	} {
		bad.Set("_csrf", token)
		if r := admin.do("POST", "/admin/clients", bad); r.status != http.StatusBadRequest {
			t.Errorf("%v: %d", bad, r.status)
		}
	}
	if r := admin.do("POST", "/admin/clients", url.Values{"_csrf": {token}, "name": {"Initech"}, "sla_response_minutes": {"60"}, "contract_end": {"2027-12-31"}}); r.status != http.StatusSeeOther {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	clients, err := e.st.Clients(ctx)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(clients, func(c store.Client) bool { return c.Name == "Initech" })
	if i < 0 || len(clients) != 3 {
		t.Fatalf("clients after the form: %+v", clients)
	}
	path := fmt.Sprintf("/admin/clients/%d", clients[i].ID)
	if r := admin.do("GET", path, nil); r.status != 200 || !strings.Contains(r.body, `value="2027-12-31"`) {
		t.Fatalf("editor: %d\n%s", r.status, r.body)
	}
	// An unticked box deactivates; an emptied date clears the contract's end.
	if r := admin.do("POST", path, url.Values{"_csrf": {token}, "name": {"Initech SA"}, "sla_response_minutes": {"45"}, "contract_end": {""}}); r.status != http.StatusSeeOther {
		t.Fatalf("update: %d", r.status)
	}
	got, err := e.st.Client(ctx, clients[i].ID)
	if err != nil || got.Name != "Initech SA" || got.SLAResponseMinutes != 45 || got.Active || got.ContractEnd != nil {
		t.Errorf("after the update: %+v %v", got, err)
	}
}

// TestReadyzReportsEachDependency: one entry per dependency, ok, degraded or down; the portal
// stays ready (200) while it can serve, whichever of Redis, Elasticsearch or the worker is away.
func TestReadyzReportsEachDependency(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	es := estest.New(t, e.st.Analyzer())
	if err := es.EnsureIndices(ctx); err != nil {
		t.Fatal(err)
	}
	unreachable, err := elasticsearch.New([]string{"http://127.0.0.1:1"}, estest.Prefix(), e.st.Analyzer())
	if err != nil {
		t.Fatal(err)
	}
	deadRedis := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { deadRedis.Close() })
	if err := e.st.WorkerHeartbeat(ctx, "host:1", time.Now()); err != nil {
		t.Fatal(err)
	}
	fallback := postgres.New(e.st.Pool(), e.st.Analyzer())
	ready := func(primary search.Searcher, rdb redis.UniversalClient) map[string]any {
		t.Helper()
		app, err := portal.New(portal.Deps{Store: e.st, Search: search.NewFailover(primary, fallback, search.FailoverOptions{}),
			Sessions: session.NewMemory(), Redis: rdb, KeyPrefix: fmt.Sprintf("ready%d:", time.Now().UnixNano()),
			Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		res, err := app.Test(httptest.NewRequest("GET", "/readyz", nil), 10000)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var body map[string]any
		if err := json.NewDecoder(res.Body).Decode(&body); err != nil || res.StatusCode != 200 {
			t.Fatalf("readyz: %d %v", res.StatusCode, err)
		}
		return body
	}
	status := func(body map[string]any, dep string) string {
		entry, _ := body[dep].(map[string]any)
		s, _ := entry["status"].(string)
		return s
	}
	all := ready(es, e.rdb)
	for dep, want := range map[string]string{"database": "ok", "redis": "ok", "elasticsearch": "ok", "indexer": "ok", "worker": "ok"} {
		if got := status(all, dep); got != want {
			t.Errorf("all up: %s is %q, want %q (%v)", dep, got, want, all)
		}
	}
	if all["status"] != "ok" || all["ready"] != true || all["elasticsearch"].(map[string]any)["cluster"] == nil {
		t.Errorf("all up: %v", all)
	}
	noES := ready(unreachable, e.rdb)
	if status(noES, "elasticsearch") != "down" || noES["status"] != "degraded" || noES["ready"] != true {
		t.Errorf("elasticsearch away: %v", noES)
	}
	noRedis := ready(es, deadRedis)
	if status(noRedis, "redis") != "down" || noRedis["status"] != "degraded" {
		t.Errorf("redis away: %v", noRedis)
	}
	// Postgres alone by design: no index to keep, so neither Elasticsearch nor the indexer is
	// reported, and the search entry is ok.
	pgOnly := ready(nil, nil)
	if status(pgOnly, "search") != "ok" || pgOnly["elasticsearch"] != nil || pgOnly["indexer"] != nil || pgOnly["redis"] != nil {
		t.Errorf("postgres only: %v", pgOnly)
	}
	// A change waiting over a minute: the indexer is behind.
	if _, err := e.st.Pool().Exec(ctx, `UPDATE search_outbox SET created_at = now() - interval '5 minutes'`); err != nil {
		t.Fatal(err)
	}
	if lag := ready(es, e.rdb); status(lag, "indexer") != "degraded" || lag["status"] != "degraded" {
		t.Errorf("indexer behind: %v", lag)
	}
}

// TestMetricsTellFailover: /metrics counts searches by the engine that answered, the answers
// Postgres gave in Elasticsearch's place, the breaker's state, failed Redis commands and the
// pools' statistics.
func TestMetricsTellFailover(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	unreachable, err := elasticsearch.New([]string{"http://127.0.0.1:1"}, estest.Prefix(), e.st.Analyzer())
	if err != nil {
		t.Fatal(err)
	}
	deadRedis := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { deadRedis.Close() })
	app, err := portal.New(portal.Deps{Store: e.st, Sessions: session.NewMemory(), Redis: deadRedis, KeyPrefix: "metrics:",
		Search: search.NewFailover(unreachable, postgres.New(e.st.Pool(), e.st.Analyzer()), search.FailoverOptions{Threshold: 2}),
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	agent := e.token("agent")
	for range 3 {
		if r := callAPI(t, app, agent, "GET", "/api/v1/search?q=impresora", ""); r.status != 200 {
			t.Fatalf("search: %d %s", r.status, r.raw)
		}
	}
	res, err := app.Test(httptest.NewRequest("GET", "/metrics", nil), 10000)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	body := string(raw)
	for _, want := range []string{
		`portal_search_requests_total{engine="postgres",outcome="ok"} 3`,
		`portal_search_duration_seconds_count{engine="postgres"} 3`,
		"portal_search_fallbacks_total 3",
		"portal_search_breaker_open 1",
		`pgxpool_max_conns{pool="store"}`,
		`pgxpool_acquires_total{pool="store"}`,
		`portal_redis_errors_total{command=`,
		"portal_degraded 1",
		`portal_dependency_ok{dependency="database"} 1`,
		`portal_dependency_ok{dependency="elasticsearch"} 0`,
		`portal_dependency_ok{dependency="redis"} 0`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// TestCategoryPages: staff add, rename and retire ticket categories on a page; the new-ticket
// form offers the active ones by name; a form's mistake is 400 and writes nothing.
func TestCategoryPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	bob := e.browser()
	bob.login("bob")
	if r := bob.do("GET", "/admin/categories", nil); r.status != http.StatusForbidden {
		t.Errorf("client: %d", r.status)
	}
	agent := e.browser()
	agent.login("agent")
	token := agent.csrf("/admin/categories")
	if r := agent.do("POST", "/admin/categories", url.Values{"_csrf": {token}, "slug": {"Mal"}, "name_es": {"a"}, "name_en": {"b"}}); r.status != http.StatusBadRequest {
		t.Errorf("a bad slug: %d", r.status)
	}
	if r := agent.do("POST", "/admin/categories", url.Values{"_csrf": {token}, "slug": {"telefonia"}, "name_es": {"Telefonía"}, "name_en": {"Phones"}, "position": {"20"}}); r.status != http.StatusSeeOther {
		t.Fatalf("add: %d %s", r.status, r.body)
	}
	if r := bob.do("GET", "/tickets/new", nil); !strings.Contains(r.body, `value="telefonia"`) || !strings.Contains(r.body, "Telefonía") {
		t.Errorf("the new-ticket form lacks the new category:\n%s", r.body)
	}
	// Unticked: retired; renamed at once.
	if r := agent.do("POST", "/admin/categories/telefonia", url.Values{"_csrf": {token}, "name_es": {"Telefonía fija"}, "name_en": {"Phones"}, "position": {"20"}}); r.status != http.StatusSeeOther {
		t.Fatalf("update: %d", r.status)
	}
	cats, err := e.st.TicketCategories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(cats, func(c store.TicketCategory) bool { return c.Slug == "telefonia" })
	if i < 0 || cats[i].Active || cats[i].NameES != "Telefonía fija" {
		t.Errorf("after the update: %+v", cats)
	}
	if r := bob.do("GET", "/tickets/new", nil); strings.Contains(r.body, `value="telefonia"`) {
		t.Error("a retired category is still offered")
	}
	if r := agent.do("GET", "/admin/categories", nil); r.status != 200 || !strings.Contains(r.body, "Telefonía fija") {
		t.Errorf("list: %d", r.status)
	}
}

// TestTracesOfASearch: with an OTLP endpoint, one API search leaves one trace on it, going on
// with the caller's traceparent: the server span, and inside it the statements (token, rate
// limit), the Redis commands and the Elasticsearch request.
func TestTracesOfASearch(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	sink := otlpsink.Start(t)
	tp, err := tracing.New(ctx, sink.URL, "helpdesk-portal")
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, e.st.Pool().Config().ConnString(), store.WithQueryTracer(tracing.QueryTracer(tp)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	prefix := estest.Prefix()
	if err := estest.NewWithPrefix(t, prefix, st.Analyzer()).EnsureIndices(ctx); err != nil {
		t.Fatal(err)
	}
	es, err := elasticsearch.New(estest.URLs(t), prefix, st.Analyzer(), elasticsearch.WithTracing(tp))
	if err != nil {
		t.Fatal(err)
	}
	rdb, err := config.OpenRedis(os.Getenv("REDIS_URL"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rdb.Close() })
	app, err := portal.New(portal.Deps{Store: st, Search: search.NewFailover(es, postgres.New(st.Pool(), st.Analyzer()), search.FailoverOptions{}),
		Sessions: session.NewRedis(rdb), Redis: rdb, KeyPrefix: fmt.Sprintf("trace%d:", time.Now().UnixNano()),
		Logger: slog.New(slog.DiscardHandler), Tracing: tp})
	if err != nil {
		t.Fatal(err)
	}
	const traceID, parentID = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
	req := httptest.NewRequest("GET", "/api/v1/search?q=impresora", nil)
	req.Header.Set("Authorization", "Bearer "+e.token("agent"))
	req.Header.Set("traceparent", "00-"+traceID+"-"+parentID+"-01")
	res, err := app.Test(req, 10000)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("search: %v %v", res, err)
	}
	res.Body.Close()
	if err := tp.Shutdown(ctx); err != nil { // flushes the batch to the sink
		t.Fatal(err)
	}
	var server *otlpsink.Span
	kinds := map[string]int{}
	for _, sp := range sink.Spans() {
		if sp.TraceID != traceID {
			continue
		}
		switch {
		case sp.Name == "GET /api/v1/search":
			server = &sp
		case strings.HasPrefix(sp.Name, "postgres "):
			kinds["postgres"]++
		case strings.HasPrefix(sp.Name, "redis "):
			kinds["redis"]++
		case sp.Attributes["db.system"] == "elasticsearch":
			kinds["elasticsearch"]++
		}
	}
	if server == nil || server.ParentID != parentID || server.Service != "helpdesk-portal" || server.Attributes["http.response.status_code"] != "200" || server.Attributes["request_id"] == "" {
		t.Fatalf("server span %+v; every span: %+v", server, sink.Spans())
	}
	for _, k := range []string{"postgres", "redis", "elasticsearch"} {
		if kinds[k] == 0 {
			t.Errorf("no %s span in the search's trace: %+v", k, sink.Spans())
		}
	}
}

// metricValue reads one series of a portal's /metrics: at (a *fiber.App, or a base URL) .
func metricValue(t *testing.T, at any, series string) float64 {
	t.Helper()
	var res *http.Response
	var err error
	switch p := at.(type) {
	case *fiber.App:
		res, err = p.Test(httptest.NewRequest("GET", "/metrics", nil), 10000)
	case string:
		res, err = http.Get(p + "/metrics")
	default:
		t.Fatalf("metricValue of a %T", at)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			var f float64
			if _, err := fmt.Sscan(v, &f); err != nil {
				t.Fatalf("%s: %q", series, v)
			}
			return f
		}
	}
	t.Fatalf("/metrics has no %s", series)
	return 0
}
