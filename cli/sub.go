package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// subcommand is one verb of a command with subcommands (client create, block list, …).
type subcommand struct {
	name string
	run  func(ctx context.Context, env Env, args []string) error
}

// dispatch runs the subcommand args[0] names, or prints usage for none (an error) or --help.
func dispatch(ctx context.Context, env Env, args []string, usage string, subs ...subcommand) error {
	names := make([]string, len(subs))
	for i, s := range subs {
		names[i] = s.name
	}
	want := strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
	if len(args) == 0 || args[0] == "--help" || args[0] == "-h" {
		fmt.Fprintln(env.Stdout, usage)
		if len(args) == 0 {
			return fmt.Errorf("%w: missing subcommand (%s)", errUsage, want)
		}
		return nil
	}
	for _, s := range subs {
		if s.name == args[0] {
			return s.run(ctx, env, args[1:])
		}
	}
	return fmt.Errorf("%w: unknown subcommand %q (want %s)", errUsage, args[0], want)
}

// writeList prints items as a JSON array (an empty list as []) or as a table: header, then
// row's tab-separated cells for each item.
func writeList[T any](w io.Writer, asJSON bool, items []T, header string, row func(T) string) error {
	if asJSON {
		if items == nil {
			items = []T{}
		}
		return json.NewEncoder(w).Encode(items)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, header)
	for _, it := range items {
		fmt.Fprintln(tw, row(it))
	}
	return tw.Flush()
}
