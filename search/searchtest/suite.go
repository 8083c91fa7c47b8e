package searchtest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"helpdesk/search"
	"helpdesk/store"
)

// Engine returns the searcher under test for a database holding the fixture; an engine with
// its own index builds it from the database before returning.
type Engine func(t *testing.T, st *store.Store) search.Searcher

// Case is one query and what every engine must answer.
type Case struct {
	Name   string
	Viewer string // a key of Fixture.Viewers
	Query  search.Query
	// Want lists the expected hits as "name" keys of the fixture. Ordered: the order must match;
	// otherwise only the set.
	Want    []string
	Ordered bool
	// First, when set, must be the first hit (the rest is checked as a set by Want).
	First string
	// Leading, when set, must be the first hits in this order: what the strict pass finds,
	// ahead of the relaxed pass's.
	Leading []string
	Total   int64 // expected total, when Want is one page of more hits; 0: Want is every hit
	// Suggestion is the corrected query the result must offer ("" for none).
	Suggestion string
	// Facets holds expected facets: name -> "value=count" strings in order ("@name" values
	// are fixture ids).
	Facets map[string][]string
	// Check runs extra assertions.
	Check   func(t *testing.T, f *Fixture, r *search.Result)
	WantErr error
}

// Run loads the fixture into st, builds the engine and runs every case against it.
func Run(t *testing.T, st *store.Store, engine Engine) {
	f := Load(t, st)
	RunCases(t, f, engine(t, st))
}

// RunCases runs every case against s, which searches fixture f.
func RunCases(t *testing.T, f *Fixture, s search.Searcher) {
	for _, c := range Cases() {
		t.Run(c.Name, func(t *testing.T) {
			q := c.Query
			q.Viewer, q.Suggest = f.Viewers[c.Viewer], true
			if q.Now.IsZero() {
				q.Now = Base
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			r, err := s.Search(ctx, q)
			if c.WantErr != nil {
				if !errors.Is(err, c.WantErr) {
					t.Fatalf("error = %v, want %v", err, c.WantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("search: %v", err)
			}
			got := hitNames(f, r)
			want := c.Want
			switch {
			case c.Ordered:
				if !slices.Equal(got, want) {
					t.Errorf("hits = %v, want in this order %v", got, want)
				}
			default:
				if !sameSet(got, want) {
					t.Errorf("hits = %v, want (any order) %v", got, want)
				}
			}
			if c.First != "" && (len(got) == 0 || got[0] != c.First) {
				t.Errorf("first hit = %v, want %s", got, c.First)
			}
			if len(c.Leading) > 0 && (len(got) < len(c.Leading) || !slices.Equal(got[:len(c.Leading)], c.Leading)) {
				t.Errorf("hits = %v, want them led by %v", got, c.Leading)
			}
			if r.Suggestion != c.Suggestion {
				t.Errorf("suggestion = %q, want %q", r.Suggestion, c.Suggestion)
			}
			total := c.Total
			if total == 0 {
				total = int64(len(want))
			}
			if r.Total != total {
				t.Errorf("total = %d, want %d", r.Total, total)
			}
			for name, wantFacet := range c.Facets {
				var gotFacet []string
				for _, fv := range r.Facets[name] {
					gotFacet = append(gotFacet, fmt.Sprintf("%s=%d", facetName(f, name, fv), fv.Count))
				}
				if !slices.Equal(gotFacet, wantFacet) {
					t.Errorf("facet %s = %v, want %v", name, gotFacet, wantFacet)
				}
			}
			checkHighlightsAreSafe(t, r)
			if c.Check != nil {
				c.Check(t, f, r)
			}
		})
	}
}

// hitNames maps hits back to fixture names.
func hitNames(f *Fixture, r *search.Result) []string {
	byID := map[string]string{}
	for name, id := range f.IDs {
		typ := search.TypeTicket
		if strings.HasPrefix(name, "k") {
			typ = search.TypeKB
		}
		byID[fmt.Sprintf("%s:%d", typ, id)] = name
	}
	out := []string{}
	for _, h := range r.Hits {
		name, ok := byID[fmt.Sprintf("%s:%d", h.Type, h.ID)]
		if !ok {
			name = fmt.Sprintf("?%s:%d", h.Type, h.ID)
		}
		out = append(out, name)
	}
	return out
}

// facetName shows client and assignee facets by fixture name, with their label checked.
func facetName(f *Fixture, facet string, fv search.Facet) string {
	if facet != "client" && facet != "assignee" {
		return fv.Value
	}
	ids, kind := f.Users, "user:"
	if facet == "client" {
		ids, kind = f.Clients, "client:"
	}
	for name, id := range ids {
		if idKey(id) == fv.Value && f.Names[kind+fv.Value] == fv.Label {
			return "@" + name
		}
	}
	return fv.Value + "(" + fv.Label + ")"
}

func sameSet(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

// checkHighlightsAreSafe asserts that highlights hold no markup but <mark>.
func checkHighlightsAreSafe(t *testing.T, r *search.Result) {
	t.Helper()
	for _, h := range r.Hits {
		for field, frags := range h.Highlights {
			for _, frag := range frags {
				rest := strings.ReplaceAll(strings.ReplaceAll(frag, "<mark>", ""), "</mark>", "")
				if strings.ContainsAny(rest, "<>") {
					t.Errorf("hit %s %d highlight %s has unescaped markup: %q", h.Type, h.ID, field, frag)
				}
			}
		}
		if _, ok := h.Highlights["title"]; !ok {
			t.Errorf("hit %s %d has no title highlight", h.Type, h.ID)
		}
	}
}

func hitByName(t *testing.T, f *Fixture, r *search.Result, name string) search.Hit {
	t.Helper()
	for i, n := range hitNames(f, r) {
		if n == name {
			return r.Hits[i]
		}
	}
	t.Fatalf("no hit %s", name)
	return search.Hit{}
}

func tickets() []string { return []string{search.TypeTicket} }
func kb() []string      { return []string{search.TypeKB} }
