package relevance

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"sort"
)

// Query is a judged query: what a person typed, and how well each article answers it.
type Query struct {
	ID   string `json:"id"`
	Lang string `json:"lang"` // the language it is written in
	Kind string `json:"kind"` // natural, inflection, typo-…, unaccented, word-start, acronym, synonym, cross-language, multi-word
	Text string `json:"query"`
	Note string `json:"note,omitempty"`
	// Judgments grade articles by key: 3 answers it, 2 substantially helps, 1 is related.
	// Unjudged articles are not relevant.
	Judgments map[string]int `json:"judgments"`
}

//go:embed queries.json
var defaultQueries []byte

// DefaultQueries are the project's judged queries over Debian Reference (Spanish and English).
func DefaultQueries() ([]Query, error) { return ParseQueries(defaultQueries) }

// ReadQueries reads judged queries as JSON.
func ReadQueries(r io.Reader) ([]Query, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return ParseQueries(b)
}

// ParseQueries decodes judged queries and checks them.
func ParseQueries(b []byte) ([]Query, error) {
	var qs []Query
	if err := json.Unmarshal(b, &qs); err != nil {
		return nil, fmt.Errorf("judged queries: %w", err)
	}
	seen := map[string]bool{}
	for _, q := range qs {
		switch {
		case q.ID == "" || seen[q.ID]:
			return nil, fmt.Errorf("judged queries: missing or repeated id %q", q.ID)
		case q.Text == "":
			return nil, fmt.Errorf("judged query %s: no text", q.ID)
		case len(q.Judgments) == 0:
			return nil, fmt.Errorf("judged query %s: no judgments", q.ID)
		}
		for k, g := range q.Judgments {
			if g < 1 || g > 3 {
				return nil, fmt.Errorf("judged query %s: grade %d of %s is not 1 to 3", q.ID, g, k)
			}
		}
		seen[q.ID] = true
	}
	return qs, nil
}

// Relevant is the grade from which an article counts as an answer for success@3 and MRR.
const Relevant = 2

// Scores are the measures of one ranking against its judgments.
type Scores struct {
	NDCG10   float64 `json:"ndcg10"`
	Success3 float64 `json:"success3"`
	MRR      float64 `json:"mrr"`
}

// Score measures a ranked list of article keys: nDCG@10 with gains 2^grade-1, success@3 and
// the reciprocal rank of the first article graded Relevant or more.
func Score(ranked []string, judgments map[string]int) Scores {
	var s Scores
	dcg := 0.0
	for i, k := range ranked {
		g := judgments[k]
		if i < 10 {
			dcg += gain(g) / math.Log2(float64(i+2))
		}
		if g >= Relevant && s.MRR == 0 {
			s.MRR = 1 / float64(i+1)
			if i < 3 {
				s.Success3 = 1
			}
		}
	}
	grades := make([]int, 0, len(judgments))
	for _, g := range judgments {
		grades = append(grades, g)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(grades)))
	ideal := 0.0
	for i, g := range grades[:min(10, len(grades))] {
		ideal += gain(g) / math.Log2(float64(i+2))
	}
	if ideal > 0 {
		s.NDCG10 = dcg / ideal
	}
	return s
}

func gain(grade int) float64 { return math.Pow(2, float64(grade)) - 1 }

// Mean averages scores.
func Mean(all []Scores) Scores {
	var m Scores
	if len(all) == 0 {
		return m
	}
	for _, s := range all {
		m.NDCG10 += s.NDCG10
		m.Success3 += s.Success3
		m.MRR += s.MRR
	}
	n := float64(len(all))
	return Scores{NDCG10: m.NDCG10 / n, Success3: m.Success3 / n, MRR: m.MRR / n}
}

// Kinds returns the kinds of the queries, sorted.
func Kinds(qs []Query) []string {
	var out []string
	for _, q := range qs {
		if !slices.Contains(out, q.Kind) {
			out = append(out, q.Kind)
		}
	}
	slices.Sort(out)
	return out
}

// Corpus is a corpus with its judged queries in one JSON file: how small or held-out corpora
// travel (relevance/testdata/tiny.json).
type Corpus struct {
	Articles []Article `json:"articles"`
	Queries  []Query   `json:"queries"`
}

// ReadCorpus reads a Corpus file.
func ReadCorpus(path string) (*Corpus, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var c Corpus
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	qs, err := json.Marshal(c.Queries)
	if err != nil {
		return nil, err
	}
	if c.Queries, err = ParseQueries(qs); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &c, nil
}
