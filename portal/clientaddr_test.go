package portal_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"helpdesk/config"
	"helpdesk/store"
)

// TestClientAddressBehindProxies: behind trusted load balancers the client is the rightmost
// address of X-Forwarded-For that is not one of them, for the rate limits, the blocklist and
// the logs; from anywhere else the header is not believed.
func TestClientAddressBehindProxies(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.trustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.5/32"), netip.MustParsePrefix("10.0.0.0/8")}
	base := e.serve(e.newApp(config.RateLimit{Requests: 3, Window: time.Minute}))
	via := func(peer, forwarded string) *browser {
		b := e.browserFrom(base, peer)
		if forwarded != "" {
			b.header = http.Header{"X-Forwarded-For": {forwarded}}
		}
		return b
	}
	search := func(b *browser) int { return b.do("GET", "/api/v1/search?q=vpn", nil).status }

	// Each client behind the proxy has its own API budget (3 here); the proxy has none of its own.
	for i := range 3 {
		if st := search(via("127.0.0.5", "203.0.113.7")); st != 401 {
			t.Fatalf("request %d of 203.0.113.7: %d", i+1, st)
		}
	}
	for _, c := range []struct {
		what, peer, forwarded string
		want                  int
	}{
		{"the same client again", "127.0.0.5", "203.0.113.7", 429},
		{"its address behind two of our proxies", "127.0.0.5", "203.0.113.7, 10.1.2.3", 429},
		{"a forged address to its left", "127.0.0.5", "198.51.100.1, 203.0.113.7", 429},
		{"another client", "127.0.0.5", "203.0.113.8", 401},
		{"an untrusted peer claiming to forward it", "127.0.0.6", "203.0.113.7", 401},
		{"garbage after a forged hop", "127.0.0.5", "203.0.113.9, not-an-address", 401}, // the proxy itself, budget untouched
	} {
		if st := search(via(c.peer, c.forwarded)); st != c.want {
			t.Errorf("%s (%s via %s): %d, want %d", c.what, c.forwarded, c.peer, st, c.want)
		}
	}

	// The blocklist refuses the client, not its proxy.
	if _, err := e.st.AddBlock(context.Background(), store.NewBlock{Address: netip.MustParsePrefix("203.0.113.66/32")}); err != nil {
		t.Fatal(err)
	}
	app := e.serve(e.newApp(config.RateLimit{}))
	blocked, neighbour := e.browserFrom(app, "127.0.0.5"), e.browserFrom(app, "127.0.0.5")
	blocked.header = http.Header{"X-Forwarded-For": {"203.0.113.66"}}
	neighbour.header = http.Header{"X-Forwarded-For": {"203.0.113.67"}}
	if r := blocked.do("GET", "/kb", nil); r.status != 403 {
		t.Errorf("a blocked client through the proxy: %d", r.status)
	}
	if r := neighbour.do("GET", "/kb", nil); r.status != 200 {
		t.Errorf("its neighbour through the same proxy: %d", r.status)
	}

	// The log names the client.
	seen := map[string]bool{}
	for _, line := range strings.Split(e.logs.String(), "\n") {
		var l struct {
			Msg      string `json:"msg"`
			RemoteIP string `json:"remote_ip"`
		}
		if json.Unmarshal([]byte(line), &l) == nil && l.Msg == "request" {
			seen[l.RemoteIP] = true
		}
	}
	for _, want := range []string{"203.0.113.7", "203.0.113.8", "127.0.0.6", "127.0.0.5", "203.0.113.66"} {
		if !seen[want] {
			t.Errorf("no request logged from %s (logged: %v)", want, seen)
		}
	}
	if seen["198.51.100.1"] || seen["10.1.2.3"] {
		t.Errorf("a forged or proxy hop was logged as the client: %v", seen)
	}
}
