package portal

import (
	"context"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// cache keeps rendered fragments and computed figures. In Redis it is shared by every portal
// process; without Redis, or while Redis is down, it is a small in-process map, and a miss is
// only slower, never wrong.
type cache struct {
	rdb    redis.UniversalClient
	prefix string
	mu     sync.Mutex
	mem    map[string]cached
}

type cached struct {
	val     []byte
	expires time.Time
}

const memCacheMax = 2000

func newCache(rdb redis.UniversalClient, prefix string) *cache {
	return &cache{rdb: rdb, prefix: prefix, mem: map[string]cached{}}
}

func (c *cache) get(ctx context.Context, key string) ([]byte, bool) {
	if c.rdb != nil {
		b, err := c.rdb.Get(ctx, c.prefix+"cache:"+key).Bytes()
		if err == nil {
			return b, true
		}
		if err != redis.Nil {
			return c.memGet(key) // Redis away: the local copy, if any, still helps
		}
		return nil, false
	}
	return c.memGet(key)
}

func (c *cache) set(ctx context.Context, key string, val []byte, ttl time.Duration) {
	c.memSet(key, val, ttl)
	if c.rdb != nil {
		_ = c.rdb.Set(ctx, c.prefix+"cache:"+key, val, ttl).Err()
	}
}

func (c *cache) memGet(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.mem[key]
	if !ok || time.Now().After(e.expires) {
		return nil, false
	}
	return e.val, true
}

func (c *cache) memSet(key string, val []byte, ttl time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.mem) >= memCacheMax {
		// Crude but bounded: drop everything expired, and if still full, everything.
		now := time.Now()
		for k, e := range c.mem {
			if now.After(e.expires) {
				delete(c.mem, k)
			}
		}
		if len(c.mem) >= memCacheMax {
			c.mem = map[string]cached{}
		}
	}
	c.mem[key] = cached{val: val, expires: time.Now().Add(ttl)}
}
