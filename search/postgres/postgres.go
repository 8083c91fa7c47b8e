// Package postgres is the fallback search engine: the same queries answered from Postgres with
// pg_trgm-indexed regular expressions over unaccented, lowercased text (search_fold), the same
// access rules inside the SQL, facets computed in SQL, and the same highlights.
package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"helpdesk/search"
)

// Backend searches the canonical tables directly.
type Backend struct {
	pool *pgxpool.Pool
}

var _ search.Searcher = (*Backend)(nil)

// New returns a backend on pool.
func New(pool *pgxpool.Pool) *Backend { return &Backend{pool: pool} }

// Weights, the same as the Elasticsearch backend's boosts.
const (
	wTitleExact  = 3
	wTitlePrefix = 2
	wTitleFuzzy  = 1.5
	wBodyExact   = 1
	wBodyFuzzy   = 0.5
	wTitlePhrase = 6
	wBodyPhrase  = 3
	facetSize    = 20
)

// builder collects SQL text and its parameters; user input only ever becomes a parameter.
type builder struct {
	args []any
}

func (b *builder) arg(v any) string {
	b.args = append(b.args, v)
	return "$" + strconv.Itoa(len(b.args))
}

// Search answers q from Postgres.
func (b *Backend) Search(ctx context.Context, q search.Query) (*search.Result, error) {
	start := time.Now()
	q, err := q.Normalize()
	if err != nil {
		return nil, err
	}
	res := search.NewResult(search.EnginePostgres, q)
	types := q.VisibleTypes()
	if len(types) == 0 { // an anonymous visitor asking for tickets: nothing to look at
		return res, nil
	}
	terms := search.Terms(q.Text)
	var bld builder
	var parts []string
	for _, t := range types {
		if t == search.TypeTicket {
			parts = append(parts, bld.ticketPart(q, terms))
		} else if part, ok := bld.kbPart(q, terms); ok {
			parts = append(parts, part)
		}
	}
	if len(parts) == 0 {
		res.TookMS = time.Since(start).Milliseconds()
		return res, nil
	}
	sql := bld.wrap(strings.Join(parts, "\nUNION ALL\n"), q, len(terms) > 0)
	var (
		total  int64
		hitsJS []byte
		facJS  []byte
	)
	if err := b.pool.QueryRow(ctx, sql, bld.args...).Scan(&total, &hitsJS, &facJS); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%w: postgres search: %v", search.ErrUnavailable, err)
		}
		return nil, fmt.Errorf("postgres search: %w", err)
	}
	res.Total = total
	var rows []hitRow
	if err := json.Unmarshal(hitsJS, &rows); err != nil {
		return nil, fmt.Errorf("postgres search: decode hits: %w", err)
	}
	for _, r := range rows {
		res.Hits = append(res.Hits, r.hit(terms, q.Viewer.IsStaff()))
	}
	var facets map[string][]search.Facet
	if err := json.Unmarshal(facJS, &facets); err != nil {
		return nil, fmt.Errorf("postgres search: decode facets: %w", err)
	}
	for name, f := range facets {
		if len(f) > 0 {
			res.Facets[name] = f
		}
	}
	res.TookMS = time.Since(start).Milliseconds()
	return res, nil
}

type hitRow struct {
	Type       string    `json:"type"`
	ID         int64     `json:"id"`
	Title      string    `json:"title"`
	Body       string    `json:"body"`
	Status     string    `json:"status"`
	Priority   string    `json:"priority"`
	Category   string    `json:"category"`
	ClientName string    `json:"client_name"`
	Slug       string    `json:"slug"`
	UpdatedAt  time.Time `json:"updated_at"`
	Score      float64   `json:"score"`
	Comments   []string  `json:"comments"`
	Internal   []string  `json:"internal"`
}

func (r hitRow) hit(terms []string, staff bool) search.Hit {
	body := r.Body // for articles, already the text without markdown
	var internal []string
	if staff {
		internal = r.Internal
	}
	return search.Hit{
		Type: r.Type, ID: r.ID, Title: r.Title, URL: search.DocURL(r.Type, r.ID, r.Slug), Score: r.Score,
		Highlights: search.Highlights(r.Title, body, r.Comments, internal, terms),
		Status:     r.Status, Priority: r.Priority, Client: r.ClientName, Category: r.Category, UpdatedAt: r.UpdatedAt.UTC(),
	}
}

