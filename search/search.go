// Package search defines the one search contract of the portal: a query that always carries
// its viewer, a result shape shared by every engine, and the Searcher interface implemented by
// the Elasticsearch backend, the Postgres fallback and the failover wrapper around both.
package search

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"helpdesk/auth"
	"helpdesk/search/analysis"
	"helpdesk/ticket"
)

// Searcher answers queries. Implementations apply the viewer's access rules inside the query.
type Searcher interface {
	Search(ctx context.Context, q Query) (*Result, error)
}

// Engines that can answer.
const (
	EngineElasticsearch = "elasticsearch"
	EnginePostgres      = "postgres"
)

// Document types.
const (
	TypeTicket = "ticket"
	TypeKB     = "kb"
)

// Sort orders.
type Sort string

// The sort orders a query may ask for.
const (
	SortRelevance Sort = "relevance"
	SortNewest    Sort = "newest"
	SortPriority  Sort = "priority"
	// SortSLA puts first the tickets whose first response is due soonest (overdue first);
	// tickets already answered or closed, and articles, come after.
	SortSLA Sort = "sla"
)

// Limits that keep every query cheap: past them a query is refused, not slowed down.
const (
	MaxPerPage      = 100
	MaxPage         = 100
	MaxWindow       = 1000 // page * per_page
	MaxTextLength   = 500
	MaxTerms        = 32
	MaxFilterValues = 20
	MaxFilterValue  = 100 // characters of a category or tag to filter by
	DefaultPerPage  = 20
)

// Role of the person searching; the zero Viewer is an anonymous visitor.
type Viewer struct {
	Role     auth.Role
	UserID   int64
	ClientID int64 // the company of a client user
}

// IsStaff reports whether the viewer is an agent or an admin.
func (v Viewer) IsStaff() bool { return v.Role.IsStaff() }

// Filters narrow a query; empty fields do not filter.
type Filters struct {
	Status      []string
	Priority    []string
	ClientIDs   []int64
	Categories  []string
	AssigneeIDs []int64
	Tags        []string
	CreatedFrom *time.Time // inclusive
	CreatedTo   *time.Time // exclusive
}

// Query is one search. Viewer is not optional: every engine filters by it.
type Query struct {
	Text    string
	Types   []string // TypeTicket, TypeKB; empty means all the viewer may see
	Filters Filters
	Sort    Sort
	Page    int // 1-based
	PerPage int
	Viewer  Viewer
	// Now anchors relative filters and the age facet; zero means the current time.
	Now time.Time
	// Suggest asks for a corrected query when this one finds little (Result.Suggestion): what
	// a person's search box wants, not a list of related articles.
	Suggest bool
}

// Result is what every engine returns.
type Result struct {
	Engine string `json:"engine"`
	Total  int64  `json:"total"`
	// TotalRelation is RelationEqual, or RelationAtLeast when more than TotalCap documents
	// match: Total is then TotalCap ("10,000+"), on every engine.
	TotalRelation string             `json:"total_relation"`
	TookMS        int64              `json:"took_ms"`
	Page          int                `json:"page"`
	PerPage       int                `json:"per_page"`
	Hits          []Hit              `json:"hits"`
	Facets        map[string][]Facet `json:"facets"`
	// Suggestion is a corrected query that finds more, offered when this one finds little.
	Suggestion string `json:"suggestion,omitempty"`
}

// Hit is one matching document. Highlights hold HTML-escaped text with only <mark> added.
type Hit struct {
	Type       string              `json:"type"`
	ID         int64               `json:"id"`
	Title      string              `json:"title"`
	URL        string              `json:"url"`
	Score      float64             `json:"score"`
	Highlights map[string][]string `json:"highlights"`
	Status     string              `json:"status,omitempty"`
	Priority   string              `json:"priority,omitempty"`
	Client     string              `json:"client,omitempty"`
	Category   string              `json:"category,omitempty"`
	UpdatedAt  time.Time           `json:"updated_at"`
}

// Facet is one value of a facet with the number of visible matching documents.
type Facet struct {
	Value string `json:"value"`
	Label string `json:"label,omitempty"` // a display name where Value is an id
	Count int64  `json:"count"`
}

