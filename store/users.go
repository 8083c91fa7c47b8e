package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"helpdesk/auth"
)

// Roles a user can have (the names the store has always used for auth's).
const (
	RoleClient = auth.Client
	RoleAgent  = auth.Agent
	RoleAdmin  = auth.Admin
)

// User is a person who signs in: a client's employee or a member of staff.
type User struct {
	ID           int64      `db:"id" json:"id"`
	Email        string     `db:"email" json:"email"`
	Name         string     `db:"name" json:"name"`
	Role         auth.Role  `db:"role" json:"role"`
	ClientID     *int64     `db:"client_id" json:"client_id,omitempty"`
	PasswordHash string     `db:"password_hash" json:"-"`
	Locale       string     `db:"locale" json:"locale"`
	CreatedAt    time.Time  `db:"created_at" json:"created_at"`
	LastLoginAt  *time.Time `db:"last_login_at" json:"last_login_at,omitempty"`
}

// IsStaff reports whether the user is an agent or an admin.
func (u *User) IsStaff() bool { return u.Role.IsStaff() }

const userColumns = `id, email, name, role, client_id, password_hash, locale, created_at, last_login_at`

// NewUser is what creating a user needs; the password arrives already hashed.
type NewUser struct {
	Email        string
	Name         string
	Role         auth.Role
	ClientID     *int64
	PasswordHash string
	Locale       string
}

// CreateUser inserts a user. A duplicate email is ErrConflict; a client user without a
// company, or staff with one, is ErrInvalid.
func (s *Store) CreateUser(ctx context.Context, u NewUser) (*User, error) {
	switch u.Role {
	case RoleClient:
		if u.ClientID == nil {
			return nil, fmt.Errorf("create user: %w", Invalid("client_id", "a client user needs a client id"))
		}
	case RoleAgent, RoleAdmin:
		if u.ClientID != nil {
			return nil, fmt.Errorf("create user: %w", Invalid("client_id", "only client users belong to a client"))
		}
	default:
		return nil, fmt.Errorf("create user: %w", Invalid("role", "must be client, agent or admin"))
	}
	if u.Locale == "" {
		u.Locale = "es"
	}
	if u.Name == "" {
		u.Name, _, _ = strings.Cut(u.Email, "@")
	}
	rows, err := s.db.Query(ctx, `INSERT INTO users (email, name, role, client_id, password_hash, locale)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING `+userColumns,
		strings.TrimSpace(u.Email), u.Name, u.Role, u.ClientID, u.PasswordHash, u.Locale)
	return one[User](rows, err, "create user")
}

// User returns the user with the given id.
func (s *Store) User(ctx context.Context, id int64) (*User, error) {
	rows, err := s.db.Query(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id)
	return one[User](rows, err, fmt.Sprintf("user %d", id))
}

// UserByEmail returns the user with the given email, compared case-insensitively.
func (s *Store) UserByEmail(ctx context.Context, email string) (*User, error) {
	rows, err := s.db.Query(ctx, `SELECT `+userColumns+` FROM users WHERE lower(email) = lower($1)`,
		strings.TrimSpace(email))
	return one[User](rows, err, "user by email")
}

// Staff lists agents and admins by name, the people tickets can be assigned to.
func (s *Store) Staff(ctx context.Context) ([]User, error) {
	rows, err := s.db.Query(ctx, `SELECT `+userColumns+` FROM users
		WHERE role IN ('agent', 'admin') ORDER BY name, id`)
	return all[User](rows, err, "list staff")
}

// RecordLogin stamps the user's last login time.
func (s *Store) RecordLogin(ctx context.Context, id int64) error {
	if _, err := s.db.Exec(ctx, `UPDATE users SET last_login_at = now() WHERE id = $1`, id); err != nil {
		return fmt.Errorf("record login of user %d: %w", id, err)
	}
	return nil
}

// RenameUser changes a user's display name; tickets assigned to them are re-indexed.
func (s *Store) RenameUser(ctx context.Context, id int64, name string) (*User, error) {
	rows, err := s.db.Query(ctx, `UPDATE users SET name = $2 WHERE id = $1 RETURNING `+userColumns, id, name)
	return one[User](rows, err, fmt.Sprintf("rename user %d", id))
}
