// Package postgres is the fallback search engine: the same queries answered from Postgres,
// over tsvectors of text analysed by the same Go code as the Elasticsearch index (the store
// writes them with the text), behind GIN indexes. The same access rules sit inside the SQL,
// facets are computed in SQL, highlights are the search package's.
package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"helpdesk/search"
	"helpdesk/search/analysis"
)

// Backend searches the canonical tables directly.
type Backend struct {
	pool *pgxpool.Pool
	an   *analysis.Analyzer
}

var _ search.Searcher = (*Backend)(nil)

// New returns a backend on pool that analyses queries with an.
func New(pool *pgxpool.Pool, an *analysis.Analyzer) *Backend { return &Backend{pool: pool, an: an} }

// Search answers q from Postgres.
func (b *Backend) Search(ctx context.Context, q search.Query) (*search.Result, error) {
	return search.Run(ctx, b, b.an, q)
}

// Pass runs one pass of a normalised query.
func (b *Backend) Pass(ctx context.Context, q search.Query, aq analysis.Query, p search.Pass) (*search.Result, error) {
	weights := weightsFor(q.Viewer.IsStaff())
	tqs := make([]termQuery, 0, len(aq.Terms))
	for _, t := range aq.Terms {
		var exp []string
		if !t.IsPhrase() && t.Edits > 0 {
			var err error
			if exp, err = b.expand(ctx, t.Words[0], t.Edits); err != nil {
				return nil, err
			}
		}
		typoWeights := "A" // without typos, in titles only
		if p.Typos {
			typoWeights = weights
		}
		tqs = append(tqs, termQueryOf(t, exp, weights, typoWeights))
	}
	var ph [2]tsq
	if len(aq.Words) > 1 {
		ph = [2]tsq{phrase(aq.Words, "A", false), phrase(aq.Words, "B", false)}
	}
	res, err := b.run(ctx, q, aq, run{terms: tqs, required: p.Required, bonus: p.Bonus, typos: p.Typos, phrases: ph})
	if err != nil {
		return nil, err
	}
	return res.Result, nil
}

// nearbyDocs is how many documents a suggestion is picked from.
const nearbyDocs = 10

// Nearby returns the visible text of documents holding words within the typos a suggestion
// allows of the query's.
func (b *Backend) Nearby(ctx context.Context, q search.Query, aq analysis.Query) ([]string, error) {
	weights := weightsFor(q.Viewer.IsStaff())
	var alts []tsq
	for _, t := range aq.Terms {
		edits := t.SuggestEdits()
		if edits == 0 {
			continue
		}
		exp, err := b.expand(ctx, t.Words[0], edits)
		if err != nil {
			return nil, err
		}
		for _, e := range append(exp, t.Words[0]) { // the word too: a document holding it says it is no typo
			alts = append(alts, lexeme(e, weights))
		}
	}
	any := or(alts...)
	if any.empty() {
		return nil, nil
	}
	near := q
	near.Page, near.PerPage, near.Sort = 1, nearbyDocs, search.SortRelevance
	res, err := b.run(ctx, near, aq, run{terms: []termQuery{{any: any, classes: []class{{any, 1}}}}, required: 1, texts: true})
	if err != nil {
		return nil, err
	}
	return res.texts, nil
}

// run is what one query asks of the database.
type run struct {
	terms    []termQuery
	required int
	bonus    int
	typos    bool   // typos read in every field, not only in titles
	phrases  [2]tsq // the query's words in order, in titles and in bodies
	texts    bool   // keep the hits' texts (for Nearby)
}

// result is a search result and, when asked for, the texts of its hits.
type result struct {
	*search.Result
	texts []string
}

