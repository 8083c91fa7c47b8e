package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"time"

	"helpdesk/store"
)

const clientUsage = `Usage:
  portalctl client create --name N --sla-minutes M [--contract-end YYYY-MM-DD]   prints the new id
  portalctl client list [--json]
  portalctl client update --id N [--name N] [--sla-minutes M] [--contract-end YYYY-MM-DD|none] [--active true|false]`

func runClient(ctx context.Context, env Env, args []string) error {
	return dispatch(ctx, env, args, clientUsage, subcommand{"create", clientCreate}, subcommand{"list", clientList}, subcommand{"update", clientUpdate})
}

func clientCreate(ctx context.Context, env Env, args []string) error {
	fs := newFlags(env, "client create", "client create --name N --sla-minutes M [--contract-end YYYY-MM-DD]\n\n"+
		"Onboards a client company: its first-response SLA in minutes (1 to 10080), and when its contract ends.")
	name := fs.String("name", "", "the company's name (required, unique)")
	sla := fs.Int("sla-minutes", 0, "minutes to the first response (required)")
	end := fs.String("contract-end", "", "the contract's last day, YYYY-MM-DD")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *name == "" || *sla == 0 {
		return fmt.Errorf("%w: --name and --sla-minutes are required", errUsage)
	}
	contractEnd, _, err := dateFlag(*end)
	if err != nil {
		return err
	}
	st, _, err := openStore(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	c, err := st.CreateClient(ctx, *name, *sla, contractEnd)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, c.ID)
	return nil
}

func clientList(ctx context.Context, env Env, args []string) error {
	fs := newFlags(env, "client list", "client list [--json]\n\nLists the client companies by name.")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	if err := parse(fs, args); err != nil {
		return err
	}
	st, _, err := openStore(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	clients, err := st.Clients(ctx)
	if err != nil {
		return err
	}
	return writeList(env.Stdout, *asJSON, clients, "ID\tNAME\tSLA MINUTES\tCONTRACT END\tACTIVE", func(c store.Client) string {
		end := "-"
		if c.ContractEnd != nil {
			end = c.ContractEnd.Format(time.DateOnly)
		}
		return fmt.Sprintf("%d\t%s\t%d\t%s\t%t", c.ID, c.Name, c.SLAResponseMinutes, end, c.Active)
	})
}

func clientUpdate(ctx context.Context, env Env, args []string) error {
	fs := newFlags(env, "client update", "client update --id N [--name N] [--sla-minutes M] [--contract-end YYYY-MM-DD|none] [--active true|false]\n\n"+
		"Changes a client company; what is not given stays. An inactive company opens no new tickets.")
	id := fs.Int64("id", 0, "the company's id (required)")
	name := fs.String("name", "", "a new name")
	sla := fs.Int("sla-minutes", 0, "a new first-response SLA, in minutes")
	end := fs.String("contract-end", "", "the contract's last day, YYYY-MM-DD, or none")
	active := fs.String("active", "", "true or false")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *id <= 0 {
		return fmt.Errorf("%w: --id is required", errUsage)
	}
	var p store.ClientPatch
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "name":
			p.Name = name
		case "sla-minutes":
			p.SLAResponseMinutes = sla
		}
	})
	var err error
	if p.ContractEnd, p.ClearContractEnd, err = dateFlag(*end); err != nil {
		return err
	}
	if *active != "" {
		b, err := strconv.ParseBool(*active)
		if err != nil {
			return fmt.Errorf("%w: --active must be true or false", errUsage)
		}
		p.Active = &b
	}
	st, _, err := openStore(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	c, err := st.UpdateClient(ctx, *id, p)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no client %d", *id)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "client %d: %s, SLA %d minutes, active %t\n", c.ID, c.Name, c.SLAResponseMinutes, c.Active)
	return nil
}

// dateFlag reads an optional date flag: empty is unset, "none" clears.
func dateFlag(v string) (date *time.Time, clear bool, err error) {
	switch v {
	case "":
		return nil, false, nil
	case "none":
		return nil, true, nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return nil, false, fmt.Errorf("%w: --contract-end must be YYYY-MM-DD or none", errUsage)
	}
	return &t, false, nil
}