// TotalCap is how many matching documents a search counts: past it the total is a lower bound,
// as Elasticsearch's track_total_hits makes it. Counting every match of a common word in a
// million tickets is work no one reads ("10,000+" says what a person needs).
const TotalCap = 10_000

// Relations of Result.Total to the number of matching documents.
const (
	RelationEqual   = "eq"
	RelationAtLeast = "gte"
)

// FacetSize is how many values of each facet a result carries, most frequent first.
const FacetSize = 20

// FacetNames lists the facets in the order pages show them.
var FacetNames = []string{"status", "priority", "client", "category", "assignee", "tags", "age"}

// AgeBuckets are the values of the age facet: tickets opened within the last day, week, month.
var AgeBuckets = []struct {
	Value string
	Span  time.Duration
}{{"1d", 24 * time.Hour}, {"7d", 7 * 24 * time.Hour}, {"30d", 30 * 24 * time.Hour}}

// AgeSpan returns the span of an age facet value.
func AgeSpan(value string) (time.Duration, bool) {
	for _, b := range AgeBuckets {
		if b.Value == value {
			return b.Span, true
		}
	}
	return 0, false
}

// ErrBadQuery is every reason a query is refused (a *QueryError); the API answers it with 400.
var ErrBadQuery = errors.New("bad query")

// ErrQueryCombination is a query whose parameters are each well formed but cannot go
// together (from after to, a page past the window): the API answers it with 422, as a request
// its document allows but its meaning refuses.
var ErrQueryCombination = errors.New("query parameters that cannot go together")

// QueryError is a query refused, with why, in words for the person who sent it. It is
// ErrBadQuery, and ErrQueryCombination too when Combination is set.
type QueryError struct {
	Reason      string
	Combination bool
}

func (e *QueryError) Error() string   { return ErrBadQuery.Error() + ": " + e.Reason }
func (e *QueryError) Message() string { return e.Reason }
func (e *QueryError) Is(target error) bool {
	return target == ErrBadQuery || e.Combination && target == ErrQueryCombination
}

// BadQuery refuses a query for the reason format says.
func BadQuery(format string, args ...any) error {
	return &QueryError{Reason: fmt.Sprintf(format, args...)}
}

// BadCombination refuses a query whose parameters cannot go together.
func BadCombination(format string, args ...any) error {
	return &QueryError{Reason: fmt.Sprintf(format, args...), Combination: true}
}

// ErrUnavailable means the engine could not answer (down, timed out); failover tries another.
var ErrUnavailable = errors.New("search engine unavailable")

// Normalize checks q and fills defaults. Every engine calls it first, so each refuses the
// same queries with the same errors.
func (q Query) Normalize() (Query, error) {
	bad := func(format string, args ...any) (Query, error) {
		return q, BadQuery(format, args...)
	}
	if utf8.RuneCountInString(q.Text) > MaxTextLength {
		return bad("text longer than %d characters", MaxTextLength)
	}
	if q.Page == 0 {
		q.Page = 1
	}
	if q.Now.IsZero() {
		q.Now = time.Now()
	}
	if q.PerPage == 0 {
		q.PerPage = DefaultPerPage
	}
	switch {
	case q.Page < 1 || q.Page > MaxPage:
		return bad("page must be between 1 and %d", MaxPage)
	case q.PerPage < 1 || q.PerPage > MaxPerPage:
		return bad("per_page must be between 1 and %d", MaxPerPage)
	case q.Page*q.PerPage > MaxWindow:
		return q, BadCombination("page * per_page must not exceed %d; narrow the search instead", MaxWindow)
	}
	if q.Sort == "" {
		q.Sort = SortRelevance
	}
	if !slices.Contains([]Sort{SortRelevance, SortNewest, SortPriority, SortSLA}, q.Sort) {
		return bad("sort must be relevance, newest, priority or sla")
	}
	if len(q.Types) > MaxFilterValues { // repeats of two values: asked so, it is a mistake
		return bad("at most %d type values", MaxFilterValues)
	}
	for _, t := range q.Types {
		if t != TypeTicket && t != TypeKB {
			return bad("type must be ticket or kb")
		}
	}
	if q.Viewer.Role != auth.Anonymous && !q.Viewer.Role.Valid() {
		return bad("unknown viewer role")
	}
	if q.Viewer.Role == auth.Client && q.Viewer.ClientID == 0 {
		return bad("a client viewer needs a company")
	}
	if err := q.Filters.Check(); err != nil {
		return q, err
	}
	if analysis.CountWords(q.Text) > MaxTerms {
		return bad("at most %d words", MaxTerms)
	}
	return q, nil
}

