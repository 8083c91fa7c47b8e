package elasticsearch

import (
	"strings"
	"time"

	"helpdesk/search"
)

// Boosts rank title matches above body matches, exact words above typos, phrases above
// scattered words. The Postgres backend ranks by the same weights.
const (
	boostTitleExact  = 3
	boostTitlePrefix = 2
	boostTitleFuzzy  = 1.5
	boostBodyExact   = 1
	boostBodyFuzzy   = 0.5
	boostTitlePhrase = 6
	boostBodyPhrase  = 3
)

type obj = map[string]any

// buildQuery turns a normalized query into the Elasticsearch request body. User text only
// ever reaches Elasticsearch as folded words inside term-level and match queries, never as
// query_string syntax.
func buildQuery(q search.Query, terms []string, phrase string) obj {
	filter := []any{accessFilter(q)}
	filter = append(filter, filters(q.Filters)...)

	boolQ := obj{"filter": filter}
	if len(terms) > 0 {
		var termClauses []any
		for _, t := range terms {
			termClauses = append(termClauses, termClause(t, q.Viewer.IsStaff()))
		}
		boolQ["must"] = obj{"bool": obj{"should": termClauses, "minimum_should_match": search.Required(len(terms))}}
		if phrase != "" {
			boolQ["should"] = []any{
				obj{"match_phrase": obj{"title_f": obj{"query": phrase, "boost": boostTitlePhrase}}},
				obj{"match_phrase": obj{"body_f": obj{"query": phrase, "boost": boostBodyPhrase}}},
			}
		}
	}
	body := obj{
		"query":            obj{"bool": boolQ},
		"from":             (q.Page - 1) * q.PerPage,
		"size":             q.PerPage,
		"track_total_hits": true,
		"sort":             sortClause(q.Sort, len(terms) > 0),
		"_source":          []string{"doc_type", "id", "display", "status", "priority", "client_name", "category", "slug", "updated_at"},
		"aggs":             facetAggs(q.Now),
	}
	return body
}

// termClause matches one term anywhere the viewer may search.
func termClause(t string, staff bool) obj {
	should := []any{
		obj{"term": obj{"title_f": obj{"value": t, "boost": boostTitleExact}}},
		obj{"term": obj{"body_f": obj{"value": t, "boost": boostBodyExact}}},
		obj{"term": obj{"comments_f": obj{"value": t, "boost": boostBodyExact}}},
	}
	if search.PrefixAllowed(t) {
		should = append(should, obj{"prefix": obj{"title_f": obj{"value": t, "boost": boostTitlePrefix}}})
	}
	fuzzyFields := map[string]float64{"title_f": boostTitleFuzzy, "body_f": boostBodyFuzzy, "comments_f": boostBodyFuzzy}
	if staff {
		should = append(should, obj{"term": obj{"internal_f": obj{"value": t, "boost": boostBodyExact}}})
		fuzzyFields["internal_f"] = boostBodyFuzzy
	}
	if search.FuzzyAllowed(t) {
		for _, f := range []string{"title_f", "body_f", "comments_f", "internal_f"} {
			boost, ok := fuzzyFields[f]
			if !ok {
				continue
			}
			should = append(should, obj{"fuzzy": obj{f: obj{"value": t, "fuzziness": 1, "transpositions": false,
				"prefix_length": 0, "max_expansions": 100, "boost": boost}}})
		}
	}
	return obj{"dis_max": obj{"queries": should, "tie_breaker": 0.3}}
}

// accessFilter is the viewer rule, inside the query: clients see their company's tickets,
// everyone sees the published articles of their audiences, staff see everything.
func accessFilter(q search.Query) obj {
	var alternatives []any
	for _, t := range q.VisibleTypes() {
		switch t {
		case search.TypeTicket:
			f := []any{obj{"term": obj{"doc_type": search.TypeTicket}}}
			if !q.Viewer.IsStaff() {
				f = append(f, obj{"term": obj{"client_id": q.Viewer.ClientID}})
			}
			alternatives = append(alternatives, obj{"bool": obj{"filter": f}})
		case search.TypeKB:
			f := []any{obj{"term": obj{"doc_type": search.TypeKB}}, obj{"terms": obj{"audience": q.Viewer.KBAudiences()}}}
			if !q.Viewer.IsStaff() {
				f = append(f, obj{"term": obj{"published": true}})
			}
			alternatives = append(alternatives, obj{"bool": obj{"filter": f}})
		}
	}
	if len(alternatives) == 0 {
		return obj{"match_none": obj{}}
	}
	return obj{"bool": obj{"should": alternatives, "minimum_should_match": 1}}
}

