package bench

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"helpdesk/config"
	"helpdesk/search"
)

// Report is everything one benchmark run measured.
type Report struct {
	Date    time.Time
	Config  Config
	Machine Machine
	Sets    []SetReport
	Notify  *NotifyResult // one worker's mail throughput and delay, on a database of its own
	Failure string        // why the run stopped early, if it did
}

// SetReport holds the figures of one data set.
type SetReport struct {
	Tickets, Comments, Articles, Clients int64
	Reindex                              *ReindexResult
	Search                               *SearchResult
	KB                                   *KBResult
	Insights                             *InsightsResult `json:",omitempty"`
	Fresh                                []FreshResult
	Storage                              *StorageResult
	Writes                               *WriteCost
	Outage                               *OutageResult
	Cluster                              *ClusterResult `json:",omitempty"`
	Replica                              *ReplicaResult `json:",omitempty"`
}

// Machine says where the figures come from.
type Machine struct {
	CPU, OS, Kernel                    string
	Cores                              int
	MemoryGiB                          float64
	Go, Postgres, Elasticsearch, Redis string
	ESHeap                             string
}

func (r *runner) machine(ctx context.Context) (Machine, error) {
	m := Machine{Cores: runtime.NumCPU(), Go: runtime.Version()}
	m.CPU = firstField("/proc/cpuinfo", "model name")
	if kb := firstField("/proc/meminfo", "MemTotal"); kb != "" {
		var n float64
		fmt.Sscan(strings.TrimSuffix(kb, " kB"), &n)
		m.MemoryGiB = n / (1 << 20)
	}
	m.OS = strings.Trim(firstField("/etc/os-release", "PRETTY_NAME"), `"`)
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	conn, err := pgx.Connect(ctx, r.cfg.DatabaseURL)
	if err != nil {
		return m, fmt.Errorf("postgres: %w", err)
	}
	err = conn.QueryRow(ctx, "SHOW server_version").Scan(&m.Postgres)
	conn.Close(ctx)
	if err != nil {
		return m, fmt.Errorf("postgres version: %w", err)
	}
	rdb, err := config.OpenRedis(r.cfg.RedisURL)
	if err != nil {
		return m, err
	}
	info, err := rdb.Info(ctx, "server").Result()
	rdb.Close()
	if err != nil {
		return m, fmt.Errorf("redis: %w", err)
	}
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "redis_version:"); ok {
			m.Redis = v
		}
	}
	version, heap, err := r.esNode(ctx, r.cfg.ElasticsearchURL)
	if err != nil {
		return m, fmt.Errorf("elasticsearch: %w", err)
	}
	m.Elasticsearch, m.ESHeap = version, heap+" heap"
	return m, nil
}

// esNode returns the version and heap size of a node of the Elasticsearch at base, from the
// node info (the test distribution has no GET / handler).
func (r *runner) esNode(ctx context.Context, base string) (version, heap string, err error) {
	var reply struct {
		Nodes map[string]struct {
			Version string `json:"version"`
			JVM     struct {
				Mem struct {
					HeapMax int64 `json:"heap_max_in_bytes"`
				} `json:"mem"`
			} `json:"jvm"`
		} `json:"nodes"`
	}
	req, err := http.NewRequestWithContext(ctx, "GET", strings.TrimRight(base, "/")+"/_nodes/jvm", nil)
	if err != nil {
		return "", "", err
	}
	if _, err := r.fetchJSON(req, &reply); err != nil {
		return "", "", err
	}
	for _, n := range reply.Nodes {
		return n.Version, fmt.Sprintf("%d MiB", n.JVM.Mem.HeapMax>>20), nil
	}
	return "", "", fmt.Errorf("%s: no nodes", base)
}

// firstField returns the value of the first "key: value" or "key=value" line of a file.
func firstField(path, key string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, key) {
			continue
		}
		rest := strings.TrimSpace(strings.TrimPrefix(line, key))
		rest = strings.TrimSpace(strings.TrimLeft(rest, ":="))
		return rest
	}
	return ""
}

