package cli_test

import (
	"bytes"
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	"helpdesk/cli"
	"helpdesk/internal/estest"
	"helpdesk/internal/logcheck"
	"helpdesk/search/analysis"
)

// TestDaemonsStopTheirPartsBeforeReturning: when its context ends, the indexer returns only
// once the metrics server and the outbox stream have stopped, and the worker once River's
// producers and the metrics server have, so none of them runs on after the store closes.
// (Not parallel: the goroutines of the whole binary are read.)
func TestDaemonsStopTheirPartsBeforeReturning(t *testing.T) {
	prefix := estest.Prefix()
	estest.NewWithPrefix(t, prefix, analysis.New()) // drops the prefix's indices at cleanup
	for _, d := range []struct {
		name  string
		run   func(context.Context, cli.Env, []string) int
		parts []string
	}{
		{"indexer", cli.RunIndexer, []string{"net/http.(*Server).Serve", "helpdesk/indexer.(*Indexer)."}},
		{"worker", cli.RunWorker, []string{"net/http.(*Server).Serve", "github.com/riverqueue/river.", "helpdesk/jobs."}},
	} {
		t.Run(d.name, func(t *testing.T) {
			vars := map[string]string{"DATABASE_URL": pg.NewDatabase(t), "ELASTICSEARCH_URL": estest.URL(t),
				"SEARCH_INDEX_PREFIX": prefix, "INDEXER_ADDR": "127.0.0.1:0", "WORKER_ADDR": "127.0.0.1:0"}
			log := &logcheck.Buffer{}
			env := cli.Env{Stdout: log, Stderr: log, Getenv: func(k string) string { return vars[k] }}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan int, 1)
			go func() { done <- d.run(ctx, env, nil) }()
			for !strings.Contains(log.String(), d.name+" running") {
				select {
				case code := <-done:
					t.Fatalf("the %s ended with %d before running: %s", d.name, code, log)
				case <-time.After(50 * time.Millisecond):
				}
			}
			cancel()
			if code := <-done; code != 0 {
				t.Fatalf("exit code %d: %s", code, log)
			}
			stacks := make([]byte, 1<<20)
			stacks = stacks[:runtime.Stack(stacks, true)]
			for _, part := range d.parts {
				if bytes.Contains(stacks, []byte(part)) {
					t.Errorf("%s still runs after the %s returned:\n%s", part, d.name, stacks)
				}
			}
		})
	}
}

// TestDaemonsHelp: the portal, the indexer and the worker say what they are and what they read from the
// environment, and refuse flags they do not have.
func TestDaemonsHelp(t *testing.T) {
	t.Parallel()
	for name, run := range map[string]func(context.Context, cli.Env, []string) int{"portal": cli.RunPortal, "indexer": cli.RunIndexer, "worker": cli.RunWorker} {
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
