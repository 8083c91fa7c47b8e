//go:build drills

package drills

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"helpdesk/internal/estest"
)

// What the indices hold, read straight from Elasticsearch, and reindexes run as processes.

// indicesOf returns every index under prefix with the aliases that point at it.
func indicesOf(t *testing.T, prefix string) map[string][]string {
	t.Helper()
	res, err := http.Get(estest.URL(t) + "/" + prefix + "_*/_alias?expand_wildcards=all&allow_no_indices=true")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var byIndex map[string]struct {
		Aliases map[string]any `json:"aliases"`
	}
	if err := json.NewDecoder(res.Body).Decode(&byIndex); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("list indices of %s: status %d, %v", prefix, res.StatusCode, err)
	}
	out := map[string][]string{}
	for name, ix := range byIndex {
		aliases := []string{}
		for a := range ix.Aliases {
			aliases = append(aliases, a)
		}
		slices.Sort(aliases)
		out[name] = aliases
	}
	return out
}

// indexedInto returns how many documents were written to the index behind alias so far,
// refreshed or not (0 while the alias does not exist).
func indexedInto(t *testing.T, alias string) int64 {
	t.Helper()
	res, err := http.Get(estest.URL(t) + "/" + alias + "/_stats/indexing")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode == http.StatusNotFound {
		return 0
	}
	var stats struct {
		All struct {
			Primaries struct {
				Indexing struct {
					IndexTotal int64 `json:"index_total"`
				} `json:"indexing"`
			} `json:"primaries"`
		} `json:"_all"`
	}
	if err := json.NewDecoder(res.Body).Decode(&stats); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("indexing stats of %s: status %d, %v", alias, res.StatusCode, err)
	}
	return stats.All.Primaries.Indexing.IndexTotal
}

// reindexRun is one `portalctl reindex` process.
type reindexRun struct {
	cmd    *exec.Cmd
	start  time.Time
	done   chan struct{} // closed once the process has exited and its output is read
	mu     sync.Mutex
	output []string
	killed bool
	err    error
	took   time.Duration
}

// startReindex runs the real `portalctl reindex` on the drill's database and prefix.
func (h *harness) startReindex(t *testing.T) *reindexRun {
	t.Helper()
	r := &reindexRun{cmd: exec.Command(portalctlBin, "reindex"), done: make(chan struct{})}
	r.cmd.Env = h.env
	var stdout bytes.Buffer
	r.cmd.Stdout = &stdout
	stderr, err := r.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	r.start = time.Now()
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.kill(); <-r.done })
	go func() {
		defer close(r.done)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			r.mu.Lock()
			r.output = append(r.output, sc.Text())
			r.mu.Unlock()
		}
		err := r.cmd.Wait()
		r.mu.Lock()
		defer r.mu.Unlock()
		r.err, r.took = err, time.Since(r.start)
		if s := strings.TrimSpace(stdout.String()); s != "" {
			r.output = append(r.output, s)
		}
	}()
	return r
}

// kill SIGKILLs the reindex if it is still running.
func (r *reindexRun) kill() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.took == 0 && !r.killed {
		_ = r.cmd.Process.Kill()
		r.killed = true
	}
}

func (r *reindexRun) finished() bool {
	select {
	case <-r.done:
		return true
	default:
		return false
	}
}

// wait waits for the process to end, killing it and failing the test after within.
func (r *reindexRun) wait(t *testing.T, within time.Duration) {
	t.Helper()
	select {
	case <-r.done:
	case <-time.After(within):
		r.kill()
		<-r.done
		t.Fatalf("portalctl reindex still running after %s:\n%s", within, r.lines())
	}
}

func (r *reindexRun) lines() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.output, "\n")
}