// JSON is the report as data, kept beside the markdown for later comparisons.
func (rep *Report) JSON() ([]byte, error) {
	c := rep.Config
	c.Log = nil
	return json.MarshalIndent(struct {
		Date    time.Time
		Config  Config
		Machine Machine
		Sets    []SetReport
		Notify  *NotifyResult `json:",omitempty"`
		Failure string        `json:",omitempty"`
	}{rep.Date, c, rep.Machine, rep.Sets, rep.Notify, rep.Failure}, "", "  ")
}

// ReadReport reads a report back from its JSON, to render it again.
func ReadReport(data []byte) (*Report, error) {
	var rep Report
	if err := json.Unmarshal(data, &rep); err != nil {
		return nil, fmt.Errorf("read report: %w", err)
	}
	return &rep, nil
}

// perSecond writes a rate, with a decimal when it is small.
func perSecond(x float64) string {
	if x < 10 {
		return fmt.Sprintf("%.1f", x)
	}
	return fmt.Sprintf("%.0f", x)
}

// Markdown renders the report.
func (rep *Report) Markdown() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	m := rep.Machine
	p("# Benchmark report, %s", rep.Date.Format("2006-01-02 15:04 UTC"))
	p("")
	p("Machine: %s, %d cores, %.0f GiB; %s, kernel %s.  ", m.CPU, m.Cores, m.MemoryGiB, m.OS, m.Kernel)
	p("Versions: %s; PostgreSQL %s; Elasticsearch %s (%s); Redis %s.  ", m.Go, m.Postgres, m.Elasticsearch, m.ESHeap, m.Redis)
	p("Everything (services, portal, indexer and this load generator) ran on that one machine, over loopback.")
	p("Each figure is the median of %d runs; comparisons are ratios of figures measured in the same run,", rep.Config.Runs)
	p("each pair alternating which side goes first. Search and KB load runs last %s each.", rep.Config.Duration)
	p("")
	if rep.Failure != "" {
		p("**Incomplete run:** %s", rep.Failure)
		p("")
	}
	if len(rep.Sets) == 0 {
		return b.String()
	}
	p("## Summary")
	p("")
	head, sep := "| Figure |", "|---|"
	for _, s := range rep.Sets {
		head += fmt.Sprintf(" %s tickets |", count(s.Tickets))
		sep += "---:|"
	}
	p("%s Goal |", head)
	p("%s---|", sep)
	row := func(name, goal string, f func(s SetReport) string) {
		line := "| " + name + " |"
		for _, s := range rep.Sets {
			line += " " + f(s) + " |"
		}
		p("%s %s |", line, goal)
	}
	row("Reindex, docs/s (`portalctl reindex`)", "", func(s SetReport) string { return fmt.Sprintf("%.0f", s.Reindex.ReindexRate) })
	row("Raw NDJSON `_bulk` ceiling, docs/s", "", func(s SetReport) string { return fmt.Sprintf("%.0f", s.Reindex.RawRate) })
	row("**Reindex / ceiling**", "≥ 0.80", func(s SetReport) string { return fmt.Sprintf("**%.2f**", s.Reindex.Ratio) })
	for i, f := range rep.Sets[0].Fresh {
		row(fmt.Sprintf("Change-to-searchable at %d writes/s: median / p99 / max", f.Rate), "", func(s SetReport) string {
			if i >= len(s.Fresh) {
				return "–"
			}
			d := s.Fresh[i].Delay
			return fmt.Sprintf("%s / %s / %s", ms(d.P50), ms(d.P99), ms(d.Max))
		})
	}
	for i, l := range rep.Sets[0].Search.Levels {
		row(fmt.Sprintf("Search API at concurrency %d: p50 / p99, req/s", l.Concurrency), "", func(s SetReport) string {
			x := s.Search.Levels[i].Portal
			return fmt.Sprintf("%s / %s, %.0f/s", ms(x.P50), ms(x.P99), x.RPS)
		})
		row(fmt.Sprintf("Raw Elasticsearch at concurrency %d: p50 / p99, req/s", l.Concurrency), "", func(s SetReport) string {
			x := s.Search.Levels[i].Raw
			return fmt.Sprintf("%s / %s, %.0f/s", ms(x.P50), ms(x.P99), x.RPS)
		})
		row(fmt.Sprintf("**Portal p50 / raw p50, concurrency %d**", l.Concurrency), "≤ 1.20", func(s SetReport) string {
			return fmt.Sprintf("**%.2f**", s.Search.Levels[i].Ratio)
		})
	}
	fallbackGoals := map[int]string{1: "p99 ≤ 100 ms at 100k; p50 ≤ 50 ms, p99 ≤ 250 ms at 1M", 8: "p99 ≤ 1 s at 1M"}
	for i, l := range rep.Sets[0].Search.Fallback {
		row(fmt.Sprintf("**Postgres fallback at concurrency %d: p50 / p99**, req/s", l.Concurrency), fallbackGoals[l.Concurrency], func(s SetReport) string {
			x := s.Search.Fallback[i].Portal
			return fmt.Sprintf("**%s / %s**, %s/s", ms(x.P50), ms(x.P99), perSecond(x.RPS))
		})
	}
	if c := rep.Sets[len(rep.Sets)-1].Cluster; c != nil {
		for i, l := range c.Levels {
			row(fmt.Sprintf("**Searches/s on %d nodes / on one, concurrency %d: raw; through the portal**", c.Nodes, l.Concurrency), "", func(s SetReport) string {
				if s.Cluster == nil || i >= len(s.Cluster.Levels) {
					return "–"
				}
				x := s.Cluster.Levels[i]
				return fmt.Sprintf("**%.2f×; %.2f×**", x.RawGain(), x.PortalGain())
			})
		}
	}
	if c := rep.Sets[len(rep.Sets)-1].Replica; c != nil {
		for i, l := range c.Levels {
			row(fmt.Sprintf("**Postgres fallback searches/s read from a replica / from the primary, concurrency %d**", l.Concurrency), "", func(s SetReport) string {
				if s.Replica == nil || i >= len(s.Replica.Levels) {
					return "–"
				}
				return fmt.Sprintf("**%.2f×**", s.Replica.Levels[i].Gain())
			})
		}
	}
	if rep.Sets[0].Outage != nil {
		row("**Elasticsearch down under mixed load: 5xx**", "0", func(s SetReport) string {
			if s.Outage == nil {
				return "–"
			}
			return fmt.Sprintf("**%d**", s.Outage.Down.FiveXX+s.Outage.Up.FiveXX)
		})
		row("Elasticsearch down: search p50 / p99", "", func(s SetReport) string {
			if s.Outage == nil {
				return "–"
			}
			return fmt.Sprintf("%s / %s", ms(s.Outage.Down.Search.P50), ms(s.Outage.Down.Search.P99))
		})
		row("**Elasticsearch down: ticket page p99 / with it up**", "≤ 2", func(s SetReport) string {
			if s.Outage == nil {
				return "–"
			}
			return fmt.Sprintf("**%.2f**", s.Outage.PageRatio)
		})
	}
	if rep.Sets[0].Writes != nil {
		row("**Extra time of a ticket write for the search rows (p50)**", "≤ 20%", func(s SetReport) string {
			if s.Writes == nil {
				return "–"
			}
			return fmt.Sprintf("**%+.0f%%**", s.Writes.TicketExtra*100)
		})
		row("Extra time of a comment write for the search rows (p50)", "", func(s SetReport) string {
			if s.Writes == nil {
				return "–"
			}
			return fmt.Sprintf("%+.0f%%", s.Writes.CommentExtra*100)
		})
	}
	if rep.Sets[0].Storage != nil {
		row("Fallback search tables on disk / Elasticsearch indices", "", func(s SetReport) string {
			if s.Storage == nil {
				return "–"
			}
			return fmt.Sprintf("%s / %s", mib(s.Storage.searchBytes()), mib(s.Storage.ESBytes))
		})
	}
	row(fmt.Sprintf("**KB page `/kb/{slug}`, cache cold, pages/s (concurrency %d)**", kbConcurrency), "≥ 500", func(s SetReport) string { return fmt.Sprintf("**%.0f**", s.KB.Cold.RPS) })
	row(fmt.Sprintf("**KB page `/kb/{slug}`, cache warm, pages/s (concurrency %d)**", kbConcurrency), "≥ 2,000 and ≥ `/kb`", func(s SetReport) string { return fmt.Sprintf("**%.0f**", s.KB.Warm.RPS) })
	row(fmt.Sprintf("KB index `/kb`, pages/s (concurrency %d)", kbConcurrency), "", func(s SetReport) string {
		if s.KB.Index.N == 0 {
			return "–" // a report from before the index was measured
		}
		return fmt.Sprintf("%.0f", s.KB.Index.RPS)
	})
	row(fmt.Sprintf("**KB article pages through nginx micro-cache, pages/s (concurrency %d)**", kbConcurrency), "≥ 10,000", func(s SetReport) string {
		if s.KB.Nginx.N == 0 {
			return "–" // a report from before nginx was measured
		}
		return fmt.Sprintf("**%.0f**", s.KB.Nginx.RPS)
	})
	if rep.Sets[0].Insights != nil {
		row(fmt.Sprintf("**Search pages/s, insights recorded / not (concurrency %d)**: cost", kbConcurrency), "≤ 5%", func(s SetReport) string {
			if s.Insights == nil {
				return "–"
			}
			return fmt.Sprintf("%.0f / %.0f: **%+.1f%%**", s.Insights.On.RPS, s.Insights.Off.RPS, s.Insights.Cost*100)
		})
	}
	if n := len(rep.Sets); n > 1 && len(rep.Sets[0].Search.Fallback) > 0 && len(rep.Sets[n-1].Search.Fallback) > 0 {
		small, large := rep.Sets[0], rep.Sets[n-1]
		p("")
		p("Fallback cost growth from %s to %s tickets (p50 at concurrency %d): **%.1f×** (goal ≤ 2×).", count(small.Tickets), count(large.Tickets),
			small.Search.Fallback[0].Concurrency, float64(large.Search.Fallback[0].Portal.P50)/float64(small.Search.Fallback[0].Portal.P50))
	}

	if n := rep.Notify; n != nil {
		p("")
		p("## Notifications")
		p("")
		p("One `worker` process (default queue sizes) delivering to a mail server on loopback (the sink process of")
		p("`internal/sink`), on a database of its own; each new ticket mails %d members of staff, one SMTP", notifyStaff)
		p("connection per mail.")
		p("")
		p("| Figure | Value | Goal |")
		p("|---|---:|---|")
		p("| **Backlog of %s mails drained, mails/s** | **%.0f** (%s) | ≥ 500 |", count(int64(n.Backlog)), n.MailsPerSec, n.Drain.Round(time.Millisecond))
		p("| New ticket to mail delivered at %d tickets/s: p50 / p99 / max | %s / %s / %s | |", n.Rate, ms(n.Delay.P50), ms(n.Delay.P99), ms(n.Delay.Max))
		p("| Duplicate deliveries | %d | |", n.Duplicates)
	}

	for _, s := range rep.Sets {
		p("")
		p("## %s tickets", count(s.Tickets))
		p("")
		p("Data: %s tickets, %s comments, %s KB articles, %s client companies (`portalctl seed`).", count(s.Tickets), count(s.Comments), count(s.Articles), count(s.Clients))
		p("")
		rr := s.Reindex
		p("### Reindex")
		p("")
		p("%s documents (tickets with their comments, and KB articles). `portalctl reindex` reads them from", count(rr.Docs))
		p("Postgres, builds the documents and bulk-loads them into new indices, then swaps the aliases. The")
		p("ceiling sends the same documents, prepared beforehand as %d MiB of NDJSON (in %s), straight to", rr.NDJSONBytes>>20, rr.PrepareElapsed.Round(time.Second))
		p("`_bulk` with the same index settings, two requests in flight and 4 MiB bodies, up to the final refresh.")
		p("")
		p("| Run | `portalctl reindex` | docs/s | raw `_bulk` | docs/s |")
		p("|---:|---:|---:|---:|---:|")
		for i := range rr.Reindex {
			p("| %d | %s | %.0f | %s | %.0f |", i+1, rr.Reindex[i].Round(time.Millisecond), rate(rr.Docs, rr.Reindex[i]), rr.Raw[i].Round(time.Millisecond), rate(rr.Docs, rr.Raw[i]))
		}
		p("| median | | **%.0f** | | **%.0f** |", rr.ReindexRate, rr.RawRate)
		p("")
		p("Ratio: **%.2f** (goal ≥ 0.80).", rr.Ratio)
		p("")
		p("### Search")
		p("")
		p("The mix, sent round-robin through `GET /api/v1/search` with a bearer token (rate limits lifted), and")
		p("the body the Elasticsearch backend builds for each query sent straight to `_search` (what the")
		p("portal adds: HTTP, token lookup, rate-limit counters in Redis, access rules, highlighting, JSON).")
		p("Both found the same number of hits for every query, checked before timing.")
		p("")
		p("| Query | Parameters | Hits | Portal p50 | Raw p50 |")
		p("|---|---|---:|---:|---:|")
		for _, q := range s.Search.Queries {
			p("| %s | `%s` | %s | %s | %s |", q.Name, q.Params, found{q.Total, q.Relation}, ms(q.PortalP50), ms(q.RawP50))
		}
		p("")
		p("| Concurrency | Portal p50 | p99 | req/s | Raw p50 | p99 | req/s | p50 ratio |")
		p("|---:|---:|---:|---:|---:|---:|---:|---:|")
		for _, l := range s.Search.Levels {
			p("| %d | %s | %s | %.0f | %s | %s | %.0f | **%.2f** |", l.Concurrency, ms(l.Portal.P50), ms(l.Portal.P99), l.Portal.RPS,
				ms(l.Raw.P50), ms(l.Raw.P99), l.Raw.RPS, l.Ratio)
		}
		p("")
		if c := s.Cluster; c != nil {
			renderCluster(p, rep.Machine, c)
		}
		renderFallback(p, s)
		if c := s.Replica; c != nil {
			renderReplica(p, c)
		}
		p("")
		p("### Change-to-searchable")
		p("")
		p("Tickets created through `POST /api/v1/tickets` at a steady rate (open loop) while the indexer runs;")
		p("the delay runs from the API's 201 to the first `_search` on the live tickets alias that returns the")
		poll := freshPoll // as recorded: a saved report renders with its own interval
		if len(s.Fresh) > 0 {
			poll = s.Fresh[0].PollInterval
		}
		p("ticket (polled every %s; the index refreshes every second).", poll)
		p("")
		p("| Writes/s | Writes | Median | p99 | Max | API write p50 | p99 |")
		p("|---:|---:|---:|---:|---:|---:|---:|")
		for _, f := range s.Fresh {
			p("| %d | %d | %s | %s | %s | %s | %s |", f.Rate, f.Writes, ms(f.Delay.P50), ms(f.Delay.P99), ms(f.Delay.Max), ms(f.WriteLatency.P50), ms(f.WriteLatency.P99))
		}
		p("")
		p("### KB pages")
		p("")
		p("`GET /kb/{slug}` as an anonymous visitor over %d distinct published articles, %d at a time: first", s.KB.Pages, s.KB.Concurrency)
		p("cold, each article once, with the render cache emptied and a fresh portal process (the portal counted")
		p("%d renders; related articles are kept per article version, so only the first run searched for them:", s.KB.ColdMisses)
		p("%d searches in all runs), then warm, the same articles round and round for %s, each page from the", s.KB.ColdRelated, rep.Config.Duration)
		p("portal's kept pages (%d hits), then the KB index `/kb` as long.", s.KB.WarmHits)
		p("")
		p("| Page | pages/s | p50 | p99 |")
		p("|---|---:|---:|---:|")
		p("| article, cold | %.0f | %s | %s |", s.KB.Cold.RPS, ms(s.KB.Cold.P50), ms(s.KB.Cold.P99))
		p("| article, warm | %.0f | %s | %s |", s.KB.Warm.RPS, ms(s.KB.Warm.P50), ms(s.KB.Warm.P99))
		if i := s.KB.Index; i.N > 0 {
			p("| index `/kb` | %.0f | %s | %s |", i.RPS, ms(i.P50), ms(i.P99))
		}
		if n := s.KB.Nginx; n.N > 0 {
			p("| article, through nginx | %.0f | %s | %s |", n.RPS, ms(n.P50), ms(n.P99))
			p("")
			p("Through nginx: the shipped configuration (`deploy/nginx/`) in front of the same portal, in the same")
			p("run, its micro-cache filled by one pass over the articles, then the same articles read through it")
			p("again and again for %s: %d pages, answered %s. This load generator itself kept %.1f of the", rep.Config.Duration, n.N, cacheShares(s.KB.NginxCache), s.KB.NginxClientCores)
			p("machine's %d cores busy meanwhile, beside nginx's workers and the portal. A STALE or UPDATING answer", rep.Machine.Cores)
			p("came from the cache while nginx fetched the page again in the background (a page is fresh as long as")
			p("its Cache-Control says, one second without one): that refresh is the portal's share of the load.")
		}
		if in := s.Insights; in != nil {
			p("")
			p("### Search insights")
			p("")
			p("Anonymous `/search?q=…` pages (the mix's plain queries), %d at a time for %s, on a portal that", in.Concurrency, rep.Config.Duration)
			p("records each search for the insights page and on one that does not (`SEARCH_INSIGHTS_DAYS=0`), in")
			p("turns: %.0f pages/s recorded, %.0f not, a cost of **%.1f%%** (goal ≤ 5%%; p50 %s and %s).", in.On.RPS, in.Off.RPS,
				in.Cost*100, ms(in.On.P50), ms(in.Off.P50))
		}
	}
	p("")
	p("Reproduce: `make bench` (see README, *Benchmarks*).")
	return b.String()
}

