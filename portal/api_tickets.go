package portal

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"helpdesk/store"
	"helpdesk/ticket"
)

func (s *Server) apiListTickets(c *fiber.Ctx) error {
	params, err := queryParams(c)
	if err != nil {
		return err
	}
	page, perPage, err := pageParams(params)
	if err != nil {
		return err
	}
	filters, err := parseFilters(params)
	if err != nil {
		return err
	}
	if err := filters.Check(); err != nil {
		return err
	}
	f := store.TicketFilter{Status: filters.Status, Priority: filters.Priority, Categories: filters.Categories, Tags: filters.Tags,
		ClientIDs: filters.ClientIDs, AssigneeIDs: filters.AssigneeIDs, Limit: perPage, Offset: (page - 1) * perPage}
	tickets, total, err := s.store.Tickets(c.UserContext(), viewer(currentUser(c)), f)
	if err != nil {
		return err
	}
	return c.JSON(list(tickets, total, page, perPage))
}

func (s *Server) apiGetTicket(c *fiber.Ctx) error {
	t, err := s.visibleTicket(c)
	if err != nil {
		return err
	}
	comments, err := s.store.Comments(c.UserContext(), viewer(currentUser(c)), t.ID)
	if err != nil {
		return err
	}
	if comments == nil {
		comments = []store.Comment{}
	}
	return c.JSON(fiber.Map{"ticket": t, "comments": comments})
}

type ticketInput struct {
	ClientID    *int64     `json:"client_id"`
	Title       *string    `json:"title"`
	Description *string    `json:"description"`
	Status      *string    `json:"status"`
	Priority    *string    `json:"priority"`
	Category    *string    `json:"category"`
	Tags        *[]string  `json:"tags"`
	AssigneeID  nullableID `json:"assignee_id"`
	Version     *int64     `json:"version"`
}

// nullableID is an id that may be absent (nothing changes), null (none: unassigned) or set.
type nullableID struct {
	set   bool
	value *int64
}

func (n *nullableID) UnmarshalJSON(b []byte) error {
	n.set = true
	if string(b) == "null" {
		return nil
	}
	var id int64
	if err := json.Unmarshal(b, &id); err != nil || id < 1 {
		return store.Invalid("assignee_id", "must be a user id or null")
	}
	n.value = &id
	return nil
}

// validate checks what a person can get wrong; the database checks again.
func (in *ticketInput) validate(creating bool) error {
	bad := func(msg string) error { return apiError(fiber.StatusUnprocessableEntity, "invalid", msg) }
	if creating && in.Title == nil {
		return bad("title is required")
	}
	if in.Title != nil && !store.ValidTitle(*in.Title) {
		return bad(fmt.Sprintf("title must be 1 to %d characters", store.MaxTitle))
	}
	if in.Description != nil && store.TooLong(*in.Description, store.MaxDescription) {
		return bad("description is too long")
	}
	if in.Status != nil && !ticket.ValidStatus(*in.Status) {
		return bad("status must be one of " + strings.Join(ticket.Statuses, ", "))
	}
	if in.Priority != nil && !ticket.ValidPriority(*in.Priority) {
		return bad("priority must be one of " + strings.Join(ticket.Priorities, ", "))
	}
	if in.Tags != nil {
		if len(*in.Tags) > 20 {
			return bad("at most 20 tags")
		}
		for _, t := range *in.Tags {
			if strings.TrimSpace(t) == "" || store.TooLong(t, store.MaxTag) {
				return bad(fmt.Sprintf("tags must be 1 to %d characters", store.MaxTag))
			}
		}
	}
	return nil
}

