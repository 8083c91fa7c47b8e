package store

import (
	"context"
	"fmt"
	"time"
)

// SavedSearch is a named search of one agent, kept as URL parameters.
type SavedSearch struct {
	ID        int64     `db:"id" json:"id"`
	UserID    int64     `db:"user_id" json:"user_id"`
	Name      string    `db:"name" json:"name"`
	Query     string    `db:"query" json:"query"`
	CreatedAt time.Time `db:"created_at" json:"created_at"`
}

// MaxSavedSearches bounds a user's saved searches: each costs a count on every triage page.
const MaxSavedSearches = 12

// SaveSearch stores a search under a name for the user, replacing one of the same name.
func (s *Store) SaveSearch(ctx context.Context, userID int64, name, query string) (*SavedSearch, error) {
	var out *SavedSearch
	err := s.Transact(ctx, func(tx *Store) error {
		var n int
		if err := tx.db.QueryRow(ctx, `SELECT count(*) FROM saved_searches WHERE user_id = $1 AND name <> $2`, userID, name).Scan(&n); err != nil {
			return fmt.Errorf("save search: %w", err)
		}
		if n >= MaxSavedSearches {
			return fmt.Errorf("save search: %w", Invalid("", "at most %d saved searches", MaxSavedSearches))
		}
		rows, err := tx.db.Query(ctx, `INSERT INTO saved_searches (user_id, name, query) VALUES ($1, $2, $3)
			ON CONFLICT (user_id, name) DO UPDATE SET query = EXCLUDED.query
			RETURNING id, user_id, name, query, created_at`, userID, name, query)
		out, err = one[SavedSearch](rows, err, "save search")
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SavedSearches lists the user's saved searches by name.
func (s *Store) SavedSearches(ctx context.Context, userID int64) ([]SavedSearch, error) {
	rows, err := s.db.Query(ctx, `SELECT id, user_id, name, query, created_at FROM saved_searches
		WHERE user_id = $1 ORDER BY lower(name), id`, userID)
	return all[SavedSearch](rows, err, "saved searches")
}

// DeleteSavedSearch removes one of the user's saved searches; another user's is not found.
func (s *Store) DeleteSavedSearch(ctx context.Context, userID, id int64) error {
	tag, err := s.db.Exec(ctx, `DELETE FROM saved_searches WHERE id = $1 AND user_id = $2`, id, userID)
	if err != nil {
		return fmt.Errorf("delete saved search %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("delete saved search %d: %w", id, ErrNotFound)
	}
	return nil
}
