package portal

import (
	"errors"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"helpdesk/search"
	"helpdesk/store"
)

type savedView struct {
	ID    int64
	Name  string
	URL   string
	Count string
}

// savedSearches lists the agent's saved searches, each with its live count.
func (s *Server) savedSearches(c *fiber.Ctx, u *store.User) []savedView {
	list, err := s.store.SavedSearches(c.UserContext(), u.ID)
	if err != nil {
		s.log.Warn("saved searches", "request_id", requestID(c), "err", err)
		return nil
	}
	l := lang(c)
	out := make([]savedView, 0, len(list))
	for _, ss := range list {
		v := savedView{ID: ss.ID, Name: ss.Name, URL: "/tickets?" + ss.Query, Count: "—"}
		params, err := url.ParseQuery(ss.Query)
		if err == nil {
			q, err := parseSearchQuery(params)
			if err == nil {
				q.Types, q.PerPage, q.Page, q.Viewer = []string{search.TypeTicket}, 1, 1, viewer(u)
				if res, err := s.search.Search(c.UserContext(), q); err == nil {
					v.Count = countText(l, res)
				}
			}
		}
		out = append(out, v)
	}
	return out
}

// saveSearch keeps the current triage search under a name.
func (s *Server) saveSearch(c *fiber.Ctx) error {
	name := strings.TrimSpace(c.FormValue("name"))
	params, err := url.ParseQuery(c.FormValue("query"))
	if err != nil {
		return badRequest(err)
	}
	params.Del("page")
	if _, err := parseSearchQuery(params); err != nil {
		return badRequest(err)
	}
	_, err = s.store.SaveSearch(c.UserContext(), currentUser(c).ID, name, params.Encode())
	switch {
	case errors.Is(err, store.ErrInvalid):
		s.flash(c, s.t(c, "saved.invalid"))
	case err != nil:
		return err
	default:
		s.flash(c, s.t(c, "saved.saved"))
	}
	return c.Redirect("/tickets?"+params.Encode(), fiber.StatusSeeOther)
}

func (s *Server) deleteSavedSearch(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return notFound()
	}
	if err := s.store.DeleteSavedSearch(c.UserContext(), currentUser(c).ID, id); err != nil {
		return err
	}
	return c.Redirect("/tickets", fiber.StatusSeeOther)
}
