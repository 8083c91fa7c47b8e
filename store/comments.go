package store

import (
	"context"
	"fmt"
	"time"
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
	rows, err := s.db.Query(ctx, `INSERT INTO comments (ticket_id, author_id, body, internal, search_vec, vec_source, vec_version)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING `+commentColumns, ticketID, authorID, body, internal, vec, src, vectorVersion)
	return one[Comment](rows, err, fmt.Sprintf("comment on ticket %d", ticketID))
}

// Comments lists a ticket's comments oldest first; internal ones only when asked for.
func (s *Store) Comments(ctx context.Context, ticketID int64, withInternal bool) ([]Comment, error) {
	rows, err := s.db.Query(ctx, `SELECT `+commentColumns+` FROM comments
		WHERE ticket_id = $1 AND ($2 OR NOT internal) ORDER BY created_at, id`, ticketID, withInternal)
	return all[Comment](rows, err, fmt.Sprintf("comments of ticket %d", ticketID))
}

// CommentView is a comment with its author, as a ticket page shows it.
type CommentView struct {
	Comment
	AuthorName string `db:"author_name" json:"author_name"`
	AuthorRole string `db:"author_role" json:"author_role"`
}

// CommentViews lists a ticket's comments with their authors, oldest first; internal ones only
// when asked for.
func (s *Store) CommentViews(ctx context.Context, ticketID int64, withInternal bool) ([]CommentView, error) {
	rows, err := s.db.Query(ctx, `SELECT `+prefixed("c.", commentColumns)+`, u.name AS author_name, u.role AS author_role
		FROM comments c JOIN users u ON u.id = c.author_id
		WHERE c.ticket_id = $1 AND ($2 OR NOT c.internal) ORDER BY c.created_at, c.id`, ticketID, withInternal)
	return all[CommentView](rows, err, fmt.Sprintf("comments of ticket %d", ticketID))
}
