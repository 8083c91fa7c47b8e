// Command worker works the job queues: notifications, the SLA check, reports (wired in
// cli.RunWorker).
package main

import "helpdesk/cli"

func main() { cli.Main(cli.RunWorker) }
