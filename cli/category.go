package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"

	"helpdesk/store"
)

const categoryUsage = `Usage:
  portalctl category list [--json]
  portalctl category add --slug S --es NAME --en NAME [--position N]
  portalctl category update --slug S [--es NAME] [--en NAME] [--position N] [--active true|false]`

func runCategory(ctx context.Context, env Env, args []string) error {
	return dispatch(ctx, env, args, categoryUsage, subcommand{"list", categoryList}, subcommand{"add", categoryAdd}, subcommand{"update", categoryUpdate})
}

func categoryList(ctx context.Context, env Env, args []string) error {
	fs := newFlags(env, "category list", "category list [--json]\n\nLists the ticket categories in their order, retired ones included.")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	if err := parse(fs, args); err != nil {
		return err
	}
	st, _, err := openStore(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	cats, err := st.TicketCategories(ctx)
	if err != nil {
		return err
	}
	return writeList(env.Stdout, *asJSON, cats, "SLUG\tSPANISH\tENGLISH\tPOSITION\tACTIVE", func(c store.TicketCategory) string {
		return fmt.Sprintf("%s\t%s\t%s\t%d\t%t", c.Slug, c.NameES, c.NameEN, c.Position, c.Active)
	})
}

func categoryAdd(ctx context.Context, env Env, args []string) error {
	fs := newFlags(env, "category add", "category add --slug S --es NAME --en NAME [--position N]\n\n"+
		"Adds a ticket category. Its slug (lowercase letters, digits, hyphens) never changes: tickets hold it.")
	slug := fs.String("slug", "", "the category's identifier (required)")
	es := fs.String("es", "", "its Spanish name (required)")
	en := fs.String("en", "", "its English name (required)")
	pos := fs.Int("position", 50, "where it comes in lists (smaller first)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *slug == "" || *es == "" || *en == "" {
		return fmt.Errorf("%w: --slug, --es and --en are required", errUsage)
	}
	st, _, err := openStore(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	c, err := st.CreateTicketCategory(ctx, store.NewTicketCategory{Slug: *slug, NameES: *es, NameEN: *en, Position: *pos})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "category %s: %s / %s\n", c.Slug, c.NameES, c.NameEN)
	return nil
}

func categoryUpdate(ctx context.Context, env Env, args []string) error {
	fs := newFlags(env, "category update", "category update --slug S [--es NAME] [--en NAME] [--position N] [--active true|false]\n\n"+
		"Renames, reorders, retires or restores a ticket category; what is not given stays. A retired\n"+
		"category is not offered for new tickets and stays on the tickets that have it.")
	slug := fs.String("slug", "", "the category (required)")
	es := fs.String("es", "", "a new Spanish name")
	en := fs.String("en", "", "a new English name")
	pos := fs.Int("position", 0, "a new position")
	active := fs.String("active", "", "true or false")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *slug == "" {
		return fmt.Errorf("%w: --slug is required", errUsage)
	}
	var p store.TicketCategoryPatch
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "es":
			p.NameES = es
		case "en":
			p.NameEN = en
		case "position":
			p.Position = pos
		}
	})
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
	c, err := st.UpdateTicketCategory(ctx, *slug, p)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no category %q", *slug)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "category %s: %s / %s, position %d, active %t\n", c.Slug, c.NameES, c.NameEN, c.Position, c.Active)
	return nil
}
