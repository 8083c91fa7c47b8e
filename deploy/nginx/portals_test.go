package nginx

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"helpdesk/auth"
	"helpdesk/i18n"
	"helpdesk/internal/pgtest"
	"helpdesk/internal/procs"
	"helpdesk/store"
)

// Two real portal binaries on a small database behind a real nginx rendered from the shipped
// configuration.

var (
	pg        = &pgtest.Server{}
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	pg.Cleanup()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// portalBinary builds cmd/portal once for the package's tests.
func portalBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		if binDir, buildErr = os.MkdirTemp("", "nginx-bin-"); buildErr != nil {
			return
		}
		cmd := exec.Command("go", "build", "-o", binDir+string(os.PathSeparator), "./cmd/portal")
		cmd.Dir = "../.."
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("%w\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatalf("build the portal: %v", buildErr)
	}
	return binDir
}

// site is the world of TestPortals.
type site struct {
	dbURL    string
	portals  []*procs.Process
	ng       *Server
	slugs    []string
	name     string // the signed-in reader's name, on every page they see
	email    string
	password string
	token    string
}

const password = "nginx-test-password-1"

func newSite(t *testing.T) *site {
	t.Helper()
	if os.Getenv("REDIS_URL") == "" {
		t.Fatal(`REDIS_URL must be set (portals share sessions through it): eval "$(scripts/services env)"`)
	}
	bin := portalBinary(t)
	s := &site{dbURL: pg.NewDatabase(t), name: "Ana Proxyperez", email: "ana@nginx.example", password: password}
	st := pgtest.Open(t, s.dbURL)
	ctx := context.Background()
	hash, err := auth.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	u, err := st.CreateUser(ctx, store.NewUser{Email: s.email, Name: s.name, Role: "agent", PasswordHash: hash})
	if err != nil {
		t.Fatal(err)
	}
	token, tokenHash, display, err := auth.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateToken(ctx, u.ID, "nginx", tokenHash, display); err != nil {
		t.Fatal(err)
	}
	s.token = token
	for i := range 4 {
		a, err := st.CreateArticle(ctx, store.NewArticle{Title: fmt.Sprintf("Configurar la impresora %d", i),
			Body: "## Pasos\n\nReinicia la impresora y vuelve a probar.", Status: "published"})
		if err != nil {
			t.Fatal(err)
		}
		s.slugs = append(s.slugs, a.Slug)
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	// Search from Postgres (no indexer to run); the render cache in Redis under a prefix of
	// the test's own; no rate limit in the way.
	env := []string{"DATABASE_URL=" + s.dbURL, "ELASTICSEARCH_URL=", "SEARCH_INDEX_PREFIX=ngx" + hex.EncodeToString(b),
		"API_RATE_LIMIT_IP=1000000/1m", "API_RATE_LIMIT_TOKEN=1000000/1m"}
	var addrs []string
	for range 2 {
		p, err := procs.Start(ctx, bin, "portal", "PORTAL_ADDR", "/readyz", env)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			p.Stop()
			if t.Failed() {
				t.Logf("portal %s:\n%s", p.Addr, p.Output())
			}
		})
		s.portals = append(s.portals, p)
		addrs = append(addrs, p.Addr)
	}
	s.ng = startNginx(t, addrs...)
	return s
}

var (
	csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)
	htmlLang  = regexp.MustCompile(`<html lang="([a-z]+)">`)
	maxAge    = regexp.MustCompile(`max-age=(\d+)`)
)

