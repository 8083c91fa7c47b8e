package bench

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"helpdesk/internal/procs"
	"helpdesk/search/elasticsearch"
)

// The cluster's layout, as docs/capacity.md advises for an index of a few GB: one shard, a
// copy on every node, so that any node answers any search alone.
const (
	clusterShards   = 1
	clusterReplicas = 2
)

// ClusterResult compares search on the 3-node Elasticsearch cluster of scripts/services with
// the single node, on the same data set, in one run: the mix straight to Elasticsearch (to
// each node in turn on the cluster) and through a portal configured with either.
type ClusterResult struct {
	Nodes            int
	Shards, Replicas int
	HeapSingle       string
	HeapNode         string
	Reindexed        time.Duration // into the cluster in this run; 0: its index was reused
	Levels           []ClusterLevel
}

// ClusterLevel is one concurrency level, each figure the median over the runs.
type ClusterLevel struct {
	Concurrency                 int
	RawSingle, RawCluster       Stats
	PortalSingle, PortalCluster Stats
}

// RawGain and PortalGain are the cluster's searches per second over the single node's.
func (l ClusterLevel) RawGain() float64    { return l.RawCluster.RPS / l.RawSingle.RPS }
func (l ClusterLevel) PortalGain() float64 { return l.PortalCluster.RPS / l.PortalSingle.RPS }

// cluster measures the mix on the 3-node cluster beside the single node. It starts the
// cluster when it does not run (and stops it afterwards), and builds the data set's indices
// there with `portalctl reindex` unless they already hold every ticket.
func (r *runner) cluster(ctx context.Context, d *dataset, mix []prepared) (*ClusterResult, error) {
	urls, started, err := r.startCluster(ctx)
	if err != nil {
		return nil, err
	}
	if started {
		defer func() {
			if err := procs.Services(context.WithoutCancel(ctx), r.cfg.Services, r.cfg.Log, "stop", "es-cluster"); err != nil {
				r.logf("stopping the cluster: %v", err)
			}
		}()
	}
	res := &ClusterResult{Nodes: len(urls), Shards: clusterShards, Replicas: clusterReplicas}
	cenv := append(slices.Clone(d.env), "ELASTICSEARCH_URL="+strings.Join(urls, ","),
		fmt.Sprintf("SEARCH_SHARDS=%d", clusterShards), fmt.Sprintf("SEARCH_REPLICAS=%d", clusterReplicas))
	ces, err := elasticsearch.New(urls, d.prefix, d.st.Analyzer())
	if err != nil {
		return nil, err
	}
	if r.cfg.DropCluster {
		defer func() {
			if err := ces.DeleteAll(context.WithoutCancel(ctx)); err != nil {
				r.logf("deleting the cluster's indices: %v", err)
			}
		}()
	}
	// A cluster just started recovers the indices it kept: counting before would fail.
	if err := r.waitGreen(ctx, urls[0]); err != nil {
		return nil, err
	}
	n, err := ces.Count(ctx, "ticket")
	if err != nil {
		return nil, err
	}
	if n != d.counts.Tickets {
		r.logf("cluster: building the indices (%d of %d tickets there; %d shard(s), %d replica(s))", n, d.counts.Tickets, clusterShards, clusterReplicas)
		if res.Reindexed, err = procs.RunTool(ctx, r.cfg.Bin, cenv, r.cfg.Log, "reindex"); err != nil {
			return nil, err
		}
	}
	if err := r.waitGreen(ctx, urls[0]); err != nil {
		return nil, err
	}
	if _, res.HeapSingle, err = r.esNode(ctx, r.cfg.ElasticsearchURL); err != nil {
		return nil, err
	}
	if _, res.HeapNode, err = r.esNode(ctx, urls[0]); err != nil {
		return nil, err
	}
	// The same hits both ways, or the comparison compares different work.
	esBase := strings.TrimRight(r.cfg.ElasticsearchURL, "/")
	for _, p := range mix {
		single, _, err := r.rawTotal(ctx, p, esBase)
		if err != nil {
			return nil, err
		}
		clustered, _, err := r.rawTotal(ctx, p, urls[0])
		if err != nil {
			return nil, err
		}
		if single != clustered {
			return nil, fmt.Errorf("%s: the single node found %d, the cluster %d", p.Name, single, clustered)
		}
	}
	single, err := procs.Start(ctx, r.cfg.Bin, "portal", "PORTAL_ADDR", "/readyz", append(slices.Clone(d.env), unthrottled...))
	if err != nil {
		return nil, err
	}
	defer single.Stop()
	clustered, err := procs.Start(ctx, r.cfg.Bin, "portal", "PORTAL_ADDR", "/readyz", append(cenv, unthrottled...))
	if err != nil {
		return nil, err
	}
	defer clustered.Stop()
	// Four ways, in a turning order so that none always goes first.
	ways := []way{{[]string{esBase}, true}, {urls, true}, {[]string{single.URL("")}, false}, {[]string{clustered.URL("")}, false}}
	load := func(w way, c int) (Stats, error) {
		s, err := closedLoop(ctx, r.client, c, r.cfg.Duration, len(mix), 0, func(ctx context.Context, i int) (*http.Request, error) {
			p, base := mix[i%len(mix)], w.bases[i%len(w.bases)]
			if w.raw {
				return p.rawRequest(ctx, base)
			}
			return p.portalRequest(ctx, base)
		})
		if err == nil && s.Errors > 0 {
			err = fmt.Errorf("%d of %d requests failed", s.Errors, s.N+s.Errors)
		}
		return s, err
	}
	// Nodes just started compile their code and fill their caches on the first searches.
	for _, w := range ways {
		if _, err := load(w, 2); err != nil {
			return nil, err
		}
	}
	for _, c := range r.cfg.Concurrency {
		if c == 1 {
			continue // one search at a time measures latency, not what more nodes add
		}
		runs := make([][]Stats, len(ways))
		for run := range r.cfg.Runs {
			for k := range ways {
				s, err := load(ways[(k+run)%len(ways)], c)
				if err != nil {
					return nil, err
				}
				runs[(k+run)%len(ways)] = append(runs[(k+run)%len(ways)], s)
			}
		}
		l := ClusterLevel{Concurrency: c, RawSingle: medianStats(runs[0]), RawCluster: medianStats(runs[1]),
			PortalSingle: medianStats(runs[2]), PortalCluster: medianStats(runs[3])}
		r.logf("cluster c=%d: raw %.0f/s on one node, %.0f/s on %d (%.2f×); portal %.0f/s, %.0f/s (%.2f×)", c,
			l.RawSingle.RPS, l.RawCluster.RPS, len(urls), l.RawGain(), l.PortalSingle.RPS, l.PortalCluster.RPS, l.PortalGain())
		res.Levels = append(res.Levels, l)
	}
	return res, nil
}

