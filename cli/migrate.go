package cli

import (
	"context"
	"errors"
	"fmt"

	"helpdesk/search/analysis"
	"helpdesk/store"
)

func runMigrate(ctx context.Context, env Env, args []string) error {
	fs := newFlags(env, "migrate", `migrate

Applies the embedded SQL migrations not yet applied, under an advisory lock; then analyses
the text of rows written before search vectors existed (in batches, safe to interrupt and run
again), and installs the starter synonym list into a database that never had it.`)
	if err := parse(fs, args); err != nil {
		return err
	}
	st, _, err := openStore(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	applied, err := st.Migrate(ctx)
	for _, name := range applied {
		fmt.Fprintf(env.Stdout, "applied %s\n", name)
	}
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintln(env.Stdout, "schema is up to date")
	}
	err = st.AnalyzeText(ctx, func(p store.AnalyzeProgress) {
		fmt.Fprintf(env.Stderr, "analysing %s for search: %d/%d\n", p.Table, p.Done, p.Total)
	})
	if err != nil {
		return err
	}
	n, err := st.InstallStarterSynonyms(ctx, analysis.StarterSynonyms())
	switch {
	case errors.Is(err, store.ErrStarterLoaded):
		return nil
	case err != nil:
		return err
	}
	fmt.Fprintf(env.Stdout, "installed %d starter synonym groups (portalctl synonyms list)\n", n)
	return nil
}
