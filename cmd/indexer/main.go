// Command indexer streams every change from the Postgres outbox into Elasticsearch.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"helpdesk/config"
	"helpdesk/indexer"
	"helpdesk/search/elasticsearch"
	"helpdesk/sla"
	"helpdesk/store"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "indexer:", err)
		os.Exit(1)
	}
}

func run() error {
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return err
	}
	if cfg.ElasticsearchURL == "" {
		return errors.New("ELASTICSEARCH_URL is required: without Elasticsearch there is nothing to index (search uses Postgres)")
	}
	log := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: cfg.LogLevel})).With("component", "indexer")
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

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
	srv := &http.Server{Addr: cfg.IndexerAddr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics server", "err", err)
		}
	}()

	// The SLA monitor runs here too: one process to operate, and several may run safely.
	var notifier sla.Notifier = sla.LogNotifier{Log: log}
	if cfg.SMTPAddr != "" {
		notifier = sla.SMTPNotifier{Addr: cfg.SMTPAddr, From: cfg.SMTPFrom, Username: cfg.SMTPUsername, Password: cfg.SMTPPassword}
	}
	go sla.New(st, notifier, time.Now, log.With("component", "sla")).Run(ctx, time.Minute)

	ix := indexer.New(st, es, log, indexer.NewMetrics(reg), indexer.Options{})
	log.Info("indexer running", "metrics", "http://"+cfg.IndexerAddr+"/metrics", "prefix", cfg.SearchIndexPrefix)
	err = ix.Run(ctx)
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdown)
	log.Info("indexer stopped")
	return err
}
