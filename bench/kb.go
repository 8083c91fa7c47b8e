package bench

import (
	"bufio"
	"context"
	"fmt"
	"helpdesk/internal/procs"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// KBResult is /kb/{slug} served with the render cache cold (every article rendered from
// markdown) and warm (every rendering from the cache), as an anonymous visitor.
type KBResult struct {
	Pages       int
	Concurrency int
	Cold, Warm  Stats
	// Counted by the portal itself (its cache metric): proof of what each pass was.
	ColdMisses, WarmHits int64
}

const kbConcurrency = 8

func (r *runner) kbPages(ctx context.Context, d *dataset) (*KBResult, error) {
	arts, err := d.st.PublishedArticles(ctx, []string{"public"}, r.cfg.KBPages)
	if err != nil {
		return nil, err
	}
	if len(arts) == 0 {
		return nil, fmt.Errorf("no published public article")
	}
	slugs := make([]string, len(arts))
	for i, a := range arts {
		slugs[i] = a.Slug
	}
	opts, err := redis.ParseURL(r.cfg.RedisURL)
	if err != nil {
		return nil, err
	}
	rdb := redis.NewClient(opts)
	defer rdb.Close()
	res := &KBResult{Pages: len(slugs), Concurrency: kbConcurrency}
	var cold, warm []Stats
	for run := range r.cfg.Runs {
		// A cold cache: no rendering in Redis, and a new process with an empty local copy.
		if err := forget(ctx, rdb, d.prefix+":cache:kb:*"); err != nil {
			return nil, err
		}
		c, w, misses, hits, err := r.kbRun(ctx, d, slugs)
		if err != nil {
			return nil, err
		}
		cold, warm = append(cold, c), append(warm, w)
		res.ColdMisses, res.WarmHits = misses, hits
		r.logf("kb run %d/%d: cold %.0f pages/s (%d renders), warm %.0f pages/s (%d cache hits)", run+1, r.cfg.Runs,
			c.RPS, misses, w.RPS, hits)
	}
	res.Cold, res.Warm = medianStats(cold), medianStats(warm)
	return res, nil
}

// kbRun starts a fresh portal and reads every slug twice: the first pass renders each article
// (the portal's misses count them), the second finds each in the cache (its hits count them).
func (r *runner) kbRun(ctx context.Context, d *dataset, slugs []string) (cold, warm Stats, misses, hits int64, err error) {
	portal, err := procs.Start(ctx, r.cfg.Bin, "portal", "PORTAL_ADDR", "/readyz", d.env)
	if err != nil {
		return
	}
	defer portal.Stop()
	pass := func() (Stats, error) {
		s, err := closedLoop(ctx, r.client, kbConcurrency, time.Hour, 0, len(slugs), func(ctx context.Context, i int) (*http.Request, error) {
			return http.NewRequestWithContext(ctx, "GET", portal.URL("/kb/"+slugs[i]), nil)
		})
		if err == nil && s.Errors > 0 {
			err = fmt.Errorf("%d KB pages failed", s.Errors)
		}
		return s, err
	}
	misses0, _, err := r.cacheCounts(ctx, portal)
	if err != nil {
		return
	}
	if cold, err = pass(); err != nil {
		return
	}
	misses1, hits1, err := r.cacheCounts(ctx, portal)
	if err != nil {
		return
	}
	if warm, err = pass(); err != nil {
		return
	}
	_, hits2, err := r.cacheCounts(ctx, portal)
	return cold, warm, misses1 - misses0, hits2 - hits1, err
}

// forget deletes the Redis keys matching pattern.
func forget(ctx context.Context, rdb *redis.Client, pattern string) error {
	iter := rdb.Scan(ctx, 0, pattern, 1000).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		return fmt.Errorf("redis scan: %w", err)
	}
	for len(keys) > 0 {
		n := min(len(keys), 1000)
		if err := rdb.Del(ctx, keys[:n]...).Err(); err != nil {
			return fmt.Errorf("redis del: %w", err)
		}
		keys = keys[n:]
	}
	return nil
}

// cacheCounts reads the portal's KB render cache counters from its /metrics.
func (r *runner) cacheCounts(ctx context.Context, p *procs.Process) (misses, hits int64, err error) {
	req, err := http.NewRequestWithContext(ctx, "GET", p.URL("/metrics"), nil)
	if err != nil {
		return 0, 0, err
	}
	res, err := r.client.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "portal_cache_requests_total{") || !strings.Contains(line, `cache="kb_render"`) {
			continue
		}
		f := strings.Fields(line)
		v, err := strconv.ParseFloat(f[len(f)-1], 64)
		if err != nil {
			return 0, 0, fmt.Errorf("metrics: %q: %w", line, err)
		}
		switch {
		case strings.Contains(line, `result="miss"`):
			misses = int64(v)
		case strings.Contains(line, `result="hit"`):
			hits = int64(v)
		}
	}
	return misses, hits, sc.Err()
}
