package analysis

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// A SynonymGroup says that people name one thing several ways. Without Expansions its Terms
// are equivalent: a query for any of them also finds the others. With Expansions it is one-way:
// a query for any of Terms also finds Expansions, not the other way round ("ad => active
// directory": "active directory" should not find every "ad").
//
// Synonyms apply at query time, in both engines: the index holds the words as written, so a
// change to the table takes effect at once, without a reindex.
type SynonymGroup struct {
	Terms      []string
	Expansions []string
}

// Limits of a group, so that one line cannot turn a query into thousands of clauses.
const (
	MaxGroupTerms   = 32
	MaxSynonymWords = 6
	MaxSynonymBytes = 100
)

// ErrBadSynonym wraps every reason a synonym group is refused.
var ErrBadSynonym = errors.New("bad synonym group")

// Normalize trims and lowercases the terms, drops repeats, and checks the group: two terms at
// least for an equivalence, one and one for an expansion, every term some words long.
func (g SynonymGroup) Normalize() (SynonymGroup, error) {
	clean := func(list []string) ([]string, error) {
		var out []string
		seen := map[string]bool{}
		for _, t := range list {
			t = strings.Join(strings.Fields(strings.ToLower(t)), " ")
			if t == "" {
				continue
			}
			if !utf8.ValidString(t) || len(t) > MaxSynonymBytes {
				return nil, fmt.Errorf("%w: %q is longer than %d bytes", ErrBadSynonym, t, MaxSynonymBytes)
			}
			words := Words(Fold(t))
			if len(words) == 0 {
				return nil, fmt.Errorf("%w: %q has no words", ErrBadSynonym, t)
			}
			if len(words) > MaxSynonymWords {
				return nil, fmt.Errorf("%w: %q has more than %d words", ErrBadSynonym, t, MaxSynonymWords)
			}
			key := strings.Join(words, " ")
			if seen[key] {
				continue
			}
			seen[key] = true
			out = append(out, t)
		}
		if len(out) > MaxGroupTerms {
			return nil, fmt.Errorf("%w: more than %d terms", ErrBadSynonym, MaxGroupTerms)
		}
		return out, nil
	}
	terms, err := clean(g.Terms)
	if err != nil {
		return g, err
	}
	exp, err := clean(g.Expansions)
	if err != nil {
		return g, err
	}
	switch {
	case len(g.Expansions) == 0 && len(terms) < 2:
		return g, fmt.Errorf("%w: an equivalence needs two terms or more", ErrBadSynonym)
	case len(g.Expansions) > 0 && (len(terms) == 0 || len(exp) == 0):
		return g, fmt.Errorf("%w: an expansion needs terms on both sides of =>", ErrBadSynonym)
	}
	return SynonymGroup{Terms: terms, Expansions: exp}, nil
}

// String is the group as one line of a synonyms file.
func (g SynonymGroup) String() string {
	s := strings.Join(g.Terms, ", ")
	if len(g.Expansions) > 0 {
		s += " => " + strings.Join(g.Expansions, ", ")
	}
	return s
}

// ParseSynonymLine reads one line of a synonyms file: "a, b, c" or "a, b => c, d".
func ParseSynonymLine(line string) (SynonymGroup, error) {
	left, right, oneWay := strings.Cut(line, "=>")
	if oneWay && strings.Contains(right, "=>") {
		return SynonymGroup{}, fmt.Errorf("%w: more than one =>", ErrBadSynonym)
	}
	g := SynonymGroup{Terms: strings.Split(left, ",")}
	if oneWay {
		g.Expansions = strings.Split(right, ",")
		if len(strings.Fields(right)) == 0 {
			return g, fmt.Errorf("%w: nothing after =>", ErrBadSynonym)
		}
	}
	return g.Normalize()
}

// ParseSynonyms reads a synonyms file: one group a line, "#" comments, blank lines ignored.
// Errors name the line.
func ParseSynonyms(r io.Reader) ([]SynonymGroup, error) {
	var out []SynonymGroup
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		g, err := ParseSynonymLine(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		out = append(out, g)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read synonyms: %w", err)
	}
	return out, nil
}

// Synonyms is a table of groups compiled for lookups while queries are analysed.
type Synonyms struct {
	// byFirst finds the entries that can start at a word, by the word and by each of its stems.
	byFirst  map[string][]*synEntry
	maxWords int
}

// synEntry is one way of saying something, and what a query saying it also looks for.
type synEntry struct {
	words []string   // folded
	stems [][]string // per word, its stems in each language
	alts  []*synAlt
}

type synAlt struct {
	words []string
	stems []string // of a one-word alternative, in each language
}

// CompileSynonyms builds the lookup table; a is used for stemming.
func (a *Analyzer) CompileSynonyms(groups []SynonymGroup) *Synonyms {
	s := &Synonyms{byFirst: map[string][]*synEntry{}}
	entries := map[string]*synEntry{}
	alts := map[string]*synAlt{}
	entry := func(term string) *synEntry {
		words := Words(Fold(term))
		key := strings.Join(words, " ")
		if e, ok := entries[key]; ok {
			return e
		}
		e := &synEntry{words: words}
		for _, w := range words {
			e.stems = append(e.stems, a.stems(w))
		}
		entries[key] = e
		for _, k := range append([]string{words[0]}, e.stems[0]...) {
			s.byFirst[k] = appendUnique(s.byFirst[k], e)
		}
		s.maxWords = max(s.maxWords, len(words))
		return e
	}
	alt := func(term string) *synAlt {
		words := Words(Fold(term))
		key := strings.Join(words, " ")
		if x, ok := alts[key]; ok {
			return x
		}
		x := &synAlt{words: words}
		if len(words) == 1 {
			x.stems = a.stems(words[0])
		}
		alts[key] = x
		return x
	}
	for _, g := range groups {
		targets := g.Expansions
		if len(targets) == 0 {
			targets = g.Terms
		}
		for _, t := range g.Terms {
			e := entry(t)
			for _, x := range targets {
				if x == t {
					continue
				}
				e.alts = appendUnique(e.alts, alt(x))
			}
		}
	}
	return s
}

func appendUnique[T comparable](list []T, v T) []T {
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, v)
}

// match returns the longest entry that starts at words[i], with its length.
func (s *Synonyms) match(words []string, stems [][]string, i int) (*synEntry, int) {
	if s == nil {
		return nil, 0
	}
	var best *synEntry
	seen := map[*synEntry]bool{}
	for _, k := range append([]string{words[i]}, stems[i]...) {
		for _, e := range s.byFirst[k] {
			if seen[e] || len(e.words) > len(words)-i || (best != nil && len(e.words) <= len(best.words)) {
				continue
			}
			seen[e] = true
			if entryAt(e, words, stems, i) {
				best = e
			}
		}
	}
	if best == nil {
		return nil, 0
	}
	return best, len(best.words)
}

// entryAt reports whether each word of e is the query's word at its place, or shares a stem
// with it ("contraseñas" says "contraseña").
func entryAt(e *synEntry, words []string, stems [][]string, i int) bool {
	for j, w := range e.words {
		qw := words[i+j]
		if qw == w {
			continue
		}
		if !shareAny(e.stems[j], stems[i+j]) {
			return false
		}
	}
	return true
}

func shareAny(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}
