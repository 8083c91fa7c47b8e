//go:build drills

package drills

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"helpdesk/internal/procs"
)

// The 3-node Elasticsearch cluster of scripts/services, for the drills that lose a node.

var cluster struct {
	once    sync.Once
	urls    []string
	started bool // by this run: TestMain stops it again
	took    time.Duration
	err     error
}

// clusterURLs returns the nodes of the private 3-node cluster, starting it when it does not
// run. Starting three JVMs costs about two minutes on two cores: once per drill run.
func clusterURLs(t *testing.T) []string {
	t.Helper()
	cluster.once.Do(func() {
		if cluster.urls = runningCluster(); cluster.urls != nil {
			return
		}
		start := time.Now()
		if cluster.err = runServices("start", "es-cluster"); cluster.err != nil {
			return
		}
		cluster.started, cluster.took = true, time.Since(start)
		if cluster.urls = runningCluster(); cluster.urls == nil {
			cluster.err = fmt.Errorf("started, but scripts/services env names no ELASTICSEARCH_CLUSTER_URL")
		}
	})
	if cluster.err != nil {
		t.Fatalf("scripts/services start es-cluster: %v", cluster.err)
	}
	if cluster.started {
		t.Logf("3-node cluster started in %s", cluster.took.Round(100*time.Millisecond))
	}
	return cluster.urls
}

// stopCluster stops the cluster if this run started it (its 1.5 GiB of heaps are not left
// behind for nothing).
func stopCluster() {
	if cluster.started {
		_ = runServices("stop", "es-cluster")
	}
}

// runningCluster reads ELASTICSEARCH_CLUSTER_URL from scripts/services env: nil when the
// cluster does not run.
func runningCluster() []string {
	urls, _ := procs.RunningCluster(context.Background(), filepath.Join(repoRoot, "scripts/services"))
	return urls
}

// esGet decodes a GET from the first node of urls that answers.
func esGet(urls []string, path string, out any) error {
	var last error
	for _, u := range urls {
		res, err := probeClient.Get(u + path)
		if err != nil {
			last = err
			continue
		}
		err = json.NewDecoder(res.Body).Decode(out)
		res.Body.Close()
		if err == nil && res.StatusCode == http.StatusOK {
			return nil
		}
		last = fmt.Errorf("%s: status %d, %v", path, res.StatusCode, err)
	}
	return last
}

// masterNode names the elected master ("" while there is none).
func masterNode(urls []string) string {
	var m []struct {
		Node string `json:"node"`
	}
	if err := esGet(urls, "/_cat/master?format=json", &m); err != nil || len(m) != 1 {
		return ""
	}
	return m[0].Node
}

// indexShapes returns "shards/replicas" of every index under prefix.
func indexShapes(t *testing.T, urls []string, prefix string) map[string]string {
	t.Helper()
	var byIndex map[string]struct {
		Settings struct {
			Index struct {
				Shards   string `json:"number_of_shards"`
				Replicas string `json:"number_of_replicas"`
			} `json:"index"`
		} `json:"settings"`
	}
	if err := esGet(urls, "/"+prefix+"_*/_settings", &byIndex); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for name, s := range byIndex {
		out[name] = s.Settings.Index.Shards + "/" + s.Settings.Index.Replicas
	}
	return out
}

// fallbacks reads portal_search_fallbacks_total from the portal's /metrics; false when the
// scrape fails (logged: the API's engine field still counts).
func (h *harness) fallbacks(t *testing.T) int {
	t.Helper()
	code, body := h.get("/metrics", "")
	if code != http.StatusOK {
		t.Fatalf("/metrics answered %d: %.3000s", code, body)
	}
	for _, line := range strings.Split(body, "\n") {
		if v, ok := strings.CutPrefix(line, "portal_search_fallbacks_total "); ok {
			n, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				t.Fatalf("portal_search_fallbacks_total %q", v)
			}
			return int(n)
		}
	}
	t.Fatal("/metrics has no portal_search_fallbacks_total")
	return 0
}

// readiness is one look at what /readyz says of Elasticsearch.
type readiness struct {
	at              time.Time
	status, cluster string
}

// readyzES returns what /readyz says of Elasticsearch: its status and the cluster's colour.
func (h *harness) readyzES() (status, cluster string) {
	_, body := h.get("/readyz", "")
	var r struct {
		ES struct {
			Status  string `json:"status"`
			Cluster string `json:"cluster"`
		} `json:"elasticsearch"`
	}
	_ = json.Unmarshal([]byte(body), &r)
	return r.ES.Status, r.ES.Cluster
}

// watchReadiness polls /readyz until ctx ends; the function it returns waits for the end and
// returns what it saw.
func (h *harness) watchReadiness(ctx context.Context) func() []readiness {
	var seen []readiness
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			status, cluster := h.readyzES()
			seen = append(seen, readiness{at: time.Now(), status: status, cluster: cluster})
			time.Sleep(250 * time.Millisecond)
		}
	}()
	return func() []readiness {
		<-done
		return seen
	}
}

// searchClusterHealth is the health of the drill's own indices ("" when it cannot tell).
func (h *harness) searchClusterHealth() string {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, _ := h.es.ClusterHealth(ctx)
	return s
}

// engineAnswers returns when (relative to ref) the API searches engine answered between from
// and to were sent, and the time from the first to the end of the last.
func (l *load) engineAnswers(engine string, from, to, ref time.Time) ([]string, time.Duration) {
	var at []string
	var first, last time.Time
	for _, r := range l.snapshot() {
		if r.engine != engine || r.at.Before(from) || !r.at.Before(to) {
			continue
		}
		if first.IsZero() {
			first = r.at
		}
		at = append(at, relative(r.at, ref))
		last = r.at.Add(r.took)
	}
	return at, last.Sub(first)
}
