package store

import (
	"context"
	"fmt"
	"strings"
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
	Active             bool       `db:"active" json:"active"` // an inactive client opens no new tickets
	UpdatedAt          time.Time  `db:"updated_at" json:"updated_at"`
	Version            int64      `db:"version" json:"version"`
}

const clientColumns = `id, name, sla_response_minutes, contract_end, active, created_at, updated_at, version`

// Limits of a client's fields (the schema's CHECKs say the same).
const (
	MaxClientName = 200
	MaxSLAMinutes = 7 * 24 * 60
)

// CreateClient inserts a client and returns it as stored. A blank or long name or an SLA
// outside 1 minute to 7 days is InvalidError; a name taken (in any case) is ErrConflict.
func (s *Store) CreateClient(ctx context.Context, name string, slaMinutes int, contractEnd *time.Time) (*Client, error) {
	name = strings.TrimSpace(name)
	if err := checkClient(&name, &slaMinutes); err != nil {
		return nil, fmt.Errorf("create client: %w", err)
	}
	rows, err := s.db.Query(ctx, `INSERT INTO clients (name, sla_response_minutes, contract_end)
		VALUES ($1, $2, $3) RETURNING `+clientColumns, name, slaMinutes, contractEnd)
	return one[Client](rows, err, "create client")
}

func checkClient(name *string, slaMinutes *int) error {
	if name != nil && (strings.TrimSpace(*name) == "" || TooLong(*name, MaxClientName)) {
		return Invalid("name", "a client's name is 1 to %d characters", MaxClientName)
	}
	if slaMinutes != nil && (*slaMinutes < 1 || *slaMinutes > MaxSLAMinutes) {
		return Invalid("sla_response_minutes", "must be from 1 to %d minutes", MaxSLAMinutes)
	}
	return nil
}

// ClientPatch holds what an update changes; nil fields stay as they are.
type ClientPatch struct {
	Name               *string
	SLAResponseMinutes *int
	ContractEnd        *time.Time
	ClearContractEnd   bool
	Active             *bool
	IfVersion          *int64 // as TicketPatch's
}

// UpdateClient applies a patch. A new name or SLA re-indexes the client's tickets.
func (s *Store) UpdateClient(ctx context.Context, id int64, p ClientPatch) (*Client, error) {
	if p.Name != nil {
		trimmed := strings.TrimSpace(*p.Name)
		p.Name = &trimmed
	}
	if err := checkClient(p.Name, p.SLAResponseMinutes); err != nil {
		return nil, fmt.Errorf("update client %d: %w", id, err)
	}
	var out *Client
	err := s.Transact(ctx, func(tx *Store) error {
		rows, err := tx.db.Query(ctx, `SELECT `+clientColumns+` FROM clients WHERE id = $1 FOR UPDATE`, id)
		cur, err := one[Client](rows, err, fmt.Sprintf("client %d", id))
		if err != nil {
			return err
		}
		if p.IfVersion != nil && *p.IfVersion != cur.Version {
			return fmt.Errorf("update client %d: %w", id, Conflict("it changed since version %d (now %d)", *p.IfVersion, cur.Version))
		}
		rows, err = tx.db.Query(ctx, `UPDATE clients SET
				name                 = coalesce($2, name),
				sla_response_minutes = coalesce($3, sla_response_minutes),
				contract_end         = CASE WHEN $5 THEN NULL ELSE coalesce($4, contract_end) END,
				active               = coalesce($6, active),
				updated_at           = now()
			WHERE id = $1 RETURNING `+clientColumns, id, p.Name, p.SLAResponseMinutes, p.ContractEnd, p.ClearContractEnd, p.Active)
		out, err = one[Client](rows, err, fmt.Sprintf("update client %d", id))
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
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
	return s.UpdateClient(ctx, id, ClientPatch{Name: &name})
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
