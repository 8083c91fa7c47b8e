// Command portalctl administers the portal: migrate, seed, users, tokens, status.
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
	code := cli.Run(ctx, cli.Env{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}, os.Args[1:])
	stop()
	os.Exit(code)
}
