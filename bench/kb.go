package bench

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"helpdesk/config"
	"helpdesk/deploy/nginx"
	"helpdesk/internal/procs"
)

// KBResult is /kb/{slug} served as an anonymous visitor: cold (a fresh portal, no rendering
// cached: every article rendered from markdown) and warm (every page from the portal's kept
// pages), beside the KB index /kb; then through the shipped nginx configuration
// (deploy/nginx) in front of the same portal, its micro-cache filled by one pass first.
type KBResult struct {
	Pages       int
	Concurrency int
	Cold, Warm  Stats
	Index       Stats // GET /kb, as long as the warm pass
	// Counted by the portal itself (its cache metrics): proof of what each pass was. Related
	// are the related-article searches the cold pass made (kept per article version, they are
	// made in the first run only).
	ColdMisses, WarmHits, ColdRelated int64
	Nginx                             Stats
	// NginxCache counts the measured answers by their X-Cache-Status (HIT, STALE, MISS...).
	NginxCache map[string]int64 `json:",omitempty"`
	// NginxClientCores is how many cores this load generator itself kept busy meanwhile.
	NginxClientCores float64
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
	rdb, err := config.OpenRedis(r.cfg.RedisURL)
	if err != nil {
		return nil, err
	}
	defer rdb.Close()
	res := &KBResult{Pages: len(slugs), Concurrency: kbConcurrency}
	var cold, warm, index, proxied []Stats
	for run := range r.cfg.Runs {
		// A cold cache: no rendering in Redis, and a new process with an empty local copy.
		if err := forget(ctx, rdb, d.prefix+":cache:kb:*"); err != nil {
			return nil, err
		}
		one, err := r.kbRun(ctx, d, slugs)
		if err != nil {
			return nil, err
		}
		cold, warm, index, proxied = append(cold, one.Cold), append(warm, one.Warm), append(index, one.Index), append(proxied, one.Nginx)
		res.ColdMisses, res.WarmHits = one.ColdMisses, one.WarmHits
		res.ColdRelated += one.ColdRelated
		res.NginxCache, res.NginxClientCores = one.NginxCache, one.NginxClientCores
		r.logf("kb run %d/%d: cold %.0f pages/s (%d renders, %d related searches), warm %.0f pages/s (%d kept pages), index %.0f pages/s, through nginx %.0f pages/s (%v)",
			run+1, r.cfg.Runs, one.Cold.RPS, one.ColdMisses, one.ColdRelated, one.Warm.RPS, one.WarmHits, one.Index.RPS, one.Nginx.RPS, one.NginxCache)
	}
	res.Cold, res.Warm, res.Index, res.Nginx = medianStats(cold), medianStats(warm), medianStats(index), medianStats(proxied)
	return res, nil
}

