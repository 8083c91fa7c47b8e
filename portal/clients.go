package portal

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"helpdesk/auth"
	"helpdesk/store"
)

// Client companies: admins onboard and change them (API, pages, portalctl client); everyone
// reads the ones they may see.

// optionalDate is a JSON date that may be absent (nothing changes), null (cleared) or set.
type optionalDate struct {
	set   bool
	value *time.Time
}

func (d *optionalDate) UnmarshalJSON(b []byte) error {
	d.set = true
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return store.Invalid("contract_end", "must be a date, YYYY-MM-DD, or null")
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return store.Invalid("contract_end", "must be a date, YYYY-MM-DD, or null")
	}
	d.value = &t
	return nil
}

type clientInput struct {
	Name               *string      `json:"name"`
	SLAResponseMinutes *int         `json:"sla_response_minutes"`
	ContractEnd        optionalDate `json:"contract_end"`
	Active             *bool        `json:"active"`
	Version            *int64       `json:"version"`
}

func (in *clientInput) validate(creating bool) error {
	if creating && (in.Name == nil || in.SLAResponseMinutes == nil) {
		return store.Invalid("name", "name and sla_response_minutes are required")
	}
	return nil
}

func (in clientInput) patch() store.ClientPatch {
	return store.ClientPatch{Name: in.Name, SLAResponseMinutes: in.SLAResponseMinutes, ContractEnd: in.ContractEnd.value,
		ClearContractEnd: in.ContractEnd.set && in.ContractEnd.value == nil, Active: in.Active, IfVersion: in.Version}
}

// apiAdminOnly refuses what only admins may do: 403.
func (s *Server) apiAdminOnly(c *fiber.Ctx) error {
	if currentUser(c).Role != auth.Admin {
		return apiError(fiber.StatusForbidden, "forbidden", "only admins may do this")
	}
	return c.Next()
}

func (s *Server) apiGetClient(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return notFound()
	}
	if !viewer(currentUser(c)).SeesTicketsOf(id) {
		return notFound()
	}
	cl, err := s.store.Client(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(cl)
}

func (s *Server) apiCreateClient(c *fiber.Ctx) error {
	var in clientInput
	if err := readInput(c, &in, true); err != nil {
		return err
	}
	if in.Active != nil && !*in.Active {
		return store.Invalid("active", "a new client starts active")
	}
	cl, err := s.store.CreateClient(c.UserContext(), *in.Name, *in.SLAResponseMinutes, in.ContractEnd.value)
	if err != nil {
		return err
	}
	c.Location(fmt.Sprintf("/api/v1/clients/%d", cl.ID))
	return c.Status(fiber.StatusCreated).JSON(cl)
}

func (s *Server) apiUpdateClient(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return notFound()
	}
	var in clientInput
	if err := readInput(c, &in, false); err != nil {
		return err
	}
	cl, err := s.store.UpdateClient(c.UserContext(), id, in.patch())
	if err != nil {
		return err
	}
	return c.JSON(cl)
}

// clientsPage lists the client companies with a form for a new one (admins).
func (s *Server) clientsPage(c *fiber.Ctx) error {
	clients, err := s.store.Clients(c.UserContext())
	if err != nil {
		return err
	}
	return s.render(c, "clients", page{Title: s.t(c, "clients.title"), Data: map[string]any{"Clients": clients}})
}

// clientEditor shows one client's form.
func (s *Server) clientEditor(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return notFound()
	}
	cl, err := s.store.Client(c.UserContext(), id)
	if err != nil {
		return err
	}
	return s.render(c, "client_edit", page{Title: cl.Name, Data: map[string]any{"Client": cl}})
}

// saveClient creates a client (POST /admin/clients) or updates one (POST /admin/clients/:id).
func (s *Server) saveClient(c *fiber.Ctx) error {
	name := c.FormValue("name")
	sla, err := strconv.Atoi(strings.TrimSpace(c.FormValue("sla_response_minutes")))
	if err != nil {
		return badRequest(store.Invalid("sla_response_minutes", "must be a number of minutes"))
	}
	var end *time.Time
	if v := strings.TrimSpace(c.FormValue("contract_end")); v != "" {
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return badRequest(store.Invalid("contract_end", "must be a date, YYYY-MM-DD"))
		}
		end = &t
	}
	ctx := c.UserContext()
	var invalid *store.InvalidError
	if c.Params("id") == "" {
		_, err = s.store.CreateClient(ctx, name, sla, end)
	} else {
		id, perr := strconv.ParseInt(c.Params("id"), 10, 64)
		if perr != nil {
			return notFound()
		}
		active := c.FormValue("active") == "on"
		_, err = s.store.UpdateClient(ctx, id, store.ClientPatch{Name: &name, SLAResponseMinutes: &sla, ContractEnd: end,
			ClearContractEnd: end == nil, Active: &active})
	}
	switch {
	case errors.As(err, &invalid):
		return badRequest(err)
	case err != nil:
		return err
	}
	s.flash(c, s.t(c, "clients.saved"))
	return c.Redirect("/admin/clients", fiber.StatusSeeOther)
}

// requireAdmin lets admins through, after requireStaff: other staff get 403.
func (s *Server) requireAdmin(c *fiber.Ctx) error {
	if currentUser(c).Role != auth.Admin {
		return forbidden()
	}
	return c.Next()
}
