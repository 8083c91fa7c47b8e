// Command portal serves the web portal and the JSON API (wired in cli.RunPortal).
package main

import "helpdesk/cli"

func main() { cli.Main(cli.RunPortal) }
