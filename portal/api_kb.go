package portal

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"helpdesk/search"
	"helpdesk/store"
)

// apiArticle loads an article the token's user may read; others are 404.
func (s *Server) apiArticle(c *fiber.Ctx) (*store.Article, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, apiError(fiber.StatusNotFound, "not_found", "no such article")
	}
	a, err := s.store.Article(c.UserContext(), id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !readable(viewer(currentUser(c)), a)) {
		return nil, apiError(fiber.StatusNotFound, "not_found", "no such article")
	}
	return a, err
}

func (s *Server) apiListArticles(c *fiber.Ctx) error {
	params, err := queryParams(c)
	if err != nil {
		return err
	}
	page, perPage, err := pageParams(params)
	if err != nil {
		return err
	}
	f := store.ArticleFilter{Limit: perPage, Offset: (page - 1) * perPage}
	if cat := params.Get("category"); cat != "" {
		if store.TooLong(cat, search.MaxFilterValue) {
			return apiError(fiber.StatusBadRequest, "bad_request", fmt.Sprintf("category is at most %d characters", search.MaxFilterValue))
		}
		f.Category = &cat
	}
	articles, total, err := s.store.Articles(c.UserContext(), viewer(currentUser(c)), f)
	if err != nil {
		return err
	}
	return c.JSON(list(articles, total, page, perPage))
}

func (s *Server) apiGetArticle(c *fiber.Ctx) error {
	a, err := s.apiArticle(c)
	if err != nil {
		return err
	}
	return c.JSON(a)
}

type articleInput struct {
	Slug     *string   `json:"slug"`
	Title    *string   `json:"title"`
	Body     *string   `json:"body"`
	Category *string   `json:"category"`
	Tags     *[]string `json:"tags"`
	Locale   *string   `json:"locale"`
	Audience *string   `json:"audience"`
	Status   *string   `json:"status"`
	Version  *int64    `json:"version"`
}

func (in *articleInput) validate(creating bool) error {
	bad := func(msg string) error { return apiError(fiber.StatusUnprocessableEntity, "invalid", msg) }
	switch {
	case creating && in.Title == nil:
		return bad("title is required")
	case in.Title != nil && !store.ValidTitle(*in.Title):
		return bad(fmt.Sprintf("title must be 1 to %d characters", store.MaxTitle))
	case in.Body != nil && store.TooLong(*in.Body, store.MaxArticleBody):
		return bad("body is too long")
	case in.Slug != nil && store.Slugify(*in.Slug) != *in.Slug:
		return bad("slug must be lowercase letters, digits and single hyphens")
	case in.Locale != nil && !slices.Contains([]string{"es", "en"}, *in.Locale):
		return bad("locale must be es or en")
	case in.Audience != nil && !slices.Contains([]string{"public", "clients", "internal"}, *in.Audience):
		return bad("audience must be public, clients or internal")
	case in.Status != nil && !slices.Contains([]string{"draft", "published"}, *in.Status):
		return bad("status must be draft or published")
	case in.Category != nil && len(*in.Category) > 100:
		return bad("category is too long")
	case in.Tags != nil && len(*in.Tags) > 20:
		return bad("at most 20 tags")
	case in.Tags != nil && slices.ContainsFunc(*in.Tags, func(t string) bool { return strings.TrimSpace(t) == "" || store.TooLong(t, store.MaxTag) }):
		return bad(fmt.Sprintf("tags must be 1 to %d characters", store.MaxTag))
	}
	return nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func (s *Server) apiCreateArticle(c *fiber.Ctx) error {
	var in articleInput
	if err := readInput(c, &in, true); err != nil {
		return err
	}
	na := store.NewArticle{Slug: deref(in.Slug), Title: strings.TrimSpace(*in.Title), Body: deref(in.Body), Category: deref(in.Category),
		Locale: deref(in.Locale), Audience: deref(in.Audience), Status: deref(in.Status), AuthorID: &currentUser(c).ID}
	if in.Tags != nil {
		na.Tags = *in.Tags
	}
	a, err := s.store.CreateArticle(c.UserContext(), na)
	if err != nil {
		return err
	}
	s.kbChanged(c)
	return c.Status(fiber.StatusCreated).JSON(a)
}

func (s *Server) apiUpdateArticle(c *fiber.Ctx) error {
	a, err := s.apiArticle(c)
	if err != nil {
		return err
	}
	var in articleInput
	if err := readInput(c, &in, false); err != nil {
		return err
	}
	updated, err := s.store.UpdateArticle(c.UserContext(), a.ID, store.ArticlePatch{Slug: in.Slug, Title: in.Title, Body: in.Body,
		Category: in.Category, Tags: in.Tags, Locale: in.Locale, Audience: in.Audience, Status: in.Status, IfVersion: in.Version})
	if err != nil {
		return err
	}
	s.kbChanged(c)
	return c.JSON(updated)
}

func (s *Server) apiDeleteArticle(c *fiber.Ctx) error {
	a, err := s.apiArticle(c)
	if err != nil {
		return err
	}
	if err := s.store.DeleteArticle(c.UserContext(), a.ID); err != nil {
		return err
	}
	s.kbChanged(c)
	return c.SendStatus(fiber.StatusNoContent)
}

// apiStaffOnly refuses writes by clients: 403, they may read but not write the KB.
func (s *Server) apiStaffOnly(c *fiber.Ctx) error {
	if !currentUser(c).IsStaff() {
		return apiError(fiber.StatusForbidden, "forbidden", "only agents and admins write here")
	}
	return c.Next()
}

func (s *Server) apiAlerts(c *fiber.Ctx) error {
	if !currentUser(c).IsStaff() {
		return apiError(fiber.StatusForbidden, "forbidden", "alerts are for agents and admins")
	}
	params, err := queryParams(c)
	if err != nil {
		return err
	}
	page, perPage, err := pageParams(params)
	if err != nil {
		return err
	}
	state := params.Get("state")
	if state != "" && state != "open" && state != "all" {
		return apiError(fiber.StatusBadRequest, "bad_request", "state must be open or all")
	}
	alerts, total, err := s.store.Alerts(c.UserContext(), state != "all", perPage, (page-1)*perPage)
	if err != nil {
		return err
	}
	return c.JSON(list(alerts, total, page, perPage))
}

// apiUpdateAlert acknowledges or resolves an alert: {"state": "acknowledged" | "resolved"}.
func (s *Server) apiUpdateAlert(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return notFound()
	}
	var in struct {
		State string `json:"state"`
	}
	if err := decodeStrict(c, &in); err != nil {
		return err
	}
	a, err := s.store.HandleAlert(c.UserContext(), id, currentUser(c).ID, in.State)
	if err != nil {
		return err
	}
	return c.JSON(a)
}