// cacheShares says how nginx's answers came: "98% HIT, 2% STALE".
func cacheShares(seen map[string]int64) string {
	var total int64
	names := make([]string, 0, len(seen))
	for name, n := range seen {
		total += n
		names = append(names, name)
	}
	slices.SortFunc(names, func(a, b string) int { return cmp.Or(cmp.Compare(seen[b], seen[a]), cmp.Compare(a, b)) })
	parts := make([]string, 0, len(names))
	for _, name := range names {
		label := name
		if label == "" {
			label = "uncached"
		}
		parts = append(parts, fmt.Sprintf("%.1f%% %s", 100*float64(seen[name])/float64(max(total, 1)), label))
	}
	return strings.Join(parts, ", ")
}

// renderCluster writes the section comparing the 3-node cluster with the single node.
func renderCluster(p func(string, ...any), m Machine, c *ClusterResult) {
	p("### Search on a %d-node cluster beside one node", c.Nodes)
	p("")
	p("The same mix on the %d-node cluster of `scripts/services start es-cluster` (indices of %d shard(s) with %d", c.Nodes, c.Shards, c.Replicas)
	p("replica(s), green, built by `portalctl reindex`%s) and on the single node, each straight to", reindexed(c.Reindexed))
	p("`_search` (to the cluster's nodes in turn) and through a portal configured with either, the four")
	p("taking turns in every run. Both found the same number of hits for every query, checked before timing.")
	p("Heaps: %s on the single node, %s on each cluster node. All %d nodes share this machine's %d cores, so", c.HeapSingle, c.HeapNode, c.Nodes+1, m.Cores)
	p("the cluster cannot add processors here: the figures are what three nodes cost on the cores of one")
	p("(three JVMs, three copies in the page cache, each node's caches warmed by a third of the searches);")
	p("on machines of their own each node brings its cores (docs/capacity.md).")
	p("")
	p("| Concurrency | Raw, one node | Raw, cluster | Gain | Portal, one node | Portal, cluster | Gain |")
	p("|---:|---:|---:|---:|---:|---:|---:|")
	for _, l := range c.Levels {
		p("| %d | %.0f/s, p99 %s | %.0f/s, p99 %s | **%.2f×** | %.0f/s, p99 %s | %.0f/s, p99 %s | **%.2f×** |", l.Concurrency,
			l.RawSingle.RPS, ms(l.RawSingle.P99), l.RawCluster.RPS, ms(l.RawCluster.P99), l.RawGain(),
			l.PortalSingle.RPS, ms(l.PortalSingle.P99), l.PortalCluster.RPS, ms(l.PortalCluster.P99), l.PortalGain())
	}
	p("")
}

