package portal

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/redis/go-redis/v9"

	"helpdesk/config"
)

// limiter counts requests in fixed windows, in Redis (shared by every portal process) or in
// memory. When Redis cannot be reached it lets requests through and logs it: a limiter must
// not take the API down with it.
type limiter struct {
	rdb    redis.UniversalClient
	prefix string
	log    *slog.Logger
	mu     sync.Mutex
	mem    map[string]int
}

func newLimiter(rdb redis.UniversalClient, prefix string, log *slog.Logger) *limiter {
	return &limiter{rdb: rdb, prefix: prefix, log: log, mem: map[string]int{}}
}

// counted is a limit after one more request was counted against it.
type counted struct {
	lim       config.RateLimit
	ok        bool
	remaining int
	reset     time.Time
}

// take counts one request against each key under its limit, in one round trip to Redis.
func (l *limiter) take(ctx context.Context, now time.Time, keys []string, lims []config.RateLimit) []counted {
	out := make([]counted, len(keys))
	names := make([]string, len(keys))
	for i, key := range keys {
		start := now.Truncate(lims[i].Window)
		out[i] = counted{lim: lims[i], reset: start.Add(lims[i].Window)}
		names[i] = l.prefix + "rl:" + key + ":" + strconv.FormatInt(start.Unix(), 10)
	}
	ns := make([]int64, len(keys))
	if l.rdb != nil {
		// A pipeline, not a transaction: a Redis Cluster refuses one over keys of several
		// slots. Each key's count and expiry still go in the one round trip.
		pipe := l.rdb.Pipeline()
		incrs := make([]*redis.IntCmd, len(keys))
		for i, k := range names {
			incrs[i] = pipe.Incr(ctx, k)
			pipe.ExpireAt(ctx, k, out[i].reset.Add(time.Second))
		}
		if _, err := pipe.Exec(ctx); err != nil {
			l.log.Warn("rate limiter unavailable; allowing the request", "err", err)
			for i := range out {
				out[i].ok, out[i].remaining = true, lims[i].Requests
			}
			return out
		}
		for i, incr := range incrs {
			ns[i] = incr.Val()
		}
	} else {
		l.mu.Lock()
		if len(l.mem) > 100_000 {
			l.mem = map[string]int{}
		}
		for i, k := range names {
			l.mem[k]++
			ns[i] = int64(l.mem[k])
		}
		l.mu.Unlock()
	}
	for i, n := range ns {
		out[i].remaining = max(lims[i].Requests-int(n), 0)
		out[i].ok = n <= int64(lims[i].Requests)
	}
	return out
}

// enforce answers 429 with Retry-After past the limit, and sets RateLimit-* headers always.
func (s *Server) enforce(c *fiber.Ctx, now time.Time, l counted) error {
	ok, remaining, reset, lim := l.ok, l.remaining, l.reset, l.lim
	secs := int(reset.Sub(now).Seconds()) + 1
	// Several limits apply (address, token): the headers describe the tightest one.
	if prev, err := strconv.Atoi(string(c.Response().Header.Peek("RateLimit-Remaining"))); err != nil || remaining < prev {
		c.Set("RateLimit-Limit", strconv.Itoa(lim.Requests))
		c.Set("RateLimit-Remaining", strconv.Itoa(remaining))
		c.Set("RateLimit-Reset", strconv.Itoa(secs))
	}
	if !ok {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(secs))
		s.metrics.refused.WithLabelValues("rate_limited").Inc()
		return apiError(fiber.StatusTooManyRequests, "rate_limited", "too many requests; retry after "+strconv.Itoa(secs)+" s")
	}
	return nil
}
