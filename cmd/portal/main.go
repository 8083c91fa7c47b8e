// Command portal serves the web portal and the JSON API.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"helpdesk/config"
	"helpdesk/portal"
	"helpdesk/search"
	"helpdesk/search/elasticsearch"
	"helpdesk/search/postgres"
	"helpdesk/session"
	"helpdesk/store"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "portal:", err)
		os.Exit(1)
	}
}

func run() error {
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: cfg.LogLevel}))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
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
		IPLimit:         portal.Limit(cfg.APIRateLimitIP),
		TokenLimit:      portal.Limit(cfg.APIRateLimitToken),
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
	return app.ShutdownWithTimeout(10 * time.Second)
}
