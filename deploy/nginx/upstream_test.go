package nginx

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// The configuration against stand-in portals that answer exactly as told: what nginx sends
// upstream, what it keeps and for how long, compression variants, and retries. These hold
// whatever headers the real portal sends today (TestPortals runs the real ones).

// recorder is a stand-in portal that records the requests it got.
type recorder struct {
	mu   sync.Mutex
	reqs []*http.Request
}

func (r *recorder) record(req *http.Request) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs = append(r.reqs, req)
}

// count is how many requests with method reached it.
func (r *recorder) count(method string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, q := range r.reqs {
		if q.Method == method {
			n++
		}
	}
	return n
}

func (r *recorder) last() *http.Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.reqs[len(r.reqs)-1]
}

// standIn answers like the portal will: KB pages public for a minute, varying by language and
// encoding (gzip done here, "br" only named), a private page, one setting a cookie, one with
// no caching headers at all.
func standIn(rec *recorder) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.record(r)
		body := "lang=" + r.Header.Get("Accept-Language") + " enc=" + r.Header.Get("Accept-Encoding")
		switch r.URL.Path {
		case "/kb/public":
			w.Header().Set("Cache-Control", "public, max-age=60, stale-while-revalidate=300")
			w.Header().Set("Vary", "Accept-Encoding, Accept-Language")
		case "/kb/private":
			w.Header().Set("Cache-Control", "private, no-store")
		case "/kb/cookie":
			w.Header().Set("Set-Cookie", "hd_session=abc; Path=/; HttpOnly")
		}
		ae := r.Header.Get("Accept-Encoding")
		switch {
		case strings.Contains(ae, "br"):
			w.Header().Set("Content-Encoding", "br")
			body = "BROTLI:" + body
		case strings.Contains(ae, "gzip"):
			w.Header().Set("Content-Encoding", "gzip")
			var b bytes.Buffer
			zw := gzip.NewWriter(&b)
			_, _ = zw.Write([]byte(body))
			_ = zw.Close()
			body = b.String()
		}
		_, _ = io.WriteString(w, body)
	})
}

// dying is a portal that dies in the middle of every request it gets: it reads the request
// and closes the connection without an answer.
func dying(rec *recorder) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.record(r)
		_, _ = io.Copy(io.Discard, r.Body)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	})
}

// startNginx runs nginx over upstreams for the test.
func startNginx(t *testing.T, upstreams ...string) *Server {
	t.Helper()
	s, err := Start(context.Background(), t.TempDir(), upstreams)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Stop()
		if t.Failed() {
			t.Logf("nginx error log:\n%s", s.ErrorLog())
		}
	})
	return s
}

