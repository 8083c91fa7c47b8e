package cli

import (
	"context"
	"fmt"

	"helpdesk/auth"
	"helpdesk/store"
)

func runUser(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 || args[0] == "--help" || args[0] == "-h" {
		fmt.Fprintln(env.Stdout, "Usage: portalctl user create --email E --role client|agent|admin [--client ID] --password P [--name N] [--locale es|en]")
		if len(args) == 0 {
			return fmt.Errorf("%w: missing subcommand (create)", errUsage)
		}
		return nil
	}
	if args[0] != "create" {
		return fmt.Errorf("%w: unknown subcommand %q (want create)", errUsage, args[0])
	}
	fs := newFlags(env, "user create", "user create --email E --role client|agent|admin [--client ID] --password P [--name N] [--locale es|en]\n\nCreates a user and prints the new user's id.")
	email := fs.String("email", "", "email address used to sign in (required)")
	role := fs.String("role", "", "client, agent or admin (required)")
	clientID := fs.Int64("client", 0, "the client company id (required for role client)")
	password := fs.String("password", "", "initial password, 8 to 72 bytes (required)")
	name := fs.String("name", "", "display name (default: the email's local part)")
	locale := fs.String("locale", "es", "interface language: es or en")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	switch {
	case *email == "":
		return fmt.Errorf("%w: --email is required", errUsage)
	case *role == "":
		return fmt.Errorf("%w: --role is required", errUsage)
	case *password == "":
		return fmt.Errorf("%w: --password is required", errUsage)
	}
	hash, err := auth.HashPassword(*password)
	if err != nil {
		return err
	}
	st, _, err := openStore(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	nu := store.NewUser{Email: *email, Name: *name, Role: auth.Role(*role), PasswordHash: hash, Locale: *locale}
	if *clientID != 0 {
		nu.ClientID = clientID
	}
	u, err := st.CreateUser(ctx, nu)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, u.ID)
	return nil
}
