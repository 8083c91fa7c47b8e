// Command portal serves the web portal and the JSON API (wired in cli.RunPortal).
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
	code := cli.RunPortal(ctx, cli.Env{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}, os.Args[1:])
	stop()
	os.Exit(code)
}
