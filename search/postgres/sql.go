package postgres

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"helpdesk/search"
	"helpdesk/store"
	"helpdesk/ticket"
)

// kind is one document type's search table and how its rows read as search documents.
type kind struct {
	typ   string
	table string
	// columns lists the candidate columns, in the order every kind gives them (they are
	// unioned), with a verb for sla_due; s is the search table, x its joins.
	columns string
	joins   string
	slaDue  string // when a document's first response is due, if it can be
}

// columnsFor is the candidate columns of a kind: sla_due computed only for the SLA order, which
// alone reads it (the client's time allowed is a lookup per candidate).
func (k *kind) columnsFor(q search.Query) string {
	due := "NULL::timestamptz"
	if q.Sort == search.SortSLA && k.slaDue != "" {
		due = k.slaDue
	}
	return fmt.Sprintf(k.columns, due)
}

var (
	ticketKind = &kind{typ: search.TypeTicket, table: "ticket_search",
		columns: `'ticket'::text AS type, s.id, s.status, s.priority, s.category, s.tags, s.client_id,
			s.assignee_id, s.created_at, s.updated_at, %s AS sla_due`,
		slaDue: slaDue}
	kbKind = &kind{typ: search.TypeKB, table: "kb_search",
		columns: `'kb'::text AS type, s.id, ''::text AS status, ''::text AS priority, coalesce(x.name, '') AS category, s.tags,
			NULL::bigint AS client_id, NULL::bigint AS assignee_id, s.created_at, s.updated_at, %s AS sla_due`,
		joins: `LEFT JOIN kb_categories x ON x.id = s.category_id`}
)

func kindOf(typ string) *kind {
	if typ == search.TypeTicket {
		return ticketKind
	}
	return kbKind
}

// filterable reports whether a document of the kind can pass the filters at all.
func (k *kind) filterable(f search.Filters) bool {
	return k.typ == search.TypeTicket || (len(f.Status) == 0 && len(f.Priority) == 0 && len(f.ClientIDs) == 0 && len(f.AssigneeIDs) == 0)
}

// slaDue is when a ticket's first response is due, for tickets still waiting for one.
const slaDue = `ticket_sla_due(s.created_at, s.first_response_at, s.status,
	(SELECT x.sla_response_minutes FROM clients x WHERE x.id = s.client_id))`

// candidateColumns are the columns of a candidate of any kind.
const candidateColumns = `type, id, status, priority, category, tags, client_id, assignee_id,
	created_at, updated_at, sla_due, cheap, strict`

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

// termScore is a term's score in a vector: its best way of matching, weighted by field
// (ts_rank, normalised by the vector's length) and by rarity (idf, as BM25 computes it).
func (b *builder) termScore(vec string, t termQuery, idf float64, staff bool) string {
	weights := rankWeights(staff)
	var ways []string
	for _, c := range t.classes {
		ways = append(ways, fmt.Sprintf("%g * ts_rank(%s, %s, %s, 1)", c.kind*rankScale*float64(c.q.n), weights, vec, b.tsq(c.q)))
	}
	if len(ways) == 1 {
		return fmt.Sprintf("%g * %s", idf, ways[0])
	}
	return fmt.Sprintf("%g * greatest(%s)", idf, strings.Join(ways, ", "))
}

// matched counts the terms a vector matches: reading it, so only for a few rows.
func (b *builder) matched(vec string, terms []termQuery) string {
	var count []string
	for _, t := range terms {
		count = append(count, fmt.Sprintf("(%s @@ %s)::int", vec, b.tsq(t.match)))
	}
	return "(" + strings.Join(count, " + ") + ")"
}

// Tiers of candidates: past Cap matches a search ranks a bounded set, and the set holds first
// what ranks best whatever its age (the strict pass's few documents, those holding every
// term), then the newest of the rest.
const (
	tierMatch  = 0 // holds the terms the pass requires
	tierAll    = 1 // holds every term
	tierStrict = 2 // found by the strict pass (the relaxed pass ranks them first)
)

