//go:build drills

package drills

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"helpdesk/search"
)

// TestElasticsearchNodeLost runs the portal and an indexer on all three nodes of a real cluster
// (indices with 2 shards and 1 replica, made by portalctl reindex from SEARCH_SHARDS and
// SEARCH_REPLICAS), SIGKILLs the elected master under the search load and the writer, and
// starts it again: no request may fail, Postgres may answer no search (neither through the API
// nor the pages: a lost node is not an outage when its shards have copies elsewhere), /readyz
// says degraded (yellow) while replicas are missing and ok once green, the cluster is
// green again, and the index holds every write (the outage's included) as Postgres does.
func TestElasticsearchNodeLost(t *testing.T) {
	p := planFor()
	urls := clusterURLs(t)
	h := newHarness(t, harnessOptions{indexers: 1, esURLs: urls, shards: 2, replicas: 1})
	ctx := context.Background()

	// The indices the drill runs on come from the real reindex, shaped by the environment.
	r := h.startReindex(t)
	r.wait(t, 3*time.Minute)
	for name, shape := range indexShapes(t, urls, h.prefix) {
		if shape != "2/1" {
			t.Errorf("index %s: shards/replicas %s, want 2/1", name, shape)
		}
	}
	eventually(t, 2*time.Minute, "the drill's indices green", func() bool { return h.searchClusterHealth() == "green" })

	h.start()
	time.Sleep(p.calm)
	fallbacksBefore := h.fallbacks(t)
	master := masterNode(urls)
	node, ok := strings.CutPrefix(master, "portal-cluster-")
	if !ok {
		t.Fatalf("elected master %q is not a node of the private cluster", master)
	}
	watchCtx, stopWatch := context.WithCancel(ctx)
	readiness := h.watchReadiness(watchCtx)

	writesBefore := h.w.n.Load()
	down := time.Now()
	services(t, "kill", "es-node"+node)
	elected := eventually(t, time.Minute, "a new master elected", func() bool {
		m := masterNode(urls)
		return m != "" && m != master
	})
	time.Sleep(max(p.esDown-time.Since(down), 0))
	services(t, "start", "es-node"+node) // returns once the node is back in the cluster
	rejoined := time.Since(down)
	writesDuring := h.w.n.Load() - writesBefore
	green := eventually(t, 3*time.Minute, "the drill's indices green again", func() bool { return h.searchClusterHealth() == "green" })
	greenAt := time.Now()
	eventually(t, 30*time.Second, "/readyz says elasticsearch ok", func() bool {
		status, cluster := h.readyzES()
		return status == search.StatusOK && cluster == "green"
	})
	time.Sleep(p.calm)
	stopWatch()
	fallbacks := h.fallbacks(t) - fallbacksBefore

	pgAnswers, span := h.load.engineAnswers(search.EnginePostgres, down, time.Now(), down)
	during := h.load.engines(down, greenAt)
	t.Logf("master %s SIGKILLed: new master after %s, node back in the cluster after %s, indices green %s later; %d writes meanwhile",
		master, elected.Round(100*time.Millisecond), rejoined.Round(100*time.Millisecond), green.Round(100*time.Millisecond), writesDuring)
	t.Logf("searches from the kill to green: API answered by elasticsearch %d, postgres %d; portal fallbacks (all searches, /metrics) %d; API answers by postgres from the kill to the end %d, spanning %s (sent %s the kill)",
		during[search.EngineElasticsearch], during[search.EnginePostgres], fallbacks, len(pgAnswers), span.Round(time.Millisecond), strings.Join(pgAnswers, ", "))
	// What the searches could meet, and why none needs Postgres: a node refusing (the client
	// sends the request to another), a node hanging while the kernel frees its memory (the
	// search is hedged on nodes it has not reached), shards failing between the query and
	// fetch phases (asked again elsewhere), the master's election (searches need no master).
	if len(pgAnswers) > 0 || fallbacks != 0 {
		t.Errorf("postgres answered %d API searches (sent %s the kill) and %d searches in all (/metrics): losing a node with copies elsewhere must not fall back",
			len(pgAnswers), strings.Join(pgAnswers, ", "), fallbacks)
	}
	if writesDuring == 0 {
		t.Error("no write while the node was away: the drill proves nothing about them")
	}
	logSearchFailures(t, h.portal)
	checkReadiness(t, readiness(), down, greenAt)
	h.finish() // no 5xx at all (no window is documented), and every write searchable
}

// checkReadiness checks that /readyz told the truth through the loss: degraded with the cluster
// yellow at some point while the node's replicas were missing, ok and green after.
func checkReadiness(t *testing.T, seen []readiness, down, green time.Time) {
	t.Helper()
	counts := map[string]int{}
	yellow := false
	for _, r := range seen {
		switch {
		case r.at.Before(down):
		case r.at.Before(green):
			counts[r.status+"/"+r.cluster]++
			yellow = yellow || r.status == search.StatusDegraded && r.cluster == "yellow"
		case r.at.After(green.Add(5 * time.Second)):
			if r.status != search.StatusOK || r.cluster != "green" {
				t.Errorf("/readyz at +%s after green: elasticsearch %s (%s)", r.at.Sub(green).Round(time.Millisecond), r.status, r.cluster)
			}
		}
	}
	t.Logf("/readyz from the kill to green (status/cluster: polls): %v", counts)
	if !yellow {
		t.Error("/readyz never said degraded with the cluster yellow while a node was lost")
	}
}

// logSearchFailures logs what the portal said of failed Elasticsearch searches: why they
// fell back.
func logSearchFailures(t *testing.T, p *process) {
	t.Helper()
	b, err := os.ReadFile(p.logf)
	if err != nil {
		t.Error(err)
		return
	}
	n := 0
	for _, line := range strings.Split(string(b), "\n") {
		if strings.Contains(line, "answering from postgres") {
			if n++; n <= 10 {
				t.Logf("portal: %s", line)
			}
		}
	}
	t.Logf("portal: %d searches logged as answered from postgres", n)
}
