//go:build drills

package drills

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"helpdesk/config"
)

// TestRedisSentinelFailover runs the portal on a real Sentinel group (REDIS_URL names the
// sentinels), signs in, makes sure the session reached the replica, SIGKILLs the master and
// waits for the sentinels to promote the replica: pages render all along (signed-in visitors
// anonymous while no master answers), the same browser is still signed in afterwards, and
// the rate limits and the cache write to the new master. Then the new master dies too, with no
// replica left: pages render, visitors are anonymous. No 5xx at any moment.
func TestRedisSentinelFailover(t *testing.T) {
	p := planFor()
	haURL := startRedisGroup(t, "redis-ha", "REDIS_SENTINEL_URL")
	opts, err := config.ParseRedisURL(haURL)
	if err != nil {
		t.Fatal(err)
	}
	sentinel := redis.NewSentinelClient(&redis.Options{Addr: opts.Addrs[0]})
	t.Cleanup(func() { sentinel.Close() })
	ctx := context.Background()
	masterAddr := func() string {
		a, err := sentinel.GetMasterAddrByName(ctx, opts.MasterName).Result()
		if err != nil || len(a) != 2 {
			return ""
		}
		return a[0] + ":" + a[1]
	}
	oldMaster := masterAddr()
	replica := replicaOf(t, sentinel, opts.MasterName)
	t.Logf("sentinel group: master %s, replica %s", oldMaster, replica)

	h := newHarness(t, harnessOptions{indexers: 1, env: []string{"REDIS_URL=" + haURL}})
	staffPage := fmt.Sprintf("/tickets/%d", h.fx.tickets[0])
	browser := h.browser(t)
	if code, _ := browser.get(staffPage); code != http.StatusOK {
		t.Fatalf("signed in, %s answered %d", staffPage, code)
	}
	// The session is on the replica before the master dies: what Sentinel promises to keep.
	master := direct(t, oldMaster)
	// A replica that has just started may still be loading its first copy: it acknowledges
	// once it follows.
	eventually(t, 30*time.Second, "a replica acknowledges the master's writes (WAIT 1 1000)", func() bool {
		n, err := master.Wait(ctx, 1, time.Second).Result()
		return err == nil && n >= 1
	})
	if err := direct(t, replica).Get(ctx, "sess:"+browser.session()).Err(); err != nil {
		t.Fatalf("the session is not on the replica: %v", err)
	}
	h.start()
	time.Sleep(p.calm)

	killed := sigkill(t, master)
	promotedAt := make(chan time.Time, 1)
	go func() {
		for masterAddr() != replica && time.Since(killed) < time.Minute {
			time.Sleep(20 * time.Millisecond)
		}
		promotedAt <- time.Now()
	}()

	// No master answers until the sentinels agree it is down and promote the replica: pages
	// render, a signed-in visitor anonymous or still signed in (never an error).
	for _, path := range []string{"/", "/kb", "/kb/" + h.fx.slugs[0], "/search?q=vpn", "/login"} {
		if code, _ := h.get(path, ""); code != http.StatusOK {
			t.Errorf("master down: %s answered %d", path, code)
		}
	}
	code, loc := browser.get(staffPage)
	if code != http.StatusOK && !strings.HasPrefix(loc, "Location: /login?next=") {
		t.Errorf("master down: the signed-in page answered %d %q, want it or a redirect to the login page", code, loc)
	}
	probed := time.Since(killed)
	promoted := (<-promotedAt).Sub(killed)
	if promoted >= time.Minute {
		t.Fatalf("the sentinels did not promote %s within a minute", replica)
	}
	t.Logf("failover: the sentinels named %s master %s after the kill; the probes while it was down took %s (the signed-in page: %d %s)",
		replica, promoted.Round(100*time.Millisecond), probed.Round(100*time.Millisecond), code, loc)
	again := eventually(t, 30*time.Second, "the same browser is signed in again", func() bool {
		code, _ := browser.get(staffPage)
		return code == http.StatusOK
	})
	t.Logf("the session from before the kill serves %s again %s after the promotion (%s after the kill)",
		staffPage, again.Round(100*time.Millisecond), time.Since(killed).Round(100*time.Millisecond))

	newMaster := direct(t, replica)
	// The rate limits count on the new master: a request counted in memory would show the
	// whole limit remaining (the limiter lets requests through when Redis fails).
	for range 2 {
		code, remaining := h.apiRemaining(t, "/api/v1/search?q=vpn")
		if code != http.StatusOK || remaining >= 1000000 {
			t.Errorf("after the failover the API answered %d with RateLimit-Remaining %d: not counted in Redis", code, remaining)
		}
	}
	if keys, _ := newMaster.Keys(ctx, h.prefix+":rl:*").Result(); len(keys) == 0 {
		t.Errorf("no rate-limit count on the new master")
	}
	// The cache writes to the new master: the dashboard's figures come back after a miss.
	dash := h.prefix + ":cache:dashboard"
	if err := newMaster.Del(ctx, dash).Err(); err != nil {
		t.Fatal(err)
	}
	if code, _ := browser.get("/dashboard"); code != http.StatusOK {
		t.Errorf("after the failover /dashboard answered %d", code)
	}
	if n, err := newMaster.Exists(ctx, dash).Result(); err != nil || n != 1 {
		t.Errorf("the dashboard was not cached on the new master (%d, %v)", n, err)
	}
	// A new login stores its session on the new master too.
	if s := h.login(t); newMaster.Exists(ctx, "sess:"+s).Val() != 1 {
		t.Errorf("a login after the failover left no session on the new master")
	}
	time.Sleep(p.calm)

	// The group's last server dies and no replica is left to promote: the portal carries on
	// without Redis as with a single server stopped, visitors anonymous until it returns.
	sigkill(t, newMaster)
	start := time.Now()
	for _, path := range []string{"/", "/kb", "/kb/" + h.fx.slugs[0], "/search?q=vpn", "/login"} {
		if code, _ := h.get(path, ""); code != http.StatusOK {
			t.Errorf("no master left: %s answered %d", path, code)
		}
	}
	if code, body := h.api("/api/v1/search?q=vpn"); code != http.StatusOK {
		t.Errorf("no master left: the API answered %d %s", code, body)
	}
	if code, loc := browser.get(staffPage); code != http.StatusSeeOther || !strings.HasPrefix(loc, "Location: /login?next=") {
		t.Errorf("no master left: the signed-in page answered %d %q, want a redirect to the login page", code, loc)
	}
	if status, s, err := h.tryLogin(); err != nil || status != http.StatusForbidden || s != "" {
		t.Errorf("no master left: logging in answered %d (session %q, %v), want 403 and no session", status, s, err)
	}
	t.Logf("no master left: pages and API served, the session anonymous, logging in refused; probes took %s",
		time.Since(start).Round(100*time.Millisecond))
	time.Sleep(p.calm)
	h.finish()
}

