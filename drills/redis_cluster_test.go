//go:build drills

package drills

import (
	"bufio"
	"bytes"
	"context"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"helpdesk/config"
)

// TestRedisCluster runs the portal on a real Redis Cluster (three masters): sessions, the
// rate limits, the cache and the login throttle (a script over three keys, which a Cluster
// allows only within one slot) all keep their state there. No fault: it checks the
// REDIS_URL form and the key layout, under the drills' load.
func TestRedisCluster(t *testing.T) {
	p := planFor()
	rcURL := startRedisGroup(t, "redis-cluster", "REDIS_CLUSTER_URL")
	opts, err := config.ParseRedisURL(rcURL)
	if err != nil {
		t.Fatal(err)
	}
	rc := redis.NewUniversalClient(opts)
	t.Cleanup(func() { rc.Close() })
	ctx := context.Background()

	h := newHarness(t, harnessOptions{indexers: 1, env: []string{"REDIS_URL=" + rcURL}})
	h.start()
	b := h.browser(t)
	if n := rc.Exists(ctx, "sess:"+b.session()).Val(); n != 1 {
		t.Errorf("the session is not in the cluster")
	}
	if code, _ := b.get("/dashboard"); code != http.StatusOK {
		t.Errorf("/dashboard answered %d", code)
	}
	if n := rc.Exists(ctx, h.prefix+":cache:dashboard").Val(); n != 1 {
		t.Errorf("the dashboard was not cached in the cluster")
	}
	if code, remaining := h.apiRemaining(t, "/api/v1/search?q=vpn"); code != http.StatusOK || remaining >= 1000000 {
		t.Errorf("the API answered %d with RateLimit-Remaining %d: not counted in the cluster", code, remaining)
	}
	// Five failures are free; the sixth makes the next attempt wait (429), counted in the cluster.
	var status int
	for range 7 {
		if status, _, err = h.tryLoginWith("wrong password"); err != nil {
			t.Fatal(err)
		}
	}
	if status != http.StatusTooManyRequests {
		t.Errorf("the seventh wrong password answered %d, want 429", status)
	}
	if n := rc.Exists(ctx, h.prefix+":{login}:addr:127.0.0.1").Val(); n != 1 {
		t.Errorf("the failed logins were not counted in the cluster")
	}
	time.Sleep(p.calm)
	h.finish()
}

// startRedisGroup starts a Redis group of scripts/services (redis-ha, redis-cluster), stops
// it when the test ends, and returns the URL `scripts/services env` gives it as envName.
func startRedisGroup(t *testing.T, name, envName string) string {
	t.Helper()
	services(t, "start", name)
	t.Cleanup(func() {
		if err := runServices("stop", name); err != nil {
			t.Errorf("scripts/services stop %s: %v", name, err)
		}
	})
	out, err := exec.Command(filepath.Join(repoRoot, "scripts/services"), "env").Output()
	if err != nil {
		t.Fatalf("scripts/services env: %v", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "export "+envName+"="); ok {
			return strings.Trim(v, "'")
		}
	}
	t.Fatalf("scripts/services env printed no %s:\n%s", envName, out)
	return ""
}
