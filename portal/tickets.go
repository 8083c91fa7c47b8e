package portal

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"helpdesk/search"
	"helpdesk/store"
	"helpdesk/ticket"
)

// requireUser sends visitors who are not signed in to the login page.
func (s *Server) requireUser(c *fiber.Ctx) error {
	if currentUser(c) == nil {
		return c.Redirect("/login?next="+urlQueryEscape(c.OriginalURL()), fiber.StatusSeeOther)
	}
	return c.Next()
}

// requireStaff lets agents and admins through; others get 403 (404 would hide nothing here).
func (s *Server) requireStaff(c *fiber.Ctx) error {
	u := currentUser(c)
	if u == nil {
		return c.Redirect("/login?next="+urlQueryEscape(c.OriginalURL()), fiber.StatusSeeOther)
	}
	if !u.IsStaff() {
		return forbidden()
	}
	return c.Next()
}

// ticketList is the triage view for staff and the company's tickets for clients: the search
// page over tickets, newest first when there is no text.
func (s *Server) ticketList(c *fiber.Ctx) error {
	// Staff triage what is still open: the plain list starts there, with the filter shown as
	// chips to remove (on a million tickets it is also the difference between 30 and 500 ms).
	if len(c.Request().URI().QueryString()) == 0 && currentUser(c).IsStaff() {
		return c.Redirect("/tickets?"+ticket.OpenQuery(), fiber.StatusFound)
	}
	return s.searchView(c, "/tickets", []string{search.TypeTicket})
}

// visibleTicket loads a ticket the user may see. Another company's ticket is "not found", so
// ids of other companies' tickets reveal nothing.
func (s *Server) visibleTicket(c *fiber.Ctx) (*store.Ticket, error) {
	noSuch := newProblem(fiber.StatusNotFound, "not_found", "no such ticket")
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, noSuch
	}
	t, err := s.store.Ticket(c.UserContext(), id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, noSuch
	}
	if err != nil {
		return nil, err
	}
	if !viewer(currentUser(c)).SeesTicketsOf(t.ClientID) {
		return nil, noSuch
	}
	return t, nil
}

func (s *Server) ticketPage(c *fiber.Ctx) error {
	t, err := s.visibleTicket(c)
	if err != nil {
		return err
	}
	u := currentUser(c)
	ctx := c.UserContext()
	comments, err := s.store.CommentViews(ctx, viewer(u), t.ID)
	if err != nil {
		return err
	}
	client, err := s.store.Client(ctx, t.ClientID)
	if err != nil {
		return err
	}
	data := map[string]any{"Ticket": t, "Comments": comments, "ClientName": client.Name,
		"Statuses": ticket.Statuses, "Priorities": ticket.Priorities}
	if t.AssigneeID != nil {
		if a, err := s.store.User(ctx, *t.AssigneeID); err == nil {
			data["AssigneeName"] = a.Name
		}
	}
	if u.IsStaff() {
		staff, err := s.store.Staff(ctx)
		if err != nil {
			return err
		}
		data["Staff"] = staff
	}
	return s.render(c, "ticket", page{Title: t.Title, Data: data})
}

func (s *Server) newTicketPage(c *fiber.Ctx) error {
	return s.renderNewTicket(c, fiber.StatusOK, map[string]any{"Form": map[string]string{"title": c.Query("title"), "priority": ticket.DefaultPriority, "category": "general"}})
}

func (s *Server) renderNewTicket(c *fiber.Ctx, status int, data map[string]any) error {
	data["Priorities"] = ticket.Priorities
	data["Categories"] = s.activeCategories()
	if u := currentUser(c); u.IsStaff() {
		clients, err := s.store.Clients(c.UserContext())
		if err != nil {
			return err
		}
		data["Clients"] = clients
	}
	c.Status(status)
	return s.render(c, "ticket_new", page{Title: s.t(c, "nav.new_ticket"), Data: data})
}

// formTextMax is the most characters a form's description or comment takes: a page's text box,
// where the API takes what the schema allows.
const formTextMax = 20_000

