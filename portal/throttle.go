package portal

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Login throttling: after loginMaxFailures failed attempts for one email (from any address)
// or from one address (for any email) within loginWindow, logins wait until the window ends.
const (
	loginMaxFailures = 5
	loginWindow      = 15 * time.Minute
)

// throttle counts failed logins in Redis, shared by every portal process, or in memory.
type throttle struct {
	rdb    *redis.Client
	prefix string
	mu     sync.Mutex
	mem    map[string]memCount
}

type memCount struct {
	n       int64
	expires time.Time
}

func newThrottle(rdb *redis.Client, prefix string) *throttle {
	return &throttle{rdb: rdb, prefix: prefix, mem: map[string]memCount{}}
}

func (t *throttle) loginKeys(email, ip string) []string {
	return []string{t.prefix + "login:fail:email:" + strings.ToLower(strings.TrimSpace(email)), t.prefix + "login:fail:ip:" + ip}
}

// locked reports whether logins for this email or from this address must wait. Without a
// reachable Redis it answers no: a throttle must not lock everybody out.
func (t *throttle) locked(ctx context.Context, email, ip string) bool {
	for _, k := range t.loginKeys(email, ip) {
		if t.count(ctx, k) >= loginMaxFailures {
			return true
		}
	}
	return false
}

func (t *throttle) count(ctx context.Context, key string) int64 {
	if t.rdb != nil {
		n, err := t.rdb.Get(ctx, key).Int64()
		if err != nil {
			return 0
		}
		return n
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	c := t.mem[key]
	if time.Now().After(c.expires) {
		return 0
	}
	return c.n
}

// failed records a failed login.
func (t *throttle) failed(ctx context.Context, email, ip string) {
	for _, k := range t.loginKeys(email, ip) {
		if t.rdb != nil {
			pipe := t.rdb.TxPipeline()
			pipe.Incr(ctx, k)
			pipe.ExpireNX(ctx, k, loginWindow)
			_, _ = pipe.Exec(ctx)
			continue
		}
		t.mu.Lock()
		c := t.mem[k]
		if time.Now().After(c.expires) {
			c = memCount{expires: time.Now().Add(loginWindow)}
		}
		c.n++
		t.mem[k] = c
		t.mu.Unlock()
	}
}

// succeeded forgets the email's failures.
func (t *throttle) succeeded(ctx context.Context, email string) {
	k := t.loginKeys(email, "")[0]
	if t.rdb != nil {
		_ = t.rdb.Del(ctx, k).Err()
		return
	}
	t.mu.Lock()
	delete(t.mem, k)
	t.mu.Unlock()
}
