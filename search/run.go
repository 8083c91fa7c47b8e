package search

import (
	"context"
	"time"

	"helpdesk/search/analysis"
)

// Pass is one run of a query by an engine.
type Pass struct {
	// Required is how many terms a document must match.
	Required int
	// Bonus, when above zero, adds StrictBonus to the score of the documents that match that
	// many terms: the relaxed pass ranks the strict pass's documents first.
	Bonus int
	// Typos lets terms match words within their typos (analysis.Term.Edits) in every field;
	// without it, only in titles.
	Typos bool
}

// Engine is what a backend provides to Run, the search flow every engine shares.
type Engine interface {
	// Pass answers the normalised q, analysed as aq, with the documents the viewer may see
	// that match p.Required of aq's terms (every document when aq has none).
	Pass(ctx context.Context, q Query, aq analysis.Query, p Pass) (*Result, error)
	// Nearby returns the text of a few documents the viewer may see that hold words two typos
	// or less from the query's: a suggestion is made of their words, never of words the viewer
	// could not read.
	Nearby(ctx context.Context, q Query, aq analysis.Query) ([]string, error)
}

// NearbyDocs is how many documents Nearby reads a suggestion from.
const NearbyDocs = 10

// SuggestBelow is the number of hits under which a search offers a corrected query.
const SuggestBelow = 3

// Run answers q with engine e: the strict pass, with the words as written (and their stems and
// synonyms); the relaxed pass, which also reads typos and asks for fewer of the terms, when
// the strict one finds fewer than analysis.RelaxBelow documents (Searchkick's misspellings
// below: words people spell right are most searches, and typos cost the engines most); and,
// when even that finds little, a suggestion built from the words of visible documents,
// offered when it finds at least as much.
func Run(ctx context.Context, e Engine, an *analysis.Analyzer, q Query) (*Result, error) {
	start := time.Now()
	q, err := q.Normalize()
	if err != nil {
		return nil, err
	}
	aq := an.Query(q.Text)
	res, err := passes(ctx, e, q, aq)
	if err != nil {
		return nil, err
	}
	if q.Suggest && len(aq.Terms) > 0 && res.Total < SuggestBelow {
		if res.Suggestion, err = suggest(ctx, e, an, q, aq, res.Total); err != nil {
			return nil, err
		}
	}
	res.TookMS = time.Since(start).Milliseconds()
	return res, nil
}

func passes(ctx context.Context, e Engine, q Query, aq analysis.Query) (*Result, error) {
	n := len(aq.Terms)
	if n == 0 {
		return e.Pass(ctx, q, aq, Pass{})
	}
	strict := analysis.Required(n)
	res, err := e.Pass(ctx, q, aq, Pass{Required: strict})
	if err != nil || res.Total >= analysis.RelaxBelow {
		return res, err
	}
	relaxed := Pass{Required: analysis.Relaxed(n), Typos: true}
	if relaxed.Required < strict {
		relaxed.Bonus = strict
	}
	return e.Pass(ctx, q, aq, relaxed)
}

func suggest(ctx context.Context, e Engine, an *analysis.Analyzer, q Query, aq analysis.Query, found int64) (string, error) {
	texts, err := e.Nearby(ctx, q, aq)
	if err != nil || len(texts) == 0 {
		return "", err
	}
	text := an.Suggest(q.Text, aq, texts)
	if text == "" {
		return "", nil
	}
	alt := q
	alt.Text, alt.Page, alt.PerPage = text, 1, 1
	saq := an.Query(text)
	res, err := passes(ctx, e, alt, saq)
	if err != nil {
		return "", err
	}
	if res.Total == 0 || res.Total < found {
		return "", nil
	}
	return text, nil
}
