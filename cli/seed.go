package cli

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"helpdesk/auth"
	"helpdesk/seed"
)

func runSeed(ctx context.Context, env Env, args []string) error {
	fs := newFlags(env, "seed", "seed [--clients N] [--tickets N] [--articles N] [--seed S] [--until YYYY-MM-DD] [--if-empty]\n\n"+
		"Loads deterministic demo data with COPY in one transaction and prints the demo logins.\n"+
		"The same --seed and --until always give the same data.")
	clients := fs.Int("clients", 12, "client companies")
	tickets := fs.Int("tickets", 5000, "tickets over the last two years")
	articles := fs.Int("articles", 0, "KB articles (0: the hand-written corpus once; more: variants of it)")
	seedN := fs.Uint64("seed", 1, "random seed")
	until := fs.String("until", "", "anchor date, the end of the two years (default: today, UTC)")
	ifEmpty := fs.Bool("if-empty", false, "do nothing when the database already has tickets or users")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch {
	case *clients < 1 || *clients > 100000:
		return fmt.Errorf("%w: --clients must be between 1 and 100000", errUsage)
	case *tickets < 0 || *tickets > 50_000_000:
		return fmt.Errorf("%w: --tickets must be between 0 and 50000000", errUsage)
	case *articles < 0 || *articles > 1_000_000:
		return fmt.Errorf("%w: --articles must be between 0 and 1000000", errUsage)
	}
	anchor := seed.Anchor(time.Now())
	if *until != "" {
		t, err := time.Parse("2006-01-02", *until)
		if err != nil {
			return fmt.Errorf("%w: --until must be a date like 2026-01-31", errUsage)
		}
		anchor = t
	}
	st, _, err := openStore(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	if pending, err := st.PendingMigrations(ctx); err != nil {
		return err
	} else if len(pending) > 0 {
		return fmt.Errorf("database schema is behind: run portalctl migrate first")
	}
	if *ifEmpty {
		c, err := st.Counts(ctx)
		if err != nil {
			return err
		}
		if c.Users > 0 || c.Tickets > 0 {
			fmt.Fprintf(env.Stderr, "seed: database already has %d users and %d tickets; nothing to do\n", c.Users, c.Tickets)
			return nil
		}
	}
	hash, err := auth.HashPassword(seed.DemoPassword)
	if err != nil {
		return err
	}
	began := time.Now()
	res, err := seed.Run(ctx, st, seed.Options{
		Clients: *clients, Tickets: *tickets, Articles: *articles, Seed: *seedN, Until: anchor,
		PasswordHash: hash,
		Progress: func(p seed.Progress) {
			if p.Stage == "indexes" {
				fmt.Fprintf(env.Stderr, "seed: building indexes, queueing %d documents for the indexer and vacuuming…\n", p.Done)
				return
			}
			rate := 0.0
			if s := p.Elapsed.Seconds(); s > 0 {
				rate = float64(p.Done) / s
			}
			pct := 100.0
			if p.Goal > 0 {
				pct = 100 * float64(p.Done) / float64(p.Goal)
			}
			fmt.Fprintf(env.Stderr, "seed: %-8s %9d/%d (%3.0f%%) %8.0f rows/s  %s\n",
				p.Stage, p.Done, p.Goal, pct, rate, p.Elapsed.Round(time.Second))
		},
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "seed: loaded %d clients, %d users, %d KB articles, %d tickets, %d comments in %s\n",
		res.Clients, res.Users, res.Articles, res.Tickets, res.Comments, time.Since(began).Round(time.Millisecond))
	if len(res.Logins) > 0 {
		tw := tabwriter.NewWriter(env.Stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ROLE\tEMAIL\tPASSWORD\tCLIENT")
		for _, l := range res.Logins {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", l.Role, l.Email, l.Password, l.Client)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	return nil
}
