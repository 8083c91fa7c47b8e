package store_test

import (
	"context"
	"errors"
	"testing"

	"helpdesk/auth"
	"helpdesk/store"
)

// TestDatabaseRejectsBadRows writes straight SQL, bypassing the store's own checks, to prove
// the database itself refuses bad data.
func TestDatabaseRejectsBadRows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := pg.NewStore(t)
	w := newWorld(t, st)
	cases := []struct {
		name string
		sql  string
		args []any
	}{
		{"unknown ticket status", `INSERT INTO tickets (client_id, created_by, title, status) VALUES ($1, $2, 't', 'lost')`, []any{w.acme.ID, w.alice.ID}},
		{"unknown priority", `INSERT INTO tickets (client_id, created_by, title, priority) VALUES ($1, $2, 't', 'p0')`, []any{w.acme.ID, w.alice.ID}},
		{"blank ticket title", `INSERT INTO tickets (client_id, created_by, title) VALUES ($1, $2, '   ')`, []any{w.acme.ID, w.alice.ID}},
		{"ticket of a missing client", `INSERT INTO tickets (client_id, created_by, title) VALUES (999999, $1, 't')`, []any{w.alice.ID}},
		{"null tag", `INSERT INTO tickets (client_id, created_by, title, tags) VALUES ($1, $2, 't', ARRAY['a', NULL])`, []any{w.acme.ID, w.alice.ID}},
		{"bad category slug", `INSERT INTO tickets (client_id, created_by, title, category) VALUES ($1, $2, 't', 'Two Words')`, []any{w.acme.ID, w.alice.ID}},
		{"resolved before created", `UPDATE tickets SET resolved_at = created_at - interval '1 day', status = 'closed' WHERE id = $1`, []any{w.ticket.ID}},
		{"client user without company", `INSERT INTO users (email, name, role, password_hash) VALUES ('x@y.example', 'x', 'client', 'h')`, nil},
		{"agent with a company", `INSERT INTO users (email, name, role, client_id, password_hash) VALUES ('x@y.example', 'x', 'agent', $1, 'h')`, []any{w.acme.ID}},
		{"unknown role", `INSERT INTO users (email, name, role, password_hash) VALUES ('x@y.example', 'x', 'root', 'h')`, nil},
		{"duplicate email, other case", `INSERT INTO users (email, name, role, password_hash) VALUES ('AGENT@example.com', 'x', 'agent', 'h')`, nil},
		{"malformed email", `INSERT INTO users (email, name, role, password_hash) VALUES ('not-an-email', 'x', 'agent', 'h')`, nil},
		{"empty comment", `INSERT INTO comments (ticket_id, author_id, body) VALUES ($1, $2, '')`, []any{w.ticket.ID, w.agent.ID}},
		{"slug with spaces", `INSERT INTO kb_articles (slug, title) VALUES ('mi articulo', 't')`, nil},
		{"slug with uppercase", `INSERT INTO kb_articles (slug, title) VALUES ('VPN', 't')`, nil},
		{"slug with double hyphen", `INSERT INTO kb_articles (slug, title) VALUES ('a--b', 't')`, nil},
		{"unknown audience", `INSERT INTO kb_articles (slug, title, audience) VALUES ('a', 't', 'everyone')`, nil},
		{"unknown locale", `INSERT INTO kb_articles (slug, title, locale) VALUES ('a', 't', 'fr')`, nil},
		{"unknown article status", `INSERT INTO kb_articles (slug, title, status) VALUES ('a', 't', 'live')`, nil},
		{"zero SLA", `INSERT INTO clients (name, sla_response_minutes) VALUES ('Zero', 0)`, nil},
		{"duplicate client name", `INSERT INTO clients (name, sla_response_minutes) VALUES ('globex ltd', 60)`, nil},
		{"unknown alert type", `INSERT INTO alerts (ticket_id, type, severity, message) VALUES ($1, 'x', 'warning', 'm')`, []any{w.ticket.ID}},
		{"short token hash", `INSERT INTO api_tokens (user_id, token_hash, prefix) VALUES ($1, '\x01', 'p')`, []any{w.agent.ID}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := st.Pool().Exec(ctx, tc.sql, tc.args...); err == nil {
				t.Fatalf("accepted: %s", tc.sql)
			}
		})
	}
}

