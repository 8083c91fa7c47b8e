package store

import (
	"context"
	"fmt"
	"time"
)

// APIToken is a bearer token's record; the token itself is never stored, only its hash.
type APIToken struct {
	ID         int64      `db:"id" json:"id"`
	UserID     int64      `db:"user_id" json:"user_id"`
	Name       string     `db:"name" json:"name"`
	Prefix     string     `db:"prefix" json:"prefix"`
	CreatedAt  time.Time  `db:"created_at" json:"created_at"`
	LastUsedAt *time.Time `db:"last_used_at" json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `db:"revoked_at" json:"revoked_at,omitempty"`
}

const tokenColumns = `id, user_id, name, prefix, created_at, last_used_at, revoked_at`

// CreateToken records a token by its SHA-256 hash and a short prefix that identifies it to people.
func (s *Store) CreateToken(ctx context.Context, userID int64, name string, hash []byte, prefix string) (*APIToken, error) {
	rows, err := s.db.Query(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, prefix)
		VALUES ($1, $2, $3, $4) RETURNING `+tokenColumns, userID, name, hash, prefix)
	return one[APIToken](rows, err, fmt.Sprintf("create token for user %d", userID))
}

// UserByToken returns the user owning the live token with this hash and stamps its use, to
// the minute: every API request reads a token, and a stamp on each would make each one a
// write (a transaction id, a WAL flush at commit, a dead row version) on the primary.
func (s *Store) UserByToken(ctx context.Context, hash []byte) (*User, error) {
	rows, err := s.db.Query(ctx, `WITH t AS (
			SELECT id, user_id, last_used_at FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL),
		stamp AS (
			UPDATE api_tokens a SET last_used_at = now() FROM t
			WHERE a.id = t.id AND a.revoked_at IS NULL
				AND (t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute'))
		SELECT `+prefixed("u.", userColumns)+` FROM users u JOIN t ON t.user_id = u.id`, hash)
	return one[User](rows, err, "user by token")
}

// Tokens lists a user's tokens, newest first.
func (s *Store) Tokens(ctx context.Context, userID int64) ([]APIToken, error) {
	rows, err := s.db.Query(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE user_id = $1
		ORDER BY created_at DESC, id DESC`, userID)
	return all[APIToken](rows, err, fmt.Sprintf("tokens of user %d", userID))
}

// RevokeToken revokes a token by id; revoking twice is ErrNotFound the second time.
func (s *Store) RevokeToken(ctx context.Context, id int64) error {
	tag, err := s.db.Exec(ctx, `UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`, id)
	if err != nil {
		return fmt.Errorf("revoke token %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("revoke token %d: %w: no live token with that id", id, ErrNotFound)
	}
	return nil
}

// RevokeTokenByHash revokes the live token with this hash.
func (s *Store) RevokeTokenByHash(ctx context.Context, hash []byte) error {
	tag, err := s.db.Exec(ctx, `UPDATE api_tokens SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL`, hash)
	if err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("revoke token: %w: no live token matches", ErrNotFound)
	}
	return nil
}
