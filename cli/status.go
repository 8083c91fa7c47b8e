package cli

import (
	"context"
	"fmt"
	"time"
)

func runStatus(ctx context.Context, env Env, args []string) error {
	fs := newFlags(env, "status", "status\n\nPrints row counts, pending migrations and the indexer's backlog.")
	if err := parse(fs, args); err != nil {
		return err
	}
	st, _, err := openStore(ctx, env)
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
	fmt.Fprintf(env.Stdout, "postgres  clients=%d users=%d tickets=%d comments=%d kb_articles=%d\n",
		c.Clients, c.Users, c.Tickets, c.Comments, c.Articles)
	fmt.Fprintf(env.Stdout, "outbox    pending=%d oldest=%s\n", ob.Pending, ob.OldestAge.Round(time.Second))
	return nil
}