// Check refuses filters no document can pass for want of sense (an unknown status, an empty
// date range) or that ask too much; searches and ticket lists check them alike.
func (f Filters) Check() error {
	for name, n := range map[string]int{"status": len(f.Status), "priority": len(f.Priority), "client": len(f.ClientIDs),
		"category": len(f.Categories), "assignee": len(f.AssigneeIDs), "tag": len(f.Tags)} {
		if n > MaxFilterValues {
			return BadQuery("at most %d %s values", MaxFilterValues, name)
		}
	}
	for _, values := range [][]string{f.Categories, f.Tags} {
		for _, v := range values {
			if strings.ContainsRune(v, 0) {
				return BadQuery("a filter value holds the character NUL")
			}
			if utf8.RuneCountInString(v) > MaxFilterValue {
				return BadQuery("a category or tag to filter by is at most %d characters", MaxFilterValue)
			}
		}
	}
	for _, s := range f.Status {
		if !ticket.ValidStatus(s) {
			return BadQuery("unknown status %q", s)
		}
	}
	for _, p := range f.Priority {
		if !ticket.ValidPriority(p) {
			return BadQuery("unknown priority %q", p)
		}
	}
	if f.CreatedFrom != nil && f.CreatedTo != nil && !f.CreatedFrom.Before(*f.CreatedTo) {
		return BadCombination("from must be before to")
	}
	return nil
}

// VisibleTypes returns the document types the query covers for its viewer: tickets need a
// signed-in client or staff.
func (q Query) VisibleTypes() []string {
	types := q.Types
	if len(types) == 0 {
		types = []string{TypeTicket, TypeKB}
	}
	var out []string
	for _, t := range types {
		if t == TypeTicket && q.Viewer.Role == auth.Anonymous || slices.Contains(out, t) {
			continue // a type asked twice is searched once
		}
		out = append(out, t)
	}
	return out
}

// SeesTicketsOf reports whether the viewer may see the tickets of the company clientID: staff
// see every company's, a client user their own.
func (v Viewer) SeesTicketsOf(clientID int64) bool {
	return v.IsStaff() || (v.Role == auth.Client && v.ClientID == clientID)
}

// SeesInternal reports whether the viewer may see what is for staff only: internal comments,
// draft articles.
func (v Viewer) SeesInternal() bool { return v.IsStaff() }

// MayRead reports whether the viewer may read an article of this audience, published or not.
func (v Viewer) MayRead(audience string, published bool) bool {
	return (published || v.SeesInternal()) && slices.Contains(v.KBAudiences(), audience)
}

// KBAudiences returns the article audiences the viewer may read.
func (v Viewer) KBAudiences() []string {
	switch {
	case v.IsStaff():
		return []string{"public", "clients", "internal"}
	case v.Role == auth.Client:
		return []string{"public", "clients"}
	}
	return []string{"public"}
}

// NewResult is an engine's empty answer to a normalised query, with every facet present.
func NewResult(engine string, q Query) *Result {
	return &Result{Engine: engine, TotalRelation: RelationEqual, Page: q.Page, PerPage: q.PerPage, Hits: []Hit{}, Facets: EmptyFacets()}
}

// EmptyFacets returns every facet with no values, so results always have the same keys.
func EmptyFacets() map[string][]Facet {
	m := make(map[string][]Facet, len(FacetNames))
	for _, n := range FacetNames {
		m[n] = []Facet{}
	}
	return m
}