// renderReplica writes the section comparing the fallback search on the replica with the
// primary.
func renderReplica(p func(string, ...any), c *ReplicaResult) {
	p("")
	p("### Postgres fallback on a streaming replica")
	p("")
	started := "running before the benchmark"
	if c.Started {
		started = "started for this section"
	}
	p("The same mix through two portals without Elasticsearch, one reading from the primary, the other")
	p("given the streaming replica of `scripts/services start replica` (%s; it had replayed", started)
	p("everything the primary held %s after the section began), taking turns in every run. The replica", c.CatchUp.Round(time.Millisecond))
	p("shares the primary's cores and disk here: the figures say what reading there costs, not what a")
	p("machine of its own adds. Of that portal's routed reads, the replica served %d and the primary %d.", c.ReplicaReads, c.PrimaryReads)
	p("Before timing, both portals ran the mix at concurrency 2 for one run's length: %d searches failed", c.WarmUpErrors)
	p("then (a search reading cold files can pass `SEARCH_PG_TIMEOUT`); none may fail in the timed runs.")
	p("")
	p("| Concurrency | From the primary | From the replica | Replica / primary |")
	p("|---:|---:|---:|---:|")
	for _, l := range c.Levels {
		p("| %d | %s/s, p50 %s, p99 %s | %s/s, p50 %s, p99 %s | **%.2f×** |", l.Concurrency,
			perSecond(l.Primary.RPS), ms(l.Primary.P50), ms(l.Primary.P99), perSecond(l.Replica.RPS), ms(l.Replica.P50), ms(l.Replica.P99), l.Gain())
	}
}