// way is where a load run sends the mix: Elasticsearch's _search or a portal's API, at
// bases in turn.
type way struct {
	bases []string
	raw   bool
}

// startCluster returns the cluster's node addresses, starting it if it does not run.
func (r *runner) startCluster(ctx context.Context) (urls []string, started bool, err error) {
	if urls, err = procs.RunningCluster(ctx, r.cfg.Services); err != nil || urls != nil {
		return urls, false, err
	}
	r.logf("starting the 3-node Elasticsearch cluster (scripts/services start es-cluster)")
	if err := procs.Services(ctx, r.cfg.Services, r.cfg.Log, "start", "es-cluster"); err != nil {
		return nil, false, err
	}
	if urls, err = procs.RunningCluster(ctx, r.cfg.Services); err == nil && urls == nil {
		err = fmt.Errorf("the cluster started, but scripts/services env does not name it")
	}
	return urls, err == nil, err
}

// waitGreen waits until every shard copy of the cluster at url is assigned.
func (r *runner) waitGreen(ctx context.Context, url string) error {
	var health struct {
		Status string `json:"status"`
	}
	req, err := http.NewRequestWithContext(ctx, "GET", url+"/_cluster/health?wait_for_status=green&timeout=10m", nil)
	if err != nil {
		return err
	}
	if _, err := r.fetchJSON(req, &health); err != nil || health.Status != "green" {
		return fmt.Errorf("cluster not green (%q): %v", health.Status, err)
	}
	return nil
}
