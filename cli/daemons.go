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

	"github.com/jackc/pgx/v5"
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
	"helpdesk/tracing"
)

// The long-running processes, wired here so that cmd/portal, cmd/indexer and cmd/worker only catch
// signals (as Miniflux's daemon.go): each runs until ctx ends, and returns only once every part
// it started has stopped, before what they share (the store, the pools) closes.

// RunPortal runs the portal with args (none but --help) until ctx ends and returns the exit
// code, as Run does.
func RunPortal(ctx context.Context, env Env, args []string) int {
	return daemon(ctx, env, args, "portal", "portal serves the help-desk portal: its pages and the JSON API.", `  DATABASE_URL (required), ELASTICSEARCH_URL (without it Postgres answers every search), REDIS_URL,
  SEARCH_INDEX_PREFIX, PORTAL_ADDR, PORTAL_SECURE_COOKIES, API_RATE_LIMIT_IP,
  API_RATE_LIMIT_TOKEN, API_BLOCKLIST (addresses refused besides the blocklist that portalctl block
  manages), SEARCH_PG_CONNS, SEARCH_PG_TIMEOUT, SEARCH_INSIGHTS_DAYS (90; 0 records no searches), LOG_LEVEL,
  OTEL_EXPORTER_OTLP_ENDPOINT (traces over OTLP/HTTP; none without it).`, portalDaemon)
}

// RunIndexer runs the indexer with args (none but --help) until ctx ends and returns the exit
// code, as Run does.
func RunIndexer(ctx context.Context, env Env, args []string) int {
	return daemon(ctx, env, args, "indexer", "indexer streams every change from the Postgres outbox into Elasticsearch.", `  DATABASE_URL and ELASTICSEARCH_URL (both required), SEARCH_INDEX_PREFIX, INDEXER_ADDR (metrics),
  LOG_LEVEL, OTEL_EXPORTER_OTLP_ENDPOINT (traces over OTLP/HTTP; none without it).`, indexerDaemon)
}

// RunWorker runs the job worker with args (none but --help) until ctx ends and returns the
// exit code, as Run does.
func RunWorker(ctx context.Context, env Env, args []string) int {
	return daemon(ctx, env, args, "worker", "worker works the job queues in Postgres (River): notifications by mail and chat, the SLA check\nevery minute, the daily report at 09:00, exports. Run as many as you like.", `  DATABASE_URL (required), SMTP_ADDR, SMTP_FROM, SMTP_USERNAME, SMTP_PASSWORD (without SMTP_ADDR
  mails are logged), CHAT_WEBHOOK_URL (Slack-compatible), CHAT_LANG (es), PORTAL_URL (links),
  REPORT_TZ (UTC), WORKER_QUEUE_CRITICAL (5), WORKER_QUEUE_DEFAULT (15), WORKER_QUEUE_LOW (5),
  WORKER_ADDR (metrics, 127.0.0.1:9109), SEARCH_INSIGHTS_DAYS (90; older search insights are
  deleted daily), LOG_LEVEL.`, workerDaemon)
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
		// A daemon's every line is JSON, its last words included: log pipelines read them.
		slog.New(slog.NewJSONHandler(env.Stderr, nil)).Error(name+" stopped", "component", name, "err", oneLine(err))
		return 1
	}
	return 0
}

// redisLogger sends go-redis's own messages (a pool that cannot dial, say) to the process's
// JSON log instead of plain text on stderr.
type redisLogger struct{ log *slog.Logger }

func (l redisLogger) Printf(_ context.Context, format string, v ...any) {
	l.log.Warn(fmt.Sprintf(format, v...), "part", "redis")
}

