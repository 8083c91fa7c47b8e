package cli

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"helpdesk/auth"
	"helpdesk/store"
)

const tokenUsage = "Usage:\n  portalctl token create --user ID|EMAIL [--name N]   prints the new token alone on stdout\n  portalctl token revoke --id N | --token T"

func runToken(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 || args[0] == "--help" || args[0] == "-h" {
		fmt.Fprintln(env.Stdout, tokenUsage)
		if len(args) == 0 {
			return fmt.Errorf("%w: missing subcommand (create or revoke)", errUsage)
		}
		return nil
	}
	switch args[0] {
	case "create":
		return tokenCreate(ctx, env, args[1:])
	case "revoke":
		return tokenRevoke(ctx, env, args[1:])
	}
	return fmt.Errorf("%w: unknown subcommand %q (want create or revoke)", errUsage, args[0])
}

func tokenCreate(ctx context.Context, env Env, args []string) error {
	fs := newFlags(env, "token create", "token create --user ID|EMAIL [--name N]\n\nCreates an API token for the user and prints it once; only its hash is stored.")
	user := fs.String("user", "", "the user's id or email (required)")
	name := fs.String("name", "", "a label to recognise the token by")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *user == "" {
		return fmt.Errorf("%w: --user is required", errUsage)
	}
	st, _, err := openStore(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	var u *store.User
	if id, perr := strconv.ParseInt(*user, 10, 64); perr == nil {
		u, err = st.User(ctx, id)
	} else {
		u, err = st.UserByEmail(ctx, *user)
	}
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no user %q", *user)
	}
	if err != nil {
		return err
	}
	token, hash, prefix, err := auth.NewToken()
	if err != nil {
		return err
	}
	if _, err := st.CreateToken(ctx, u.ID, *name, hash, prefix); err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, token)
	return nil
}

func tokenRevoke(ctx context.Context, env Env, args []string) error {
	fs := newFlags(env, "token revoke", "token revoke --id N | --token T\n\nRevokes an API token; requests with it get 401 from then on.")
	id := fs.Int64("id", 0, "the token's id")
	token := fs.String("token", "", "the token itself")
	if err := parse(fs, args); err != nil {
		return err
	}
	if (*id == 0) == (*token == "") {
		return fmt.Errorf("%w: give exactly one of --id or --token", errUsage)
	}
	st, _, err := openStore(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	if *id != 0 {
		err = st.RevokeToken(ctx, *id)
	} else {
		err = st.RevokeTokenByHash(ctx, auth.HashToken(strings.TrimSpace(*token)))
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, "revoked")
	return nil
}
