package portal

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/redis/go-redis/v9"
)

// Limit is a number of requests allowed per window.
type Limit struct {
	Requests int
	Window   time.Duration
}

// Default API limits: per client address and per token.
var (
	DefaultIPLimit    = Limit{Requests: 300, Window: 5 * time.Minute}
	DefaultTokenLimit = Limit{Requests: 1000, Window: time.Hour}
)

// limiter counts requests in fixed windows, in Redis (shared by every portal process) or in
// memory. When Redis cannot be reached it lets requests through and logs it: a limiter must
// not take the API down with it.
type limiter struct {
	rdb    *redis.Client
	prefix string
	log    *slog.Logger
	mu     sync.Mutex
	mem    map[string]int
}

func newLimiter(rdb *redis.Client, prefix string, log *slog.Logger) *limiter {
	return &limiter{rdb: rdb, prefix: prefix, log: log, mem: map[string]int{}}
}

// take counts one request against key and reports whether it is allowed, how many remain
// and when the window resets.
func (l *limiter) take(ctx context.Context, key string, lim Limit, now time.Time) (ok bool, remaining int, reset time.Time) {
	start := now.Truncate(lim.Window)
	reset = start.Add(lim.Window)
	k := l.prefix + "rl:" + key + ":" + strconv.FormatInt(start.Unix(), 10)
	var n int64
	if l.rdb != nil {
		pipe := l.rdb.TxPipeline()
		incr := pipe.Incr(ctx, k)
		pipe.ExpireAt(ctx, k, reset.Add(time.Second))
		if _, err := pipe.Exec(ctx); err != nil {
			l.log.Warn("rate limiter unavailable; allowing the request", "err", err)
			return true, lim.Requests, reset
		}
		n = incr.Val()
	} else {
		l.mu.Lock()
		if len(l.mem) > 100_000 {
			l.mem = map[string]int{}
		}
		l.mem[k]++
		n = int64(l.mem[k])
		l.mu.Unlock()
	}
	remaining = max(lim.Requests-int(n), 0)
	return n <= int64(lim.Requests), remaining, reset
}

// limit answers 429 with Retry-After past the limit, and sets RateLimit-* headers always.
func (s *Server) limit(c *fiber.Ctx, key string, lim Limit) error {
	now := time.Now()
	ok, remaining, reset := s.limiter.take(c.UserContext(), key, lim, now)
	secs := int(reset.Sub(now).Seconds()) + 1
	// Several limits apply (address, token): the headers describe the tightest one.
	if prev, err := strconv.Atoi(string(c.Response().Header.Peek("RateLimit-Remaining"))); err != nil || remaining < prev {
		c.Set("RateLimit-Limit", strconv.Itoa(lim.Requests))
		c.Set("RateLimit-Remaining", strconv.Itoa(remaining))
		c.Set("RateLimit-Reset", strconv.Itoa(secs))
	}
	if !ok {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(secs))
		return apiError(fiber.StatusTooManyRequests, "rate_limited", "too many requests; retry after "+strconv.Itoa(secs)+" s")
	}
	return nil
}