// kbRun starts a fresh portal and reads every slug once, cold (the portal's render misses
// count them), then round and round for the load duration, warm (its kept-page hits count
// them), then its KB index as long. Then nginx goes in front of it: one pass fills its cache,
// and the same slugs are read again through it, over and over for the load duration.
func (r *runner) kbRun(ctx context.Context, d *dataset, slugs []string) (run KBResult, err error) {
	portal, err := procs.Start(ctx, r.cfg.Bin, "portal", "PORTAL_ADDR", "/readyz", d.env)
	if err != nil {
		return
	}
	defer portal.Stop()
	slugPaths := make([]string, len(slugs))
	for i, slug := range slugs {
		slugPaths[i] = "/kb/" + slug
	}
	pass := func(client *http.Client, base string, minDuration time.Duration, paths ...string) (Stats, error) {
		if len(paths) == 0 {
			paths = slugPaths
		}
		limit := len(paths)
		if minDuration > 0 {
			limit = 0
		}
		s, err := closedLoop(ctx, client, kbConcurrency, minDuration, len(paths), limit, func(ctx context.Context, i int) (*http.Request, error) {
			return http.NewRequestWithContext(ctx, "GET", base+paths[i%len(paths)], nil)
		})
		if err == nil && s.Errors > 0 {
			err = fmt.Errorf("%d KB pages failed", s.Errors)
		}
		return s, err
	}
	direct := portal.URL("")
	before, err := r.cacheCounts(ctx, portal)
	if err != nil {
		return
	}
	if run.Cold, err = pass(r.client, direct, 0); err != nil {
		return
	}
	cold, err := r.cacheCounts(ctx, portal)
	if err != nil {
		return
	}
	// Warm: the same articles again, round and round for the load duration.
	if run.Warm, err = pass(r.client, direct, r.cfg.Duration); err != nil {
		return
	}
	warm, err := r.cacheCounts(ctx, portal)
	if err != nil {
		return
	}
	run.ColdMisses = cold[`cache="kb_render",result="miss"`] - before[`cache="kb_render",result="miss"`]
	run.ColdRelated = cold[`cache="kb_related",result="miss"`] - before[`cache="kb_related",result="miss"`]
	run.WarmHits = warm[`cache="kb_page",result="hit"`] - cold[`cache="kb_page",result="hit"`]
	if run.Index, err = pass(r.client, direct, r.cfg.Duration, "/kb"); err != nil {
		return
	}

	dir, err := os.MkdirTemp("", "bench-nginx-")
	if err != nil {
		return
	}
	defer os.RemoveAll(dir)
	ng, err := nginx.Start(ctx, dir, []string{portal.Addr})
	if err != nil {
		return
	}
	defer ng.Stop()
	if _, err = pass(r.client, ng.URL(""), 0); err != nil {
		return
	}
	counted := &cacheCounter{base: r.client.Transport, seen: map[string]int64{}}
	cpu0 := cpuTime()
	if run.Nginx, err = pass(&http.Client{Transport: counted, Timeout: r.client.Timeout}, ng.URL(""), r.cfg.Duration); err != nil {
		return
	}
	run.NginxClientCores = (cpuTime() - cpu0).Seconds() / (float64(run.Nginx.N) / run.Nginx.RPS)
	run.NginxCache = counted.seen
	return run, nil
}

// cacheCounter counts the answers by the X-Cache-Status nginx gave them.
type cacheCounter struct {
	base http.RoundTripper
	mu   sync.Mutex
	seen map[string]int64
}

func (c *cacheCounter) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := c.base.RoundTrip(req)
	if err == nil {
		c.mu.Lock()
		c.seen[res.Header.Get("X-Cache-Status")]++
		c.mu.Unlock()
	}
	return res, err
}

// cpuTime is the CPU time this process has used so far, user and system.
func cpuTime() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

// forget deletes the Redis keys matching pattern.
func forget(ctx context.Context, rdb redis.UniversalClient, pattern string) error {
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

// cacheCounts reads the portal's cache counters from its /metrics, by their labels
// (`cache="kb_render",result="miss"`).
func (r *runner) cacheCounts(ctx context.Context, p *procs.Process) (map[string]int64, error) {
	return r.metricValues(ctx, p, "portal_cache_requests_total")
}

// metricValues reads one metric of a process's /metrics, by its labels (the text between the
// braces; "" for a metric without labels).
func (r *runner) metricValues(ctx context.Context, p *procs.Process, name string) (map[string]int64, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", p.URL("/metrics"), nil)
	if err != nil {
		return nil, err
	}
	res, err := r.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	values := map[string]int64{}
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), name)
		if !ok {
			continue
		}
		var labels, value string
		switch {
		case strings.HasPrefix(rest, "{"):
			labels, value, _ = strings.Cut(rest[1:], "} ")
		case strings.HasPrefix(rest, " "):
			value = rest[1:]
		default:
			continue // another metric whose name starts with this one
		}
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return nil, fmt.Errorf("metrics: %q: %w", sc.Text(), err)
		}
		values[labels] = int64(v)
	}
	return values, sc.Err()
}