// client sends exactly the headers it is given: no Accept-Encoding of its own, no transparent
// decompression.
var client = &http.Client{Transport: &http.Transport{DisableCompression: true}, Timeout: 30 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

type answer struct {
	status int
	header http.Header
	body   string
}

func do(t *testing.T, method, url string, header map[string]string, body string) answer {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{res.StatusCode, res.Header, string(b)}
}

func TestStandIn(t *testing.T) {
	rec := &recorder{}
	up := httptest.NewServer(standIn(rec))
	defer up.Close()
	ng := startNginx(t, up.Listener.Addr().String())

	t.Run("headers sent upstream", func(t *testing.T) {
		do(t, "GET", ng.URL("/tickets"), map[string]string{"Host": "help.example", "X-Forwarded-For": "203.0.113.9",
			"X-Request-ID": "req-123", "Accept-Encoding": "gzip, deflate, br"}, "")
		r := rec.last()
		_, port, _ := net.SplitHostPort(ng.Addr)
		for name, want := range map[string]string{"X-Forwarded-For": "203.0.113.9, 127.0.0.1", "X-Forwarded-Proto": "http",
			"X-Request-Id": "req-123", "Accept-Encoding": "br, gzip"} {
			if got := r.Header.Get(name); got != want {
				t.Errorf("%s upstream: %q, want %q", name, got, want)
			}
		}
		if r.Host != "help.example" {
			t.Errorf("Host upstream: %q (nginx on port %s)", r.Host, port)
		}
		// A request id that does not look like one is replaced by nginx's own.
		do(t, "GET", ng.URL("/tickets"), map[string]string{"X-Request-ID": "two words"}, "")
		if id := rec.last().Header.Get("X-Request-Id"); len(id) != 32 {
			t.Errorf("request id upstream for a malformed one: %q", id)
		}
		for ae, want := range map[string]string{"": "", "identity": "", "deflate": "", "*": "", "gzip": "gzip", "GZIP;q=1": "gzip",
			"gzip;q=0, br": "br", "br;q=0.0,gzip": "gzip", "br;q=0.5": "br", "x-gzip": "", "gzip;q=0": ""} {
			do(t, "GET", ng.URL("/tickets"), map[string]string{"Accept-Encoding": ae}, "")
			if got := rec.last().Header.Get("Accept-Encoding"); got != want {
				t.Errorf("client Accept-Encoding %q: upstream got %q, want %q", ae, got, want)
			}
		}
	})

	t.Run("public pages are kept as long as they say, per encoding", func(t *testing.T) {
		n0 := rec.count("GET")
		// "gzip, deflate, br" is asked upstream as "br, gzip": an entry of its own.
		for _, enc := range []string{"", "gzip", "br", "gzip, deflate, br"} {
			for i, want := range []string{"MISS", "HIT"} {
				a := do(t, "GET", ng.URL("/kb/public"), map[string]string{"Accept-Encoding": enc}, "")
				if got := a.header.Get("X-Cache-Status"); got != want {
					t.Errorf("Accept-Encoding %q, request %d: %s, want %s", enc, i+1, got, want)
				}
				checkEncoding(t, enc, a)
			}
		}
		if got := rec.count("GET") - n0; got != 4 {
			t.Errorf("%d requests reached the portal for 4 variants", got)
		}
	})

	t.Run("private pages, cookies and sessions are never kept", func(t *testing.T) {
		for _, c := range []struct {
			path   string
			header map[string]string
			want   string
		}{
			{"/kb/private", nil, "MISS"},
			{"/kb/cookie", nil, "MISS"},
			{"/kb/public", map[string]string{"Cookie": "a=b; hd_session=s3cret"}, "BYPASS"},
			{"/kb/public", map[string]string{"Authorization": "Bearer hdp_x"}, "BYPASS"},
			{"/kb/public", map[string]string{"Cookie": "hd_lang=EN"}, "BYPASS"},
		} {
			for i := range 2 {
				n0 := rec.count("GET")
				a := do(t, "GET", ng.URL(c.path), c.header, "")
				if got := a.header.Get("X-Cache-Status"); got != c.want {
					t.Errorf("%s %v, request %d: %s, want %s", c.path, c.header, i+1, got, c.want)
				}
				if rec.count("GET") != n0+1 {
					t.Errorf("%s %v, request %d did not reach the portal", c.path, c.header, i+1)
				}
			}
		}
	})

	t.Run("health and metrics are never cached", func(t *testing.T) {
		for _, p := range []string{"/healthz", "/readyz", "/metrics", "/search?q=x"} {
			n0 := rec.count("GET")
			do(t, "GET", ng.URL(p), nil, "")
			a := do(t, "GET", ng.URL(p), nil, "")
			if rec.count("GET") != n0+2 || a.header.Get("X-Cache-Status") != "" {
				t.Errorf("%s: %d of 2 requests reached the portal, X-Cache-Status %q", p, rec.count("GET")-n0, a.header.Get("X-Cache-Status"))
			}
		}
	})

	t.Run("a page without Cache-Control is kept a second", func(t *testing.T) {
		for i, want := range []string{"MISS", "HIT"} {
			if got := do(t, "GET", ng.URL("/kb/plain"), nil, "").header.Get("X-Cache-Status"); got != want {
				t.Errorf("request %d: %s, want %s", i+1, got, want)
			}
		}
		time.Sleep(2100 * time.Millisecond)
		if got := do(t, "GET", ng.URL("/kb/plain"), nil, "").header.Get("X-Cache-Status"); got == "HIT" {
			t.Error("a page without Cache-Control was still fresh after 2 s")
		}
		// ... while one that said max-age=60 still is.
		if got := do(t, "GET", ng.URL("/kb/public"), nil, "").header.Get("X-Cache-Status"); got != "HIT" {
			t.Errorf("a public page after 2 s: %s, want HIT", got)
		}
	})
}

// checkEncoding fails when a body is compressed in a way the client did not accept, or is not
// what the stand-in sent.
func checkEncoding(t *testing.T, accepted string, a answer) {
	t.Helper()
	switch ce := a.header.Get("Content-Encoding"); ce {
	case "":
		if !strings.HasPrefix(a.body, "lang=") {
			t.Errorf("Accept-Encoding %q: an identity body that is not the page: %q", accepted, a.body)
		}
	case "gzip", "br":
		if !strings.Contains(accepted, ce) {
			t.Errorf("Accept-Encoding %q: got a %s body", accepted, ce)
		}
	default:
		t.Errorf("Accept-Encoding %q: Content-Encoding %q", accepted, ce)
	}
}

// TestNoRetryOnceSent: a portal that dies holding a request. A GET goes on to the other portal;
// a POST is not sent again (it may have been applied), so it reaches a portal exactly once.
func TestNoRetryOnceSent(t *testing.T) {
	bad, good := &recorder{}, &recorder{}
	badUp := httptest.NewServer(dying(bad))
	defer badUp.Close()
	goodUp := httptest.NewServer(standIn(good))
	defer goodUp.Close()
	// max_fails=0: the dying portal is never set aside, so requests keep landing on it.
	ng := startNginx(t, badUp.Listener.Addr().String()+" max_fails=0", goodUp.Listener.Addr().String()+" max_fails=0")
	const n = 8
	for i := range n {
		if a := do(t, "GET", ng.URL("/tickets"), nil, ""); a.status != 200 {
			t.Errorf("GET %d: %d", i+1, a.status)
		}
	}
	if bad.count("GET") == 0 || good.count("GET") != n {
		t.Errorf("GETs: %d reached the dying portal, %d of %d the good one", bad.count("GET"), good.count("GET"), n)
	}
	failed := 0
	for range n {
		switch a := do(t, "POST", ng.URL("/tickets"), map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, "title=x"); a.status {
		case 200:
		case 502:
			failed++
		default:
			t.Errorf("POST: %d", a.status)
		}
	}
	if failed == 0 || bad.count("POST") != failed || good.count("POST") != n-failed {
		t.Errorf("POSTs: %d failed at the client, %d reached the dying portal, %d the good one (of %d)", failed, bad.count("POST"), good.count("POST"), n)
	}
}
