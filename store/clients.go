package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Client is a customer company.
type Client struct {
	ID                 int64      `db:"id" json:"id"`
	Name               string     `db:"name" json:"name"`
	SLAResponseMinutes int        `db:"sla_response_minutes" json:"sla_response_minutes"`
	ContractEnd        *time.Time `db:"contract_end" json:"contract_end,omitempty"`
	CreatedAt          time.Time  `db:"created_at" json:"created_at"`
	UpdatedAt          time.Time  `db:"updated_at" json:"updated_at"`
	Version            int64      `db:"version" json:"version"`
}

const clientColumns = `id, name, sla_response_minutes, contract_end, created_at, updated_at, version`

// CreateClient inserts a client and returns it as stored.
func (s *Store) CreateClient(ctx context.Context, name string, slaMinutes int, contractEnd *time.Time) (*Client, error) {
	rows, err := s.db.Query(ctx, `INSERT INTO clients (name, sla_response_minutes, contract_end)
		VALUES ($1, $2, $3) RETURNING `+clientColumns, name, slaMinutes, contractEnd)
	return one[Client](rows, err, "create client")
}

// Client returns the client with the given id.
func (s *Store) Client(ctx context.Context, id int64) (*Client, error) {
	rows, err := s.db.Query(ctx, `SELECT `+clientColumns+` FROM clients WHERE id = $1`, id)
	return one[Client](rows, err, fmt.Sprintf("client %d", id))
}

// Clients lists every client by name.
func (s *Store) Clients(ctx context.Context) ([]Client, error) {
	rows, err := s.db.Query(ctx, `SELECT `+clientColumns+` FROM clients ORDER BY lower(name), id`)
	return all[Client](rows, err, "list clients")
}

// RenameClient changes a client's name; every ticket of the client is re-indexed with it.
func (s *Store) RenameClient(ctx context.Context, id int64, name string) (*Client, error) {
	rows, err := s.db.Query(ctx, `UPDATE clients SET name = $2, updated_at = now() WHERE id = $1
		RETURNING `+clientColumns, id, name)
	return one[Client](rows, err, fmt.Sprintf("rename client %d", id))
}

// one collects exactly one row into T, mapping no rows to ErrNotFound and constraint
// violations to sentinel errors; what names the operation in the error.
func one[T any](rows pgx.Rows, err error, what string) (*T, error) {
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, classify(err))
	}
	v, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByNameLax[T])
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, classify(err))
	}
	return v, nil
}

// all collects every row into T.
func all[T any](rows pgx.Rows, err error, what string) ([]T, error) {
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, classify(err))
	}
	v, err := pgx.CollectRows(rows, pgx.RowToStructByNameLax[T])
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, classify(err))
	}
	return v, nil
}