func (s *Server) createTicket(c *fiber.Ctx) error {
	u := currentUser(c)
	form := map[string]string{"title": strings.TrimSpace(c.FormValue("title")), "description": strings.TrimSpace(c.FormValue("description")),
		"priority": c.FormValue("priority"), "category": c.FormValue("category"), "client": c.FormValue("client")}
	var problems []string
	if !store.ValidTitle(form["title"]) {
		problems = append(problems, s.t(c, "ticket.title_required"))
	}
	if store.TooLong(form["description"], formTextMax) {
		problems = append(problems, s.t(c, "ticket.description_too_long"))
	}
	if !ticket.ValidPriority(form["priority"]) {
		problems = append(problems, s.t(c, "ticket.bad_priority"))
	}
	var clientID int64
	if u.IsStaff() {
		id, err := strconv.ParseInt(form["client"], 10, 64)
		if err != nil || id <= 0 {
			problems = append(problems, s.t(c, "ticket.client_required"))
		}
		clientID = id
	} else {
		clientID = *u.ClientID // a client opens tickets for their own company, whatever the form says
	}
	if len(problems) > 0 {
		return s.renderNewTicket(c, fiber.StatusUnprocessableEntity, map[string]any{"Form": form, "Problems": problems})
	}
	t, err := s.store.CreateTicket(c.UserContext(), store.NewTicket{ClientID: clientID, CreatedBy: u.ID, Title: form["title"],
		Description: form["description"], Priority: form["priority"], Category: form["category"]})
	var invalid *store.InvalidError
	if errors.As(err, &invalid) {
		problem := s.t(c, "error.bad_request")
		if invalid.Field == "category" {
			problem = s.t(c, "ticket.bad_category")
		}
		return s.renderNewTicket(c, fiber.StatusUnprocessableEntity, map[string]any{"Form": form, "Problems": []string{problem}})
	}
	if err != nil {
		return err
	}
	s.ticketFollowedSearch(c) // the flash below saves the session it changes
	s.flash(c, s.t(c, "ticket.created", t.ID))
	return c.Redirect("/tickets/"+strconv.FormatInt(t.ID, 10), fiber.StatusSeeOther)
}

func (s *Server) addComment(c *fiber.Ctx) error {
	t, err := s.visibleTicket(c)
	if err != nil {
		return err
	}
	u := currentUser(c)
	body := strings.TrimSpace(c.FormValue("body"))
	if body == "" || store.TooLong(body, formTextMax) {
		s.flash(c, s.t(c, "ticket.comment_required"))
		return c.Redirect(ticketURL(t.ID), fiber.StatusSeeOther)
	}
	internal := u.IsStaff() && c.FormValue("internal") == "on"
	if _, err := s.store.AddComment(c.UserContext(), t.ID, u.ID, body, internal); err != nil {
		return err
	}
	return c.Redirect(ticketURL(t.ID)+"#comments-end", fiber.StatusSeeOther)
}

// updateTicket changes status, priority and assignee (staff only). The form carries the
// version it was made from: a concurrent change is reported, not silently overwritten.
func (s *Server) updateTicket(c *fiber.Ctx) error {
	t, err := s.visibleTicket(c)
	if err != nil {
		return err
	}
	p := store.TicketPatch{Actor: currentUser(c).ID}
	if v := c.FormValue("status"); v != "" {
		if !ticket.ValidStatus(v) {
			return badRequest(errors.New("unknown status"))
		}
		p.Status = &v
	}
	if v := c.FormValue("priority"); v != "" {
		if !ticket.ValidPriority(v) {
			return badRequest(errors.New("unknown priority"))
		}
		p.Priority = &v
	}
	switch v := c.FormValue("assignee"); v {
	case "":
	case "none":
		p.ClearAssignee = true
	default:
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return badRequest(errors.New("bad assignee"))
		}
		p.AssigneeID = &id
	}
	if v := c.FormValue("version"); v != "" {
		ver, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return badRequest(errors.New("bad version"))
		}
		p.IfVersion = &ver
	}
	_, err = s.store.UpdateTicket(c.UserContext(), t.ID, p)
	switch {
	case errors.Is(err, store.ErrConflict):
		s.flash(c, s.t(c, "ticket.conflict"))
	case errors.Is(err, store.ErrInvalid):
		s.flash(c, s.t(c, "error.bad_request"))
	case err != nil:
		return err
	default:
		s.flash(c, s.t(c, "ticket.updated"))
	}
	return c.Redirect(ticketURL(t.ID), fiber.StatusSeeOther)
}

func ticketURL(id int64) string { return "/tickets/" + strconv.FormatInt(id, 10) }
