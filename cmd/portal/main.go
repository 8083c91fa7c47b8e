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

	"helpdesk/config"
	"helpdesk/portal"
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
	app := portal.New(portal.Deps{Store: st, Logger: log})
	errc := make(chan error, 1)
	go func() { errc <- app.Listen(cfg.PortalAddr) }()
	log.Info("portal listening", "addr", "http://"+cfg.PortalAddr)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	return app.ShutdownWithTimeout(10 * time.Second)
}
