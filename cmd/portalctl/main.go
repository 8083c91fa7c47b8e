// Command portalctl administers the portal: migrate, seed, users, tokens, status.
package main

import "helpdesk/cli"

func main() { cli.Main(cli.Run) }
