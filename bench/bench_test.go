package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"helpdesk/config"
	"helpdesk/relevance"
	"helpdesk/search"
	"helpdesk/search/analysis"
	"helpdesk/search/elasticsearch"
	"helpdesk/store"
)

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

// binaries builds the portal, indexer and portalctl once for the package's tests.
func binaries(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		if binDir, buildErr = os.MkdirTemp("", "bench-bin-"); buildErr == nil {
			buildErr = relevance.BuildBinaries("..", binDir)
		}
	})
	if buildErr != nil {
		t.Fatalf("build: %v", buildErr)
	}
	return binDir
}

// TestMain removes the binaries the tests built.
func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// TestRunSmall runs the whole benchmark on a small data set against the real services and the
// real binaries: every phase must work and report figures that mean something. (The figures
// themselves are not judged here; `make bench` is for that.)
func TestRunSmall(t *testing.T) {
	cfg := Config{DatabaseURL: os.Getenv("DATABASE_URL"), RedisURL: os.Getenv("REDIS_URL"), ElasticsearchURL: os.Getenv("ELASTICSEARCH_URL")}
	if cfg.DatabaseURL == "" || cfg.RedisURL == "" || cfg.ElasticsearchURL == "" {
		t.Fatal("DATABASE_URL, REDIS_URL and ELASTICSEARCH_URL must name the services: eval \"$(scripts/services env)\"")
	}
	cfg.Bin = binaries(t)
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	cfg.Namespace = "bt" + hex.EncodeToString(b)
	const size = 1500
	cfg.Sizes, cfg.Articles, cfg.Clients = []int{size}, 150, 8
	cfg.Runs, cfg.Duration, cfg.WriteDuration = 1, time.Second, 2*time.Second
	cfg.WriteRates, cfg.Concurrency, cfg.KBPages = []int{20, 60}, []int{1, 4}, 40
	cfg.Services, cfg.DropCluster = "../scripts/services", true
	var log strings.Builder
	cfg.Log = &log
	t.Cleanup(func() { cleanup(t, cfg, size) })

	ctx := context.Background()
	rep, err := Run(ctx, cfg)
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if len(rep.Sets) != 1 {
		t.Fatalf("%d data sets reported", len(rep.Sets))
	}
	t.Logf("notifications: %+v", rep.Notify)
	if n := rep.Notify; n == nil || !(n.MailsPerSec > 0) || n.Delay.N != n.Events*notifyStaff || n.Duplicates != 0 {
		t.Errorf("notifications: %+v", rep.Notify)
	}
	s := rep.Sets[0]
	if s.Tickets != size || s.Articles != 150 {
		t.Errorf("data set: %d tickets, %d articles", s.Tickets, s.Articles)
	}
	positive := func(name string, v float64) {
		t.Helper()
		if !(v > 0) || math.IsInf(v, 0) {
			t.Errorf("%s = %v", name, v)
		}
	}
	positive("reindex rate", s.Reindex.ReindexRate)
	positive("raw rate", s.Reindex.RawRate)
	positive("reindex ratio", s.Reindex.Ratio)
	if len(s.Search.Queries) != len(queryMix()) {
		t.Errorf("%d queries checked", len(s.Search.Queries))
	}
	for _, l := range append(s.Search.Levels, s.Search.Fallback...) {
		positive(fmt.Sprintf("c=%d portal p50", l.Concurrency), float64(l.Portal.P50))
		positive(fmt.Sprintf("c=%d portal req/s", l.Concurrency), l.Portal.RPS)
	}
	for _, l := range s.Search.Levels {
		positive(fmt.Sprintf("c=%d ratio", l.Concurrency), l.Ratio)
	}
	if len(s.Search.Levels) != 2 || len(s.Search.Fallback) != 2 {
		t.Errorf("levels: %d, fallback levels: %d", len(s.Search.Levels), len(s.Search.Fallback))
	}
	// Both engines apply the same rules: on a data set under the cap they find the same.
	if len(s.Search.FallbackQueries) != len(queryMix()) {
		t.Errorf("%d queries answered by the fallback", len(s.Search.FallbackQueries))
	}
	for _, q := range s.Search.FallbackQueries {
		if q.Total != q.ESTotal || q.Relation != q.ESRelation {
			t.Errorf("%s: postgres found %d (%s), elasticsearch %d (%s)", q.Name, q.Total, q.Relation, q.ESTotal, q.ESRelation)
		}
		positive(q.Name+" fallback p50", float64(q.P50))
	}
	if s.Storage == nil || len(s.Storage.Tables) != len(storageTables) || s.Storage.searchBytes() <= 0 || s.Storage.ESBytes <= 0 {
		t.Errorf("storage: %+v", s.Storage)
	}
	if w := s.Writes; w == nil || w.Ticket.N != writesPerBlock || w.CommentWithout.N != writesPerBlock || math.IsNaN(w.TicketExtra) || w.AnalysisTicket <= 0 {
		t.Errorf("write cost: %+v", w)
	}
	if o := s.Outage; o == nil {
		t.Error("no outage figures")
	} else {
		if o.Up.FiveXX+o.Down.FiveXX != 0 {
			t.Errorf("%d answers with a 5xx during the outage scenario", o.Up.FiveXX+o.Down.FiveXX)
		}
		if o.Up.Engines[search.EngineElasticsearch] == 0 || o.Down.Engines[search.EnginePostgres] == 0 || o.Down.Engines[search.EngineElasticsearch] > 0 {
			t.Errorf("engines: with elasticsearch up %v, down %v", o.Up.Engines, o.Down.Engines)
		}
		for _, ph := range []OutagePhase{o.Up, o.Down} {
			positive(ph.Name+" ticket page p99", float64(ph.TicketPage.P99))
			positive(ph.Name+" write p99", float64(ph.Write.P99))
			if ph.TicketPage.Errors+ph.Write.Errors+ph.Search.Errors > 0 {
				t.Errorf("%s: %d search, %d page, %d write errors", ph.Name, ph.Search.Errors, ph.TicketPage.Errors, ph.Write.Errors)
			}
		}
	}
	// The cluster: built in this run (a namespace of its own), measured at the one level
	// above 1, every figure real.
	if c := s.Cluster; c == nil || c.Nodes != 3 || c.Reindexed <= 0 || len(c.Levels) != 1 || c.Levels[0].Concurrency != 4 {
		t.Errorf("3-node cluster: %+v", c)
	} else {
		l := c.Levels[0]
		for name, st := range map[string]Stats{"raw single": l.RawSingle, "raw cluster": l.RawCluster, "portal single": l.PortalSingle, "portal cluster": l.PortalCluster} {
			positive(name+" req/s", st.RPS)
			if st.Errors != 0 {
				t.Errorf("%s: %d errors", name, st.Errors)
			}
		}
	}
	// The replica: the fallback read there (by the portal's own counters) at both levels.
	if c := s.Replica; c == nil || len(c.Levels) != 2 || c.ReplicaReads == 0 {
		t.Errorf("postgres replica: %+v", c)
	} else {
		for _, l := range c.Levels {
			for name, st := range map[string]Stats{"from the primary": l.Primary, "from the replica": l.Replica} {
				positive(fmt.Sprintf("fallback c=%d %s req/s", l.Concurrency, name), st.RPS)
				if st.Errors != 0 {
					t.Errorf("fallback c=%d %s: %d errors", l.Concurrency, name, st.Errors)
				}
			}
		}
	}
	// The portal's own counters prove what the KB passes measured.
	if s.KB.ColdMisses != int64(s.KB.Pages) || s.KB.WarmHits < int64(s.KB.Pages) || s.KB.ColdRelated < int64(s.KB.Pages) {
		t.Errorf("KB: %d pages, %d renders and %d related searches in the cold pass, %d kept pages served of %d in the warm one",
			s.KB.Pages, s.KB.ColdMisses, s.KB.ColdRelated, s.KB.WarmHits, s.KB.Warm.N)
	}
	if in := s.Insights; in == nil || !(in.On.RPS > 0) || !(in.Off.RPS > 0) {
		t.Errorf("insights cost: %+v", in)
	}
	if i := s.KB.Index; !(i.RPS > 0) || i.Errors != 0 {
		t.Errorf("KB index: %+v", i)
	}
	// Through nginx: its cache answered, and every answer was a page.
	if n := s.KB.Nginx; !(n.RPS > 0) || n.Errors != 0 || n.N < s.KB.Pages || s.KB.NginxCache["HIT"]+s.KB.NginxCache["STALE"]+s.KB.NginxCache["UPDATING"] == 0 {
		t.Errorf("KB through nginx: %+v, cache statuses %v", n, s.KB.NginxCache)
	}
	for _, f := range s.Fresh {
		if want := f.Rate * 2; f.Writes != want || f.NeverSeen != 0 || f.Delay.N != want {
			t.Errorf("%d writes/s: %d writes, %d delays, %d never seen; want %d", f.Rate, f.Writes, f.Delay.N, f.NeverSeen, want)
		}
		positive("delay", float64(f.Delay.P50))
	}
	// The writes were taken back: a second run reuses the data set as it was.
	url, _, err := store.EnsureDatabase(ctx, cfg.DatabaseURL, fmt.Sprintf("%s_%d", cfg.Namespace, size))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if c, err := st.Counts(ctx); err != nil || c.Tickets != size {
		t.Errorf("after the run: %d tickets, %v", c.Tickets, err)
	}
	md := rep.Markdown()
	for _, want := range []string{"## Summary", "Reindex / ceiling", "Portal p50 / raw p50, concurrency 4", "Postgres fallback at concurrency 1",
		"Change-to-searchable at 60 writes/s", "KB page `/kb/{slug}`, cache warm", "through nginx micro-cache", rep.Machine.Elasticsearch,
		"Elasticsearch outage under mixed load", "Extra time of a ticket write", "`ticket_search`", "Searches/s on 3 nodes / on one, concurrency 4",
		"### Search on a 3-node cluster beside one node"} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	data, err := rep.JSON()
	if err != nil {
		t.Fatal(err)
	}
	// A saved report renders again exactly (bench --render).
	again, err := ReadReport(data)
	if err != nil {
		t.Fatal(err)
	}
	if got := again.Markdown(); got != md {
		a, b := strings.Split(md, "\n"), strings.Split(got, "\n")
		for i := range min(len(a), len(b)) {
			if a[i] != b[i] {
				t.Errorf("the report read back from its JSON renders differently, from line %d:\n%s\n%s", i+1, a[i], b[i])
				break
			}
		}
	}
}

// cleanup drops what the run made: the database, the indices and the cached renderings.
func cleanup(t *testing.T, cfg Config, size int) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	prefix := fmt.Sprintf("%s%d", cfg.Namespace, size)
	if es, err := elasticsearch.New([]string{cfg.ElasticsearchURL}, prefix, analysis.New()); err == nil {
		if err := es.DeleteAll(ctx); err != nil {
			t.Logf("cleanup: %v", err)
		}
	}
	if err := store.DropDatabase(ctx, cfg.DatabaseURL, fmt.Sprintf("%s_%d", cfg.Namespace, size)); err != nil {
		t.Logf("cleanup: %v", err)
	}
	if rdb, err := config.OpenRedis(cfg.RedisURL); err == nil {
		defer rdb.Close()
		_ = forget(ctx, rdb, prefix+":*")
	}
}