// candidates defines, as CTEs named after the kind, the documents of a kind the viewer may
// see that pass the filters and match: in <name> at most Cap+1 of them by tier, then newest,
// with the cheap score of their titles. It returns the CTEs and the condition that the kind's
// total is capped: more than Cap of the newest Cap+1 matches (in <name> itself when it holds
// only them, else in <name>_match). bounds split the ids into bands, newest first (see bands).
func (b *builder) candidates(q search.Query, r run, k *kind, idf []float64, bounds []int64, name string) (ctes []string, capped string) {
	cheap := b.cheapScore(q, r, idf)
	branch := func(tier int, arms [][]string, windowed bool, limit int) string {
		if len(arms) == 0 {
			arms = [][]string{nil} // no text: every row
		}
		sel := func(band []string) string {
			var selects []string
			for _, text := range arms {
				selects = append(selects, fmt.Sprintf(`SELECT %s, %s AS cheap, %d AS tier FROM %s s %s WHERE %s ORDER BY s.id DESC LIMIT %d`,
					k.columnsFor(q), cheap, tier, k.table, k.joins, andAll(append(b.where(q, k, text), band...)), limit))
			}
			if len(selects) == 1 {
				return selects[0]
			}
			return fmt.Sprintf(`SELECT DISTINCT ON (id) * FROM ((%s)) arms ORDER BY id DESC LIMIT %d`,
				strings.Join(selects, ") UNION ALL ("), limit)
		}
		if !windowed || len(bounds) == 0 {
			return sel(nil)
		}
		var parts []string
		for i := 0; i <= len(bounds); i++ {
			var band []string
			if i < len(bounds) {
				band = append(band, "s.id > "+b.arg(bounds[i]))
			}
			if i > 0 {
				band = append(band, "s.id <= "+b.arg(bounds[i-1]))
			}
			parts = append(parts, "("+sel(band)+")")
		}
		// Appended in order, each band read only when those before it fall short of the limit.
		return fmt.Sprintf("SELECT * FROM (%s) bands LIMIT %d", strings.Join(parts, " UNION ALL "), limit)
	}
	// Already the newest Cap+1, each once: read once, as the candidates go (c).
	only := func(arms [][]string) ([]string, string) {
		return []string{fmt.Sprintf("%s AS (SELECT *, false AS strict FROM (%s) m)", name, branch(tierMatch, arms, true, Cap+1))},
			fmt.Sprintf("(SELECT count(*) FROM c WHERE type = '%s') > %d", k.typ, Cap)
	}
	if len(r.terms) == 0 {
		return only(nil)
	}
	if r.required == len(r.terms) && r.bonus == 0 {
		return only(b.matching(r.required, r.terms, "s"))
	}
	capped = fmt.Sprintf("(SELECT count(*) FROM %s_match) > %d", name, Cap)
	ctes = append(ctes, fmt.Sprintf("%s_match AS MATERIALIZED (%s)", name, branch(tierMatch, b.matching(r.required, r.terms, "s"), true, Cap+1)))
	tiers := []string{"SELECT * FROM " + name + "_match"}
	if r.required < len(r.terms) {
		ctes = append(ctes, fmt.Sprintf("%s_all AS MATERIALIZED (%s)", name, branch(tierAll, b.matching(len(r.terms), r.terms, "s"), true, Cap+1)))
		tiers = append(tiers, "SELECT * FROM "+name+"_all")
	}
	if r.bonus > 0 {
		// Looked for in the whole table, as the strict pass did: what it found ranks first
		// however old.
		ctes = append(ctes, fmt.Sprintf("%s_strict AS MATERIALIZED (%s)", name,
			branch(tierStrict, b.matching(r.bonus, r.terms, "s"), false, Cap+1)))
		tiers = append(tiers, "SELECT * FROM "+name+"_strict")
	}
	return append(ctes, fmt.Sprintf(`%s AS (SELECT x.*, x.tier = %d AS strict FROM (
			SELECT DISTINCT ON (id) * FROM (%s) u ORDER BY id, tier DESC) x
		ORDER BY x.tier DESC, x.id DESC LIMIT %d)`, name, tierStrict, strings.Join(tiers, " UNION ALL "), Cap+1)), capped
}

// cheapScore is a search row's score from its title (s.title_vec, in the row): computed as the
// row is read, so only the score travels with the candidate.
func (b *builder) cheapScore(q search.Query, r run, idf []float64) string {
	if len(r.terms) == 0 {
		return "0::float8"
	}
	var parts []string
	for i, t := range r.terms {
		parts = append(parts, b.termScore("s.title_vec", t, idf[i], q.Viewer.IsStaff()))
	}
	// Most candidates match in their text, not their title: one test spares them the ranking.
	var loose []tsq
	for _, t := range r.terms {
		loose = append(loose, t.loose)
	}
	return fmt.Sprintf("CASE WHEN s.title_vec @@ %s THEN (%s)::float8 ELSE 0 END", b.tsq(or(loose...)), strings.Join(parts, " + "))
}

