package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"helpdesk/search/analysis"
)

const synonymsUsage = `Usage:
  portalctl synonyms list                      every group with its id
  portalctl synonyms export                    the table as a synonyms file, on stdout
  portalctl synonyms import FILE|- [--replace] add the file's groups the table lacks (--replace: the file becomes the table)
  portalctl synonyms add 'LINE'                add one group: "a, b, c" or "a, b => c"
  portalctl synonyms delete ID                 remove one group

A synonyms file has one group a line; "#" starts a comment. "contraseña, clave, password" makes
the terms equivalent; "ad => active directory" makes "ad" also find "active directory", not the
other way round. Both search engines apply the table at query time: no reindex is needed, and
portals pick changes up within seconds.`

func runSynonyms(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 || args[0] == "--help" || args[0] == "-h" {
		fmt.Fprintln(env.Stdout, synonymsUsage)
		if len(args) == 0 {
			return fmt.Errorf("%w: missing subcommand (list, export, import, add or delete)", errUsage)
		}
		return nil
	}
	sub := args[0]
	// Flags may come before or after the file ("import FILE --replace"), so they are read by
	// hand: the flag package stops at the first argument.
	var rest []string
	replace := false
	for _, a := range args[1:] {
		switch {
		case a == "--help" || a == "-h":
			fmt.Fprintln(env.Stdout, synonymsUsage)
			return flag.ErrHelp
		case sub == "import" && (a == "--replace" || a == "-replace"):
			replace = true
		case strings.HasPrefix(a, "-") && a != "-":
			return fmt.Errorf("%w: flag provided but not defined: %s", errUsage, a)
		default:
			rest = append(rest, a)
		}
	}
	want := map[string]int{"list": 0, "export": 0, "import": 1, "add": 1, "delete": 1}
	n, ok := want[sub]
	if !ok {
		return fmt.Errorf("%w: unknown subcommand %q (want list, export, import, add or delete)", errUsage, sub)
	}
	if len(rest) != n {
		return fmt.Errorf("%w: synonyms %s takes %d argument(s)", errUsage, sub, n)
	}
	var id int64
	if sub == "delete" {
		var err error
		if id, err = strconv.ParseInt(strings.TrimSpace(rest[0]), 10, 64); err != nil || id <= 0 {
			return fmt.Errorf("%w: %q is not a synonym id", errUsage, rest[0])
		}
	}
	st, _, err := openStore(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	switch sub {
	case "list", "export":
		list, err := st.Synonyms(ctx)
		if err != nil {
			return err
		}
		if sub == "export" {
			fmt.Fprintln(env.Stdout, "# portalctl synonyms export")
		}
		for _, s := range list {
			if sub == "list" {
				fmt.Fprintf(env.Stdout, "%d\t%s\n", s.ID, s.Group())
			} else {
				fmt.Fprintln(env.Stdout, s.Group())
			}
		}
		return nil
	case "import":
		var r io.Reader = os.Stdin
		if rest[0] != "-" {
			f, err := os.Open(rest[0])
			if err != nil {
				return err
			}
			defer f.Close()
			r = f
		}
		groups, err := analysis.ParseSynonyms(r)
		if err != nil {
			return err
		}
		added, err := st.ImportSynonyms(ctx, groups, replace)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "%d groups read, %d added\n", len(groups), added)
		return nil
	case "add":
		g, err := analysis.ParseSynonymLine(rest[0])
		if err != nil {
			return err
		}
		s, err := st.CreateSynonym(ctx, g)
		if err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, s.ID)
		return nil
	}
	return st.DeleteSynonym(ctx, id)
}