// scoreExprs returns, for folded field expressions, the relevance score and the number of
// matched terms of a document.
func (b *builder) scoreExprs(terms []string, title, body string, others []string, phrase string) (score, matched string) {
	if len(terms) == 0 {
		return "0::float8", "0"
	}
	var termScores []string
	for _, t := range terms {
		p := patternsFor(t)
		exact := b.arg(p.exact)
		fuzzy := ""
		if p.fuzzy != "" {
			fuzzy = b.arg(p.fuzzy)
		}
		titleCase := fmt.Sprintf("CASE WHEN %s ~ %s THEN %v", title, exact, wTitleExact)
		if p.prefix != "" {
			titleCase += fmt.Sprintf(" WHEN %s ~ %s THEN %v", title, b.arg(p.prefix), wTitlePrefix)
		}
		if fuzzy != "" {
			titleCase += fmt.Sprintf(" WHEN %s ~ %s THEN %v", title, fuzzy, wTitleFuzzy)
		}
		scores := []string{titleCase + " ELSE 0 END"}
		for _, f := range append([]string{body}, others...) {
			c := fmt.Sprintf("CASE WHEN %s ~ %s THEN %v", f, exact, wBodyExact)
			if fuzzy != "" {
				c += fmt.Sprintf(" WHEN %s ~ %s THEN %v", f, fuzzy, wBodyFuzzy)
			}
			scores = append(scores, c+" ELSE 0 END")
		}
		termScores = append(termScores, "greatest("+strings.Join(scores, ", ")+")")
	}
	var sum, count []string
	for _, s := range termScores {
		sum = append(sum, s)
		count = append(count, "("+s+" > 0)::int")
	}
	if phrase != "" {
		p := b.arg(phrase)
		sum = append(sum, fmt.Sprintf("CASE WHEN %s ~ %s THEN %v ELSE 0 END", title, p, wTitlePhrase),
			fmt.Sprintf("CASE WHEN %s ~ %s THEN %v ELSE 0 END", body, p, wBodyPhrase))
	}
	return "(" + strings.Join(sum, " + ") + ")::float8", "(" + strings.Join(count, " + ") + ")"
}

// slaDue is when a ticket's first response is due, for tickets still waiting for one.
const slaDue = `CASE WHEN t.first_response_at IS NULL AND t.status IN ('open', 'in_progress', 'waiting')
	THEN t.created_at + c.sla_response_minutes * interval '1 minute' END`