// where is the condition that a row of a kind's search table s (with its joins) is the viewer's
// to see, passes the filters and matches text.
func (b *builder) where(q search.Query, k *kind, text []string) []string {
	return append(append(b.access(q, k), b.filters(q.Filters, k)...), text...)
}

// matches is the query of the rows of a kind a pass looks for first (its required terms), for
// the planner to say how many there are.
func (b *builder) matches(q search.Query, r run, k *kind) string {
	var text []string
	if len(r.terms) > 0 {
		query, _ := atLeast(r.required, r.terms)
		text = []string{"s.match_vec @@ " + b.tsq(query)}
	}
	return fmt.Sprintf("SELECT 1 FROM %s s %s WHERE %s", k.table, k.joins, andAll(b.where(q, k, text)))
}

// matching is the condition that a row of the search table s holds at least k of terms, as
// arms whose rows together are those that do: one tsquery the index answers alone and, when it
// asks for less (see atLeast), each row's terms counted. Counting reads a row's whole vector:
// what the terms' alternatives without a phrase find is then an arm of its own, uncounted, and
// only the rows holding every word of one of their phrases, few, are counted (a row may be in
// both arms).
func (b *builder) matching(k int, terms []termQuery, s string) [][]string {
	query, exact := atLeast(k, terms)
	vec := s + ".match_vec"
	if exact {
		return [][]string{{vec + " @@ " + b.tsq(query)}}
	}
	counted := fmt.Sprintf("%s >= %d", b.matched(vec, terms), k)
	plain, ok := plainAtLeast(k, terms)
	if !ok || plain.empty() {
		return [][]string{{vec + " @@ " + b.tsq(query), counted}}
	}
	var phrases []tsq
	for _, t := range terms {
		phrases = append(phrases, t.phrases)
	}
	return [][]string{{vec + " @@ " + b.tsq(plain)}, {vec + " @@ " + b.tsq(and(query, or(phrases...))), counted}}
}

// access is the viewer rule, inside the query: clients see their company's tickets; everyone
// sees the published articles of their audiences; staff see everything.
func (b *builder) access(q search.Query, k *kind) []string {
	if k.typ == search.TypeTicket {
		return store.TicketAccess(q.Viewer, "s", b.arg)
	}
	return store.ArticleAccess(q.Viewer, "s", "s.published", b.arg)
}

func (b *builder) filters(f search.Filters, k *kind) []string {
	var where []string
	if len(f.Categories) > 0 {
		if k.typ == search.TypeTicket {
			where = append(where, "s.category = ANY("+b.arg(f.Categories)+")")
		} else {
			where = append(where, "x.name = ANY("+b.arg(f.Categories)+")")
		}
	}
	if len(f.Tags) > 0 {
		where = append(where, "s.tags @> "+b.arg(f.Tags)+"::text[]")
	}
	if f.CreatedFrom != nil {
		where = append(where, "s.created_at >= "+b.arg(*f.CreatedFrom))
	}
	if f.CreatedTo != nil {
		where = append(where, "s.created_at < "+b.arg(*f.CreatedTo))
	}
	if len(f.Status) > 0 {
		where = append(where, "s.status = ANY("+b.arg(f.Status)+")")
	}
	if len(f.Priority) > 0 {
		where = append(where, "s.priority = ANY("+b.arg(f.Priority)+")")
	}
	if len(f.ClientIDs) > 0 {
		where = append(where, "s.client_id = ANY("+b.arg(f.ClientIDs)+")")
	}
	if len(f.AssigneeIDs) > 0 {
		where = append(where, "s.assignee_id = ANY("+b.arg(f.AssigneeIDs)+")")
	}
	return where
}

// fullScore is a candidate's score from its whole text: the terms, the query's words as a
// phrase in its title or body, and StrictBonus for what the strict pass found.
func (b *builder) fullScore(r run, staff bool, idf func(i int) string) string {
	var sum []string
	for i, t := range r.terms {
		sum = append(sum, strings.Replace(b.termScore("v.match_vec", t, 1, staff), "1 * ", idf(i)+" * ", 1))
	}
	if !r.phrase.empty() {
		for _, f := range []struct {
			weight string
			boost  float64
		}{{"A", search.WeightTitlePhrase}, {"B", search.WeightBodyPhrase}} {
			sum = append(sum, fmt.Sprintf("CASE WHEN v.match_vec @@ %s THEN %g ELSE 0 END", b.tsq(weighted(r.phrase, f.weight)), f.boost))
		}
	}
	sum = append(sum, fmt.Sprintf("CASE WHEN c.strict THEN %g ELSE 0 END", search.StrictBonus))
	return "(" + strings.Join(sum, " + ") + ")::float8"
}

