//go:build drills

package drills

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"helpdesk/deploy/nginx"
	"helpdesk/ticket"
)

// TestPortalLostBehindNginx: three portals behind the shipped nginx configuration, one
// SIGKILLed and started again under load: no GET fails at the client, a signed-in session
// stays valid throughout, and the API's rate limit counts per real client address (two clients
// behind the proxy keep budgets of their own; an X-Forwarded-For a client sends is not
// believed).
func TestPortalLostBehindNginx(t *testing.T) {
	p := planFor()
	h := newHarness(t, harnessOptions{})
	const perClient = 20 // the API's budget per address in a minute
	var portals []*process
	var addrs []string
	for i := range 3 {
		addr := freeAddr(t)
		pr := newProcess(t, fmt.Sprintf("portal %d", i+1), portalBin, append(slices.Clip(h.env), "PORTAL_ADDR="+addr,
			"PORTAL_TRUSTED_PROXIES=127.0.0.1/32", fmt.Sprintf("API_RATE_LIMIT_IP=%d/1m", perClient), "API_RATE_LIMIT_TOKEN=1000000/1m"))
		pr.start()
		portals, addrs = append(portals, pr), append(addrs, addr)
	}
	for _, a := range addrs {
		eventually(t, 30*time.Second, "portal "+a+" answers", func() bool {
			res, err := probeClient.Get("http://" + a + "/healthz")
			if err == nil {
				res.Body.Close()
			}
			return err == nil && res.StatusCode == http.StatusOK
		})
	}
	ng, err := nginx.Start(context.Background(), t.TempDir(), addrs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ng.Stop)
	through := &harness{t: t, base: ng.URL(""), fx: h.fx}
	session := through.login(t)

	// The load: anonymous KB pages and searches, and a signed-in person's pages, from
	// 127.0.0.1, which nginx names in X-Forwarded-For.
	paths := []struct{ path, session string }{{"/kb", ""}, {"/search?q=" + fixtureWord, ""}, {"/tickets?" + ticket.OpenQuery(), session}, {"/dashboard", session}}
	for _, slug := range h.fx.slugs {
		paths = append(paths, struct{ path, session string }{"/kb/" + slug, ""})
	}
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var gets, failed atomic.Int64
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; ctx.Err() == nil; i++ {
				pth := paths[i%len(paths)]
				code, body := through.get(pth.path, pth.session)
				gets.Add(1)
				if code != http.StatusOK {
					failed.Add(1)
					t.Errorf("GET %s: %d %.120s", pth.path, code, body)
				}
			}
		}()
	}
	time.Sleep(p.calm)
	portals[1].kill()
	t.Logf("portal 2 SIGKILLed after %d GETs", gets.Load())
	time.Sleep(p.esDown)
	portals[1].start()
	eventually(t, 30*time.Second, "portal 2 answers again", func() bool {
		res, err := probeClient.Get("http://" + addrs[1] + "/healthz")
		if err == nil {
			res.Body.Close()
		}
		return err == nil && res.StatusCode == http.StatusOK
	})
	time.Sleep(p.calm)
	stop()
	wg.Wait()
	t.Logf("%d GETs through nginx, %d failed", gets.Load(), failed.Load())
	if code, body := through.get("/tickets?"+ticket.OpenQuery(), session); code != http.StatusOK {
		t.Errorf("the session after the kill: %d %.120s", code, body)
	}

	// Rate limits per client behind the proxy: 127.0.0.2 spends its budget (whatever it says
	// in X-Forwarded-For), 127.0.0.3 keeps its own.
	client := func(from, forwarded string) func() int {
		dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 5 * time.Second}
		c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DialContext: dialer.DialContext}}
		return func() int {
			req, _ := http.NewRequest(http.MethodGet, ng.URL("/api/v1/search?q=vpn"), nil)
			if forwarded != "" {
				req.Header.Set("X-Forwarded-For", forwarded)
			}
			res, err := c.Do(req)
			if err != nil {
				t.Fatalf("from %s: %v", from, err)
			}
			res.Body.Close()
			return res.StatusCode
		}
	}
	a, spoofing, b := client("127.0.0.2", ""), client("127.0.0.2", "198.51.100.9"), client("127.0.0.3", "")
	for i := range perClient {
		if code := a(); code != http.StatusUnauthorized {
			t.Fatalf("request %d of 127.0.0.2: %d, want 401 (no token, within the budget)", i+1, code)
		}
	}
	if code := a(); code != http.StatusTooManyRequests {
		t.Errorf("127.0.0.2 past its budget: %d, want 429", code)
	}
	if code := spoofing(); code != http.StatusTooManyRequests {
		t.Errorf("127.0.0.2 naming another address in X-Forwarded-For: %d, want 429", code)
	}
	if code := b(); code != http.StatusUnauthorized {
		t.Errorf("127.0.0.3 behind the same proxy: %d, want its own budget (401)", code)
	}
}
