// Package bench measures the product on seeded data, against Elasticsearch itself where the
// comparison means something: reindex rate against raw _bulk, search latency through the API
// against the same query sent straight to Elasticsearch, change-to-searchable delay under
// steady writes, the Postgres fallback (also read from a streaming replica), search on a 3-node
// cluster beside one node, and KB
// pages with the render cache cold and warm and through the shipped nginx micro-cache.
// It runs as its own process and drives real portal, indexer and portalctl binaries over
// loopback. `make bench` runs it; the report lands under bench/results/.
package bench

import (
	"context"
	"fmt"
	"helpdesk/internal/procs"
	"io"
	"net/http"
	"slices"
	"time"

	"helpdesk/search/elasticsearch"
	"helpdesk/store"
)

// Config says what to measure and where.
type Config struct {
	Bin              string // directory holding the portal, indexer and portalctl binaries
	Namespace        string // names the data sets' databases and indices ("bench": bench_100000)
	DatabaseURL      string // any database on the server; each data set gets its own database
	RedisURL         string
	ElasticsearchURL string
	Sizes            []int // tickets per data set
	Articles         int   // KB articles per data set
	Clients          int
	Runs             int           // runs per figure; the report gives their median
	Duration         time.Duration // of each timed load run
	WriteDuration    time.Duration // of each steady write rate
	WriteRates       []int         // writes per second
	Concurrency      []int         // search load levels
	KBPages          int           // distinct articles per KB pass
	Services         string        // scripts/services: starts the 3-node cluster and the replica for their sections
	DropCluster      bool          // delete the cluster's indices afterwards (tests); else kept for the next run
	PrepareOnly      bool          // seed and index the data sets, measure nothing
	Log              io.Writer
}

type runner struct {
	cfg    Config
	client *http.Client
}

// Run measures every data set size in turn and returns the report; after a failure, the report
// holds the data sets measured before it.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	r := &runner{cfg: cfg, client: newClient()}
	rep := &Report{Date: time.Now().UTC(), Config: cfg}
	var err error
	if rep.Machine, err = r.machine(ctx); err != nil {
		return nil, err
	}
	for _, size := range cfg.Sizes {
		if cfg.PrepareOnly {
			d, err := r.open(ctx, size)
			if err != nil {
				return nil, err
			}
			d.close()
			continue
		}
		sr, err := r.measure(ctx, size)
		if err != nil {
			// What was measured before the failure is still worth a report.
			rep.Failure = fmt.Sprintf("%d tickets: %v", size, err)
			return rep, fmt.Errorf("%d tickets: %w", size, err)
		}
		rep.Sets = append(rep.Sets, *sr)
	}
	if cfg.PrepareOnly {
		return rep, nil
	}
	if rep.Notify, err = r.notifications(ctx); err != nil {
		rep.Failure = fmt.Sprintf("notifications: %v", err)
		return rep, fmt.Errorf("notifications: %w", err)
	}
	return rep, nil
}

func (r *runner) logf(format string, args ...any) {
	fmt.Fprintf(r.cfg.Log, "bench: "+format+"\n", args...)
}

// dataset is one seeded database with its own indices.
type dataset struct {
	name   string
	env    []string // for the binaries: DATABASE_URL, SEARCH_INDEX_PREFIX, ...
	prefix string
	st     *store.Store
	es     *elasticsearch.Backend
	counts store.Counts
}