// ticketPart selects the tickets the viewer may see that match, with their score.
func (b *builder) ticketPart(q search.Query, terms []string) string {
	staff := q.Viewer.IsStaff()
	var where []string
	if !staff {
		where = append(where, "t.client_id = "+b.arg(q.Viewer.ClientID))
	}
	where = append(where, b.commonFilters(q.Filters, "t.created_at", "t.category", "t.tags")...)
	f := q.Filters
	if len(f.Status) > 0 {
		where = append(where, "t.status = ANY("+b.arg(f.Status)+")")
	}
	if len(f.Priority) > 0 {
		where = append(where, "t.priority = ANY("+b.arg(f.Priority)+")")
	}
	if len(f.ClientIDs) > 0 {
		where = append(where, "t.client_id = ANY("+b.arg(f.ClientIDs)+")")
	}
	if len(f.AssigneeIDs) > 0 {
		where = append(where, "t.assignee_id = ANY("+b.arg(f.AssigneeIDs)+")")
	}
	internalCond := "NOT m.internal"
	if staff {
		internalCond = "true"
	}
	if len(terms) > 0 {
		// First pass through the trigram indexes: tickets where any term matches anywhere.
		anyTitle, anyText := b.arg(anyPattern(terms, true)), b.arg(anyPattern(terms, false))
		where = append(where, fmt.Sprintf(`t.id IN (
			SELECT id FROM tickets WHERE search_fold(title) ~ %s
			UNION SELECT id FROM tickets WHERE search_fold(description) ~ %s
			UNION SELECT ticket_id FROM comments m WHERE search_fold(m.body) ~ %s AND %s)`,
			anyTitle, anyText, anyText, internalCond))
	}
	others := []string{"x.fc"}
	if staff {
		others = append(others, "x.fi")
	}
	score, matched := b.scoreExprs(terms, "x.ft", "x.fb", others, phrasePattern(q.Text))
	if len(terms) == 0 {
		return fmt.Sprintf(`SELECT 'ticket'::text AS type, t.id, t.title, t.description AS body, t.status, t.priority,
			t.category, t.tags, t.client_id, c.name AS client_name, t.assignee_id, u.name AS assignee_name,
			''::text AS slug, t.created_at, t.updated_at, 0::float8 AS score, 0 AS matched, `+slaDue+` AS sla_due
			FROM tickets t JOIN clients c ON c.id = t.client_id LEFT JOIN users u ON u.id = t.assignee_id
			WHERE %s`, andAll(where))
	}
	return fmt.Sprintf(`SELECT 'ticket'::text AS type, t.id, t.title, t.description AS body, t.status, t.priority,
			t.category, t.tags, t.client_id, c.name AS client_name, t.assignee_id, u.name AS assignee_name,
			''::text AS slug, t.created_at, t.updated_at, %s AS score, %s AS matched, `+slaDue+` AS sla_due
		FROM tickets t JOIN clients c ON c.id = t.client_id LEFT JOIN users u ON u.id = t.assignee_id
		CROSS JOIN LATERAL (SELECT search_fold(t.title) AS ft, search_fold(t.description) AS fb,
			coalesce((SELECT string_agg(search_fold(m.body), ' ') FROM comments m WHERE m.ticket_id = t.id AND NOT m.internal), '') AS fc,
			coalesce((SELECT string_agg(search_fold(m.body), ' ') FROM comments m WHERE m.ticket_id = t.id AND m.internal), '') AS fi
			OFFSET 0) x -- a fence: folded once per row, not once per pattern that reads them
		WHERE %s`, score, matched, andAll(where))
}

// kbPart selects the articles the viewer may read that match; ok is false when the filters
// name ticket-only fields, which no article has.
func (b *builder) kbPart(q search.Query, terms []string) (string, bool) {
	f := q.Filters
	if len(f.Status) > 0 || len(f.Priority) > 0 || len(f.ClientIDs) > 0 || len(f.AssigneeIDs) > 0 {
		return "", false
	}
	where := []string{"a.audience = ANY(" + b.arg(q.Viewer.KBAudiences()) + ")"}
	if !q.Viewer.IsStaff() {
		where = append(where, "a.status = 'published'")
	}
	where = append(where, b.commonFilters(f, "a.created_at", "coalesce(k.name, '')", "a.tags")...)
	if len(terms) > 0 {
		where = append(where, fmt.Sprintf(`a.id IN (
			SELECT id FROM kb_articles WHERE search_fold(title) ~ %s
			UNION SELECT id FROM kb_articles WHERE search_fold(body_text) ~ %s)`,
			b.arg(anyPattern(terms, true)), b.arg(anyPattern(terms, false))))
	}
	score, matched := b.scoreExprs(terms, "x.ft", "x.fb", nil, phrasePattern(q.Text))
	return fmt.Sprintf(`SELECT 'kb'::text AS type, a.id, a.title, a.body_text AS body, ''::text AS status, ''::text AS priority,
			coalesce(k.name, '') AS category, a.tags, NULL::bigint AS client_id, ''::text AS client_name,
			NULL::bigint AS assignee_id, NULL::text AS assignee_name, a.slug, a.created_at, a.updated_at,
			%s AS score, %s AS matched, NULL::timestamptz AS sla_due
		FROM kb_articles a LEFT JOIN kb_categories k ON k.id = a.category_id
		CROSS JOIN LATERAL (SELECT search_fold(a.title) AS ft, search_fold(a.body_text) AS fb OFFSET 0) x
		WHERE %s`, score, matched, andAll(where)), true
}

func (b *builder) commonFilters(f search.Filters, created, category, tags string) []string {
	var where []string
	if len(f.Categories) > 0 {
		where = append(where, category+" = ANY("+b.arg(f.Categories)+")")
	}
	if len(f.Tags) > 0 {
		where = append(where, tags+" @> "+b.arg(f.Tags)+"::text[]")
	}
	if f.CreatedFrom != nil {
		where = append(where, created+" >= "+b.arg(*f.CreatedFrom))
	}
	if f.CreatedTo != nil {
		where = append(where, created+" < "+b.arg(*f.CreatedTo))
	}
	return where
}

