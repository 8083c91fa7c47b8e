package cli_test

import (
	"bytes"
	"context"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"helpdesk/cli"
	"helpdesk/internal/estest"
	"helpdesk/search/analysis"
)

// lockedBuffer is a log a daemon writes while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestIndexerStopsItsPartsBeforeReturning: when its context ends, the indexer returns only
// once the SLA monitor, the metrics server and the outbox stream have stopped, so none of them
// runs on after the store closes. (Not parallel: the goroutines of the whole binary are read.)
func TestIndexerStopsItsPartsBeforeReturning(t *testing.T) {
	prefix := estest.Prefix()
	estest.NewWithPrefix(t, prefix, analysis.New()) // drops the prefix's indices at cleanup
	vars := map[string]string{"DATABASE_URL": pg.NewDatabase(t), "ELASTICSEARCH_URL": estest.URL(t),
		"SEARCH_INDEX_PREFIX": prefix, "INDEXER_ADDR": "127.0.0.1:0"}
	log := &lockedBuffer{}
	env := cli.Env{Stdout: log, Stderr: log, Getenv: func(k string) string { return vars[k] }}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() { done <- cli.RunIndexer(ctx, env, nil) }()
	for !strings.Contains(log.String(), "indexer running") {
		select {
		case code := <-done:
			t.Fatalf("the indexer ended with %d before running: %s", code, log)
		case <-time.After(50 * time.Millisecond):
		}
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit code %d: %s", code, log)
	}
	stacks := make([]byte, 1<<20)
	stacks = stacks[:runtime.Stack(stacks, true)]
	for _, part := range []string{"helpdesk/sla.(*Monitor).Run", "net/http.(*Server).Serve", "helpdesk/indexer.(*Indexer)."} {
		if bytes.Contains(stacks, []byte(part)) {
			t.Errorf("%s still runs after the indexer returned:\n%s", part, stacks)
		}
	}
}

// TestDaemonsHelp: the portal and the indexer say what they are and what they read from the
// environment, and refuse flags they do not have.
func TestDaemonsHelp(t *testing.T) {
	t.Parallel()
	for name, run := range map[string]func(context.Context, cli.Env, []string) int{"portal": cli.RunPortal, "indexer": cli.RunIndexer} {
		var out, errb bytes.Buffer
		env := cli.Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
		if code := run(context.Background(), env, []string{"--help"}); code != 0 || !strings.Contains(out.String(), "DATABASE_URL") {
			t.Errorf("%s --help: %d %q", name, code, out.String())
		}
		out.Reset()
		if code := run(context.Background(), env, []string{"--port", "1"}); code != 2 || !strings.Contains(errb.String(), name+" --help") {
			t.Errorf("%s --port 1: %d %q", name, code, errb.String())
		}
	}
}