// open returns the data set of size tickets, seeding and indexing it unless a previous run
// left it complete.
func (r *runner) open(ctx context.Context, size int) (*dataset, error) {
	d := &dataset{name: fmt.Sprintf("%s_%d", r.cfg.Namespace, size), prefix: fmt.Sprintf("%s%d", r.cfg.Namespace, size)}
	for attempt := 0; ; attempt++ {
		url, _, err := store.EnsureDatabase(ctx, r.cfg.DatabaseURL, d.name)
		if err != nil {
			return nil, err
		}
		d.env = []string{"DATABASE_URL=" + url, "SEARCH_INDEX_PREFIX=" + d.prefix,
			"REDIS_URL=" + r.cfg.RedisURL, "ELASTICSEARCH_URL=" + r.cfg.ElasticsearchURL}
		if _, err := procs.RunTool(ctx, r.cfg.Bin, d.env, io.Discard, "migrate"); err != nil {
			return nil, err
		}
		if d.st, err = store.Open(ctx, url); err != nil {
			return nil, err
		}
		if d.counts, err = d.st.Counts(ctx); err != nil {
			return nil, err
		}
		if d.counts.Tickets == int64(size) && d.counts.Articles == int64(r.cfg.Articles) {
			r.logf("%s: reusing %d tickets, %d comments, %d articles", d.name, d.counts.Tickets, d.counts.Comments, d.counts.Articles)
			break
		}
		if d.counts.Tickets > 0 || d.counts.Users > 0 {
			if attempt > 0 {
				return nil, fmt.Errorf("%s: seeded %d tickets and %d articles, want %d and %d", d.name, d.counts.Tickets, d.counts.Articles, size, r.cfg.Articles)
			}
			r.logf("%s: holds other data; recreating it", d.name)
			d.st.Close()
			if err := store.DropDatabase(ctx, r.cfg.DatabaseURL, d.name); err != nil {
				return nil, err
			}
			continue
		}
		r.logf("%s: seeding %d tickets and %d articles", d.name, size, r.cfg.Articles)
		if _, err := procs.RunTool(ctx, r.cfg.Bin, d.env, r.cfg.Log, "seed", "--clients", fmt.Sprint(r.cfg.Clients),
			"--tickets", fmt.Sprint(size), "--articles", fmt.Sprint(r.cfg.Articles)); err != nil {
			return nil, err
		}
		d.st.Close()
	}
	var err error
	if d.es, err = elasticsearch.New([]string{r.cfg.ElasticsearchURL}, d.prefix, d.st.Analyzer()); err != nil {
		return nil, err
	}
	if err := d.es.EnsureIndices(ctx); err != nil {
		return nil, err
	}
	// A fresh seed leaves one outbox row per document (as it must: a new installation's indexer
	// builds its index from them). The indexer works them off once; later runs reuse the index.
	ob, err := d.st.OutboxStats(ctx)
	if err != nil {
		return nil, err
	}
	if ob.Pending > 0 {
		r.logf("%s: indexing %d outbox changes with the indexer", d.name, ob.Pending)
		ix, err := procs.Start(ctx, r.cfg.Bin, "indexer", "INDEXER_ADDR", "/healthz", d.env)
		if err != nil {
			return nil, err
		}
		err = r.waitDrained(ctx, d, time.Hour)
		ix.Stop()
		if err != nil {
			return nil, err
		}
	}
	nt, err := d.es.Count(ctx, "ticket")
	if err != nil {
		return nil, err
	}
	if nt != d.counts.Tickets {
		r.logf("%s: rebuilding the index (%d of %d tickets indexed)", d.name, nt, d.counts.Tickets)
		if _, err := procs.RunTool(ctx, r.cfg.Bin, d.env, r.cfg.Log, "reindex"); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func (d *dataset) close() {
	if d.st != nil {
		d.st.Close()
	}
}

// measure runs every benchmark on the data set of size tickets.
func (r *runner) measure(ctx context.Context, size int) (*SetReport, error) {
	d, err := r.open(ctx, size)
	if err != nil {
		return nil, err
	}
	defer d.close()
	sr := &SetReport{Tickets: d.counts.Tickets, Comments: d.counts.Comments, Articles: d.counts.Articles, Clients: d.counts.Clients}

	// Reindex first, alone on the machine: no portal or indexer running.
	if sr.Reindex, err = r.reindex(ctx, d); err != nil {
		return nil, fmt.Errorf("reindex: %w", err)
	}
	if sr.Search, err = r.searchLoad(ctx, d); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	if sr.Storage, err = r.storage(ctx, d); err != nil {
		return nil, fmt.Errorf("storage: %w", err)
	}
	if sr.Writes, err = r.writeCost(ctx, d); err != nil {
		return nil, fmt.Errorf("write cost: %w", err)
	}
	mix, err := r.prepare(ctx, d)
	if err != nil {
		return nil, err
	}
	if sr.Outage, err = r.outage(ctx, d, mix); err != nil {
		return nil, fmt.Errorf("elasticsearch outage: %w", err)
	}
	if size == slices.Max(r.cfg.Sizes) {
		if sr.Cluster, err = r.cluster(ctx, d, mix); err != nil {
			return nil, fmt.Errorf("3-node cluster: %w", err)
		}
		if sr.Replica, err = r.replica(ctx, d, mix); err != nil {
			return nil, fmt.Errorf("postgres replica: %w", err)
		}
	}
	if sr.KB, err = r.kbPages(ctx, d); err != nil {
		return nil, fmt.Errorf("kb pages: %w", err)
	}
	if sr.Insights, err = r.insightsCost(ctx, d); err != nil {
		return nil, fmt.Errorf("insights cost: %w", err)
	}
	// Writes last: they change the data set, which the next run reuses (the ticket count is
	// restored by deleting what was written).
	if sr.Fresh, err = r.freshness(ctx, d); err != nil {
		return nil, fmt.Errorf("change-to-searchable: %w", err)
	}
	return sr, nil
}
