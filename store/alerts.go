package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Alert warns staff about a ticket, for now about its SLA.
type Alert struct {
	ID         int64      `db:"id" json:"id"`
	TicketID   int64      `db:"ticket_id" json:"ticket_id"`
	Type       string     `db:"type" json:"type"`
	Severity   string     `db:"severity" json:"severity"`
	Message    string     `db:"message" json:"message"`
	CreatedAt  time.Time  `db:"created_at" json:"created_at"`
	ResolvedAt *time.Time `db:"resolved_at" json:"resolved_at,omitempty"`
}

const alertColumns = `id, ticket_id, type, severity, message, created_at, resolved_at`

// RaiseAlert records an alert unless the ticket already has one of that type; it reports
// whether a new alert was written.
func (s *Store) RaiseAlert(ctx context.Context, ticketID int64, typ, severity, message string) (*Alert, bool, error) {
	rows, err := s.db.Query(ctx, `INSERT INTO alerts (ticket_id, type, severity, message)
		VALUES ($1, $2, $3, $4) ON CONFLICT (ticket_id, type) DO NOTHING RETURNING `+alertColumns,
		ticketID, typ, severity, message)
	a, err := one[Alert](rows, err, fmt.Sprintf("raise alert on ticket %d", ticketID))
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, false, nil
		}
		return nil, false, err
	}
	return a, true, nil
}

// OpenAlerts lists unresolved alerts, newest first.
func (s *Store) OpenAlerts(ctx context.Context, limit int) ([]Alert, error) {
	rows, err := s.db.Query(ctx, `SELECT `+alertColumns+` FROM alerts WHERE resolved_at IS NULL
		ORDER BY created_at DESC, id DESC LIMIT $1`, limit)
	return all[Alert](rows, err, "open alerts")
}

// Alerts lists alerts newest first (open ones only unless all), with the total.
func (s *Store) Alerts(ctx context.Context, openOnly bool, limit, offset int) ([]Alert, int64, error) {
	var total int64
	if err := s.db.QueryRow(ctx, `SELECT count(*) FROM alerts WHERE NOT $1 OR resolved_at IS NULL`, openOnly).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count alerts: %w", err)
	}
	rows, err := s.db.Query(ctx, `SELECT `+alertColumns+` FROM alerts WHERE NOT $1 OR resolved_at IS NULL
		ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3`, openOnly, limit, offset)
	list, err := all[Alert](rows, err, "list alerts")
	return list, total, err
}
