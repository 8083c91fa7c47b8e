package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// TicketCategory is a kind of ticket, named in both languages.
type TicketCategory struct {
	Slug      string    `db:"slug" json:"slug"`
	NameES    string    `db:"name_es" json:"name_es"`
	NameEN    string    `db:"name_en" json:"name_en"`
	Active    bool      `db:"active" json:"active"` // offered for new tickets
	Position  int       `db:"position" json:"position"`
	CreatedAt time.Time `db:"created_at" json:"created_at"`
	UpdatedAt time.Time `db:"updated_at" json:"updated_at"`
}

// Name is the category's name in lang (es or en).
func (c TicketCategory) Name(lang string) string {
	if lang == "en" {
		return c.NameEN
	}
	return c.NameES
}

// DefaultCategory is a new ticket's category when none is given.
const DefaultCategory = "general"

// Limits of a category's fields (the schema's CHECKs say the same).
const (
	MaxCategorySlug     = 64
	MaxCategoryName     = 100
	MaxCategoryPosition = 1_000_000 // either way from 0
)

const ticketCategoryColumns = `slug, name_es, name_en, active, position, created_at, updated_at`

// TicketCategories lists every ticket category, retired ones included, in their order.
func (s *Store) TicketCategories(ctx context.Context) ([]TicketCategory, error) {
	rows, err := s.db.Query(ctx, `SELECT `+ticketCategoryColumns+` FROM ticket_categories ORDER BY position, slug`)
	return all[TicketCategory](rows, err, "ticket categories")
}

// NewTicketCategory is what adding a category needs.
type NewTicketCategory struct {
	Slug, NameES, NameEN string
	Position             int
}

// CreateTicketCategory adds a category. A taken slug or name is ErrConflict.
func (s *Store) CreateTicketCategory(ctx context.Context, c NewTicketCategory) (*TicketCategory, error) {
	c.NameES, c.NameEN = strings.TrimSpace(c.NameES), strings.TrimSpace(c.NameEN)
	if Slugify(c.Slug) != c.Slug || c.Slug == "" || TooLong(c.Slug, MaxCategorySlug) {
		return nil, Invalid("slug", "must be 1 to %d lowercase letters, digits and single hyphens", MaxCategorySlug)
	}
	if err := checkCategoryNames(&c.NameES, &c.NameEN); err != nil {
		return nil, err
	}
	if err := checkPosition(&c.Position); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `INSERT INTO ticket_categories (slug, name_es, name_en, position)
		VALUES ($1, $2, $3, $4) RETURNING `+ticketCategoryColumns, c.Slug, c.NameES, c.NameEN, c.Position)
	return one[TicketCategory](rows, err, "create ticket category")
}

// TicketCategoryPatch holds what an update changes; nil fields stay.
type TicketCategoryPatch struct {
	NameES, NameEN *string
	Active         *bool
	Position       *int
}

// UpdateTicketCategory renames, reorders, retires or restores a category. Its slug, which
// tickets and the index hold, never changes.
func (s *Store) UpdateTicketCategory(ctx context.Context, slug string, p TicketCategoryPatch) (*TicketCategory, error) {
	for _, n := range []*string{p.NameES, p.NameEN} {
		if n != nil {
			*n = strings.TrimSpace(*n)
		}
	}
	if err := checkCategoryNames(p.NameES, p.NameEN); err != nil {
		return nil, err
	}
	if err := checkPosition(p.Position); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `UPDATE ticket_categories SET
			name_es = coalesce($2, name_es), name_en = coalesce($3, name_en),
			active = coalesce($4, active), position = coalesce($5, position), updated_at = now()
		WHERE slug = $1 RETURNING `+ticketCategoryColumns, slug, p.NameES, p.NameEN, p.Active, p.Position)
	return one[TicketCategory](rows, err, fmt.Sprintf("ticket category %q", slug))
}

func checkCategoryNames(names ...*string) error {
	for i, n := range names {
		if n != nil && (*n == "" || TooLong(*n, MaxCategoryName)) {
			return Invalid([]string{"name_es", "name_en"}[i], "a category's name is 1 to %d characters", MaxCategoryName)
		}
	}
	return nil
}

func checkPosition(p *int) error {
	if p != nil && (*p < -MaxCategoryPosition || *p > MaxCategoryPosition) {
		return Invalid("position", "must be from %d to %d", -MaxCategoryPosition, MaxCategoryPosition)
	}
	return nil
}

// activeCategoryNamed is the slug of the active category whose slug or name is the
// lowercased text in the parameter $n, or NULL: a scalar subquery, so that a write can ask it
// in the same round trip as its other checks.
func activeCategoryNamed(n int) string {
	return fmt.Sprintf(`(SELECT slug FROM ticket_categories
		WHERE active AND (slug = $%[1]d OR lower(name_es) = $%[1]d OR lower(name_en) = $%[1]d) LIMIT 1)`, n)
}

// categoryKey is what activeCategoryNamed compares: the text trimmed and lowercased.
func categoryKey(input string) string { return strings.ToLower(strings.TrimSpace(input)) }

// resolveCategory turns what a person wrote (a slug, or the Spanish or English name, in any
// case) into an active category's slug; anything else is InvalidError listing the choices.
func (s *Store) resolveCategory(ctx context.Context, input string) (string, error) {
	var slug *string
	if err := s.db.QueryRow(ctx, `SELECT `+activeCategoryNamed(1), categoryKey(input)).Scan(&slug); err != nil {
		return "", fmt.Errorf("ticket category %q: %w", input, classify(err)) // NUL is a refusal
	}
	if slug == nil {
		return "", s.unknownCategory(ctx, input)
	}
	return *slug, nil
}

// unknownCategory refuses input, naming the active categories.
func (s *Store) unknownCategory(ctx context.Context, input string) error {
	cats, err := s.TicketCategories(ctx)
	if err != nil {
		return err
	}
	var choices []string
	for _, c := range cats {
		if c.Active {
			choices = append(choices, c.Slug)
		}
	}
	return Invalid("category", "unknown category %q; one of %s (or their names)", input, strings.Join(choices, ", "))
}
