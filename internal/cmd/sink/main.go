// Command sink receives mail (SMTP) and chat webhooks and appends each delivery to a JSON-lines
// file, for tests and drills that need a real far end they can stop and start.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"helpdesk/internal/sink"
)

func main() {
	smtpAddr := flag.String("smtp", "127.0.0.1:2525", "SMTP listen address")
	httpAddr := flag.String("http", "127.0.0.1:8025", "webhook listen address")
	file := flag.String("file", "deliveries.jsonl", "file the deliveries are appended to")
	flag.Parse()
	s, err := sink.Listen(*smtpAddr, *httpAddr, *file)
	if err != nil {
		fmt.Fprintln(os.Stderr, "sink:", err)
		os.Exit(1)
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	_ = s.Close()
}
