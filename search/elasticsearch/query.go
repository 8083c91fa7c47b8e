package elasticsearch

import (
	"strings"
	"time"

	"helpdesk/search"
	"helpdesk/search/analysis"
)

type obj = map[string]any

// field is a text field of the index: its exact words (name+"_f") and, when stems is set,
// their stems (name+"_s"). Comments have no stems (analysis.Comment).
type field struct {
	name   string
	weight float64
	stems  bool
}

// fields returns the text fields the viewer may search.
func fields(staff bool) []field {
	f := []field{{"title", search.WeightTitle, true}, {"body", search.WeightBody, true}, {"comments", search.WeightComments, false}}
	if staff {
		f = append(f, field{"internal", search.WeightInternal, false})
	}
	return f
}

// buildQuery turns a normalized query into the Elasticsearch request body for one pass. User
// text only ever reaches Elasticsearch as analysed words inside term-level and phrase queries,
// never as query_string syntax.
func buildQuery(q search.Query, aq analysis.Query, p search.Pass) obj {
	filter := []any{accessFilter(q)}
	filter = append(filter, filters(q.Filters)...)
	boolQ := obj{"filter": filter}
	hasText := len(aq.Terms) > 0
	if hasText {
		clauses := termClauses(aq, q.Viewer.IsStaff(), p.Typos)
		boolQ["must"] = obj{"bool": obj{"should": clauses, "minimum_should_match": p.Required}}
		var should []any
		if len(aq.Words) > 1 {
			phrase := strings.Join(aq.Words, " ")
			should = append(should,
				obj{"match_phrase": obj{"title_f": obj{"query": phrase, "boost": search.WeightTitlePhrase}}},
				obj{"match_phrase": obj{"body_f": obj{"query": phrase, "boost": search.WeightBodyPhrase}}})
		}
		if p.Bonus > 0 {
			should = append(should, obj{"constant_score": obj{"boost": search.StrictBonus,
				"filter": obj{"bool": obj{"should": clauses, "minimum_should_match": p.Bonus}}}})
		}
		if len(should) > 0 {
			boolQ["should"] = should
		}
	}
	return obj{
		"query":            obj{"bool": boolQ},
		"from":             (q.Page - 1) * q.PerPage,
		"size":             q.PerPage,
		"track_total_hits": search.TotalCap,
		"sort":             sortClause(q.Sort, hasText),
		"_source":          []string{"doc_type", "id", "display", "status", "priority", "client_name", "category", "slug", "updated_at"},
		"aggs":             facetAggs(q.Now),
	}
}

func termClauses(aq analysis.Query, staff, typos bool) []any {
	out := make([]any, 0, len(aq.Terms))
	for _, t := range aq.Terms {
		out = append(out, termClause(t, staff, typos))
	}
	return out
}

// termClause matches one term anywhere the viewer may search, in every way the analysis
// allows, scored by its best way (dis_max): the exact word, its stem, a synonym, a title word
// it starts, a title word within its typos, and with typos any word within them.
func termClause(t analysis.Term, staff, typos bool) obj {
	var should []any
	for _, f := range fields(staff) {
		should = append(should, wordsClause(f, t.Words, t.Stems, t.StemPhrases, f.weight*search.KindExact, f.weight*search.KindStem)...)
		// A synonym matches by its stems: every word's stem is in the "_s" field, so its word
		// too would only repeat the clause (the Postgres engine does the same).
		for _, s := range t.Synonyms {
			if !f.stems {
				break
			}
			w := f.weight * search.KindSynonym
			if len(s.Words) > 1 {
				for _, p := range s.StemPhrases {
					should = append(should, obj{"match_phrase": obj{f.name + "_s": obj{"query": strings.Join(p, " "), "boost": w}}})
				}
				continue
			}
			should = append(should, stemClauses(f, s.Stems, w)...)
		}
		if t.IsPhrase() {
			continue
		}
		if t.Prefix && f.name == "title" {
			should = append(should, obj{"prefix": obj{"title_f": obj{"value": t.Words[0], "boost": f.weight * search.KindPrefix}}})
		}
		if t.Edits > 0 && (typos || f.name == "title") {
			should = append(should, obj{"fuzzy": obj{f.name + "_f": obj{"value": t.Words[0], "fuzziness": t.Edits,
				"transpositions": true, "prefix_length": analysis.FuzzyPrefix, "max_expansions": fuzzyExpansions,
				"boost": f.weight * search.KindFuzzy}}})
		}
	}
	return obj{"dis_max": obj{"queries": should, "tie_breaker": 0.3}}
}

// fuzzyExpansions bounds the words a typo can stand for.
const fuzzyExpansions = 50

// wordsClause matches a word, or the words of a phrase, exactly and, in a field with stems,
// by stem.
func wordsClause(f field, words, stems []string, stemPhrases [][]string, exact, stem float64) []any {
	if !f.stems {
		stems, stemPhrases = nil, nil
	}
	if len(words) > 1 {
		out := []any{obj{"match_phrase": obj{f.name + "_f": obj{"query": strings.Join(words, " "), "boost": exact}}}}
		for _, p := range stemPhrases {
			out = append(out, obj{"match_phrase": obj{f.name + "_s": obj{"query": strings.Join(p, " "), "boost": stem}}})
		}
		return out
	}
	out := []any{obj{"term": obj{f.name + "_f": obj{"value": words[0], "boost": exact}}}}
	return append(out, stemClauses(f, stems, stem)...)
}

// stemClauses match a word's stems, one term query each: a terms query would score every
// match alike, where a stem's match should count by its rarity as a word's does.
func stemClauses(f field, stems []string, boost float64) []any {
	out := make([]any, 0, len(stems))
	for _, s := range stems {
		out = append(out, obj{"term": obj{f.name + "_s": obj{"value": s, "boost": boost}}})
	}
	return out
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

func facetAggs(now time.Time) obj {
	terms := func(field string, size int) obj {
		return obj{"terms": obj{"field": field, "size": size, "order": []any{obj{"_count": "desc"}, obj{"_key": "asc"}}}}
	}
	return obj{
		"status":   terms("status", search.FacetSize),
		"priority": terms("priority", search.FacetSize),
		"client":   terms("client_facet", search.FacetSize),
		"category": terms("category", search.FacetSize),
		"assignee": terms("assignee_facet", search.FacetSize),
		"tags":     terms("tags", search.FacetSize),
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
