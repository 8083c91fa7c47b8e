package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"helpdesk/auth"
	"helpdesk/search"
)

// Comment is a message on a ticket; internal comments are for staff only.
type Comment struct {
	ID        int64     `db:"id" json:"id"`
	TicketID  int64     `db:"ticket_id" json:"ticket_id"`
	AuthorID  int64     `db:"author_id" json:"author_id"`
	Body      string    `db:"body" json:"body"`
	Internal  bool      `db:"internal" json:"internal"`
	CreatedAt time.Time `db:"created_at" json:"created_at"`
}

const commentColumns = `id, ticket_id, author_id, body, internal, created_at`

// AddComment adds a comment to a ticket. The database touches the ticket (new version, outbox
// row) and stamps its first response when this is the first public reply from staff.
func (s *Store) AddComment(ctx context.Context, ticketID, authorID int64, body string, internal bool) (*Comment, error) {
	vec, src := commentVector(s.an, body, internal)
	var c *Comment
	err := s.Transact(ctx, func(tx *Store) error {
		rows, err := tx.db.Query(ctx, `INSERT INTO comments (ticket_id, author_id, body, internal, search_vec, vec_source, vec_version)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING `+commentColumns, ticketID, authorID, body, internal, vec, src, vectorVersion)
		if c, err = one[Comment](rows, err, fmt.Sprintf("comment on ticket %d", ticketID)); err != nil || internal {
			return err
		}
		// A staff answer the client can read is news for the client.
		var staff bool
		if err := tx.db.QueryRow(ctx, `SELECT role IN ('agent', 'admin') FROM users WHERE id = $1`, authorID).Scan(&staff); err != nil {
			return fmt.Errorf("comment on ticket %d: author: %w", ticketID, err)
		}
		if !staff {
			return nil
		}
		return tx.Enqueue(ctx, EventArgs{Event: EventPublicReply, TicketID: ticketID, CommentID: c.ID, ActorID: authorID})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Comment returns the comment with the given id, whoever asks; callers apply access rules.
func (s *Store) Comment(ctx context.Context, id int64) (*Comment, error) {
	rows, err := s.db.Query(ctx, `SELECT `+commentColumns+` FROM comments WHERE id = $1`, id)
	return one[Comment](rows, err, fmt.Sprintf("comment %d", id))
}

// Comments lists the comments v may see of a ticket v may see, oldest first: internal ones for
// staff only.
func (s *Store) Comments(ctx context.Context, v search.Viewer, ticketID int64) ([]Comment, error) {
	sql, args := commentsOf(v, ticketID, prefixed("c.", commentColumns), "")
	rows, err := s.db.Query(ctx, sql, args...)
	return all[Comment](rows, err, fmt.Sprintf("comments of ticket %d", ticketID))
}

// commentsOf is the query of the comments v may see of ticket ticketID, selecting columns,
// with joins.
func commentsOf(v search.Viewer, ticketID int64, columns, joins string) (string, []any) {
	p := params{ticketID, v.SeesInternal()}
	where := append([]string{"c.ticket_id = $1", "($2 OR NOT c.internal)"}, TicketAccess(v, "t", p.add)...)
	return `SELECT ` + columns + ` FROM comments c JOIN tickets t ON t.id = c.ticket_id ` + joins + `
		WHERE ` + strings.Join(where, " AND ") + ` ORDER BY c.created_at, c.id`, p
}

// CommentView is a comment with its author, as a ticket page shows it.
type CommentView struct {
	Comment
	AuthorName string    `db:"author_name" json:"author_name"`
	AuthorRole auth.Role `db:"author_role" json:"author_role"`
}

// CommentViews is Comments with their authors, as a ticket page shows them.
func (s *Store) CommentViews(ctx context.Context, v search.Viewer, ticketID int64) ([]CommentView, error) {
	return onReplica(ctx, s, func(s *Store) ([]CommentView, error) {
		sql, args := commentsOf(v, ticketID, prefixed("c.", commentColumns)+`, u.name AS author_name, u.role AS author_role`,
			`JOIN users u ON u.id = c.author_id`)
		rows, err := s.db.Query(ctx, sql, args...)
		return all[CommentView](rows, err, fmt.Sprintf("comments of ticket %d", ticketID))
	})
}
