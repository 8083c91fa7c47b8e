package portal

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"helpdesk/store"
)

// Ticket categories are data (store.TicketCategory): each portal keeps the list in memory for
// its labels and forms, loaded at start and after its own changes, and reloaded with the
// synonyms for changes other portals made.

// categorySet is one load of the categories.
type categorySet struct {
	all    []store.TicketCategory
	bySlug map[string]store.TicketCategory
}

func (s *Server) syncCategories(ctx context.Context) error {
	cats, err := s.store.TicketCategories(ctx)
	if err != nil {
		return err
	}
	set := &categorySet{all: cats, bySlug: make(map[string]store.TicketCategory, len(cats))}
	for _, c := range cats {
		set.bySlug[c.Slug] = c
	}
	s.categories.Store(set)
	return nil
}

// categoryLabel names a ticket category in lang, or shows a KB category (a name people wrote)
// as it is.
func (s *Server) categoryLabel(lang, category string) string {
	if set := s.categories.Load(); set != nil {
		if c, ok := set.bySlug[category]; ok {
			return c.Name(lang)
		}
	}
	return category
}

// activeCategories are the ones offered for new tickets.
func (s *Server) activeCategories() []store.TicketCategory {
	if set := s.categories.Load(); set != nil {
		return activeOnly(set.all)
	}
	return nil
}

type categoryInput struct {
	Slug     *string `json:"slug"`
	NameES   *string `json:"name_es"`
	NameEN   *string `json:"name_en"`
	Active   *bool   `json:"active"`
	Position *int    `json:"position"`
}

func (in *categoryInput) validate(creating bool) error {
	if creating && (in.Slug == nil || in.NameES == nil || in.NameEN == nil) {
		return store.Invalid("slug", "slug, name_es and name_en are required")
	}
	if !creating && in.Slug != nil {
		return store.Invalid("slug", "a category's slug never changes: tickets and the index hold it")
	}
	return nil
}

func (s *Server) apiListCategories(c *fiber.Ctx) error {
	cats, err := s.store.TicketCategories(c.UserContext())
	if err != nil {
		return err
	}
	if !currentUser(c).IsStaff() { // clients choose among the offered ones
		cats = activeOnly(cats)
	}
	if cats == nil {
		cats = []store.TicketCategory{}
	}
	return c.JSON(fiber.Map{"items": cats})
}

func activeOnly(cats []store.TicketCategory) []store.TicketCategory {
	var out []store.TicketCategory
	for _, c := range cats {
		if c.Active {
			out = append(out, c)
		}
	}
	return out
}

func (s *Server) apiCreateCategory(c *fiber.Ctx) error {
	var in categoryInput
	if err := readInput(c, &in, true); err != nil {
		return err
	}
	pos := 0
	if in.Position != nil {
		pos = *in.Position
	}
	if in.Active != nil && !*in.Active {
		return store.Invalid("active", "a new category starts active")
	}
	cat, err := s.store.CreateTicketCategory(c.UserContext(), store.NewTicketCategory{Slug: *in.Slug, NameES: *in.NameES, NameEN: *in.NameEN, Position: pos})
	if err != nil {
		return err
	}
	if err := s.syncCategories(c.UserContext()); err != nil {
		return err
	}
	c.Location("/api/v1/categories/" + cat.Slug)
	return c.Status(fiber.StatusCreated).JSON(cat)
}

func (s *Server) apiUpdateCategory(c *fiber.Ctx) error {
	var in categoryInput
	if err := readInput(c, &in, false); err != nil {
		return err
	}
	cat, err := s.store.UpdateTicketCategory(c.UserContext(), c.Params("slug"),
		store.TicketCategoryPatch{NameES: in.NameES, NameEN: in.NameEN, Active: in.Active, Position: in.Position})
	if err != nil {
		return err
	}
	if err := s.syncCategories(c.UserContext()); err != nil {
		return err
	}
	return c.JSON(cat)
}

// categoriesPage lists the categories with forms to add, rename, reorder and retire them.
func (s *Server) categoriesPage(c *fiber.Ctx) error {
	cats, err := s.store.TicketCategories(c.UserContext())
	if err != nil {
		return err
	}
	return s.render(c, "categories", page{Title: s.t(c, "categories.title"), Data: map[string]any{"Categories": cats}})
}

// saveCategory adds a category (POST /admin/categories) or changes one (POST
// /admin/categories/:slug).
func (s *Server) saveCategory(c *fiber.Ctx) error {
	nameES, nameEN := c.FormValue("name_es"), c.FormValue("name_en")
	pos, err := formInt(c.FormValue("position"))
	if err != nil {
		return badRequest(store.Invalid("position", "must be a whole number"))
	}
	ctx := c.UserContext()
	if slug := c.Params("slug"); slug == "" {
		_, err = s.store.CreateTicketCategory(ctx, store.NewTicketCategory{Slug: strings.TrimSpace(c.FormValue("slug")), NameES: nameES, NameEN: nameEN, Position: pos})
	} else {
		active := c.FormValue("active") == "on"
		_, err = s.store.UpdateTicketCategory(ctx, slug, store.TicketCategoryPatch{NameES: &nameES, NameEN: &nameEN, Active: &active, Position: &pos})
	}
	if err != nil {
		return formError(err)
	}
	if err := s.syncCategories(ctx); err != nil {
		return err
	}
	s.flash(c, s.t(c, "categories.saved"))
	return c.Redirect("/admin/categories", fiber.StatusSeeOther)
}

// formInt reads a whole number from a form field; empty is 0.
func formInt(v string) (int, error) {
	if v = strings.TrimSpace(v); v == "" {
		return 0, nil
	}
	return strconv.Atoi(v)
}

// formError answers a form the store refused: its mistakes are 400 (the page says so), any
// other error goes on as it is.
func formError(err error) error {
	if errors.Is(err, store.ErrInvalid) {
		return badRequest(err)
	}
	return err
}
