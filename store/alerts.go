package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Alert warns staff about a ticket, for now about its SLA.
type Alert struct {
	ID             int64      `db:"id" json:"id"`
	TicketID       int64      `db:"ticket_id" json:"ticket_id"`
	Type           string     `db:"type" json:"type"`
	Severity       string     `db:"severity" json:"severity"`
	Message        string     `db:"message" json:"message"`
	CreatedAt      time.Time  `db:"created_at" json:"created_at"`
	AcknowledgedAt *time.Time `db:"acknowledged_at" json:"acknowledged_at"`
	AcknowledgedBy *int64     `db:"acknowledged_by" json:"acknowledged_by"`
	ResolvedAt     *time.Time `db:"resolved_at" json:"resolved_at"`
	ResolvedBy     *int64     `db:"resolved_by" json:"resolved_by"` // null when the SLA check resolved it
}

const alertColumns = `id, ticket_id, type, severity, message, created_at, acknowledged_at, acknowledged_by, resolved_at, resolved_by`

// The states a person moves an alert to.
const (
	AlertAcknowledged = "acknowledged"
	AlertResolved     = "resolved"
)

// HandleAlert records that a person acknowledged or resolved an alert (resolving acknowledges
// too). Doing it again changes nothing: the first person and time stay.
func (s *Store) HandleAlert(ctx context.Context, id, userID int64, state string) (*Alert, error) {
	if state != AlertAcknowledged && state != AlertResolved {
		return nil, Invalid("state", "must be %s or %s", AlertAcknowledged, AlertResolved)
	}
	resolve := state == AlertResolved
	rows, err := s.db.Query(ctx, `UPDATE alerts SET
			acknowledged_at = coalesce(acknowledged_at, now()),
			acknowledged_by = CASE WHEN acknowledged_at IS NULL THEN $2 ELSE acknowledged_by END,
			resolved_at     = CASE WHEN $3 THEN coalesce(resolved_at, now()) ELSE resolved_at END,
			resolved_by     = CASE WHEN $3 AND resolved_at IS NULL THEN $2 ELSE resolved_by END
		WHERE id = $1 RETURNING `+alertColumns, id, userID, resolve)
	return one[Alert](rows, err, fmt.Sprintf("alert %d", id))
}

// RaiseAlert records an alert unless the ticket already has one of that type, and queues the
// event of a new one in the same transaction (typ is EventSLAWarning or EventSLABreached);
// it reports whether a new alert was written.
func (s *Store) RaiseAlert(ctx context.Context, ticketID int64, typ, severity, message string) (*Alert, bool, error) {
	var a *Alert
	err := s.Transact(ctx, func(tx *Store) error {
		rows, err := tx.db.Query(ctx, `INSERT INTO alerts (ticket_id, type, severity, message)
			VALUES ($1, $2, $3, $4) ON CONFLICT (ticket_id, type) DO NOTHING RETURNING `+alertColumns,
			ticketID, typ, severity, message)
		if a, err = one[Alert](rows, err, fmt.Sprintf("raise alert on ticket %d", ticketID)); err != nil {
			return err
		}
		return tx.Enqueue(ctx, EventArgs{Event: typ, TicketID: ticketID, AlertID: a.ID})
	})
	if errors.Is(err, ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return a, true, nil
}

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

// SLACandidate is an open ticket still waiting for its first response, with its deadline.
type SLACandidate struct {
	TicketID      int64     `db:"ticket_id"`
	Title         string    `db:"title"`
	ClientName    string    `db:"client_name"`
	Priority      string    `db:"priority"`
	Due           time.Time `db:"due"`
	AssigneeEmail *string   `db:"assignee_email"`
}

// SLACandidates lists open tickets without a first response whose deadline (created_at plus
// the client's SLA) falls before now+horizon, overdue ones included, soonest first.
func (s *Store) SLACandidates(ctx context.Context, now time.Time, horizon time.Duration) ([]SLACandidate, error) {
	rows, err := s.db.Query(ctx, `SELECT t.id AS ticket_id, t.title, c.name AS client_name, t.priority,
			ticket_sla_due(t.created_at, t.first_response_at, t.status, c.sla_response_minutes) AS due, u.email AS assignee_email
		FROM tickets t JOIN clients c ON c.id = t.client_id LEFT JOIN users u ON u.id = t.assignee_id
		WHERE ticket_open(t.status) AND t.first_response_at IS NULL
		  AND ticket_sla_due(t.created_at, t.first_response_at, t.status, c.sla_response_minutes) <= $1
		ORDER BY due, t.id`, now.Add(horizon))
	return all[SLACandidate](rows, err, "sla candidates")
}

// ResolveAnsweredAlerts closes the open alerts of tickets that got their first response or
// were closed, and returns how many.
func (s *Store) ResolveAnsweredAlerts(ctx context.Context, now time.Time) (int64, error) {
	tag, err := s.db.Exec(ctx, `UPDATE alerts a SET resolved_at = $1 FROM tickets t
		WHERE a.ticket_id = t.id AND a.resolved_at IS NULL
		  AND (t.first_response_at IS NOT NULL OR NOT ticket_open(t.status))`, now)
	if err != nil {
		return 0, fmt.Errorf("resolve alerts: %w", err)
	}
	return tag.RowsAffected(), nil
}

// Alert returns the alert with the given id.
func (s *Store) Alert(ctx context.Context, id int64) (*Alert, error) {
	rows, err := s.db.Query(ctx, `SELECT `+alertColumns+` FROM alerts WHERE id = $1`, id)
	return one[Alert](rows, err, fmt.Sprintf("alert %d", id))
}

// HasAlert reports whether the ticket has an alert of the type, resolved or not.
func (s *Store) HasAlert(ctx context.Context, ticketID int64, typ string) (bool, error) {
	var ok bool
	err := s.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM alerts WHERE ticket_id = $1 AND type = $2)`, ticketID, typ).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("alerts of ticket %d: %w", ticketID, err)
	}
	return ok, nil
}

// SLADue returns when the ticket's first response is due (nil once answered or closed).
func (s *Store) SLADue(ctx context.Context, ticketID int64) (*time.Time, error) {
	var due *time.Time
	err := s.db.QueryRow(ctx, `SELECT ticket_sla_due(t.created_at, t.first_response_at, t.status, c.sla_response_minutes)
		FROM tickets t JOIN clients c ON c.id = t.client_id WHERE t.id = $1`, ticketID).Scan(&due)
	if err != nil {
		return nil, fmt.Errorf("sla of ticket %d: %w", ticketID, classify(err))
	}
	return due, nil
}