// wrap turns the union of matching documents into one row: total, the page of hits, facets.
func (b *builder) wrap(union string, q search.Query, hasText bool) string {
	required := "0"
	if hasText {
		required = b.arg(search.Required(len(search.Terms(q.Text))))
	}
	order := "updated_at DESC, id DESC"
	switch {
	case q.Sort == search.SortSLA:
		order = "sla_due ASC NULLS LAST, " + order
	case q.Sort == search.SortPriority:
		order = `CASE priority WHEN 'urgent' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 END DESC NULLS LAST, ` + order
	case q.Sort == search.SortRelevance && hasText:
		order = "score DESC, " + order
	}
	limit, offset := b.arg(q.PerPage), b.arg((q.Page-1)*q.PerPage)
	facet := func(value, label, from, where string) string {
		return fmt.Sprintf(`coalesce((SELECT json_agg(json_build_object('value', v, 'label', l, 'count', n) ORDER BY n DESC, sortkey)
			FROM (SELECT %s AS v, %s AS l, %s AS sortkey, count(*) AS n FROM %s WHERE %s GROUP BY 1, 2, 3
			      ORDER BY n DESC, sortkey LIMIT %d) f), '[]')`, "("+value+")::text", label, value, from, where, facetSize)
	}
	str := func(col string) string { return col + ` COLLATE "C"` }
	return fmt.Sprintf(`WITH matched AS MATERIALIZED (
			SELECT * FROM (%s) d WHERE d.matched >= %s
		), page AS (
			SELECT * FROM matched ORDER BY %s LIMIT %s OFFSET %s
		)
		SELECT (SELECT count(*) FROM matched),
			coalesce((SELECT json_agg(json_build_object(
				'type', p.type, 'id', p.id, 'title', p.title, 'body', p.body, 'status', p.status, 'priority', p.priority,
				'category', p.category, 'client_name', p.client_name, 'slug', p.slug, 'updated_at', p.updated_at,
				'score', p.score,
				'comments', CASE WHEN p.type = 'ticket' THEN (SELECT coalesce(json_agg(m.body ORDER BY m.created_at, m.id), '[]')
					FROM comments m WHERE m.ticket_id = p.id AND NOT m.internal) END,
				'internal', CASE WHEN p.type = 'ticket' THEN (SELECT coalesce(json_agg(m.body ORDER BY m.created_at, m.id), '[]')
					FROM comments m WHERE m.ticket_id = p.id AND m.internal) END
			) ORDER BY %s) FROM page p), '[]'),
			json_build_object(
				'status', %s, 'priority', %s, 'client', %s, 'category', %s, 'assignee', %s, 'tags', %s, 'age', %s)`,
		union, required, order, limit, offset, order,
		facet(str("status"), "NULL", "matched", "type = 'ticket'"),
		facet(str("priority"), "NULL", "matched", "type = 'ticket'"),
		facet("client_id", "client_name", "matched", "type = 'ticket'"),
		facet(str("category"), "NULL", "matched", "category <> ''"),
		facet("assignee_id", "assignee_name", "matched", "assignee_id IS NOT NULL"),
		facet(str("tag"), "NULL", "matched, unnest(tags) AS tag", "true"),
		b.ageFacet(q.Now),
	)
}

// ageFacet counts the matching tickets opened within each age bucket, leaving out empty ones.
func (b *builder) ageFacet(now time.Time) string {
	var parts []string
	for i, bk := range search.AgeBuckets {
		parts = append(parts, fmt.Sprintf(`SELECT %d AS o, '%s' AS v, count(*) FILTER (WHERE type = 'ticket' AND created_at >= %s) AS n FROM matched`,
			i, bk.Value, b.arg(now.Add(-bk.Span))))
	}
	return `coalesce((SELECT json_agg(json_build_object('value', v, 'count', n) ORDER BY o) FROM (` +
		strings.Join(parts, " UNION ALL ") + `) a WHERE n > 0), '[]')`
}

func andAll(conds []string) string {
	if len(conds) == 0 {
		return "true"
	}
	return strings.Join(conds, " AND ")
}
