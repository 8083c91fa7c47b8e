// Package cli implements portalctl, the admin command line: one file per command.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"helpdesk/config"
	"helpdesk/store"
)

// Main runs one of the project's commands as the process (cmd/portal, cmd/indexer and
// cmd/portalctl are this one call): it stops on SIGINT or SIGTERM and exits with the command's
// code.
func Main(run func(ctx context.Context, env Env, args []string) int) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, Env{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}, os.Args[1:])
	stop()
	os.Exit(code)
}

// Env is what a command may touch of the outside world.
type Env struct {
	Stdout, Stderr io.Writer
	Getenv         func(string) string
}

// command is one portalctl subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, env Env, args []string) error
}

func commands() map[string]command {
	return map[string]command{
		"migrate":  {"apply pending database migrations", runMigrate},
		"seed":     {"load deterministic demo data (clients, users, KB, tickets)", runSeed},
		"user":     {"manage users: user create", runUser},
		"token":    {"manage API tokens: token create, token revoke", runToken},
		"status":   {"compare index and database, show the indexer backlog and engine", runStatus},
		"reindex":  {"rebuild the search indices without downtime", runReindex},
		"synonyms": {"manage search synonyms: list, export, import, add, delete", runSynonyms},
		"jobs":     {"the worker's jobs: list, retry, cancel", runJobs},
		"client":   {"client companies: create, list, update", runClient},
		"category": {"ticket categories: list, add, update", runCategory},
		"block":    {"the blocklist of client addresses: add, remove, list", runBlock},
	}
}

// errUsage marks an error already explained by a usage message.
var errUsage = errors.New("usage")

// Run executes portalctl with args (without the program name) and returns the exit code:
// 0 on success, 1 on failure, 2 on bad usage. Errors are printed as one line on stderr.
func Run(ctx context.Context, env Env, args []string) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(env.Stdout, cmds)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(env.Stderr, "portalctl: unknown command %q (see portalctl --help)\n", args[0])
		return 2
	}
	err := cmd.run(ctx, env, args[1:])
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(env.Stderr, "portalctl %s: %s\n", args[0], oneLine(err))
		return 2
	default:
		fmt.Fprintf(env.Stderr, "portalctl %s: %s\n", args[0], oneLine(err))
		return 1
	}
}

func printUsage(w io.Writer, cmds map[string]command) {
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintln(w, "portalctl administers the help-desk portal.\n\nUsage: portalctl <command> [flags]\n\nCommands:")
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'portalctl <command> --help' for a command's flags.\n"+
		"Configuration comes from the environment: DATABASE_URL (required), REDIS_URL, ELASTICSEARCH_URL,\n"+
		"SEARCH_INDEX_PREFIX, LOG_LEVEL.")
}

// newFlags makes a flag set that prints its usage to stdout on --help and returns errors
// instead of exiting.
func newFlags(env Env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stdout)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: portalctl %s\n\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags and refuses arguments; bad flags become errUsage (the flag package has
// printed nothing, since its output goes to stdout only for --help).
func parse(fs *flag.FlagSet, args []string) error {
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	return nil
}

// parseArgs parses flags that may come before or after the arguments ("block add X --reason
// R": the flag package stops at the first argument) and returns the arguments.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return rest, nil
		}
		rest = append(rest, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// parseFlags parses the flags of args up to the first argument, as the flag package does.
func parseFlags(fs *flag.FlagSet, args []string) error {
	var sink strings.Builder
	out := fs.Output()
	fs.SetOutput(&sink)
	defer fs.SetOutput(out)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(out)
			fs.Usage()
			return flag.ErrHelp
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	return nil
}

// openStore reads the configuration and connects to the database.
func openStore(ctx context.Context, env Env) (*store.Store, config.Config, error) {
	cfg, err := config.Load(env.Getenv)
	if err != nil {
		return nil, cfg, err
	}
	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, cfg, err
	}
	return st, cfg, nil
}

func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

// Tool adapts a developer tool's run function (cmd/bench, cmd/relevance) to Main: --help exits
// 0, any other error is printed as "name: error" and exits 1.
func Tool(name string, run func(ctx context.Context, env Env, args []string) error) func(context.Context, Env, []string) int {
	return func(ctx context.Context, env Env, args []string) int {
		err := run(ctx, env, args)
		switch {
		case err == nil, errors.Is(err, flag.ErrHelp):
			return 0
		default:
			fmt.Fprintf(env.Stderr, "%s: %s\n", name, err)
			return 1
		}
	}
}
