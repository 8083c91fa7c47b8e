// Command bench measures the portal on seeded data sets against Elasticsearch itself and
// writes a markdown report (and its data as JSON) under bench/results/. `make bench` runs it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"helpdesk/bench"
	"helpdesk/cli"
	"helpdesk/config"
)

func main() { cli.Main(cli.Tool("bench", run)) }

func run(ctx context.Context, env cli.Env, args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(env.Stdout)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: bench [flags]

Seeds (once, then reuses) one database and index set per size, runs real portal, indexer and
portalctl binaries from --bin over loopback, and measures: reindex rate against raw _bulk,
search latency through /api/v1/search against the same query sent straight to Elasticsearch,
the Postgres fallback, search on the 3-node cluster beside the single node at the largest size
(scripts/services start es-cluster when it does not run; stopped again afterwards), KB pages
with the render cache cold and warm and through nginx (Debian's package, scripts/ensure-nginx),
and change-to-searchable delay at steady write rates. Services come from DATABASE_URL,
REDIS_URL and ELASTICSEARCH_URL (eval "$(scripts/services env)"); run it from the repository's
root.

Flags:
`)
		fs.PrintDefaults()
	}
	sizes := fs.String("sizes", "100000,1000000", "tickets per data set, comma-separated")
	articles := fs.Int("articles", 20000, "KB articles per data set")
	clients := fs.Int("clients", 200, "client companies per data set")
	runs := fs.Int("runs", 3, "runs per figure (the report gives the median)")
	duration := fs.Duration("duration", 8*time.Second, "length of each timed load run")
	writeFor := fs.Duration("write-duration", 20*time.Second, "length of each steady write rate")
	rates := fs.String("write-rates", "50,200", "steady write rates, writes/s")
	conc := fs.String("concurrency", "1,8,32", "search load levels")
	kbPages := fs.Int("kb-pages", 2000, "distinct articles per KB pass")
	bin := fs.String("bin", "bin", "directory with the portal, indexer and portalctl binaries")
	out := fs.String("out", "bench/results", "directory of the report")
	prepare := fs.Bool("prepare-only", false, "seed and index the data sets, then stop")
	render := fs.String("render", "", "write the markdown of a saved report (its .json) again, measure nothing")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *render != "" {
		return rerender(env, *render)
	}
	cfg, err := config.Load(env.Getenv)
	if err != nil {
		return err
	}
	if cfg.RedisURL == "" || cfg.ElasticsearchURL == "" {
		return errors.New("REDIS_URL and ELASTICSEARCH_URL must be set: the benchmark compares against Elasticsearch")
	}
	bc := bench.Config{Bin: *bin, Namespace: "bench", DatabaseURL: cfg.DatabaseURL, RedisURL: cfg.RedisURL, ElasticsearchURL: cfg.ElasticsearchURL,
		Articles: *articles, Clients: *clients, Runs: *runs, Duration: *duration, WriteDuration: *writeFor,
		KBPages: *kbPages, PrepareOnly: *prepare, Log: env.Stderr, Services: "scripts/services"}
	for _, p := range []struct {
		name string
		src  string
		dst  *[]int
	}{{"sizes", *sizes, &bc.Sizes}, {"write-rates", *rates, &bc.WriteRates}, {"concurrency", *conc, &bc.Concurrency}} {
		if *p.dst, err = ints(p.src); err != nil {
			return fmt.Errorf("--%s: %w", p.name, err)
		}
	}
	if *runs < 1 || *duration < time.Second || *writeFor < time.Second || *kbPages < 1 {
		return errors.New("--runs, --kb-pages must be at least 1 and durations at least 1s")
	}
	began := time.Now()
	rep, runErr := bench.Run(ctx, bc)
	if rep == nil || *prepare {
		return runErr
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	name := filepath.Join(*out, rep.Date.Format("2006-01-02-1504"))
	data, err := rep.JSON()
	if err != nil {
		return err
	}
	if err := os.WriteFile(name+".md", []byte(rep.Markdown()), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(name+".json", data, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "report: %s.md (%s)\n", name, time.Since(began).Round(time.Second))
	return runErr
}

// rerender writes FILE.md again from FILE.json.
func rerender(env cli.Env, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	rep, err := bench.ReadReport(data)
	if err != nil {
		return err
	}
	md := strings.TrimSuffix(path, ".json") + ".md"
	if err := os.WriteFile(md, []byte(rep.Markdown()), 0o644); err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, "report:", md)
	return nil
}

func ints(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a positive number", f)
		}
		out = append(out, n)
	}
	return out, nil
}