func filters(f search.Filters) []any {
	var out []any
	if len(f.Status) > 0 {
		out = append(out, obj{"terms": obj{"status": f.Status}})
	}
	if len(f.Priority) > 0 {
		out = append(out, obj{"terms": obj{"priority": f.Priority}})
	}
	if len(f.ClientIDs) > 0 {
		out = append(out, obj{"terms": obj{"client_id": f.ClientIDs}})
	}
	if len(f.Categories) > 0 {
		out = append(out, obj{"terms": obj{"category": f.Categories}})
	}
	if len(f.AssigneeIDs) > 0 {
		out = append(out, obj{"terms": obj{"assignee_id": f.AssigneeIDs}})
	}
	for _, tag := range f.Tags { // every tag asked for must be there
		out = append(out, obj{"term": obj{"tags": tag}})
	}
	if f.CreatedFrom != nil || f.CreatedTo != nil {
		r := obj{}
		if f.CreatedFrom != nil {
			r["gte"] = f.CreatedFrom.UTC().Format(time.RFC3339Nano)
		}
		if f.CreatedTo != nil {
			r["lt"] = f.CreatedTo.UTC().Format(time.RFC3339Nano)
		}
		out = append(out, obj{"range": obj{"created_at": r}})
	}
	return out
}

// sortClause orders hits; ties always fall back to newest, then id, so pages are stable.
func sortClause(s search.Sort, hasText bool) []any {
	tail := []any{obj{"updated_at": "desc"}, obj{"id": "desc"}}
	switch {
	case s == search.SortNewest || (s == search.SortRelevance && !hasText):
		return tail
	case s == search.SortSLA:
		return append([]any{obj{"sla_due": obj{"order": "asc", "missing": "_last"}}}, tail...)
	case s == search.SortPriority:
		return append([]any{obj{"priority_rank": obj{"order": "desc", "missing": "_last"}}}, tail...)
	}
	return append([]any{obj{"_score": "desc"}}, tail...)
}

// Facet sizes; the Postgres backend returns as many.
const (
	facetSize = 20
)

func facetAggs(now time.Time) obj {
	terms := func(field string, size int) obj {
		return obj{"terms": obj{"field": field, "size": size, "order": []any{obj{"_count": "desc"}, obj{"_key": "asc"}}}}
	}
	withLabel := func(field, label string) obj {
		a := terms(field, facetSize)
		a["aggs"] = obj{"label": obj{"terms": obj{"field": label, "size": 1}}}
		return a
	}
	return obj{
		"status":   terms("status", facetSize),
		"priority": terms("priority", facetSize),
		"client":   withLabel("client_id", "client_name"),
		"category": terms("category", facetSize),
		"assignee": withLabel("assignee_id", "assignee_name"),
		"tags":     terms("tags", facetSize),
		"age":      ageAgg(now),
	}
}

// ageAgg counts tickets opened within each age bucket (they overlap: a day is within a week).
func ageAgg(now time.Time) obj {
	filters := obj{}
	for _, b := range search.AgeBuckets {
		filters[b.Value] = obj{"range": obj{"created_at": obj{"gte": now.Add(-b.Span).UTC().Format(time.RFC3339Nano)}}}
	}
	return obj{"filter": obj{"term": obj{"doc_type": search.TypeTicket}},
		"aggs": obj{"within": obj{"filters": obj{"filters": filters}}}}
}

// phraseOf returns the folded words of the text as one phrase, when there are two or more.
func phraseOf(text string) string {
	words := search.Words(search.Fold(text))
	if len(words) < 2 {
		return ""
	}
	return strings.Join(words, " ")
}
