package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/redis/go-redis/v9"

	"helpdesk/config"
	"helpdesk/indexer"
	"helpdesk/portal"
	"helpdesk/search"
	"helpdesk/search/elasticsearch"
	"helpdesk/search/postgres"
	"helpdesk/session"
	"helpdesk/sla"
	"helpdesk/store"
)

// The two long-running processes, wired here so that cmd/portal and cmd/indexer only catch
// signals (as Miniflux's daemon.go): each runs until ctx ends, and returns only once every part
// it started has stopped, before what they share (the store, the pools) closes.

// RunPortal runs the portal with args (none but --help) until ctx ends and returns the exit
// code, as Run does.
func RunPortal(ctx context.Context, env Env, args []string) int {
	return daemon(ctx, env, args, "portal", "portal serves the help-desk portal: its pages and the JSON API.", `  DATABASE_URL (required), ELASTICSEARCH_URL (without it Postgres answers every search), REDIS_URL,
  SEARCH_INDEX_PREFIX, PORTAL_ADDR, PORTAL_SECURE_COOKIES, SESSION_SECRET, API_RATE_LIMIT_IP,
  API_RATE_LIMIT_TOKEN, API_BLOCKLIST, SEARCH_PG_CONNS, SEARCH_PG_TIMEOUT, LOG_LEVEL.`, portalDaemon)
}

// RunIndexer runs the indexer with args (none but --help) until ctx ends and returns the exit
// code, as Run does.
func RunIndexer(ctx context.Context, env Env, args []string) int {
	return daemon(ctx, env, args, "indexer", "indexer streams every change from the Postgres outbox into Elasticsearch and runs the SLA monitor.", `  DATABASE_URL and ELASTICSEARCH_URL (both required), SEARCH_INDEX_PREFIX, INDEXER_ADDR (metrics),
  SMTP_ADDR, SMTP_FROM, SMTP_USERNAME, SMTP_PASSWORD (SLA alerts by mail; without SMTP_ADDR they
  are logged), LOG_LEVEL.`, indexerDaemon)
}

func daemon(ctx context.Context, env Env, args []string, name, summary, vars string, run func(context.Context, Env) error) int {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stdout)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "%s\n\nUsage: %s\n\nIt takes no flags: configuration comes from the environment:\n%s\n", summary, name, vars)
	}
	err := parse(fs, args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0
	case err != nil:
		fmt.Fprintf(env.Stderr, "%s: %s (see %s --help)\n", name, oneLine(err), name)
		return 2
	}
	if err := run(ctx, env); err != nil {
		fmt.Fprintf(env.Stderr, "%s: %s\n", name, oneLine(err))
		return 1
	}
	return 0
}

// portalDaemon serves the web portal and the JSON API until ctx ends.
func portalDaemon(ctx context.Context, env Env) error {
	cfg, err := config.Load(env.Getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(env.Stdout, &slog.HandlerOptions{Level: cfg.LogLevel}))
	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()

	var primary search.Searcher // nil: no Elasticsearch configured, Postgres answers everything
	if cfg.ElasticsearchURL != "" {
		es, err := elasticsearch.New(cfg.ElasticsearchURL, cfg.SearchIndexPrefix, st.Analyzer())
		if err != nil {
			return err
		}
		primary = es
	}
	fallback, err := postgres.Open(ctx, cfg.DatabaseURL, st.Analyzer(), postgres.Share{Conns: cfg.SearchPGConns, Timeout: cfg.SearchPGTimeout})
	if err != nil {
		return err
	}
	defer fallback.Close()
	searcher := search.NewFailover(primary, fallback, search.FailoverOptions{Log: log})

	deps := portal.Deps{Store: st, Search: searcher, Logger: log, Sessions: session.NewMemory(), SecureCookies: cfg.SecureCookies,
		SynonymsRefresh: 5 * time.Second,
		IPLimit:         cfg.APIRateLimitIP,
		TokenLimit:      cfg.APIRateLimitToken,
		Blocklist:       cfg.APIBlocklist}
	if cfg.RedisURL != "" {
		opts, err := redis.ParseURL(cfg.RedisURL)
		if err != nil {
			return fmt.Errorf("REDIS_URL: %w", err)
		}
		rdb := redis.NewClient(opts)
		defer rdb.Close()
		deps.Redis, deps.Sessions, deps.KeyPrefix = rdb, session.NewRedis(rdb), cfg.SearchIndexPrefix+":"
	}
	app, err := portal.New(deps)
	if err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() { errc <- app.Listen(cfg.PortalAddr) }()
	log.Info("portal listening", "addr", "http://"+cfg.PortalAddr, "search", searcher.Engine())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	err = app.ShutdownWithTimeout(10 * time.Second)
	<-errc // Listen has returned: no request is left running on the store
	return err
}

// indexerDaemon streams the outbox into Elasticsearch, runs the SLA monitor and serves
// /metrics until ctx ends.
func indexerDaemon(ctx context.Context, env Env) error {
	cfg, err := config.Load(env.Getenv)
	if err != nil {
		return err
	}
	if cfg.ElasticsearchURL == "" {
		return errors.New("ELASTICSEARCH_URL is required: without Elasticsearch there is nothing to index (search uses Postgres)")
	}
	log := slog.New(slog.NewJSONHandler(env.Stdout, &slog.HandlerOptions{Level: cfg.LogLevel})).With("component", "indexer")
	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	es, err := elasticsearch.New(cfg.ElasticsearchURL, cfg.SearchIndexPrefix, st.Analyzer())
	if err != nil {
		return err
	}
	// Elasticsearch may come up after us: the outbox keeps every change meanwhile.
	for {
		err := es.EnsureIndices(ctx)
		if err == nil {
			break
		}
		log.Warn("waiting for elasticsearch", "err", err)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(2 * time.Second):
		}
	}

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		indexer.BacklogCollector(st))
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	ln, err := net.Listen("tcp", cfg.IndexerAddr)
	if err != nil {
		return fmt.Errorf("metrics listener: %w", err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}

	// Every part stops when ctx ends or the indexer returns, and is waited for before the
	// store closes (deferred above, so run after this).
	ctx, cancel := context.WithCancel(ctx)
	var parts sync.WaitGroup
	defer func() {
		cancel()
		parts.Wait()
	}()
	parts.Go(func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics server", "err", err)
		}
	})
	parts.Go(func() {
		<-ctx.Done()
		shutdown, stop := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer stop()
		_ = srv.Shutdown(shutdown)
	})

	// The SLA monitor runs here too: one process to operate, and several may run safely.
	var notifier sla.Notifier = sla.LogNotifier{Log: log}
	if cfg.SMTPAddr != "" {
		notifier = sla.SMTPNotifier{Addr: cfg.SMTPAddr, From: cfg.SMTPFrom, Username: cfg.SMTPUsername, Password: cfg.SMTPPassword}
	}
	monitor := sla.New(st, notifier, time.Now, log.With("component", "sla"))
	parts.Go(func() { monitor.Run(ctx, time.Minute) })

	ix := indexer.New(st, es, log, indexer.NewMetrics(reg), indexer.Options{})
	log.Info("indexer running", "metrics", "http://"+ln.Addr().String()+"/metrics", "prefix", cfg.SearchIndexPrefix)
	err = ix.Run(ctx)
	log.Info("indexer stopped")
	return err
}