// weighted restricts every lexeme of a query to one weight (a field): only for scoring a few
// rows, since the index cannot tell weights apart.
func weighted(q tsq, weight string) tsq {
	var out strings.Builder
	in := false
	for i := 0; i < len(q.text); i++ {
		c := q.text[i]
		out.WriteByte(c)
		if c == '\'' {
			if in && i+1 < len(q.text) && q.text[i+1] == '\'' { // an escaped quote inside a lexeme
				out.WriteByte('\'')
				i++
				continue
			}
			if in {
				out.WriteString(":" + weight)
			}
			in = !in
		}
	}
	return tsq{text: out.String(), n: q.n, phrase: q.phrase}
}

// query is the whole search: candidates of each kind, their count and facets, and the page,
// ranked.
func (b *builder) query(q search.Query, r run, kinds []*kind, idfs [][]float64, bounds [][]int64) string {
	staff := q.Viewer.IsStaff()
	var ctes, union, capped []string
	for i, k := range kinds {
		name := "cand_" + k.typ
		kctes, kcapped := b.candidates(q, r, k, idfs[i], bounds[i], name)
		ctes = append(ctes, kctes...)
		union = append(union, "SELECT "+candidateColumns+" FROM "+name)
		capped = append(capped, kcapped)
	}
	hasText := len(r.terms) > 0
	order := "updated_at DESC, id DESC"
	switch {
	case q.Sort == search.SortSLA:
		order = "sla_due ASC NULLS LAST, " + order
	case q.Sort == search.SortPriority:
		order = priorityRank() + " DESC NULLS LAST, " + order
	}
	relevance := q.Sort == search.SortRelevance && hasText
	page, score := "SELECT c.*, 0::float8 AS score FROM c", ""
	if relevance {
		// The titles rank every candidate; the best of them are ranked again by their text, and
		// come first (the order of every page is the same, as deep as it goes).
		idfCase := func(i int) string {
			var whens []string
			for j, kd := range kinds {
				whens = append(whens, fmt.Sprintf("WHEN '%s' THEN %g", kd.typ, idfs[j][i]))
			}
			return "(CASE c.type " + strings.Join(whens, " ") + " END)"
		}
		score = b.fullScore(r, staff, idfCase)
		// Each candidate's vector is read once, out of TOAST, and copied (|| ''): the score
		// reads it once per term, and a column would be fetched and decompressed at each.
		var vecs []string
		for _, kd := range kinds {
			vecs = append(vecs, fmt.Sprintf(`SELECT s.match_vec || ''::tsvector FROM %s s WHERE c.type = '%s' AND s.id = c.id`, kd.table, kd.typ))
		}
		byTitle := "strict DESC, cheap DESC, updated_at DESC, id DESC"
		page = fmt.Sprintf(`SELECT c.*, %s AS score FROM (SELECT * FROM c ORDER BY %s LIMIT %d) c
			CROSS JOIN LATERAL (%s OFFSET 0) v(match_vec)`, score, byTitle, rescored, strings.Join(vecs, " UNION ALL "))
		if q.Page*q.PerPage > rescored {
			page += fmt.Sprintf(" UNION ALL (SELECT c.*, NULL FROM c ORDER BY %s LIMIT %d OFFSET %d)", byTitle, q.Page*q.PerPage-rescored, rescored)
		}
		order = "score DESC NULLS LAST, CASE WHEN score IS NULL THEN strict END DESC, CASE WHEN score IS NULL THEN cheap END DESC, " + order
	}
	limit, offset := b.arg(q.PerPage), b.arg((q.Page-1)*q.PerPage)
	// A facet's most frequent values, labelled (a name looked up for each of them, not for
	// each candidate).
	facet := func(name, label string) string {
		return fmt.Sprintf(`coalesce((SELECT json_agg(json_build_object('value', v, 'label', %s, 'count', n) ORDER BY n DESC, nkey, v COLLATE "C")
			FROM (SELECT * FROM fc WHERE facet = '%s' AND v <> '' ORDER BY n DESC, nkey, v COLLATE "C" LIMIT %d) f), '[]')`,
			label, name, search.FacetSize)
	}
	return fmt.Sprintf(`WITH %s,
		c AS (%s),
		ranked AS (%s),
		p AS (SELECT * FROM ranked ORDER BY %s LIMIT %s OFFSET %s),
		fc AS (%s)
		SELECT (SELECT count(*) FROM c), (%s),
			coalesce((SELECT json_agg(json_build_object(
				'type', p.type, 'id', p.id, 'title', d.title, 'body', d.body, 'status', p.status, 'priority', p.priority,
				'category', p.category, 'client_name', d.client_name, 'slug', d.slug, 'updated_at', p.updated_at,
				'score', coalesce(p.score, p.cheap), 'comments', d.comments, 'internal', d.internal
			) ORDER BY %s) FROM p CROSS JOIN LATERAL (%s) d), '[]'),
			json_build_object(
				'status', %s, 'priority', %s, 'client', %s, 'category', %s, 'assignee', %s, 'tags', %s, 'age', %s)`,
		strings.Join(ctes, ",\n\t\t"), strings.Join(union, " UNION ALL "), page, order, limit, offset, facetCounts,
		strings.Join(capped, " OR "), order, documentText,
		facet("status", "NULL"), facet("priority", "NULL"), facet("client", "(SELECT name FROM clients WHERE id = f.nkey)"),
		facet("category", "NULL"), facet("assignee", "(SELECT name FROM users WHERE id = f.nkey)"), facet("tags", "NULL"),
		b.ageFacet(q.Now),
	)
}