func reindexed(d time.Duration) string {
	if d == 0 {
		return ", kept from an earlier run"
	}
	return fmt.Sprintf(" in %s in this run", d.Round(time.Second))
}

// renderFallback writes the Postgres engine's sections of a data set.
func renderFallback(p func(string, ...any), s SetReport) {
	p("### Postgres fallback")
	p("")
	p("The same mix through a portal with no Elasticsearch configured: the Postgres engine (search tables")
	p("kept by triggers, GIN indexes, ranking over at most %d candidates per type). Each query alone at", search.TotalCap)
	p("concurrency 1, what it found beside what Elasticsearch found (\"+\": more than %d, the count's cap in both):", search.TotalCap)
	p("")
	p("| Query | Postgres hits | Elasticsearch hits | p50 |")
	p("|---|---:|---:|---:|")
	for _, q := range s.Search.FallbackQueries {
		p("| %s | %s | %s | %s |", q.Name, found{q.Total, q.Relation}, found{q.ESTotal, q.ESRelation}, ms(q.P50))
	}
	p("")
	p("| Concurrency | p50 | p99 | req/s |")
	p("|---:|---:|---:|---:|")
	for _, l := range s.Search.Fallback {
		p("| %d | %s | %s | %s |", l.Concurrency, ms(l.Portal.P50), ms(l.Portal.P99), perSecond(l.Portal.RPS))
	}
	if st := s.Storage; st != nil {
		p("")
		p("On disk (`pg_relation_size`, TOAST, `pg_indexes_size`); the search tables are the fallback's, the")
		p("Elasticsearch indices (primaries) hold the same documents:")
		p("")
		p("| Table | Rows | Heap | TOAST | Indexes | Total |")
		p("|---|---:|---:|---:|---:|---:|")
		for _, t := range st.Tables {
			p("| `%s` | %s | %s | %s | %s | %s |", t.Name, count(t.Rows), mib(t.Heap), mib(t.Toast), mib(t.Indexes), mib(t.Total))
		}
		p("| Elasticsearch indices | | | | | %s |", mib(st.ESBytes))
	}
	if w := s.Writes; w != nil {
		p("")
		p("Cost of a write: %d tickets then %d comments per block through `POST /api/v1/tickets` and", writesPerBlock, writesPerBlock)
		p("`POST /api/v1/tickets/{id}/comments`, one at a time, in blocks alternating the search rows' triggers")
		p("on and off (the text's analysis runs in the portal either way: %s per ticket, %s per comment).", w.AnalysisTicket.Round(time.Microsecond), w.AnalysisComment.Round(time.Microsecond))
		p("")
		p("| Write | p50 with search rows | p99 | p50 without | p99 | extra (p50) |")
		p("|---|---:|---:|---:|---:|---:|")
		p("| ticket | %s | %s | %s | %s | **%+.0f%%** |", ms(w.Ticket.P50), ms(w.Ticket.P99), ms(w.TicketWithout.P50), ms(w.TicketWithout.P99), w.TicketExtra*100)
		p("| comment | %s | %s | %s | %s | **%+.0f%%** |", ms(w.Comment.P50), ms(w.Comment.P99), ms(w.CommentWithout.P50), ms(w.CommentWithout.P99), w.CommentExtra*100)
	}
	if o := s.Outage; o != nil {
		p("")
		p("### Elasticsearch outage under mixed load")
		p("")
		p("%d searchers running the mix, %d agents reading ticket pages (`GET /tickets/{id}`, logged in) and %d", o.SearchConcurrency, o.PageConcurrency, o.WriteConcurrency)
		p("API clients writing tickets and comments, all at once against one portal (and an indexer), first")
		p("with Elasticsearch answering, then from the moment it stops answering (connections refused and cut,")
		p("through a proxy the benchmark takes down). Medians of the runs; 5xx summed over them.")
		p("")
		p("| Phase | Search p50 | p99 | req/s | Ticket page p50 | p99 | API write p50 | p99 | 5xx | Searches answered by |")
		p("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
		for _, ph := range []OutagePhase{o.Up, o.Down} {
			var engines []string
			for _, e := range []string{search.EngineElasticsearch, search.EnginePostgres} {
				if n := ph.Engines[e]; n > 0 {
					engines = append(engines, fmt.Sprintf("%s %d", e, n))
				}
			}
			p("| %s | %s | %s | %.0f | %s | %s | %s | %s | %d | %s |", ph.Name, ms(ph.Search.P50), ms(ph.Search.P99), ph.Search.RPS,
				ms(ph.TicketPage.P50), ms(ph.TicketPage.P99), ms(ph.Write.P50), ms(ph.Write.P99), ph.FiveXX, strings.Join(engines, ", "))
		}
		p("")
		p("Ticket page p99 with Elasticsearch down / up: **%.2f** (goal ≤ 2); API write p99: %.2f.", o.PageRatio, o.WriteRatio)
	}
	p("")
}

// searchBytes is the room of the fallback's own tables.
func (st *StorageResult) searchBytes() int64 {
	var n int64
	for _, t := range st.Tables {
		if t.Name == "ticket_search" || t.Name == "kb_search" || t.Name == "search_words" {
			n += t.Total
		}
	}
	return n
}

func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }

// count writes n with thousands separators.
func count(n int64) string {
	s := fmt.Sprint(n)
	var out []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}
