package store

import (
	"context"
	"fmt"
	"time"
)

// TicketDoc is a ticket's current state with everything its search document holds.
type TicketDoc struct {
	Ticket
	ClientName string `db:"client_name"`
	// SLADue is when its first response is due, while it waits for one (ticket_sla_due).
	SLADue       *time.Time `db:"sla_due"`
	AssigneeName *string    `db:"assignee_name"`
	// The bodies of the public and of the internal comments, oldest first.
	Comments []string `db:"comments"`
	Internal []string `db:"internal"`
}

// TicketDocs loads the current state of the tickets with these ids, in one query. Ids with no
// row (deleted tickets) are absent from the result. Comments come as arrays, which the binary
// protocol carries far more cheaply than JSON (a reindex loads millions).
func (s *Store) TicketDocs(ctx context.Context, ids []int64) ([]TicketDoc, error) {
	rows, err := s.db.Query(ctx, `SELECT `+prefixed("t.", ticketColumns)+`,
			c.name AS client_name, ticket_sla_due(t.created_at, t.first_response_at, t.status, c.sla_response_minutes) AS sla_due,
			u.name AS assignee_name,
			coalesce((SELECT array_agg(m.body ORDER BY m.created_at, m.id) FROM comments m
			          WHERE m.ticket_id = t.id AND NOT m.internal), '{}') AS comments,
			coalesce((SELECT array_agg(m.body ORDER BY m.created_at, m.id) FROM comments m
			          WHERE m.ticket_id = t.id AND m.internal), '{}') AS internal
		FROM tickets t
		JOIN clients c ON c.id = t.client_id
		LEFT JOIN users u ON u.id = t.assignee_id
		WHERE t.id = ANY($1)
		ORDER BY t.id`, ids)
	return all[TicketDoc](rows, err, fmt.Sprintf("load %d ticket documents", len(ids)))
}

// ArticleDocs loads the current state of the KB articles with these ids; deleted ones are absent.
func (s *Store) ArticleDocs(ctx context.Context, ids []int64) ([]Article, error) {
	rows, err := s.db.Query(ctx, articleSelect+` WHERE a.id = ANY($1) ORDER BY a.id`, ids)
	return all[Article](rows, err, fmt.Sprintf("load %d article documents", len(ids)))
}

// OutboxStats describes the indexer's backlog.
type OutboxStats struct {
	Pending   int64         // outbox rows not yet indexed
	OldestAge time.Duration // age of the oldest pending row; zero when none
}

// OutboxStats reports the size and age of the change backlog.
func (s *Store) OutboxStats(ctx context.Context) (OutboxStats, error) {
	var st OutboxStats
	var oldest *time.Time
	var now time.Time
	err := s.db.QueryRow(ctx, `SELECT count(*), min(created_at), clock_timestamp() FROM search_outbox`).
		Scan(&st.Pending, &oldest, &now)
	if err != nil {
		return st, fmt.Errorf("outbox stats: %w", err)
	}
	if oldest != nil {
		st.OldestAge = now.Sub(*oldest)
	}
	return st, nil
}

// Counts are the number of rows of each searchable kind.
type Counts struct {
	Clients, Users, Tickets, Comments, Articles int64
}

// Counts returns how many rows each searchable table holds.
func (s *Store) Counts(ctx context.Context) (Counts, error) {
	var c Counts
	err := s.db.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM clients), (SELECT count(*) FROM users), (SELECT count(*) FROM tickets),
		(SELECT count(*) FROM comments), (SELECT count(*) FROM kb_articles)`).
		Scan(&c.Clients, &c.Users, &c.Tickets, &c.Comments, &c.Articles)
	if err != nil {
		return c, fmt.Errorf("count rows: %w", err)
	}
	return c, nil
}