// portalDaemon serves the web portal and the JSON API until ctx ends.
func portalDaemon(ctx context.Context, env Env) error {
	cfg, err := config.Load(env.Getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(env.Stdout, &slog.HandlerOptions{Level: cfg.LogLevel}))
	tp, err := newTracing(ctx, cfg, "helpdesk-portal", log)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, cfg.DatabaseURL, append(tp.storeOptions(), replicas(cfg, log)...)...)
	if err != nil {
		return err
	}
	defer st.Close()

	var primary search.Searcher // nil: no Elasticsearch configured, Postgres answers everything
	if cfg.ElasticsearchURL != "" {
		es, err := openElasticsearch(cfg, st.Analyzer(), tp.esOptions()...)
		if err != nil {
			return err
		}
		primary = es
	}
	fallback, err := postgres.Open(ctx, cfg.DatabaseURL, st.Analyzer(), postgres.Share{Conns: cfg.SearchPGConns, Timeout: cfg.SearchPGTimeout, Tracer: tp.queryTracer()},
		postgres.Replicas{URLs: cfg.ReplicaURLs, Route: st})
	if err != nil {
		return err
	}
	defer fallback.Close()
	pools := []prometheus.Collector{store.PoolCollector("search", fallback.Pool())}
	for i, p := range fallback.ReplicaPools() {
		pools = append(pools, store.PoolCollector(fmt.Sprintf("search-replica-%d", i+1), p))
	}
	searcher := search.NewFailover(primary, fallback, search.FailoverOptions{Log: log})

	deps := portal.Deps{Store: st, Search: searcher, Logger: log, Sessions: session.NewMemory(), SecureCookies: cfg.SecureCookies,
		StaticURL:       cfg.StaticURL,
		TrustedProxies:  cfg.TrustedProxies,
		SynonymsRefresh: 5 * time.Second,
		// A blocklist change must reach every portal within 5 seconds: a look every 2.
		BlocklistRefresh:   2 * time.Second,
		Collectors:         pools,
		Tracing:            tp.Provider,
		IPLimit:            cfg.APIRateLimitIP,
		SearchInsightsDays: cfg.SearchInsightsDays,
		TokenLimit:         cfg.APIRateLimitToken,
		Blocklist:          cfg.APIBlocklist}
	if cfg.RedisURL != "" {
		redis.SetLogger(redisLogger{log}) // go-redis has one logger per process
		// One server, a Sentinel group or a Cluster, as REDIS_URL names it.
		rdb := redis.NewUniversalClient(cfg.Redis)
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
	tp, err := newTracing(ctx, cfg, "helpdesk-indexer", log)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, cfg.DatabaseURL, tp.storeOptions()...)
	if err != nil {
		return err
	}
	defer st.Close()
	es, err := openElasticsearch(cfg, st.Analyzer(), tp.esOptions()...)
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

	reg := newRegistry(indexer.BacklogCollector(st), store.PoolCollector("store", st.Pool()))
	// Every part stops when ctx ends or the indexer returns, and is waited for before the
	// store closes (deferred above, so run after this).
	ctx, cancel := context.WithCancel(ctx)
	var parts sync.WaitGroup
	defer func() {
		cancel()
		parts.Wait()
	}()
	ix := indexer.New(st, es, log, indexer.NewMetrics(reg), indexer.Options{Tracing: tp.Provider})
	addr, err := serveMetrics(ctx, &parts, cfg.IndexerAddr, reg, ix.HealthHandler(), log)
	if err != nil {
		return err
	}
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
	tp, err := newTracing(ctx, cfg, "helpdesk-worker", log)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, cfg.DatabaseURL, append(tp.storeOptions(), replicas(cfg, log)...)...)
	if err != nil {
		return err
	}
	defer st.Close()
	reg := newRegistry(store.PoolCollector("store", st.Pool()))
	jc := jobs.Config{QueueSizes: cfg.QueueSizes, ChatWebhookURL: cfg.ChatWebhookURL, ChatLang: cfg.ChatLang,
		PortalURL: cfg.PortalURL, ReportTZ: cfg.ReportTZ, ReportHour: 9, Log: log, Registry: reg, SearchInsightsDays: cfg.SearchInsightsDays}
	if tp.Enabled {
		jc.Tracing = tp
	}
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
	addr, err := serveMetrics(ctx, &parts, cfg.WorkerAddr, reg, nil, log)
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

// serveMetrics serves /metrics and /healthz (health, or a plain ok when nil) on addr until ctx
// ends, as one of parts; it returns the address it listens on.
func serveMetrics(ctx context.Context, parts *sync.WaitGroup, addr string, reg *prometheus.Registry, health http.HandlerFunc, log *slog.Logger) (string, error) {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	if health == nil {
		health = func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) }
	}
	mux.HandleFunc("/healthz", health)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("metrics listener: %w", err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
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

// daemonTracing is a daemon's tracing, and what each of its parts takes of it.
type daemonTracing struct{ *tracing.Provider }

// newTracing sets up tracing from OTEL_EXPORTER_OTLP_ENDPOINT (off without it); the spans
// still buffered are flushed when ctx ends.
func newTracing(ctx context.Context, cfg config.Config, service string, log *slog.Logger) (daemonTracing, error) {
	tp, err := tracing.New(ctx, cfg.OTLPEndpoint, service)
	if err != nil {
		return daemonTracing{}, err
	}
	if tp.Enabled {
		log.Info("tracing", "otlp_endpoint", cfg.OTLPEndpoint)
		context.AfterFunc(ctx, func() {
			flush, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			if err := tp.Shutdown(flush); err != nil {
				log.Warn("flush traces", "err", err)
			}
		})
	}
	return daemonTracing{tp}, nil
}

func (t daemonTracing) storeOptions() []store.Option {
	if !t.Enabled {
		return nil
	}
	return []store.Option{store.WithQueryTracer(tracing.QueryTracer(t))}
}

func (t daemonTracing) esOptions() []elasticsearch.Option {
	if !t.Enabled {
		return nil
	}
	return []elasticsearch.Option{elasticsearch.WithTracing(t)}
}

func (t daemonTracing) queryTracer() pgx.QueryTracer {
	if !t.Enabled {
		return nil
	}
	return tracing.QueryTracer(t)
}

// replicas lets the store read from DATABASE_REPLICA_URLS where its callers allow (the
// portal's GET requests, the worker's exports).
func replicas(cfg config.Config, log *slog.Logger) []store.Option {
	if len(cfg.ReplicaURLs) == 0 {
		return nil
	}
	log.Info("read replicas", "count", len(cfg.ReplicaURLs), "max_lag", cfg.ReplicaMaxLag.String())
	return []store.Option{store.WithReplicas(cfg.ReplicaURLs, cfg.ReplicaMaxLag, log)}
}