// login signs in through nginx and returns the session cookie.
func (s *site) login(t *testing.T) string {
	t.Helper()
	a := do(t, "GET", s.ng.URL("/login"), nil, "")
	m := csrfField.FindStringSubmatch(a.body)
	cookie := sessionCookie(a.header)
	if m == nil || cookie == "" {
		t.Fatalf("login page: %d, no CSRF token or session cookie", a.status)
	}
	form := url.Values{"email": {s.email}, "password": {s.password}, "_csrf": {m[1]}}.Encode()
	a = do(t, "POST", s.ng.URL("/login"), map[string]string{"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}, form)
	if a.status != http.StatusSeeOther || sessionCookie(a.header) == "" {
		t.Fatalf("login: %d %v", a.status, a.header)
	}
	return sessionCookie(a.header)
}

func sessionCookie(h http.Header) string {
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.Name == "hd_session" {
			return "hd_session=" + c.Value
		}
	}
	return ""
}

func cacheStatus(a answer) string { return a.header.Get("X-Cache-Status") }

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// TestPortals: anonymous KB pages are served from the cache, signed-in pages never are, the
// languages and encodings never mix, and a portal stopped costs no GET and doubles no POST.
func TestPortals(t *testing.T) {
	s := newSite(t)

	t.Run("anonymous pages come from the cache", func(t *testing.T) {
		for _, p := range []string{"/kb/" + s.slugs[0], "/kb", "/static/app.css"} {
			first := do(t, "GET", s.ng.URL(p), nil, "")
			second := do(t, "GET", s.ng.URL(p), nil, "")
			if first.status != 200 || cacheStatus(first) != "MISS" || cacheStatus(second) != "HIT" || second.body != first.body {
				t.Errorf("%s: %d %s, then %d %s (same body: %v)", p, first.status, cacheStatus(first), second.status, cacheStatus(second), second.body == first.body)
			}
			// Until the portal says Cache-Control: public on KB pages, the one-second fallback keeps them.
			t.Logf("%s: Cache-Control %q", p, first.header.Get("Cache-Control"))
		}
		// Once it does, they are kept as long as it says.
		a := do(t, "GET", s.ng.URL("/kb/"+s.slugs[0]), nil, "")
		cc := a.header.Get("Cache-Control")
		if m := maxAge.FindStringSubmatch(cc); m != nil && strings.Contains(cc, "public") && atoi(m[1]) >= 3 {
			time.Sleep(2100 * time.Millisecond)
			if a := do(t, "GET", s.ng.URL("/kb/"+s.slugs[0]), nil, ""); cacheStatus(a) != "HIT" {
				t.Errorf("a page said %q, and 2 s later it is %s", a.header.Get("Cache-Control"), cacheStatus(a))
			}
		}
	})

	t.Run("signed-in pages are never kept nor served to others", func(t *testing.T) {
		session := s.login(t)
		signedIn := map[string]string{"Cookie": session}
		for i, p := range []string{"/kb/" + s.slugs[1], "/kb/" + s.slugs[1], "/kb/" + s.slugs[0]} {
			a := do(t, "GET", s.ng.URL(p), signedIn, "")
			if a.status != 200 || cacheStatus(a) != "BYPASS" || !strings.Contains(a.body, s.name) {
				t.Errorf("signed in, request %d, %s: %d %s, name shown: %v", i+1, p, a.status, cacheStatus(a), strings.Contains(a.body, s.name))
			}
		}
		// The article read signed in first is not in the cache: the first anonymous reader
		// fills it, without the name.
		for i, want := range []string{"MISS", "HIT"} {
			a := do(t, "GET", s.ng.URL("/kb/"+s.slugs[1]), nil, "")
			if cacheStatus(a) != want || strings.Contains(a.body, s.name) {
				t.Errorf("anonymous request %d after signed-in ones: %s, want %s; name shown: %v", i+1, cacheStatus(a), want, strings.Contains(a.body, s.name))
			}
		}
		a := do(t, "GET", s.ng.URL("/dashboard"), signedIn, "")
		if a.status != 200 || !strings.Contains(a.body, s.name) {
			t.Errorf("signed-in dashboard: %d", a.status)
		}
		if a := do(t, "GET", s.ng.URL("/dashboard"), nil, ""); strings.Contains(a.body, s.name) || a.status == 200 {
			t.Errorf("anonymous dashboard: %d, name shown: %v", a.status, strings.Contains(a.body, s.name))
		}
	})

	t.Run("languages do not mix", func(t *testing.T) {
		p := s.ng.URL("/kb/" + s.slugs[2])
		for i, c := range []struct{ cookie, al, status string }{
			{"", "en", "MISS"},
			{"", "es", "MISS"},
			{"", "en-US,en;q=0.9", "HIT"},
			{"hd_lang=en", "es-ES,es;q=0.9", "HIT"},
			{"", "", "HIT"},
			{"hd_lang=es", "en", "HIT"},
			{"", "es;q=0.5, en;q=0.9", "MISS"}, // q-values decide: keyed on the header itself
			{"", "es;q=0.5, en;q=0.9", "HIT"},
			{"", "en;q=0.1, es", "MISS"},
		} {
			a := do(t, "GET", p, map[string]string{"Cookie": c.cookie, "Accept-Language": c.al}, "")
			want := strings.TrimPrefix(c.cookie, "hd_lang=")
			if !i18n.Supported(want) {
				want = i18n.Negotiate(c.al)
			}
			m := htmlLang.FindStringSubmatch(a.body)
			if a.status != 200 || m == nil || m[1] != want || cacheStatus(a) != c.status {
				t.Errorf("request %d (Cookie %q, Accept-Language %q): %d %s, page language %v, want %s and %s", i+1, c.cookie, c.al, a.status, cacheStatus(a), m, want, c.status)
			}
		}
	})

	t.Run("no compressed body for a client that did not ask", func(t *testing.T) {
		p := s.ng.URL("/kb/" + s.slugs[3])
		for _, ae := range []string{"gzip", "br", "", "gzip, deflate, br", "", "gzip"} {
			a := do(t, "GET", p, map[string]string{"Accept-Encoding": ae}, "")
			body := a.body
			switch ce := a.header.Get("Content-Encoding"); {
			case ce == "":
			case ce == "gzip" && strings.Contains(ae, "gzip"):
				zr, err := gzip.NewReader(bytes.NewReader([]byte(a.body)))
				if err != nil {
					t.Fatalf("Accept-Encoding %q: %v", ae, err)
				}
				b, _ := io.ReadAll(zr)
				body = string(b)
			case ce == "br" && strings.Contains(ae, "br"):
				body = "<!doctype html>" // cannot decode here: only its being asked for is checked
			default:
				t.Errorf("Accept-Encoding %q: Content-Encoding %q", ae, ce)
			}
			if !strings.HasPrefix(body, "<!doctype html>") {
				t.Errorf("Accept-Encoding %q: the body is not the page (%.20q, Content-Encoding %q)", ae, a.body, a.header.Get("Content-Encoding"))
			}
		}
	})

	t.Run("a portal stopped: GETs go on, POSTs apply once", func(t *testing.T) {
		s.portals[0].Stop()
		for i := range 12 {
			// Distinct URLs: every one reaches a portal.
			if a := do(t, "GET", s.ng.URL(fmt.Sprintf("/kb?n=%d", i)), nil, ""); a.status != 200 || cacheStatus(a) != "MISS" {
				t.Errorf("GET %d with a portal down: %d %s", i+1, a.status, cacheStatus(a))
			}
		}
		// nginx did try the stopped portal, and went on to the other.
		if !strings.Contains(s.ng.ErrorLog(), s.portals[0].Addr) {
			t.Errorf("no request tried the stopped portal %s:\n%s", s.portals[0].Addr, s.ng.ErrorLog())
		}
		const posts = 8
		for i := range posts {
			body := fmt.Sprintf(`{"title":"Failover %d","body":"x","status":"published"}`, i)
			a := do(t, "POST", s.ng.URL("/api/v1/kb_articles"), map[string]string{"Authorization": "Bearer " + s.token, "Content-Type": "application/json"}, body)
			if a.status != http.StatusCreated {
				t.Errorf("POST %d with a portal down: %d %s", i+1, a.status, a.body)
			}
		}
		conn, err := pgx.Connect(context.Background(), s.dbURL)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(context.Background())
		var n, distinct int
		if err := conn.QueryRow(context.Background(), `SELECT count(*), count(DISTINCT title) FROM kb_articles WHERE title LIKE 'Failover %'`).Scan(&n, &distinct); err != nil {
			t.Fatal(err)
		}
		if n != posts || distinct != posts {
			t.Errorf("%d articles (%d titles) written by %d POSTs", n, distinct, posts)
		}
	})
}
