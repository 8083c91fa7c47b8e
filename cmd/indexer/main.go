// Command indexer streams every change from the Postgres outbox into Elasticsearch and runs
// the SLA monitor (wired in cli.RunIndexer).
package main

import "helpdesk/cli"

func main() { cli.Main(cli.RunIndexer) }
