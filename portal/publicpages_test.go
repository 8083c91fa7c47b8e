package portal_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"

	"helpdesk/config"
	"helpdesk/store"
)

// get asks the env's portal for path with the given request headers.
func (e *env) get(path string, header ...string) (*http.Response, []byte) {
	e.t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := e.app.Test(req, 10000)
	if err != nil {
		e.t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return res, body
}

// TestPublicKBPages: the KB pages an anonymous reader gets may be kept by browsers and shared
// caches (validators, 304, the language in Vary), never hold anything of a person, come
// compressed, and show an edit at once; every other page is private.
func TestPublicKBPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	const slug = "/kb/configuracion-de-la-vpn"

	res, body := e.get(slug, "Accept-Language", "es")
	if res.StatusCode != 200 {
		t.Fatalf("article: %d", res.StatusCode)
	}
	etag, modified := res.Header.Get("ETag"), res.Header.Get("Last-Modified")
	for h, want := range map[string]string{"Cache-Control": "public, max-age=60, stale-while-revalidate=300",
		"Vary": "Accept-Language, Cookie, Accept-Encoding"} {
		if got := res.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if etag == "" || modified == "" || res.Header.Get("Set-Cookie") != "" {
		t.Fatalf("ETag %q, Last-Modified %q, Set-Cookie %q", etag, modified, res.Header.Get("Set-Cookie"))
	}
	if !bytes.Contains(body, []byte("Instale FortiClient")) || bytes.Contains(body, []byte("_csrf")) {
		t.Fatalf("public page:\n%s", body)
	}

	// Revalidation: the same content is 304 by its ETag (of any encoding) or its date.
	for _, h := range [][]string{{"If-None-Match", etag}, {"If-None-Match", `W/` + etag}, {"If-Modified-Since", modified},
		{"If-None-Match", strings.TrimSuffix(etag, `"`) + `-br"`}} {
		if res, body := e.get(slug, append([]string{"Accept-Language", "es"}, h...)...); res.StatusCode != 304 || len(body) != 0 {
			t.Errorf("%s: %d with %d bytes, want an empty 304", h, res.StatusCode, len(body))
		}
	}
	if res, _ := e.get(slug, "Accept-Language", "es", "If-None-Match", `"other"`); res.StatusCode != 200 {
		t.Errorf("another ETag: %d", res.StatusCode)
	}

	// Each encoding holds the same page.
	for _, enc := range []string{"br", "gzip"} {
		res, raw := e.get(slug, "Accept-Language", "es", "Accept-Encoding", enc)
		if res.Header.Get("Content-Encoding") != enc {
			t.Fatalf("Accept-Encoding %s: Content-Encoding %q", enc, res.Header.Get("Content-Encoding"))
		}
		var r io.Reader = brotli.NewReader(bytes.NewReader(raw))
		if enc == "gzip" {
			zr, err := gzip.NewReader(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			r = zr
		}
		plain, err := io.ReadAll(r)
		if err != nil || !bytes.Equal(plain, body) {
			t.Errorf("%s: the page differs once decompressed (%v)", enc, err)
		}
		if len(raw) >= len(body) {
			t.Errorf("%s: %d bytes for %d", enc, len(raw), len(body))
		}
	}

	// The language varies the page, not the one kept before.
	if _, en := e.get(slug, "Accept-Language", "en"); bytes.Equal(en, body) || !bytes.Contains(en, []byte(`lang="en"`)) {
		t.Error("an English reader got the Spanish page")
	}

	// A signed-in reader gets a private page with their name, which no anonymous reader sees.
	alice := e.browser()
	alice.login("alice")
	r := alice.do("GET", slug, nil)
	if r.status != 200 || r.header.Get("Cache-Control") != "private, no-store" || !strings.Contains(r.body, ">Alice<") {
		t.Fatalf("signed in: %d, Cache-Control %q", r.status, r.header.Get("Cache-Control"))
	}
	if _, again := e.get(slug, "Accept-Language", "es"); bytes.Contains(again, []byte(">Alice<")) || bytes.Contains(again, []byte("_csrf")) {
		t.Fatal("an anonymous reader got a signed-in page")
	}
	for _, path := range []string{"/", "/search?q=vpn", "/login", "/tickets"} {
		if r := alice.do("GET", path, nil); r.header.Get("Cache-Control") != "private, no-store" {
			t.Errorf("%s: Cache-Control %q", path, r.header.Get("Cache-Control"))
		}
	}
	if res, _ := e.get("/login"); res.Header.Get("Cache-Control") != "private, no-store" {
		t.Errorf("login page: Cache-Control %q", res.Header.Get("Cache-Control"))
	}

	// An edit made elsewhere (another portal, the CLI) shows on the next view.
	a, err := e.st.ArticleBySlug(ctx, strings.TrimPrefix(slug, "/kb/"))
	if err != nil {
		t.Fatal(err)
	}
	body2 := "Instale FortiClient 7.4 y reinicie."
	if _, err := e.st.UpdateArticle(ctx, a.ID, store.ArticlePatch{Body: &body2}); err != nil {
		t.Fatal(err)
	}
	res, after := e.get(slug, "Accept-Language", "es", "If-None-Match", etag)
	if res.StatusCode != 200 || !bytes.Contains(after, []byte("FortiClient 7.4")) || res.Header.Get("ETag") == etag {
		t.Errorf("after an edit: %d, ETag %q", res.StatusCode, res.Header.Get("ETag"))
	}

	// The index is public too; a query string is rendered, not kept, and never echoed to others.
	if res, _ := e.get("/kb"); res.Header.Get("Cache-Control") != "public, max-age=60, stale-while-revalidate=300" {
		t.Errorf("/kb: Cache-Control %q", res.Header.Get("Cache-Control"))
	}
	e.get("/kb?ref=zz-marker")
	if _, idx := e.get("/kb"); bytes.Contains(idx, []byte("zz-marker")) {
		t.Error("the index kept a query string someone sent")
	}
	// Drafts and other audiences' articles stay not found, and are never public.
	if res, _ := e.get("/kb/runbook-interno-vpn"); res.StatusCode != 404 || strings.HasPrefix(res.Header.Get("Cache-Control"), "public") {
		t.Errorf("internal article: %d, Cache-Control %q", res.StatusCode, res.Header.Get("Cache-Control"))
	}
}

// TestPublicPagesFollowThePoll: a portal that polls the KB's change count serves its kept page
// until the count moves, then the new one within the poll.
func TestPublicPagesFollowThePoll(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.synonymsRefresh = 100 * time.Millisecond
	e.app = e.newApp(config.RateLimit{})
	ctx := context.Background()
	const slug = "/kb/configuracion-de-la-vpn"
	if _, body := e.get(slug); !bytes.Contains(body, []byte("Instale FortiClient")) {
		t.Fatal("first view")
	}
	a, err := e.st.ArticleBySlug(ctx, strings.TrimPrefix(slug, "/kb/"))
	if err != nil {
		t.Fatal(err)
	}
	title := "Configuración de la VPN corporativa"
	if _, err := e.st.UpdateArticle(ctx, a.ID, store.ArticlePatch{Title: &title}); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if _, body := e.get(slug); bytes.Contains(body, []byte("VPN corporativa")) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the edit did not show within 5 s of a 100 ms poll")
		}
	}
}

