package bench

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"helpdesk/internal/procs"
)

// InsightsResult is what recording searches for the insights page costs the search page:
// anonymous /search pages per second on a portal that records them and on one that does not
// (SEARCH_INSIGHTS_DAYS=0), measured in turns, side by side.
type InsightsResult struct {
	Concurrency int
	On, Off     Stats
	// Cost is the share of search pages per second recording takes: 1 - On/Off.
	Cost float64
}

func (r *runner) insightsCost(ctx context.Context, d *dataset) (*InsightsResult, error) {
	on, err := procs.Start(ctx, r.cfg.Bin, "portal", "PORTAL_ADDR", "/readyz", d.env)
	if err != nil {
		return nil, err
	}
	defer on.Stop()
	off, err := procs.Start(ctx, r.cfg.Bin, "portal", "PORTAL_ADDR", "/readyz", append(d.env, "SEARCH_INSIGHTS_DAYS=0"))
	if err != nil {
		return nil, err
	}
	defer off.Stop()
	var paths []string
	for _, m := range queryMix() {
		if !m.Client && m.Q.Page == 0 && len(m.Q.Filters.Status)+len(m.Q.Filters.Priority) == 0 {
			paths = append(paths, "/search?q="+url.QueryEscape(m.Q.Text))
		}
	}
	pass := func(p *procs.Process) (Stats, error) {
		s, err := closedLoop(ctx, r.client, kbConcurrency, r.cfg.Duration, len(paths), 0, func(ctx context.Context, i int) (*http.Request, error) {
			return http.NewRequestWithContext(ctx, "GET", p.URL(paths[i%len(paths)]), nil)
		})
		if err == nil && s.Errors > 0 {
			err = fmt.Errorf("%d search pages failed", s.Errors)
		}
		return s, err
	}
	// Warm both (Elasticsearch's caches, the portals' connections), then take turns, each
	// side first in every other pair.
	for _, p := range []*procs.Process{on, off} {
		if _, err := pass(p); err != nil {
			return nil, err
		}
	}
	var ons, offs []Stats
	for run := range r.cfg.Runs {
		order := []*procs.Process{on, off}
		if run%2 == 1 {
			order = []*procs.Process{off, on}
		}
		for _, p := range order {
			s, err := pass(p)
			if err != nil {
				return nil, err
			}
			if p == on {
				ons = append(ons, s)
			} else {
				offs = append(offs, s)
			}
		}
	}
	res := &InsightsResult{Concurrency: kbConcurrency, On: medianStats(ons), Off: medianStats(offs)}
	if res.Off.RPS > 0 {
		res.Cost = 1 - res.On.RPS/res.Off.RPS
	}
	r.logf("insights: search pages %.0f/s recorded, %.0f/s not: cost %.1f%%", res.On.RPS, res.Off.RPS, res.Cost*100)
	return res, nil
}
