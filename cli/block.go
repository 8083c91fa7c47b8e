package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"helpdesk/store"
)

const blockUsage = `Usage:
  portalctl block add ADDRESS|CIDR [--reason R] [--expires DURATION|DATE]   prints the new id
  portalctl block remove ADDRESS|CIDR
  portalctl block list [--json]

Every portal refuses a blocked address with 403 on every page and API route (but /healthz,
/readyz and /metrics) within seconds, without a restart. An entry may expire: --expires takes a
duration (90m, 24h, 7d) or a moment (2027-01-31, from 00:00 UTC that day, or RFC 3339).`

func runBlock(ctx context.Context, env Env, args []string) error {
	return dispatch(ctx, env, args, blockUsage, subcommand{"add", blockAdd}, subcommand{"remove", blockRemove}, subcommand{"list", blockList})
}

// parseAddress parses fs from args, flags before or after the one ADDRESS|CIDR argument.
func parseAddress(fs *flag.FlagSet, args []string) (string, error) {
	rest, err := parseArgs(fs, args)
	if err != nil {
		return "", err
	}
	if len(rest) != 1 {
		return "", fmt.Errorf("%w: one ADDRESS or CIDR expected, got %d arguments", errUsage, len(rest))
	}
	return rest[0], nil
}

// blockAddress reads the ADDRESS|CIDR argument; a bad one is bad usage.
func blockAddress(address string) (netip.Prefix, error) {
	p, err := store.ParseBlockAddress(address)
	var invalid *store.InvalidError
	if errors.As(err, &invalid) {
		return p, fmt.Errorf("%w: %q: %s", errUsage, address, invalid.Reason)
	}
	return p, err
}

func blockAdd(ctx context.Context, env Env, args []string) error {
	fs := newFlags(env, "block add", "block add ADDRESS|CIDR [--reason R] [--expires DURATION|DATE]\n\n"+
		"Blocks an address (203.0.113.7) or a network (203.0.113.0/24) on every portal.")
	reason := fs.String("reason", "", fmt.Sprintf("why, for the other admins (at most %d characters)", store.MaxBlockReason))
	expires := fs.String("expires", "", "when the entry stops applying: a duration (90m, 24h, 7d), a date (YYYY-MM-DD, 00:00 UTC)\nor an RFC 3339 time; default never")
	address, err := parseAddress(fs, args)
	if err != nil {
		return err
	}
	p, err := blockAddress(address)
	if err != nil {
		return err
	}
	var until *time.Time
	if *expires != "" {
		t, err := parseExpiry(*expires, time.Now())
		if err != nil {
			return err
		}
		until = &t
	}
	st, _, err := openStore(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	b, err := st.AddBlock(ctx, store.NewBlock{Address: p, Reason: *reason, ExpiresAt: until})
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, b.ID)
	return nil
}

// parseExpiry reads --expires: a duration, possibly in days ("7d"), from now; a date; or a time.
func parseExpiry(v string, now time.Time) (time.Time, error) {
	if days, ok := strings.CutSuffix(v, "d"); ok {
		if n, err := strconv.Atoi(days); err == nil && n > 0 {
			return now.AddDate(0, 0, n), nil
		}
	}
	if d, err := time.ParseDuration(v); err == nil && d > 0 {
		return now.Add(d), nil
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%w: --expires %q must be a duration (90m, 24h, 7d), a date (YYYY-MM-DD) or an RFC 3339 time", errUsage, v)
}

func blockRemove(ctx context.Context, env Env, args []string) error {
	fs := newFlags(env, "block remove", "block remove ADDRESS|CIDR\n\n"+
		"Removes the entry of exactly this address or network (not the networks that contain it).")
	address, err := parseAddress(fs, args)
	if err != nil {
		return err
	}
	p, err := blockAddress(address)
	if err != nil {
		return err
	}
	st, _, err := openStore(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	b, err := st.RemoveBlockAddress(ctx, p)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%s is not on the blocklist (see portalctl block list)", p)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "unblocked %s\n", b.Address)
	return nil
}

func blockList(ctx context.Context, env Env, args []string) error {
	fs := newFlags(env, "block list", "block list [--json]\n\nLists the blocklist, oldest first; expired entries are marked (they no longer apply).\n"+
		"Addresses of API_BLOCKLIST in this environment are listed last: the portals refuse them too, and only a\n"+
		"change of their environment and a restart removes them.")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	if err := parse(fs, args); err != nil {
		return err
	}
	st, cfg, err := openStore(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	blocks, err := st.Blocks(ctx)
	if err != nil {
		return err
	}
	// listedBlock says where an entry comes from: the table, or API_BLOCKLIST (no id).
	type listedBlock struct {
		store.Block
		Source string `json:"source"`
	}
	var list []listedBlock
	for _, b := range blocks {
		list = append(list, listedBlock{b, "table"})
	}
	for _, p := range cfg.APIBlocklist {
		list = append(list, listedBlock{store.Block{Address: p}, "API_BLOCKLIST"})
	}
	now := time.Now()
	return writeList(env.Stdout, *asJSON, list, "ID\tADDRESS\tEXPIRES\tCREATED\tREASON", func(b listedBlock) string {
		if b.Source != "table" {
			return fmt.Sprintf("-\t%s\tnever\t-\t(API_BLOCKLIST: fixed at start)", b.Address)
		}
		expires := "never"
		if b.ExpiresAt != nil {
			expires = b.ExpiresAt.UTC().Format(time.RFC3339)
			if b.Expired(now) {
				expires += " (expired)"
			}
		}
		reason := "-"
		if b.Reason != nil {
			reason = strings.Join(strings.Fields(*b.Reason), " ")
		}
		return fmt.Sprintf("%d\t%s\t%s\t%s\t%s", b.ID, b.Address, expires, b.CreatedAt.UTC().Format(time.RFC3339), reason)
	})
}