// TestRelatedArticlesSearchedOnce: an article's related articles cost one search per version
// and audience, not one per view.
func TestRelatedArticlesSearchedOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.st.CreateArticle(ctx, store.NewArticle{Title: "VPN: error de certificado", Body: "Renueve el certificado de la VPN.", Status: "published"}); err != nil {
		t.Fatal(err)
	}
	alice, agent := e.browser(), e.browser()
	alice.login("alice")
	agent.login("agent")
	for range 3 {
		for _, b := range []*browser{alice, agent} {
			if r := b.do("GET", "/kb/configuracion-de-la-vpn", nil); !strings.Contains(r.body, "VPN: error de certificado") {
				t.Fatalf("no related article:\n%s", r.body)
			}
		}
	}
	misses := metricValue(t, e.app, `portal_cache_requests_total{cache="kb_related",result="miss"}`)
	hits := metricValue(t, e.app, `portal_cache_requests_total{cache="kb_related",result="hit"}`)
	if misses != 2 || hits != 4 {
		t.Errorf("related lists: %v searched, %v kept; want 2 (one per audience) and 4", misses, hits)
	}
}

// TestStaticAssets: assets come compressed at start, with a validator and a year of caching;
// with STATIC_URL pages fetch them from there, and the CSP allows that origin and no other.
func TestStaticAssets(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	res, plain := e.get("/static/app.css")
	if res.StatusCode != 200 || res.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" ||
		!strings.HasPrefix(res.Header.Get("Content-Type"), "text/css") || res.Header.Get("ETag") == "" {
		t.Fatalf("app.css: %d %v", res.StatusCode, res.Header)
	}
	res, br := e.get("/static/app.css", "Accept-Encoding", "gzip, deflate, br")
	if res.Header.Get("Content-Encoding") != "br" || len(br) >= len(plain)/2 {
		t.Errorf("app.css in brotli: %q, %d bytes of %d", res.Header.Get("Content-Encoding"), len(br), len(plain))
	}
	if res, _ := e.get("/static/app.css", "If-None-Match", res.Header.Get("ETag")); res.StatusCode != 304 {
		t.Errorf("revalidated app.css: %d", res.StatusCode)
	}
	for _, path := range []string{"/static/highlight.css", "/static/app.js"} {
		if res, _ := e.get(path); res.StatusCode != 200 {
			t.Errorf("%s: %d", path, res.StatusCode)
		}
	}
	for _, path := range []string{"/static/nope.css", "/static/", "/static/../go.mod"} {
		if res, _ := e.get(path); res.StatusCode != 404 {
			t.Errorf("%s: %d, want 404", path, res.StatusCode)
		}
	}

	e.staticURL = "https://cdn.example.com"
	e.app = e.newApp(config.RateLimit{})
	res, body := e.get("/kb")
	if !bytes.Contains(body, []byte(`href="https://cdn.example.com/static/app.css?v=`)) || !bytes.Contains(body, []byte(`src="https://cdn.example.com/static/app.js?v=`)) {
		t.Errorf("assets not from STATIC_URL:\n%s", body)
	}
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self' https://cdn.example.com;", "style-src 'self' https://cdn.example.com;", "default-src 'self';"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
}

// TestResponsesCompressed: pages and JSON go compressed to whoever takes it, plain otherwise.
func TestResponsesCompressed(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, path := range []string{"/search?q=vpn", "/api/v1/openapi.json", "/login"} {
		for enc, want := range map[string]string{"br": "br", "gzip": "gzip", "": "", "identity": ""} {
			res, _ := e.get(path, "Accept-Encoding", enc)
			if got := res.Header.Get("Content-Encoding"); got != want {
				t.Errorf("%s with Accept-Encoding %q: Content-Encoding %q", path, enc, got)
			}
			if want != "" && !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
				t.Errorf("%s: Vary %q", path, res.Header.Get("Vary"))
			}
		}
	}
}
