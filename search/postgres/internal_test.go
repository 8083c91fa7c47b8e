package postgres

import (
	"slices"
	"strings"
	"testing"

	"helpdesk/search/analysis"
)

func TestFirstSpan(t *testing.T) {
	for _, c := range []struct {
		name     string
		expected float64
		want     float64
	}{
		{"matches everywhere: the window", 1_000_000, window},
		{"a common word: the window", 500_000, window},
		{"a rarer one: enough ids for spanMargin Caps", 50_000, spanMargin * Cap * 20},
		{"none expected: all of them and more", 0, spanMargin * Cap * 1_000_000},
	} {
		if got := firstSpan(c.expected, 1_000_000); got != c.want {
			t.Errorf("%s: firstSpan = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestBands(t *testing.T) {
	for _, c := range []struct {
		name   string
		newest int64
		span   float64
		want   []int64
	}{
		{"a span wider than the ids: one band", 1_000, 1_000, nil},
		{"the second band as wide, then twice the one before", 1_000_000, 100_000, []int64{900_000, 800_000, 600_000, 200_000}},
		{"down to the oldest", 300_000, 100_000, []int64{200_000, 100_000}},
	} {
		if got := bands(c.newest, c.span); !slices.Equal(got, c.want) {
			t.Errorf("%s: bands = %v, want %v", c.name, got, c.want)
		}
	}
}

// TestSubsumedSynonymPhrases: a synonym phrase holding a stem its term matches alone adds
// nothing to what the term matches, and is left out of it (the word order of a phrase is
// checked row by row, reading each candidate's whole vector); it still ranks.
func TestSubsumedSynonymPhrases(t *testing.T) {
	term := analysis.Term{Words: []string{"correo"}, Stems: []string{"corre", "correo"}, Synonyms: []analysis.Synonym{
		{Words: []string{"correo", "electronico"}, StemPhrases: [][]string{{"corre", "electron"}}},
		{Words: []string{"email"}, Stems: []string{"email"}},
		{Words: []string{"mail"}, Stems: []string{"mail"}},
		{Words: []string{"e", "mail"}, StemPhrases: [][]string{{"e", "mail"}}},
	}}
	if tq := termQueryOf(term, nil, false, true); tq.match.phrase || !strings.Contains(tq.classes[2].q.text, "<->") {
		t.Errorf("subsumed phrases: match %q, synonym class %q", tq.match.text, tq.classes[2].q.text)
	}
	term.Synonyms = append(term.Synonyms, analysis.Synonym{Words: []string{"buzon", "de", "voz"}, StemPhrases: [][]string{{"buzon", "de", "voz"}}})
	if tq := termQueryOf(term, nil, false, true); !tq.match.phrase || !strings.Contains(tq.match.text, "'~buzon' <-> '~de' <-> '~voz'") {
		t.Errorf("a phrase that finds more: match %q", tq.match.text)
	}
}
