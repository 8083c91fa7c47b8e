package portal

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"helpdesk/store"
)

// Exports: asked for here (API or form), built by the worker, downloaded by the person who
// asked or an admin.

type reportInput struct {
	Kind     *string `json:"kind"`
	Format   *string `json:"format"`
	From     *string `json:"from"`
	To       *string `json:"to"`
	ClientID *int64  `json:"client"`
}

func (in *reportInput) validate(bool) error {
	if in.Kind == nil || in.From == nil || in.To == nil {
		return store.Invalid("kind", "kind, from and to are required")
	}
	return nil
}

// newReport reads what the store needs; the format defaults to CSV.
func (in reportInput) newReport() (store.NewReport, error) {
	r := store.NewReport{Kind: *in.Kind, Format: store.FormatCSV, ClientID: in.ClientID}
	if in.Format != nil {
		r.Format = *in.Format
	}
	var err error
	if r.From, err = time.Parse(time.DateOnly, *in.From); err != nil {
		return r, store.Invalid("from", "must be a date, YYYY-MM-DD")
	}
	if r.To, err = time.Parse(time.DateOnly, *in.To); err != nil {
		return r, store.Invalid("to", "must be a date, YYYY-MM-DD")
	}
	return r, nil
}

// apiCreateReport answers 202 with the report: the worker builds it and mails a link.
func (s *Server) apiCreateReport(c *fiber.Ctx) error {
	var in reportInput
	if err := readInput(c, &in, true); err != nil {
		return err
	}
	nr, err := in.newReport()
	if err != nil {
		return err
	}
	r, err := s.store.CreateReport(c.UserContext(), viewer(currentUser(c)), nr)
	if err != nil {
		return err
	}
	c.Location(fmt.Sprintf("/api/v1/reports/%d", r.ID))
	return c.Status(fiber.StatusAccepted).JSON(r)
}

func (s *Server) apiGetReport(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return notFound()
	}
	r, err := s.store.Report(c.UserContext(), viewer(currentUser(c)), id)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

// downloadReport sends a finished report's file (API and pages alike); one not ready is 409.
func (s *Server) downloadReport(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return notFound()
	}
	r, content, err := s.store.ReportFile(c.UserContext(), viewer(currentUser(c)), id)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s"`, r.FileName()))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	c.Set(fiber.HeaderContentType, map[string]string{
		store.FormatCSV:  "text/csv; charset=utf-8",
		store.FormatXLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	}[r.Format])
	return c.Send(content)
}

// reportsPage lists the exports the person asked for, with a form for another.
func (s *Server) reportsPage(c *fiber.Ctx) error {
	u := currentUser(c)
	reports, err := s.store.Reports(c.UserContext(), viewer(u), 20)
	if err != nil {
		return err
	}
	data := map[string]any{"Reports": reports, "Today": time.Now().UTC().Format(time.DateOnly),
		"MonthAgo": time.Now().UTC().AddDate(0, -1, 0).Format(time.DateOnly)}
	if u.IsStaff() {
		clients, err := s.store.Clients(c.UserContext())
		if err != nil {
			return err
		}
		data["Clients"] = clients
	}
	return s.render(c, "reports", page{Title: s.t(c, "reports.title"), Data: data})
}

// createReport takes the export form of the reports page, the dashboard and the ticket list.
func (s *Server) createReport(c *fiber.Ctx) error {
	in := reportInput{Kind: formValue(c, "kind"), Format: formValue(c, "format"), From: formValue(c, "from"), To: formValue(c, "to")}
	if v := c.FormValue("client"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return badRequest(errors.New("bad client"))
		}
		in.ClientID = &id
	}
	if err := in.validate(true); err != nil {
		return badRequest(err)
	}
	nr, err := in.newReport()
	if err != nil {
		return badRequest(err)
	}
	var invalid *store.InvalidError
	if _, err := s.store.CreateReport(c.UserContext(), viewer(currentUser(c)), nr); errors.As(err, &invalid) {
		return badRequest(err)
	} else if err != nil {
		return err
	}
	s.flash(c, s.t(c, "reports.queued"))
	return c.Redirect("/reports", fiber.StatusSeeOther)
}

func formValue(c *fiber.Ctx, key string) *string {
	v := c.FormValue(key)
	if v == "" {
		return nil
	}
	return &v
}