func (b *Backend) run(ctx context.Context, q search.Query, aq analysis.Query, r run) (*result, error) {
	res := &result{Result: search.NewResult(search.EnginePostgres, q)}
	types := q.VisibleTypes()
	if len(types) == 0 { // an anonymous visitor asking for tickets: nothing to look at
		return res, nil
	}
	staff := q.Viewer.IsStaff()
	var bld builder
	var parts []string
	for _, t := range types {
		var part string
		var ok bool
		var err error
		if t == search.TypeTicket {
			part, ok, err = bld.ticketPart(ctx, b, q, r, staff)
		} else {
			part, ok, err = bld.kbPart(ctx, b, q, r)
		}
		if err != nil {
			return nil, err
		}
		if ok {
			parts = append(parts, part)
		}
	}
	if len(parts) == 0 {
		return res, nil
	}
	sql := bld.wrap(strings.Join(parts, "\nUNION ALL\n"), q, r)
	var (
		total  int64
		hitsJS []byte
		facJS  []byte
	)
	if err := b.pool.QueryRow(ctx, sql, bld.args...).Scan(&total, &hitsJS, &facJS); err != nil {
		return nil, queryError(ctx, err)
	}
	res.Total = total
	var rows []hitRow
	if err := json.Unmarshal(hitsJS, &rows); err != nil {
		return nil, fmt.Errorf("postgres search: decode hits: %w", err)
	}
	m := b.an.Matcher(aq)
	if !r.typos {
		m = m.TitleTyposOnly()
	}
	for _, row := range rows {
		res.Hits = append(res.Hits, row.hit(m, staff))
		if r.texts {
			res.texts = append(res.texts, row.Title, row.Body)
			res.texts = append(res.texts, row.Comments...)
			if staff {
				res.texts = append(res.texts, row.Internal...)
			}
		}
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
	return res, nil
}

// queryError says whether the database could not answer (unavailable: failover and the API
// treat it as such) or refused the query.
func queryError(ctx context.Context, err error) error {
	var pgErr *pgconn.PgError
	if ctx.Err() != nil || !errors.As(err, &pgErr) {
		return fmt.Errorf("%w: postgres search: %w", search.ErrUnavailable, err)
	}
	return fmt.Errorf("postgres search: %w", err)
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

func (r hitRow) hit(m *analysis.Matcher, staff bool) search.Hit {
	var internal []string
	if staff {
		internal = r.Internal
	}
	return search.Hit{
		Type: r.Type, ID: r.ID, Title: r.Title, URL: search.DocURL(r.Type, r.ID, r.Slug), Score: r.Score,
		Highlights: search.Highlights(r.Title, r.Body, r.Comments, internal, m),
		Status:     r.Status, Priority: r.Priority, Client: r.ClientName, Category: r.Category, UpdatedAt: r.UpdatedAt.UTC(),
	}
}

// builder collects SQL text and its parameters; user input only ever becomes a parameter.
type builder struct {
	args []any
}

func (b *builder) arg(v any) string {
	b.args = append(b.args, v)
	return "$" + strconv.Itoa(len(b.args))
}

func (b *builder) tsq(q tsq) string { return b.arg(q.text) + "::tsquery" }

// rankWeights weigh a match by its field, in ts_rank's order (D, C, B, A), divided by
// rankScale: ts_rank takes weights up to 1.
func rankWeights(staff bool) string {
	internal := search.WeightInternal
	if !staff {
		internal = 0
	}
	return fmt.Sprintf("'{%g,%g,%g,%g}'::float4[]", internal/rankScale, search.WeightComments/rankScale,
		search.WeightBody/rankScale, search.WeightTitle/rankScale)
}

const rankScale = search.WeightTitle

// scoreExprs returns, for a vector expression, the relevance score and the number of matched
// terms. A term scores its best way of matching, weighted by field (ts_rank over the
// vector, normalised by its length) and by rarity (idf, as BM25 computes it).
func (b *builder) scoreExprs(vec string, r run, idf []float64, staff bool) (score, matched string) {
	if len(r.terms) == 0 {
		return "0::float8", "0"
	}
	weights := rankWeights(staff)
	var sum, count []string
	for i, t := range r.terms {
		var ways []string
		for _, c := range t.classes {
			ways = append(ways, fmt.Sprintf("%g * ts_rank(%s, %s, %s, 1)", c.kind*rankScale*float64(c.q.n), weights, vec, b.tsq(c.q)))
		}
		best := ways[0]
		if len(ways) > 1 {
			best = "greatest(" + strings.Join(ways, ", ") + ")"
		}
		sum = append(sum, fmt.Sprintf("%g * %s", idf[i], best))
		count = append(count, fmt.Sprintf("(%s @@ %s)::int", vec, b.tsq(t.any)))
	}
	if !r.phrases[0].empty() {
		sum = append(sum, fmt.Sprintf("CASE WHEN %s @@ %s THEN %g ELSE 0 END", vec, b.tsq(r.phrases[0]), search.WeightTitlePhrase),
			fmt.Sprintf("CASE WHEN %s @@ %s THEN %g ELSE 0 END", vec, b.tsq(r.phrases[1]), search.WeightBodyPhrase))
	}
	matched = "(" + strings.Join(count, " + ") + ")"
	if r.bonus > 0 {
		sum = append(sum, fmt.Sprintf("CASE WHEN %s >= %d THEN %g ELSE 0 END", matched, r.bonus, search.StrictBonus))
	}
	return "(" + strings.Join(sum, " + ") + ")::float8", matched
}

// anyTerm matches documents holding at least one term: what the GIN index serves.
func anyTerm(r run) tsq {
	parts := make([]tsq, len(r.terms))
	for i, t := range r.terms {
		parts[i] = t.any
	}
	return or(parts...)
}

// idfs returns, for each term, its rarity among the documents of one table, as BM25 has it:
// ln(1 + (N - n + 0.5) / (n + 0.5)) with N documents of which n match.
func (b *Backend) idfs(ctx context.Context, table, vec string, r run) ([]float64, error) {
	if len(r.terms) == 0 {
		return nil, nil
	}
	n, counts, err := b.counts(ctx, table, vec, r)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(r.terms))
	for i, df := range counts {
		out[i] = math.Log(1 + (n-df+0.5)/(df+0.5))
	}
	return out, nil
}

// counts returns the number of documents of a table (up to idfCap) and how many of them match
// each term.
func (b *Backend) counts(ctx context.Context, table, vec string, r run) (float64, []float64, error) {
	var bld builder
	cols := []string{fmt.Sprintf(`(SELECT count(*) FROM (SELECT 1 FROM %s LIMIT %d) x)`, table, idfCap)}
	for _, t := range r.terms {
		cols = append(cols, fmt.Sprintf(`(SELECT count(*) FROM (SELECT 1 FROM %s WHERE %s @@ %s LIMIT %d) x)`,
			table, vec, bld.tsq(t.any), idfCap))
	}
	counts := make([]int64, len(cols))
	dest := make([]any, len(cols))
	for i := range counts {
		dest[i] = &counts[i]
	}
	if err := b.pool.QueryRow(ctx, "SELECT "+strings.Join(cols, ", "), bld.args...).Scan(dest...); err != nil {
		return 0, nil, queryError(ctx, err)
	}
	out := make([]float64, len(r.terms))
	for i := range out {
		out[i] = float64(counts[i+1])
	}
	return float64(counts[0]), out, nil
}

// idfCap bounds the rows counted for a term's rarity: past it, a word is common either way.
const idfCap = 100000

// slaDue is when a ticket's first response is due, for tickets still waiting for one.
const slaDue = `CASE WHEN t.first_response_at IS NULL AND t.status IN ('open', 'in_progress', 'waiting')
	THEN t.created_at + c.sla_response_minutes * interval '1 minute' END`

const ticketVec = `(t.text_vec || t.comments_vec)`

// ticketPart selects the tickets the viewer may see that match, with their score.
func (b *builder) ticketPart(ctx context.Context, be *Backend, q search.Query, r run, staff bool) (string, bool, error) {
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
	score, matched := "0::float8", "0"
	from := `tickets t`
	if len(r.terms) > 0 {
		idf, err := be.idfs(ctx, "tickets t", ticketVec, r)
		if err != nil {
			return "", false, err
		}
		where = append(where, ticketVec+" @@ "+b.tsq(anyTerm(r)))
		score, matched = b.scoreExprs("x.v", r, idf, staff)
		from = `tickets t CROSS JOIN LATERAL (SELECT ` + ticketVec + ` AS v OFFSET 0) x` // concatenated once per row
	}
	return fmt.Sprintf(`SELECT 'ticket'::text AS type, t.id, t.title, t.description AS body, t.status, t.priority,
			t.category, t.tags, t.client_id, c.name AS client_name, t.assignee_id, u.name AS assignee_name,
			''::text AS slug, t.created_at, t.updated_at, %s AS score, %s AS matched, `+slaDue+` AS sla_due
		FROM %s JOIN clients c ON c.id = t.client_id LEFT JOIN users u ON u.id = t.assignee_id
		WHERE %s`, score, matched, from, andAll(where)), true, nil
}

// kbPart selects the articles the viewer may read that match; ok is false when the filters
// name ticket-only fields, which no article has.
func (b *builder) kbPart(ctx context.Context, be *Backend, q search.Query, r run) (string, bool, error) {
	f := q.Filters
	if len(f.Status) > 0 || len(f.Priority) > 0 || len(f.ClientIDs) > 0 || len(f.AssigneeIDs) > 0 {
		return "", false, nil
	}
	where := []string{"a.audience = ANY(" + b.arg(q.Viewer.KBAudiences()) + ")"}
	if !q.Viewer.IsStaff() {
		where = append(where, "a.status = 'published'")
	}
	where = append(where, b.commonFilters(f, "a.created_at", "coalesce(k.name, '')", "a.tags")...)
	score, matched := "0::float8", "0"
	if len(r.terms) > 0 {
		idf, err := be.idfs(ctx, "kb_articles a", "a.search_vec", r)
		if err != nil {
			return "", false, err
		}
		where = append(where, "a.search_vec @@ "+b.tsq(anyTerm(r)))
		score, matched = b.scoreExprs("a.search_vec", r, idf, false)
	}
	return fmt.Sprintf(`SELECT 'kb'::text AS type, a.id, a.title, a.body_text AS body, ''::text AS status, ''::text AS priority,
			coalesce(k.name, '') AS category, a.tags, NULL::bigint AS client_id, ''::text AS client_name,
			NULL::bigint AS assignee_id, NULL::text AS assignee_name, a.slug, a.created_at, a.updated_at,
			%s AS score, %s AS matched, NULL::timestamptz AS sla_due
		FROM kb_articles a LEFT JOIN kb_categories k ON k.id = a.category_id
		WHERE %s`, score, matched, andAll(where)), true, nil
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
func (b *builder) wrap(union string, q search.Query, r run) string {
	hasText := len(r.terms) > 0
	order := "updated_at DESC, id DESC"
	switch {
	case q.Sort == search.SortSLA:
		order = "sla_due ASC NULLS LAST, " + order
	case q.Sort == search.SortPriority:
		order = `CASE priority WHEN 'urgent' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 END DESC NULLS LAST, ` + order
	case q.Sort == search.SortRelevance && hasText:
		order = "score DESC, " + order
	}
	required := b.arg(r.required)
	limit, offset := b.arg(q.PerPage), b.arg((q.Page-1)*q.PerPage)
	facet := func(value, label, from, where string) string {
		return fmt.Sprintf(`coalesce((SELECT json_agg(json_build_object('value', v, 'label', l, 'count', n) ORDER BY n DESC, sortkey)
			FROM (SELECT %s AS v, %s AS l, %s AS sortkey, count(*) AS n FROM %s WHERE %s GROUP BY 1, 2, 3
			      ORDER BY n DESC, sortkey LIMIT %d) f), '[]')`, "("+value+")::text", label, value, from, where, search.FacetSize)
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