// priorityRank is a candidate's priority as ticket.PriorityRank ranks it (NULL for none).
func priorityRank() string {
	var whens []string
	for _, p := range ticket.Priorities {
		whens = append(whens, fmt.Sprintf("WHEN '%s' THEN %d", p, ticket.PriorityRank(p)))
	}
	return "CASE priority " + strings.Join(whens, " ") + " END"
}

// documentText is the text of a page's hit, for highlighting: a ticket's title, description
// and comments, an article's title and text.
const documentText = `SELECT t.title, t.description AS body, ''::text AS slug, (SELECT name FROM clients WHERE id = t.client_id) AS client_name,
		(SELECT coalesce(json_agg(m.body ORDER BY m.created_at, m.id), '[]') FROM comments m WHERE m.ticket_id = t.id AND NOT m.internal) AS comments,
		(SELECT coalesce(json_agg(m.body ORDER BY m.created_at, m.id), '[]') FROM comments m WHERE m.ticket_id = t.id AND m.internal) AS internal
	FROM tickets t WHERE p.type = 'ticket' AND t.id = p.id
	UNION ALL
	SELECT a.title, a.body_text, a.slug, '', NULL::json, NULL::json FROM kb_articles a WHERE p.type = 'kb' AND a.id = p.id`

// facetCounts counts the candidates by the value of each facet's field in one pass (a kind
// without the field has it empty or NULL), their tags in another.
const facetCounts = `SELECT CASE WHEN GROUPING(status) = 0 THEN 'status' WHEN GROUPING(priority) = 0 THEN 'priority'
			WHEN GROUPING(client_id) = 0 THEN 'client' WHEN GROUPING(category) = 0 THEN 'category' ELSE 'assignee' END AS facet,
		coalesce(status, priority, client_id::text, category, assignee_id::text) AS v, coalesce(client_id, assignee_id) AS nkey, count(*) AS n
	FROM c GROUP BY GROUPING SETS ((status), (priority), (client_id), (category), (assignee_id))
	UNION ALL
	SELECT 'tags', tag, NULL, count(*) FROM (SELECT unnest(tags) AS tag FROM c) t GROUP BY tag`

// ageFacet counts the matching tickets opened within each age bucket, leaving out empty ones.
func (b *builder) ageFacet(now time.Time) string {
	var counts, buckets []string
	for i, bk := range search.AgeBuckets {
		counts = append(counts, fmt.Sprintf(`count(*) FILTER (WHERE created_at >= %s) AS n%d`, b.arg(now.Add(-bk.Span)), i))
		buckets = append(buckets, fmt.Sprintf(`(%d, '%s', n%d)`, i, bk.Value, i))
	}
	return fmt.Sprintf(`coalesce((SELECT json_agg(json_build_object('value', v, 'count', n) ORDER BY o)
		FROM (SELECT %s FROM c WHERE type = 'ticket') x CROSS JOIN LATERAL (VALUES %s) a(o, v, n) WHERE n > 0), '[]')`,
		strings.Join(counts, ", "), strings.Join(buckets, ", "))
}

func andAll(conds []string) string {
	if len(conds) == 0 {
		return "true"
	}
	return strings.Join(conds, " AND ")
}
