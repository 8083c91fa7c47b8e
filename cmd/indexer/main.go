// Command indexer streams every change from the Postgres outbox into Elasticsearch and runs
// the SLA monitor (wired in cli.RunIndexer).
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"helpdesk/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.RunIndexer(ctx, cli.Env{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}, os.Args[1:])
	stop()
	os.Exit(code)
}
