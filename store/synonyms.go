package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"helpdesk/search/analysis"
)

// Synonym is a group of the synonym table.
type Synonym struct {
	ID         int64     `db:"id" json:"id"`
	Terms      []string  `db:"terms" json:"terms"`
	Expansions []string  `db:"expansions" json:"expansions"`
	CreatedAt  time.Time `db:"created_at" json:"created_at"`
	UpdatedAt  time.Time `db:"updated_at" json:"updated_at"`
}

// Group is the synonym as the analysis reads it.
func (s Synonym) Group() analysis.SynonymGroup {
	return analysis.SynonymGroup{Terms: s.Terms, Expansions: s.Expansions}
}

const synonymColumns = `id, terms, expansions, created_at, updated_at`

// Synonyms lists the synonym table, oldest first.
func (s *Store) Synonyms(ctx context.Context) ([]Synonym, error) {
	rows, err := s.db.Query(ctx, `SELECT `+synonymColumns+` FROM synonyms ORDER BY id`)
	return all[Synonym](rows, err, "list synonyms")
}

// SynonymGroups is the synonym table as the analysis reads it, with the count of changes it
// has seen: a reader that kept the count knows whether to read the table again.
func (s *Store) SynonymGroups(ctx context.Context) (groups []analysis.SynonymGroup, changes int64, err error) {
	err = s.Transact(ctx, func(tx *Store) error {
		if err := tx.db.QueryRow(ctx, `SELECT changes FROM synonyms_state`).Scan(&changes); err != nil {
			return fmt.Errorf("synonym changes: %w", err)
		}
		list, err := tx.Synonyms(ctx)
		for _, x := range list {
			groups = append(groups, x.Group())
		}
		return err
	})
	return groups, changes, err
}

// SynonymChanges is how many times the synonym table changed.
func (s *Store) SynonymChanges(ctx context.Context) (int64, error) {
	var n int64
	if err := s.db.QueryRow(ctx, `SELECT changes FROM synonyms_state`).Scan(&n); err != nil {
		return 0, fmt.Errorf("synonym changes: %w", err)
	}
	return n, nil
}

func normalizeSynonym(g analysis.SynonymGroup) (analysis.SynonymGroup, error) {
	n, err := g.Normalize()
	if err != nil {
		return n, &InvalidError{Reason: err.Error(), Err: err}
	}
	if n.Expansions == nil {
		n.Expansions = []string{}
	}
	return n, nil
}

// CreateSynonym adds a group to the synonym table.
func (s *Store) CreateSynonym(ctx context.Context, g analysis.SynonymGroup) (*Synonym, error) {
	g, err := normalizeSynonym(g)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `INSERT INTO synonyms (terms, expansions) VALUES ($1, $2) RETURNING `+synonymColumns,
		g.Terms, g.Expansions)
	return one[Synonym](rows, err, "create synonym")
}

// UpdateSynonym replaces a group's terms and expansions.
func (s *Store) UpdateSynonym(ctx context.Context, id int64, g analysis.SynonymGroup) (*Synonym, error) {
	g, err := normalizeSynonym(g)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `UPDATE synonyms SET terms = $2, expansions = $3, updated_at = now()
		WHERE id = $1 RETURNING `+synonymColumns, id, g.Terms, g.Expansions)
	return one[Synonym](rows, err, fmt.Sprintf("update synonym %d", id))
}

// DeleteSynonym removes a group.
func (s *Store) DeleteSynonym(ctx context.Context, id int64) error {
	tag, err := s.db.Exec(ctx, `DELETE FROM synonyms WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("delete synonym %d: %w", id, classify(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("delete synonym %d: %w", id, ErrNotFound)
	}
	return nil
}

// ImportSynonyms adds the groups the table does not hold yet (the same terms and expansions,
// after normalising) in one transaction, or with replace, makes the table exactly groups. It
// returns how many groups it added.
func (s *Store) ImportSynonyms(ctx context.Context, groups []analysis.SynonymGroup, replace bool) (added int, err error) {
	err = s.Transact(ctx, func(tx *Store) error {
		// One import at a time: two would both add what neither saw.
		if _, err := tx.db.Exec(ctx, `SELECT 1 FROM synonyms_state FOR UPDATE`); err != nil {
			return fmt.Errorf("import synonyms: %w", err)
		}
		if replace {
			if _, err := tx.db.Exec(ctx, `DELETE FROM synonyms`); err != nil {
				return fmt.Errorf("import synonyms: %w", err)
			}
		}
		have := map[string]bool{}
		list, err := tx.Synonyms(ctx)
		if err != nil {
			return err
		}
		for _, x := range list {
			have[x.Group().String()] = true
		}
		for i, g := range groups {
			n, err := normalizeSynonym(g)
			if err != nil {
				return fmt.Errorf("group %d (%s): %w", i+1, g.String(), err)
			}
			if have[n.String()] {
				continue
			}
			have[n.String()] = true
			if _, err := tx.CreateSynonym(ctx, n); err != nil {
				return err
			}
			added++
		}
		return nil
	})
	return added, err
}

// ErrStarterLoaded says the starter synonyms were installed before.
var ErrStarterLoaded = errors.New("the starter synonyms were installed before")

// InstallStarterSynonyms adds the synonym list the product ships with, once per database:
// afterwards the table is the staff's, and a group they delete stays deleted.
func (s *Store) InstallStarterSynonyms(ctx context.Context, groups []analysis.SynonymGroup) (added int, err error) {
	err = s.Transact(ctx, func(tx *Store) error {
		var loaded *time.Time
		if err := tx.db.QueryRow(ctx, `SELECT starter_loaded_at FROM synonyms_state FOR UPDATE`).Scan(&loaded); err != nil {
			return fmt.Errorf("starter synonyms: %w", err)
		}
		if loaded != nil {
			return ErrStarterLoaded
		}
		if added, err = tx.ImportSynonyms(ctx, groups, false); err != nil {
			return err
		}
		_, err := tx.db.Exec(ctx, `UPDATE synonyms_state SET starter_loaded_at = now()`)
		return err
	})
	return added, err
}