// sigkill kills the Redis server c talks to, with no shutdown, and returns when.
func sigkill(t *testing.T, c *redis.Client) time.Time {
	t.Helper()
	info, err := c.Info(context.Background(), "server").Result()
	if err != nil {
		t.Fatal(err)
	}
	_, pid, _ := strings.Cut(info, "process_id:")
	pid, _, _ = strings.Cut(pid, "\r")
	n, err := strconv.Atoi(pid)
	if err != nil {
		t.Fatalf("the process id of %s: %q", c.Options().Addr, pid)
	}
	if err := syscall.Kill(n, syscall.SIGKILL); err != nil {
		t.Fatalf("SIGKILL %s (pid %d): %v", c.Options().Addr, n, err)
	}
	t.Logf("redis %s SIGKILLed (pid %d)", c.Options().Addr, n)
	return time.Now()
}

// replicaOf is the address of the group's one replica, as the sentinels see it.
func replicaOf(t *testing.T, s *redis.SentinelClient, master string) string {
	t.Helper()
	rs, err := s.Replicas(context.Background(), master).Result()
	if err != nil || len(rs) != 1 {
		t.Fatalf("sentinel replicas: %v (%v)", rs, err)
	}
	return rs[0]["ip"] + ":" + rs[0]["port"]
}

// direct is a client of one server of the group, beside the portal's.
func direct(t *testing.T, addr string) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialTimeout: time.Second})
	t.Cleanup(func() { c.Close() })
	return c
}

// browser is one visitor with a cookie jar, signed in as the fixture's staff member: it keeps
// whatever cookies the portal sets, as a real browser does.
type browser struct {
	h   *harness
	c   *http.Client
	url *url.URL
}

func (h *harness) browser(t *testing.T) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(h.base)
	jar.SetCookies(u, []*http.Cookie{{Name: "hd_session", Value: h.login(t)}})
	return &browser{h: h, url: u, c: &http.Client{Jar: jar, Timeout: 30 * time.Second, CheckRedirect: probeClient.CheckRedirect}}
}

func (b *browser) session() string { return sessionCookie(b.c.Jar, b.url) }

func (b *browser) get(path string) (int, string) {
	req, err := http.NewRequest(http.MethodGet, b.h.base+path, nil)
	if err != nil {
		return 0, err.Error()
	}
	res, err := b.c.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer res.Body.Close()
	if loc := res.Header.Get("Location"); loc != "" {
		return res.StatusCode, "Location: " + loc
	}
	return res.StatusCode, ""
}

// apiRemaining asks the API with the fixture's token and returns RateLimit-Remaining.
func (h *harness) apiRemaining(t *testing.T, path string) (int, int) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, h.base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+h.fx.token)
	res, err := probeClient.Do(req)
	if err != nil {
		return 0, 0
	}
	res.Body.Close()
	n, err := strconv.Atoi(res.Header.Get("RateLimit-Remaining"))
	if err != nil {
		t.Errorf("RateLimit-Remaining %q", res.Header.Get("RateLimit-Remaining"))
	}
	return res.StatusCode, n
}
