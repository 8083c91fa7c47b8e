package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"helpdesk/search"
	"helpdesk/ticket"
)

// Ticket is a support request from a client.
type Ticket struct {
	ID              int64      `db:"id" json:"id"`
	ClientID        int64      `db:"client_id" json:"client_id"`
	Title           string     `db:"title" json:"title"`
	Description     string     `db:"description" json:"description"`
	Status          string     `db:"status" json:"status"`
	Priority        string     `db:"priority" json:"priority"`
	Category        string     `db:"category" json:"category"`
	Tags            []string   `db:"tags" json:"tags"`
	AssigneeID      *int64     `db:"assignee_id" json:"assignee_id"`
	CreatedBy       int64      `db:"created_by" json:"created_by"`
	CreatedAt       time.Time  `db:"created_at" json:"created_at"`
	UpdatedAt       time.Time  `db:"updated_at" json:"updated_at"`
	FirstResponseAt *time.Time `db:"first_response_at" json:"first_response_at"`
	ResolvedAt      *time.Time `db:"resolved_at" json:"resolved_at"`
	Version         int64      `db:"version" json:"version"`
}

const ticketColumns = `id, client_id, title, description, status, priority, category, tags, assignee_id,
	created_by, created_at, updated_at, first_response_at, resolved_at, version`

// NewTicket is what opening a ticket needs.
type NewTicket struct {
	ClientID    int64
	CreatedBy   int64
	AssigneeID  *int64
	Title       string
	Description string
	Priority    string // empty means medium
	Category    string // empty means general
	Tags        []string
}