func (s *Server) apiCreateTicket(c *fiber.Ctx) error {
	var in ticketInput
	if err := readInput(c, &in, true); err != nil {
		return err
	}
	u := currentUser(c)
	nt := store.NewTicket{CreatedBy: u.ID, Title: strings.TrimSpace(*in.Title)}
	switch {
	case !u.IsStaff():
		if in.ClientID != nil && *in.ClientID != *u.ClientID {
			return apiError(fiber.StatusForbidden, "forbidden", "clients open tickets for their own company only")
		}
		if in.AssigneeID.set || in.Status != nil {
			return apiError(fiber.StatusForbidden, "forbidden", "only staff set status or assignee")
		}
		nt.ClientID = *u.ClientID
	case in.ClientID == nil:
		return apiError(fiber.StatusUnprocessableEntity, "invalid", "client_id is required")
	default:
		nt.ClientID = *in.ClientID
		nt.AssigneeID = in.AssigneeID.value
	}
	if in.Description != nil {
		nt.Description = *in.Description
	}
	if in.Priority != nil {
		nt.Priority = *in.Priority
	}
	if in.Category != nil {
		if strings.TrimSpace(*in.Category) == "" { // the store would take it as "the default"
			return store.Invalid("category", "must name a category; leave it out for the default")
		}
		nt.Category = *in.Category
	}
	if in.Tags != nil {
		nt.Tags = *in.Tags
	}
	var t *store.Ticket
	err := s.store.Transact(c.UserContext(), func(tx *store.Store) error {
		var err error
		if t, err = tx.CreateTicket(c.UserContext(), nt); err != nil {
			return err
		}
		if in.Status != nil && *in.Status != t.Status {
			t, err = tx.UpdateTicket(c.UserContext(), t.ID, store.TicketPatch{Status: in.Status, Actor: currentUser(c).ID})
		}
		return err
	})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(t)
}

// apiUpdateTicket applies a partial update. Clients may change title and description of their
// tickets; status, priority, assignee, category and tags are for staff. A stale "version"
// is 409: the caller re-reads and decides.
func (s *Server) apiUpdateTicket(c *fiber.Ctx) error {
	t, err := s.visibleTicket(c)
	if err != nil {
		return err
	}
	var in ticketInput
	if err := readInput(c, &in, false); err != nil {
		return err
	}
	if in.ClientID != nil && *in.ClientID != t.ClientID {
		return apiError(fiber.StatusUnprocessableEntity, "invalid", "a ticket cannot move to another client")
	}
	if !currentUser(c).IsStaff() && (in.Status != nil || in.Priority != nil || in.AssigneeID.set || in.Category != nil || in.Tags != nil) {
		return apiError(fiber.StatusForbidden, "forbidden", "only staff change status, priority, assignee, category or tags")
	}
	p := store.TicketPatch{Title: in.Title, Description: in.Description, Status: in.Status, Priority: in.Priority,
		Category: in.Category, Tags: in.Tags, AssigneeID: in.AssigneeID.value, ClearAssignee: in.AssigneeID.set && in.AssigneeID.value == nil,
		IfVersion: in.Version, Actor: currentUser(c).ID}
	updated, err := s.store.UpdateTicket(c.UserContext(), t.ID, p)
	if err != nil {
		return err
	}
	return c.JSON(updated)
}

type commentInput struct {
	Body     string `json:"body"`
	Internal bool   `json:"internal"`
}

func (s *Server) apiAddComment(c *fiber.Ctx) error {
	t, err := s.visibleTicket(c)
	if err != nil {
		return err
	}
	var in commentInput
	if err := decodeStrict(c, &in); err != nil {
		return err
	}
	if strings.TrimSpace(in.Body) == "" || store.TooLong(in.Body, store.MaxComment) {
		return apiError(fiber.StatusUnprocessableEntity, "invalid", fmt.Sprintf("body must be 1 to %d characters", store.MaxComment))
	}
	u := currentUser(c)
	if in.Internal && !u.IsStaff() {
		return apiError(fiber.StatusForbidden, "forbidden", "only staff write internal comments")
	}
	cm, err := s.store.AddComment(c.UserContext(), t.ID, u.ID, in.Body, in.Internal)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(cm)
}
