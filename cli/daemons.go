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
	"helpdesk/jobs"
	"helpdesk/mail"
	"helpdesk/portal"
	"helpdesk/search"
	"helpdesk/search/elasticsearch"
	"helpdesk/search/postgres"
	"helpdesk/session"
	"helpdesk/store"
)

// The long-running processes, wired here so that cmd/portal, cmd/indexer and cmd/worker only catch
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
	return daemon(ctx, env, args, "indexer", "indexer streams every change from the Postgres outbox into Elasticsearch.", `  DATABASE_URL and ELASTICSEARCH_URL (both required), SEARCH_INDEX_PREFIX, INDEXER_ADDR (metrics),
  LOG_LEVEL.`, indexerDaemon)
}

// RunWorker runs the job worker with args (none but --help) until ctx ends and returns the
// exit code, as Run does.
func RunWorker(ctx context.Context, env Env, args []string) int {
	return daemon(ctx, env, args, "worker", "worker works the job queues in Postgres (River): notifications by mail and chat, the SLA check\nevery minute, the daily report at 09:00, exports. Run as many as you like.", `  DATABASE_URL (required), SMTP_ADDR, SMTP_FROM, SMTP_USERNAME, SMTP_PASSWORD (without SMTP_ADDR
  mails are logged), CHAT_WEBHOOK_URL (Slack-compatible), CHAT_LANG (es), PORTAL_URL (links),
  REPORT_TZ (UTC), WORKER_QUEUE_CRITICAL (5), WORKER_QUEUE_DEFAULT (15), WORKER_QUEUE_LOW (5),
  WORKER_ADDR (metrics, 127.0.0.1:9109), LOG_LEVEL.`, workerDaemon)
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

// indexerDaemon streams the outbox into Elasticsearch and serves /metrics until ctx ends.
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

	reg := newRegistry(indexer.BacklogCollector(st))
	// Every part stops when ctx ends or the indexer returns, and is waited for before the
	// store closes (deferred above, so run after this).
	ctx, cancel := context.WithCancel(ctx)
	var parts sync.WaitGroup
	defer func() {
		cancel()
		parts.Wait()
	}()
	addr, err := serveMetrics(ctx, &parts, cfg.IndexerAddr, reg, log)
	if err != nil {
		return err
	}
	ix := indexer.New(st, es, log, indexer.NewMetrics(reg), indexer.Options{})
	log.Info("indexer running", "metrics", "http://"+addr+"/metrics", "prefix", cfg.SearchIndexPrefix)
	err = ix.Run(ctx)
	log.Info("indexer stopped")
	return err
}

// workerDaemon works the job queues (notifications, the SLA check, reports) and serves
// /metrics until ctx ends.
func workerDaemon(ctx context.Context, env Env) error {
	cfg, err := config.Load(env.Getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(env.Stdout, &slog.HandlerOptions{Level: cfg.LogLevel})).With("component", "worker")
	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	reg := newRegistry()
	jc := jobs.Config{QueueSizes: cfg.QueueSizes, ChatWebhookURL: cfg.ChatWebhookURL, ChatLang: cfg.ChatLang,
		PortalURL: cfg.PortalURL, ReportTZ: cfg.ReportTZ, ReportHour: 9, Log: log, Registry: reg}
	if cfg.SMTPAddr != "" {
		jc.Mail = &mail.Sender{Addr: cfg.SMTPAddr, From: cfg.SMTPFrom, Username: cfg.SMTPUsername, Password: cfg.SMTPPassword}
	}
	w, err := jobs.New(st, jc)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	var parts sync.WaitGroup
	defer func() {
		cancel()
		parts.Wait()
	}()
	addr, err := serveMetrics(ctx, &parts, cfg.WorkerAddr, reg, log)
	if err != nil {
		return err
	}
	log.Info("worker running", "name", w.Name(), "metrics", "http://"+addr+"/metrics", "smtp", cfg.SMTPAddr != "", "chat", cfg.ChatWebhookURL != "")
	err = w.Run(ctx)
	log.Info("worker stopped")
	return err
}

func newRegistry(cs ...prometheus.Collector) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	reg.MustRegister(cs...)
	return reg
}

// serveMetrics serves /metrics and /healthz on addr until ctx ends, as one of parts; it
// returns the address it listens on.
func serveMetrics(ctx context.Context, parts *sync.WaitGroup, addr string, reg *prometheus.Registry, log *slog.Logger) (string, error) {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("metrics listener: %w", err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
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
	return ln.Addr().String(), nil
}
