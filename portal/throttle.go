package portal

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Login throttling that cannot be turned against a person. Failures are counted per (email,
// address) and per address, never per email alone: no one can keep a person out by failing in
// their name from elsewhere. Past a few free failures, each further attempt must wait twice as
// long as the one before, up to a cap; an attempt made while it must wait is refused unchecked
// (429 with Retry-After) and not counted. A correct password starts the pair afresh. Per email
// alone, only a much higher count has an effect, and only a delay: every answer for that email
// comes a second later.
//
// An attempt is counted as a failure before its password is checked, in one atomic step with
// the check of the waits, so that attempts sent all at once cannot all slip through before the
// first failure is counted; a correct password (or an error) takes the count back.
//
// The counts live in Redis, shared by every portal, or in memory without Redis (and while Redis
// cannot be reached: counting per process is better than not counting).

// loginRule is when attempts start to wait, and how long they may wait at most.
type loginRule struct {
	free int64         // failures before any wait
	max  time.Duration // the longest wait
}

var (
	pairRule = loginRule{free: 5, max: 15 * time.Minute}  // one email from one address
	addrRule = loginRule{free: 20, max: 15 * time.Minute} // any email from one address
)

const (
	loginMemory    = time.Hour   // a count is forgotten an hour after its last failure
	emailSlowAfter = 100         // failures for one email from anywhere, past which …
	emailSlowdown  = time.Second // … every attempt for it is answered this much later
)

// wait is how long the next attempt must wait after n failures: nothing for the free ones,
// then 2 s, 4 s, 8 s … up to max. admitScript says the same in Lua.
func (r loginRule) wait(n int64) time.Duration {
	if n < r.free {
		return 0
	}
	return min(time.Second<<min(n-r.free+1, 30), r.max)
}

// throttle counts failed logins.
type throttle struct {
	rdb    redis.UniversalClient // nil: in memory
	prefix string
	log    *slog.Logger
	mu     sync.Mutex
	mem    map[string]*loginCount
}

// loginCount is one count: its failures, until when the next attempt must wait, that time
// before the last attempt was counted (to take it back), and when the count is forgotten.
type loginCount struct {
	n                    int64
	until, prev, forgets time.Time
}

func newThrottle(rdb redis.UniversalClient, prefix string, log *slog.Logger) *throttle {
	return &throttle{rdb: rdb, prefix: prefix, log: log, mem: map[string]*loginCount{}}
}

// attempt is one login attempt, counted in advance: keys of its counts, and where they are.
type attempt struct {
	pair, addr, email string
	inMemory          bool
}

func (a attempt) keys() []string { return []string{a.pair, a.addr, a.email} }

// newAttempt names the counts of an attempt for email from ip. Emails are hashed: the keys
// then have a bounded length and Redis holds no addresses of people.
func (t *throttle) newAttempt(email, ip string) attempt {
	email = strings.ToLower(strings.TrimSpace(email))
	addr := addrKey(ip)
	hash := func(parts ...string) string {
		sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
		return hex.EncodeToString(sum[:12])
	}
	// One hash tag puts the three counts in one slot of a Redis Cluster, where a script may
	// only touch keys of one slot.
	return attempt{pair: t.prefix + "{login}:pair:" + hash(email, addr), addr: t.prefix + "{login}:addr:" + addr,
		email: t.prefix + "{login}:email:" + hash(email)}
}

// addrKey is the address counted: an IPv6 address by its /64, which one machine usually has
// whole (counting each address of it would give an attacker billions of fresh counts).
func addrKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	if a = a.Unmap(); a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

// admitScript checks the waits of the pair and the address and, when neither must wait,
// counts the attempt as a failure of all three counts, in one step.
// KEYS: the pair's, the address's and the email's counts (hashes: n; until and prev, in ms).
// ARGV: now and the memory in ms, then free and max (ms) of the pair, then of the address.
// It returns the wait in ms (nothing counted) or 0 and the email's failures.
var admitScript = redis.NewScript(`
local now, memory = tonumber(ARGV[1]), tonumber(ARGV[2])
local wait = 0
for i = 1, 2 do
  local u = tonumber(redis.call('HGET', KEYS[i], 'until') or 0)
  if u - now > wait then wait = u - now end
end
if wait > 0 then return {wait, 0} end
for i = 1, 2 do
  local free, max = tonumber(ARGV[1 + 2 * i]), tonumber(ARGV[2 + 2 * i])
  local n = redis.call('HINCRBY', KEYS[i], 'n', 1)
  local prev = redis.call('HGET', KEYS[i], 'until') or '0'
  local u = prev
  if n >= free then u = now + math.min(2 ^ math.min(n - free + 1, 30) * 1000, max) end
  redis.call('HSET', KEYS[i], 'until', u, 'prev', prev)
  redis.call('PEXPIRE', KEYS[i], memory)
end
local e = redis.call('HINCRBY', KEYS[3], 'n', 1)
redis.call('PEXPIRE', KEYS[3], memory)
return {0, e}`)

// releaseScript takes an attempt's count back. KEYS: as admitScript's. ARGV[1]: "1" when the
// password was right, and the pair starts afresh.
var releaseScript = redis.NewScript(`
for i = 1, 3 do
  if i == 1 and ARGV[1] == '1' then
    redis.call('DEL', KEYS[1])
  elseif redis.call('HINCRBY', KEYS[i], 'n', -1) <= 0 then
    redis.call('DEL', KEYS[i])
  else
    local prev = redis.call('HGET', KEYS[i], 'prev')
    if prev then redis.call('HSET', KEYS[i], 'until', prev) end
  end
end
return 0`)

// admit counts an attempt for email from ip as a failure in advance and returns it with the
// email's failures from anywhere, or returns how long the attempt must wait instead (nothing
// counted).
func (t *throttle) admit(ctx context.Context, email, ip string, now time.Time) (a attempt, wait time.Duration, emailFailures int64) {
	a = t.newAttempt(email, ip)
	if t.rdb != nil {
		res, err := admitScript.Run(ctx, t.rdb, a.keys(), now.UnixMilli(), loginMemory.Milliseconds(),
			pairRule.free, pairRule.max.Milliseconds(), addrRule.free, addrRule.max.Milliseconds()).Int64Slice()
		if err == nil && len(res) == 2 {
			return a, time.Duration(res[0]) * time.Millisecond, res[1]
		}
		t.log.Warn("login throttle: redis unavailable; counting in memory", "err", err)
	}
	a.inMemory = true
	t.mu.Lock()
	defer t.mu.Unlock()
	pair, addr, mail := t.count(a.pair, now), t.count(a.addr, now), t.count(a.email, now)
	if wait = max(pair.until.Sub(now), addr.until.Sub(now)); wait > 0 {
		return a, wait, 0
	}
	for _, c := range []struct {
		*loginCount
		loginRule
	}{{pair, pairRule}, {addr, addrRule}} {
		c.n++
		c.prev = c.until
		if w := c.wait(c.n); w > 0 {
			c.until = now.Add(w)
		}
		c.forgets = now.Add(loginMemory)
	}
	mail.n++
	mail.forgets = now.Add(loginMemory)
	return a, 0, mail.n
}

// count returns the count at key in memory, a fresh one when it is unknown or forgotten.
// The caller holds t.mu.
func (t *throttle) count(key string, now time.Time) *loginCount {
	c, ok := t.mem[key]
	if !ok || !now.Before(c.forgets) {
		if len(t.mem) >= 100_000 {
			t.prune(now)
		}
		c = &loginCount{forgets: now.Add(loginMemory)}
		t.mem[key] = c
	}
	return c
}

// prune forgets what has expired, and everything if that is not enough: memory is bounded.
func (t *throttle) prune(now time.Time) {
	for k, c := range t.mem {
		if !now.Before(c.forgets) {
			delete(t.mem, k)
		}
	}
	if len(t.mem) >= 100_000 {
		t.log.Warn("login throttle: too many counts in memory; forgetting them all")
		t.mem = map[string]*loginCount{}
	}
}

// release takes an admitted attempt's count back: its password was right (and the pair
// starts afresh), or it could not be checked.
func (t *throttle) release(ctx context.Context, a attempt, right bool) {
	if !a.inMemory {
		flag := "0"
		if right {
			flag = "1"
		}
		if err := releaseScript.Run(ctx, t.rdb, a.keys(), flag).Err(); err != nil {
			t.log.Warn("login throttle: redis unavailable", "err", err)
		}
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for i, k := range a.keys() {
		c, ok := t.mem[k]
		switch {
		case !ok:
		case i == 0 && right:
			delete(t.mem, k)
		case c.n <= 1:
			delete(t.mem, k)
		default:
			c.n--
			c.until = c.prev
		}
	}
}
