package portal

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"helpdesk/config"
)

// TestThrottle: the counts in Redis and in memory follow the same rules, step by step.
func TestThrottle(t *testing.T) {
	t.Parallel()
	rdb, err := config.OpenRedis(os.Getenv("REDIS_URL"))
	if err != nil {
		t.Fatalf("run the tests with `make test`: %v", err)
	}
	t.Cleanup(func() { rdb.Close() })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for name, newThrottle := range map[string]func(prefix string) *throttle{
		"redis":  func(prefix string) *throttle { return newThrottle(rdb, prefix, log) },
		"memory": func(prefix string) *throttle { return newThrottle(nil, prefix, log) },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			prefix := fmt.Sprintf("throttletest%d:%s:", time.Now().UnixNano(), name)
			th := newThrottle(prefix)
			now := time.Now()
			// try makes an attempt and checks its wait; a wrong password leaves it counted.
			try := func(what, email, ip string, want time.Duration) attempt {
				t.Helper()
				a, wait, _ := th.admit(ctx, email, ip, now)
				if wait != want {
					t.Fatalf("%s: wait %v, want %v", what, wait, want)
				}
				return a
			}
			for i := 1; i <= 5; i++ {
				try(fmt.Sprint("free failure ", i), "ana@example.com", "192.0.2.1", 0)
			}
			try("after 5", "ANA@example.com ", "192.0.2.1", 2*time.Second)
			try("the same email elsewhere", "ana@example.com", "192.0.2.2", 0)
			now = now.Add(1500 * time.Millisecond)
			try("half-way", "ana@example.com", "192.0.2.1", 500*time.Millisecond)
			now = now.Add(500 * time.Millisecond)
			try("6th failure", "ana@example.com", "192.0.2.1", 0)
			try("after 6", "ana@example.com", "192.0.2.1", 4*time.Second)

			// An attempt that could not be checked is taken back, its wait too.
			now = now.Add(4 * time.Second)
			th.release(ctx, try("unchecked", "ana@example.com", "192.0.2.1", 0), false)
			try("after the unchecked one", "ana@example.com", "192.0.2.1", 0) // the 7th failure
			try("after 7", "ana@example.com", "192.0.2.1", 8*time.Second)

			// A right password starts the pair afresh.
			now = now.Add(8 * time.Second)
			th.release(ctx, try("right", "ana@example.com", "192.0.2.1", 0), true)
			for i := 1; i <= 5; i++ {
				try(fmt.Sprint("afresh ", i), "ana@example.com", "192.0.2.1", 0)
			}
			try("afresh after 5", "ana@example.com", "192.0.2.1", 2*time.Second)

			// Any email from one address: 20 free failures (12 so far, the right one not counted).
			for i := 13; i <= 20; i++ {
				try(fmt.Sprint("address failure ", i), fmt.Sprintf("u%d@example.com", i), "192.0.2.1", 0)
			}
			try("the address after 20", "someone@example.com", "192.0.2.1", 2*time.Second)

			// One machine holds a whole IPv6 /64.
			for i := 1; i <= 5; i++ {
				try(fmt.Sprint("v6 ", i), "bea@example.com", fmt.Sprintf("2001:db8:1:2::%x", i), 0)
			}
			try("v6 after 5", "bea@example.com", "2001:db8:1:2:ffff::1", 2*time.Second)
			try("v6 another /64", "bea@example.com", "2001:db8:1:3::1", 0)

			// Per email from anywhere: a count, and no wait.
			_, wait, n := th.admit(ctx, "ana@example.com", "198.51.100.1", now)
			// 5 free, 1 elsewhere, the 6th, the 7th, 5 afresh (the unchecked and the right one
			// taken back), and this one.
			if wait != 0 || n != 14 {
				t.Errorf("the email from a new address: wait %v, %d failures from anywhere (want 14)", wait, n)
			}

			// Past the cap the wait stays 15 minutes.
			for counted := 0; counted < 18; {
				_, wait, _ := th.admit(ctx, "cap@example.com", "203.0.113.9", now)
				if wait > 15*time.Minute {
					t.Fatalf("wait %v over the cap", wait)
				}
				if wait == 0 {
					counted++
				}
				now = now.Add(wait)
			}
			if _, wait, _ := th.admit(ctx, "cap@example.com", "203.0.113.9", now); wait != 15*time.Minute {
				t.Errorf("wait after many failures: %v, want the cap", wait)
			}
		})
	}
}

func TestLoginRuleWait(t *testing.T) {
	r := loginRule{free: 5, max: 15 * time.Minute}
	for n, want := range map[int64]time.Duration{0: 0, 4: 0, 5: 2 * time.Second, 6: 4 * time.Second, 13: 512 * time.Second, 14: 15 * time.Minute, 1 << 40: 15 * time.Minute} {
		if got := r.wait(n); got != want {
			t.Errorf("wait(%d) = %v, want %v", n, got, want)
		}
	}
}
