package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"helpdesk/indexer"
	"helpdesk/search"
)

func runReindex(ctx context.Context, env Env, args []string) error {
	fs := newFlags(env, "reindex", "reindex [--only tickets|kb]\n\n"+
		"Rebuilds the search indices from Postgres while the portal keeps serving: a new index is\n"+
		"loaded, changes made meanwhile reach it too, then the alias moves to it atomically and the\n"+
		"old index is dropped. Interrupted, it drops the new index; the old one stays live.")
	only := fs.String("only", "", "rebuild only this index: tickets or kb")
	if err := parse(fs, args); err != nil {
		return err
	}
	kinds := []string{search.TypeTicket, search.TypeKB}
	switch *only {
	case "":
	case "tickets":
		kinds = []string{search.TypeTicket}
	case "kb":
		kinds = []string{search.TypeKB}
	default:
		return fmt.Errorf("%w: --only must be tickets or kb", errUsage)
	}
	st, cfg, err := openStore(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	if cfg.ElasticsearchURL == "" {
		return errors.New("ELASTICSEARCH_URL is not set: there is no index to rebuild (search uses Postgres)")
	}
	es, err := openElasticsearch(cfg, st.Analyzer())
	if err != nil {
		return err
	}
	began := time.Now()
	err = indexer.Reindex(ctx, st, es, kinds, func(p indexer.ReindexProgress) {
		rate := 0.0
		if s := p.Elapsed.Seconds(); s > 0 {
			rate = float64(p.Done) / s
		}
		state := "loading"
		if p.Final {
			state = "live"
		}
		fmt.Fprintf(env.Stderr, "reindex: %-7s %9d/%d docs %8.0f docs/s  %s  %s\n",
			kindLabel(p.Kind), p.Done, p.Total, rate, p.Elapsed.Round(time.Second), state)
	})
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("interrupted; the previous index stays live: %w", err)
		}
		return err
	}
	fmt.Fprintf(env.Stdout, "reindexed %d index(es) in %s\n", len(kinds), time.Since(began).Round(time.Millisecond))
	return nil
}

func kindLabel(kind string) string {
	if kind == search.TypeTicket {
		return "tickets"
	}
	return "kb"
}