func TestStoreErrorsAreSentinels(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := pg.NewStore(t)
	w := newWorld(t, st)
	bad := "lost"
	stale := w.ticket.Version - 1
	empty := ""
	cases := []struct {
		name string
		err  func() error
		want error
	}{
		{"missing ticket", func() error { _, err := st.Ticket(ctx, 424242); return err }, store.ErrNotFound},
		{"bad status", func() error {
			_, err := st.UpdateTicket(ctx, w.ticket.ID, store.TicketPatch{Status: &bad})
			return err
		}, store.ErrInvalid},
		{"empty title", func() error {
			_, err := st.UpdateTicket(ctx, w.ticket.ID, store.TicketPatch{Title: &empty})
			return err
		}, store.ErrInvalid},
		{"stale version", func() error {
			_, err := st.UpdateTicket(ctx, w.ticket.ID, store.TicketPatch{Status: &bad, IfVersion: &stale})
			return err
		}, store.ErrConflict},
		{"assign to a client user", func() error {
			_, err := st.UpdateTicket(ctx, w.ticket.ID, store.TicketPatch{AssigneeID: &w.alice.ID})
			return err
		}, store.ErrInvalid},
		{"duplicate email", func() error {
			_, err := st.CreateUser(ctx, store.NewUser{Email: "Alice@acme.example", Role: store.RoleClient, ClientID: &w.acme.ID, PasswordHash: "x"})
			return err
		}, store.ErrConflict},
		{"client user without company", func() error {
			_, err := st.CreateUser(ctx, store.NewUser{Email: "c@acme.example", Role: store.RoleClient, PasswordHash: "x"})
			return err
		}, store.ErrInvalid},
		{"duplicate slug", func() error {
			if _, err := st.CreateArticle(ctx, store.NewArticle{Title: "Wi-Fi de invitados"}); err != nil {
				return err
			}
			_, err := st.CreateArticle(ctx, store.NewArticle{Title: "Wi-Fi de invitados"})
			return err
		}, store.ErrConflict},
		{"delete missing article", func() error { return st.DeleteArticle(ctx, 424242) }, store.ErrNotFound},
		{"ticket for missing client", func() error {
			_, err := st.CreateTicket(ctx, store.NewTicket{ClientID: 424242, CreatedBy: w.alice.ID, Title: "x"})
			return err
		}, store.ErrInvalid},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.err(); !errors.Is(err, tc.want) {
				t.Fatalf("error = %v, want %v", err, tc.want)
			}
		})
	}
	// A failed update is not a partial one.
	cur, err := st.Ticket(ctx, w.ticket.ID)
	if err != nil || cur.Status != w.ticket.Status || cur.Title != w.ticket.Title {
		t.Fatalf("ticket changed by failed updates: %+v, %v", cur, err)
	}
}

func TestTokensStoreOnlyHashes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := pg.NewStore(t)
	w := newWorld(t, st)
	token, hash, prefix, err := auth.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	rec, err := st.CreateToken(ctx, w.bob.ID, "ci", hash, prefix)
	if err != nil {
		t.Fatal(err)
	}
	var leaked int
	if err := st.Pool().QueryRow(ctx, `SELECT count(*) FROM api_tokens WHERE position($1 in token_hash::text || prefix) > 0`, token).Scan(&leaked); err != nil || leaked != 0 {
		t.Fatalf("token stored in clear: %d, %v", leaked, err)
	}
	u, err := st.UserByToken(ctx, auth.HashToken(token))
	if err != nil || u.ID != w.bob.ID {
		t.Fatalf("user by token = %+v, %v", u, err)
	}
	list, _ := st.Tokens(ctx, w.bob.ID)
	if len(list) != 1 || list[0].LastUsedAt == nil {
		t.Fatalf("last used not stamped: %+v", list)
	}
	// Stamped to the minute: a use within it writes nothing; one after it stamps again.
	stamped := *list[0].LastUsedAt
	if _, err := st.UserByToken(ctx, auth.HashToken(token)); err != nil {
		t.Fatal(err)
	}
	if list, _ := st.Tokens(ctx, w.bob.ID); !list[0].LastUsedAt.Equal(stamped) {
		t.Fatalf("stamped again within the minute: %v, then %v", stamped, list[0].LastUsedAt)
	}
	if _, err := st.Pool().Exec(ctx, `UPDATE api_tokens SET last_used_at = now() - interval '2 minutes' WHERE id = $1`, rec.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.UserByToken(ctx, auth.HashToken(token)); err != nil {
		t.Fatal(err)
	}
	if list, _ := st.Tokens(ctx, w.bob.ID); !list[0].LastUsedAt.After(stamped) {
		t.Fatalf("not stamped again after a minute: %v, then %v", stamped, list[0].LastUsedAt)
	}
	if _, err := st.UserByToken(ctx, auth.HashToken(token+"x")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("wrong token = %v, want not found", err)
	}
	if err := st.RevokeToken(ctx, rec.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.UserByToken(ctx, auth.HashToken(token)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("revoked token still works: %v", err)
	}
	if err := st.RevokeToken(ctx, rec.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second revoke = %v", err)
	}
}
