package relevance

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"
)

// Report is what a run measured.
type Report struct {
	Date     time.Time      `json:"date"`
	Machine  string         `json:"machine"`
	Corpus   string         `json:"corpus"`
	Articles map[string]int `json:"articles"` // by locale
	Engines  []EngineReport `json:"engines"`
	Queries  []QueryResult  `json:"queries"`
}

// EngineReport is one engine's scores: overall, by kind of query and by language.
type EngineReport struct {
	Name    string            `json:"name"`
	Overall Scores            `json:"overall"`
	ByKind  map[string]Scores `json:"by_kind"`
	ByLang  map[string]Scores `json:"by_lang"`
}

// QueryResult is one query on every engine.
type QueryResult struct {
	ID      string                  `json:"id"`
	Lang    string                  `json:"lang"`
	Kind    string                  `json:"kind"`
	Text    string                  `json:"query"`
	Engines map[string]EngineResult `json:"engines"`
}

// EngineResult is one query on one engine: its scores and the first articles it ranked.
type EngineResult struct {
	Scores
	Top []string `json:"top"`
}

func newReport(cfg Config) *Report {
	r := &Report{Date: time.Now().UTC(), Corpus: cfg.Corpus, Articles: map[string]int{},
		Machine: fmt.Sprintf("%s/%s, %d CPUs, %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())}
	for _, a := range cfg.Articles {
		r.Articles[a.Locale]++
	}
	return r
}

func (r *Report) summarise(qs []Query) {
	r.Engines = nil
	for _, e := range Engines {
		er := EngineReport{Name: e, ByKind: map[string]Scores{}, ByLang: map[string]Scores{}}
		var all []Scores
		byKind, byLang := map[string][]Scores{}, map[string][]Scores{}
		for _, q := range r.Queries {
			s := q.Engines[e].Scores
			all = append(all, s)
			byKind[q.Kind] = append(byKind[q.Kind], s)
			byLang[q.Lang] = append(byLang[q.Lang], s)
		}
		er.Overall = Mean(all)
		for k, v := range byKind {
			er.ByKind[k] = Mean(v)
		}
		for k, v := range byLang {
			er.ByLang[k] = Mean(v)
		}
		r.Engines = append(r.Engines, er)
	}
}

// Engine returns the report of one engine.
func (r *Report) Engine(name string) EngineReport {
	for _, e := range r.Engines {
		if e.Name == name {
			return e
		}
	}
	return EngineReport{}
}

// WriteFiles writes the report as markdown and JSON into dir, named after its date; it
// returns the markdown file's path.
func (r *Report) WriteFiles(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	base := dir + "/relevance-" + r.Date.Format("2006-01-02-1504")
	js, err := json.MarshalIndent(r, "", " ")
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(base+".json", append(js, '\n'), 0o644); err != nil {
		return "", err
	}
	f, err := os.Create(base + ".md")
	if err != nil {
		return "", err
	}
	defer f.Close()
	if err := r.Markdown(f); err != nil {
		return "", err
	}
	return base + ".md", f.Close()
}

// Markdown renders the report.
func (r *Report) Markdown(w io.Writer) error {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("# Relevance report, %s\n\n", r.Date.Format("2006-01-02 15:04 MST"))
	p("Corpus: %s.", r.Corpus)
	var locs []string
	for l, n := range r.Articles {
		locs = append(locs, fmt.Sprintf("%d %s", n, l))
	}
	slices.Sort(locs)
	p(" Articles: %s. Judged queries: %d. Machine: %s.\n\n", strings.Join(locs, ", "), len(r.Queries), r.Machine)
	p("Engines: **elasticsearch** and **postgres** are the product's two engines through `GET /api/v1/search`; ")
	p("**es-default** is an Elasticsearch index with default mappings queried with `multi_match` (best_fields, title^2, fuzziness AUTO); ")
	p("**pg-fulltext** is Postgres full-text search (each article in its language's configuration over unaccented text, ")
	p("`websearch_to_tsquery` in Spanish and English, `ts_rank_cd`). nDCG@10 with gains 2^grade−1; success@3 and MRR count ")
	p("an article graded %d or 3 as an answer.\n\n", Relevant)
	p("| engine | nDCG@10 | success@3 | MRR |\n|---|---:|---:|---:|\n")
	for _, e := range r.Engines {
		p("| %s | %.3f | %.3f | %.3f |\n", e.Name, e.Overall.NDCG10, e.Overall.Success3, e.Overall.MRR)
	}
	es, best := r.Engine(EngineElasticsearch).Overall.NDCG10, max(r.Engine(BaselineES).Overall.NDCG10, r.Engine(BaselinePG).Overall.NDCG10)
	p("\nElasticsearch above the better baseline: %+.3f nDCG@10. Postgres minus Elasticsearch: %+.3f.\n",
		es-best, r.Engine(EnginePostgres).Overall.NDCG10-es)

	table := func(title string, keys []string, get func(EngineReport) map[string]Scores, count func(string) int) {
		p("\n## %s (nDCG@10 / success@3)\n\n| | queries |", title)
		for _, e := range r.Engines {
			p(" %s |", e.Name)
		}
		p("\n|---|---:|")
		for range r.Engines {
			p("---:|")
		}
		p("\n")
		for _, k := range keys {
			p("| %s | %d |", k, count(k))
			for _, e := range r.Engines {
				s := get(e)[k]
				p(" %.3f / %.2f |", s.NDCG10, s.Success3)
			}
			p("\n")
		}
	}
	kinds, langs := map[string]int{}, map[string]int{}
	for _, q := range r.Queries {
		kinds[q.Kind]++
		langs[q.Lang]++
	}
	table("By kind of query", sortedKeys(kinds), func(e EngineReport) map[string]Scores { return e.ByKind }, func(k string) int { return kinds[k] })
	table("By language of the query", sortedKeys(langs), func(e EngineReport) map[string]Scores { return e.ByLang }, func(k string) int { return langs[k] })

	worst := slices.Clone(r.Queries)
	sort.SliceStable(worst, func(i, j int) bool {
		return worst[i].Engines[EngineElasticsearch].NDCG10 < worst[j].Engines[EngineElasticsearch].NDCG10
	})
	p("\n## The weakest queries (Elasticsearch)\n\n| query | kind | nDCG@10 es / pg | first results |\n|---|---|---:|---|\n")
	for _, q := range worst[:min(15, len(worst))] {
		e := q.Engines[EngineElasticsearch]
		p("| %s `%s` | %s | %.2f / %.2f | %s |\n", q.ID, strings.ReplaceAll(q.Text, "|", `\|`), q.Kind, e.NDCG10,
			q.Engines[EnginePostgres].NDCG10, strings.Join(e.Top[:min(3, len(e.Top))], ", "))
	}
	p("\nEvery query, every engine, with its first results: the JSON file beside this one.\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func sortedKeys(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
