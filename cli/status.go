package cli

import (
	"context"
	"fmt"
	"time"

	"helpdesk/search"
	"helpdesk/search/elasticsearch"
)

func runStatus(ctx context.Context, env Env, args []string) error {
	fs := newFlags(env, "status", "status\n\nPrints, per index, Elasticsearch's document count against Postgres's row count, the\n"+
		"indexer's backlog and its oldest change, and which engine search uses now. Exits 1 when the\n"+
		"counts disagree by more than the backlog explains, or a migration is pending.")
	if err := parse(fs, args); err != nil {
		return err
	}
	st, cfg, err := openStore(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	pending, err := st.PendingMigrations(ctx)
	if err != nil {
		return err
	}
	if len(pending) > 0 {
		return fmt.Errorf("database schema is behind: %d migrations pending (run portalctl migrate)", len(pending))
	}
	c, err := st.Counts(ctx)
	if err != nil {
		return err
	}
	ob, err := st.OutboxStats(ctx)
	if err != nil {
		return err
	}
	failing, lastErr, err := st.OutboxFailures(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "postgres   clients=%d users=%d tickets=%d comments=%d kb_articles=%d\n",
		c.Clients, c.Users, c.Tickets, c.Comments, c.Articles)
	fmt.Fprintf(env.Stdout, "outbox     pending=%d oldest=%s failing=%d\n", ob.Pending, ob.OldestAge.Round(time.Second), failing)
	if lastErr != "" {
		fmt.Fprintf(env.Stdout, "           last error: %s\n", lastErr)
	}
	if cfg.ElasticsearchURL == "" {
		fmt.Fprintln(env.Stdout, "search     engine=postgres (ELASTICSEARCH_URL not set)")
		return nil
	}
	es, err := openElasticsearch(cfg, st.Analyzer())
	if err != nil {
		return err
	}
	pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := es.Ping(pctx); err != nil {
		fmt.Fprintf(env.Stdout, "search     engine=postgres (elasticsearch unreachable: %v)\n", err)
		return fmt.Errorf("elasticsearch is unreachable: search runs on the postgres fallback and the outbox grows")
	}
	fmt.Fprintln(env.Stdout, "search     engine=elasticsearch")
	var bad, old []string
	for _, kind := range []string{search.TypeTicket, search.TypeKB} {
		rows := c.Tickets
		if kind == search.TypeKB {
			rows = c.Articles
		}
		docs, err := es.Count(ctx, kind)
		if err != nil {
			return err
		}
		state := "ok"
		if diff := docs - rows; diff > ob.Pending || -diff > ob.Pending {
			state = "OUT OF SYNC"
			bad = append(bad, kindLabel(kind))
		} else if diff != 0 {
			state = "catching up"
		}
		fmt.Fprintf(env.Stdout, "index      %-8s %s docs=%d rows=%d %s\n", kindLabel(kind), es.Alias(kind), docs, rows, state)
		v, err := es.LiveIndexVersion(ctx, kind)
		if err != nil {
			return err
		}
		if v != elasticsearch.IndexVersion {
			fmt.Fprintf(env.Stdout, "           index v%d, this version reads v%d: REINDEX NEEDED\n", v, elasticsearch.IndexVersion)
			old = append(old, kindLabel(kind))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("index out of sync with postgres beyond the backlog: %v (run portalctl reindex)", bad)
	}
	if len(old) > 0 {
		return fmt.Errorf("index of another version: %v (run portalctl reindex: stems, typos and synonyms need it)", old)
	}
	return nil
}