// CreateTicket opens a ticket.
func (s *Store) CreateTicket(ctx context.Context, t NewTicket) (*Ticket, error) {
	if t.Priority == "" {
		t.Priority = ticket.DefaultPriority
	}
	if t.Category == "" {
		t.Category = DefaultCategory
	}
	if t.Tags == nil {
		t.Tags = []string{}
	}
	var out *Ticket
	err := s.Transact(ctx, func(tx *Store) error {
		// The client and the category, checked in one round trip.
		var active *bool
		var slug *string
		if err := tx.db.QueryRow(ctx, `SELECT (SELECT active FROM clients WHERE id = $1), `+activeCategoryNamed(2),
			t.ClientID, categoryKey(t.Category)).Scan(&active, &slug); err != nil {
			return fmt.Errorf("create ticket: %w", classify(err))
		}
		switch {
		case active == nil:
			return Invalid("client_id", "no client %d", t.ClientID)
		case !*active:
			return Invalid("client_id", "client %d is inactive: it opens no new tickets", t.ClientID)
		case slug == nil:
			return tx.unknownCategory(ctx, t.Category)
		}
		t.Category = *slug
		if err := tx.checkAssignable(ctx, t.AssigneeID); err != nil {
			return err
		}
		vec, src := ticketVector(tx.an, t.Title, t.Description)
		rows, err := tx.db.Query(ctx, `INSERT INTO tickets
			(client_id, created_by, assignee_id, title, description, priority, category, tags, text_vec, vec_source, vec_version)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING `+ticketColumns,
			t.ClientID, t.CreatedBy, t.AssigneeID, t.Title, t.Description, t.Priority, t.Category, t.Tags, vec, src, vectorVersion)
		if out, err = one[Ticket](rows, err, "create ticket"); err != nil {
			return err
		}
		events := []river.JobArgs{EventArgs{Event: EventTicketCreated, TicketID: out.ID, ActorID: t.CreatedBy}}
		if t.AssigneeID != nil && *t.AssigneeID != t.CreatedBy {
			events = append(events, EventArgs{Event: EventTicketAssigned, TicketID: out.ID, UserID: *t.AssigneeID, ActorID: t.CreatedBy})
		}
		return tx.Enqueue(ctx, events...)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Ticket returns the ticket with the given id, whoever asks; callers apply access rules.
func (s *Store) Ticket(ctx context.Context, id int64) (*Ticket, error) {
	return onReplica(ctx, s, func(s *Store) (*Ticket, error) {
		rows, err := s.db.Query(ctx, `SELECT `+ticketColumns+` FROM tickets WHERE id = $1`, id)
		return one[Ticket](rows, err, fmt.Sprintf("ticket %d", id))
	})
}

// TicketPatch holds the fields an update changes; nil fields stay as they are.
type TicketPatch struct {
	Title         *string
	Description   *string
	Status        *string
	Priority      *string
	Category      *string
	Tags          *[]string
	AssigneeID    *int64 // with ClearAssignee false: assign to this user
	ClearAssignee bool
	// IfVersion, when set, makes the update fail with ErrConflict unless the ticket still has
	// this version (optimistic locking for clients that send back what they read).
	IfVersion *int64
	// Actor is who makes the change (0: the system); people are not told of their own
	// assignments.
	Actor int64
}

// UpdateTicket applies a patch and returns the ticket as stored.
func (s *Store) UpdateTicket(ctx context.Context, id int64, p TicketPatch) (*Ticket, error) {
	var out *Ticket
	err := s.Transact(ctx, func(tx *Store) error {
		cur, err := tx.lockTicket(ctx, id)
		if err != nil {
			return err
		}
		if p.IfVersion != nil && *p.IfVersion != cur.Version {
			return fmt.Errorf("update ticket %d: %w", id, Conflict("it changed since version %d (now %d)", *p.IfVersion, cur.Version))
		}
		if !p.ClearAssignee {
			if err := tx.checkAssignable(ctx, p.AssigneeID); err != nil {
				return err
			}
		}
		// A ticket keeps a retired category; moving it takes an active one.
		if p.Category != nil && *p.Category != cur.Category {
			slug, err := tx.resolveCategory(ctx, *p.Category)
			if err != nil {
				return err
			}
			p.Category = &slug
		}
		var tags []string
		if p.Tags != nil {
			tags = *p.Tags
			if tags == nil {
				tags = []string{}
			}
		}
		title, description := cur.Title, cur.Description
		if p.Title != nil {
			title = *p.Title
		}
		if p.Description != nil {
			description = *p.Description
		}
		vec, src := ticketVector(tx.an, title, description)
		rows, err := tx.db.Query(ctx, `UPDATE tickets SET
				title       = $2,
				description = $3,
				text_vec    = $10,
				vec_source  = $11,
				vec_version = $12,
				status      = coalesce($4, status),
				priority    = coalesce($5, priority),
				category    = coalesce($6, category),
				tags        = coalesce($7, tags),
				assignee_id = CASE WHEN $9 THEN NULL ELSE coalesce($8, assignee_id) END,
				updated_at  = greatest(now(), created_at)
			WHERE id = $1 RETURNING `+ticketColumns,
			id, title, description, p.Status, p.Priority, p.Category, tags, p.AssigneeID, p.ClearAssignee, vec, src, vectorVersion)
		if out, err = one[Ticket](rows, err, fmt.Sprintf("update ticket %d", id)); err != nil {
			return err
		}
		if a := out.AssigneeID; a != nil && (cur.AssigneeID == nil || *cur.AssigneeID != *a) && *a != p.Actor {
			return tx.Enqueue(ctx, EventArgs{Event: EventTicketAssigned, TicketID: id, UserID: *a, ActorID: p.Actor})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteTicket removes a ticket with its comments and alerts.
func (s *Store) DeleteTicket(ctx context.Context, id int64) error {
	tag, err := s.db.Exec(ctx, `DELETE FROM tickets WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("delete ticket %d: %w", id, classify(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("delete ticket %d: %w", id, ErrNotFound)
	}
	return nil
}

func (s *Store) lockTicket(ctx context.Context, id int64) (*Ticket, error) {
	rows, err := s.db.Query(ctx, `SELECT `+ticketColumns+` FROM tickets WHERE id = $1 FOR UPDATE`, id)
	return one[Ticket](rows, err, fmt.Sprintf("ticket %d", id))
}

// checkAssignable rejects assigning a ticket to a client user: only staff work tickets.
func (s *Store) checkAssignable(ctx context.Context, userID *int64) error {
	if userID == nil {
		return nil
	}
	u, err := s.User(ctx, *userID)
	if err != nil {
		return Invalid("assignee", "no user %d", *userID)
	}
	if !u.IsStaff() {
		return Invalid("assignee", "user %d is not an agent or admin", *userID)
	}
	return nil
}

// TicketFilter narrows a ticket list; ClientID, when set, is the access rule for a client user.
type TicketFilter struct {
	Status      []string
	Priority    []string
	ClientIDs   []int64
	Categories  []string
	AssigneeIDs []int64
	Tags        []string
	Limit       int
	Offset      int
}

// Tickets lists the tickets v may see that pass f, newest first (ties by id), with the total.
func (s *Store) Tickets(ctx context.Context, v search.Viewer, f TicketFilter) ([]Ticket, int64, error) {
	page, err := onReplica(ctx, s, func(s *Store) (counted[Ticket], error) {
		list, total, err := s.tickets(ctx, v, f)
		return counted[Ticket]{list, total}, err
	})
	return page.list, page.total, err
}

func (s *Store) tickets(ctx context.Context, v search.Viewer, f TicketFilter) ([]Ticket, int64, error) {
	var p params
	where := append([]string{"true"}, TicketAccess(v, "tickets", p.add)...)
	if len(f.Status) > 0 {
		where = append(where, "status = ANY("+p.add(f.Status)+")")
	}
	if len(f.Priority) > 0 {
		where = append(where, "priority = ANY("+p.add(f.Priority)+")")
	}
	if len(f.ClientIDs) > 0 {
		where = append(where, "client_id = ANY("+p.add(f.ClientIDs)+")")
	}
	if len(f.Categories) > 0 {
		where = append(where, "category = ANY("+p.add(f.Categories)+")")
	}
	if len(f.AssigneeIDs) > 0 {
		where = append(where, "assignee_id = ANY("+p.add(f.AssigneeIDs)+")")
	}
	if len(f.Tags) > 0 {
		where = append(where, "tags @> "+p.add(f.Tags)+"::text[]")
	}
	cond := strings.Join(where, " AND ")
	var total int64
	if err := s.db.QueryRow(ctx, `SELECT count(*) FROM tickets WHERE `+cond, p...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count tickets: %w", classify(err))
	}
	// The statement first, then its arguments: p grows as it is written.
	list := `SELECT ` + ticketColumns + ` FROM tickets WHERE ` + cond + `
		ORDER BY created_at DESC, id DESC LIMIT ` + p.add(f.Limit) + ` OFFSET ` + p.add(f.Offset)
	rows, err := s.db.Query(ctx, list, p...)
	tickets, err := all[Ticket](rows, err, "list tickets")
	return tickets, total, err
}
