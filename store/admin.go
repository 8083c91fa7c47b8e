package store

import (
	"context"
	"fmt"
	"net/url"
	"regexp"

	"github.com/jackc/pgx/v5"
)

var databaseName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,47}$`)

// EnsureDatabase creates the database name on the server serverURL connects to, unless it
// exists, and returns the URL of that database. Tools (the benchmark) keep their data sets in
// databases of their own beside the portal's.
func EnsureDatabase(ctx context.Context, serverURL, name string) (dbURL string, created bool, err error) {
	if !databaseName.MatchString(name) {
		return "", false, Invalid("database name", "%q: lowercase letters, digits and _ only", name)
	}
	u, err := url.Parse(serverURL)
	if err != nil {
		return "", false, fmt.Errorf("parse database URL: %w", err)
	}
	conn, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		return "", false, fmt.Errorf("connect to database: %w", err)
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", false, fmt.Errorf("look up database %s: %w", name, err)
	}
	if !exists {
		// CREATE DATABASE takes no parameters; the name is checked above and quoted here.
		if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
			return "", false, fmt.Errorf("create database %s: %w", name, err)
		}
	}
	u.Path = "/" + name
	return u.String(), !exists, nil
}

// DropDatabase removes the database name, closing its connections first.
func DropDatabase(ctx context.Context, serverURL, name string) error {
	if !databaseName.MatchString(name) {
		return Invalid("database name", "%q", name)
	}
	conn, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		return fmt.Errorf("connect to database: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("drop database %s: %w", name, err)
	}
	return nil
}
