//go:build drills

package drills

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"helpdesk/internal/pgtest"
)

// TestReplicaStoppedStartedLagging: the portal reads lists and pages from a streaming replica
// that is made to lag, stopped and started again, under the drills' load and writes: no 5xx,
// nothing lost, some reads served by the replica, and at least 1,000 write-then-read pairs
// through the API by one token never read a stale ticket.
func TestReplicaStoppedStartedLagging(t *testing.T) {
	p := planFor()
	services(t, "start", "replica") // make test starts it; make drills may not have
	h := newHarness(t, harnessOptions{pgReplica: true})
	dbURL := h.st.Pool().Config().ConnString()
	replicaURL := pgtest.ReplicaURL(t, dbURL)

	// A ticket of the pairs' own, which the writer does not know.
	code, body := h.send(http.MethodPost, "/api/v1/tickets", map[string]any{"title": "Pares escribir-leer",
		"description": "El drill cambia su título y lo lee enseguida.", "client_id": h.w.clients[0]})
	if code != http.StatusCreated {
		t.Fatalf("create the pairs' ticket: %d %s", code, body)
	}
	var tk struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal([]byte(body), &tk); err != nil {
		t.Fatal(err)
	}

	h.start()
	ctx, stop := context.WithCancel(context.Background())
	var pairs, stale, failed atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		path := fmt.Sprintf("/api/v1/tickets/%d", tk.ID)
		for i := 0; ctx.Err() == nil || pairs.Load() < 1000; i++ {
			title := fmt.Sprintf("Par %d", i)
			if code, body := h.send(http.MethodPatch, path, map[string]any{"title": title}); code != http.StatusOK {
				failed.Add(1)
				t.Errorf("pair %d: write answered %d: %.200s", i, code, body)
				continue
			}
			code, body := h.api(path)
			var got struct {
				Ticket struct {
					Title string `json:"title"`
				} `json:"ticket"`
			}
			switch {
			case code != http.StatusOK || json.Unmarshal([]byte(body), &got) != nil:
				failed.Add(1)
				t.Errorf("pair %d: read answered %d: %.200s", i, code, body)
			case got.Ticket.Title != title:
				stale.Add(1)
				t.Errorf("pair %d: read %q after writing %q", i, got.Ticket.Title, title)
			}
			pairs.Add(1)
		}
	}()

	time.Sleep(p.calm)
	// Lagging: the replica stops replaying for longer than the allowed lag.
	resume := pgtest.PauseReplay(t, dbURL, replicaURL)
	time.Sleep(max(p.pgDown, 3*time.Second))
	resume()
	time.Sleep(p.calm)
	// Stopped, then started again.
	services(t, "stop", "replica")
	time.Sleep(p.pgDown)
	services(t, "start", "replica")
	time.Sleep(p.calm)
	// The replica serves reads again before the drill ends.
	before := h.replicaReads(t)
	eventually(t, time.Minute, "reads served by the replica again", func() bool { return h.replicaReads(t) > before })
	stop()
	<-done
	h.finish()
	t.Logf("%d write-then-read pairs: %d stale, %d failed; %.0f reads served by the replica, %.0f on the primary in its place",
		pairs.Load(), stale.Load(), failed.Load(), h.replicaReads(t), h.metric(t, "store_replica_primary_reads_total"))
	if stale.Load() != 0 || failed.Load() != 0 || pairs.Load() < 1000 {
		t.Errorf("%d pairs, %d stale, %d failed", pairs.Load(), stale.Load(), failed.Load())
	}
}

// send sends a JSON body to the API with the fixture's token.
func (h *harness) send(method, path string, body any) (int, string) {
	b, err := json.Marshal(body)
	if err != nil {
		return 0, err.Error()
	}
	req, err := http.NewRequest(method, h.base+path, bytes.NewReader(b))
	if err != nil {
		return 0, err.Error()
	}
	req.Header.Set("Authorization", "Bearer "+h.fx.token)
	req.Header.Set("Content-Type", "application/json")
	return h.do(req)
}

// replicaReads is how many reads the portal's replicas have served (its /metrics).
func (h *harness) replicaReads(t *testing.T) float64 {
	return h.metric(t, "store_replica_reads_total{")
}

// metric sums the portal's /metrics series that start with name.
func (h *harness) metric(t *testing.T, name string) float64 {
	t.Helper()
	res, err := probeClient.Get(h.base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var sum float64
	for _, line := range strings.Split(string(raw), "\n") {
		if !strings.HasPrefix(line, name) {
			continue
		}
		var v float64
		if _, err := fmt.Sscan(line[strings.LastIndex(line, " ")+1:], &v); err == nil {
			sum += v
		}
	}
	return sum
}
