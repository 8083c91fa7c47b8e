package analysis

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Matcher finds the words of a text that a query matched, by the rules the engines match by:
// the word itself, a word with the same stem, a title word it starts, a word within its typo
// allowance, a synonym or the words of a phrase. Highlights mark what it finds: the words of
// the text ("printing" for the query "printer"), not the query's.
type Matcher struct {
	a          *Analyzer
	literal    bool // words only: no stems, no synonyms (comments match so)
	titleTypos bool // typos only in titles (the strict pass reads them so)
	exact      map[string]bool
	terms      map[string]bool // the query's own words (exact also holds its synonyms')
	stems      map[string]bool
	stemHead   map[string]bool // the first letters of every stem: a cheap test before stemming
	prefixes   []string
	fuzzy      []fuzzyTerm
	phrases    [][]string // the query's phrases and its synonyms' phrases
	own        [][]string // the query's phrases alone
}

type fuzzyTerm struct {
	word  string
	edits int
}

// Matcher returns the matcher of an analysed query.
func (a *Analyzer) Matcher(q Query) *Matcher {
	m := &Matcher{a: a, exact: map[string]bool{}, terms: map[string]bool{}, stems: map[string]bool{}, stemHead: map[string]bool{}}
	addStems := func(stems []string) {
		for _, s := range stems {
			m.stems[s] = true
			m.stemHead[head(s)] = true
		}
	}
	for _, t := range q.Terms {
		if t.IsPhrase() {
			m.phrases, m.own = append(m.phrases, t.Words), append(m.own, t.Words)
		} else {
			w := t.Words[0]
			m.exact[w], m.terms[w] = true, true
			addStems(t.Stems)
			if t.Prefix {
				m.prefixes = append(m.prefixes, w)
			}
			if t.Edits > 0 {
				m.fuzzy = append(m.fuzzy, fuzzyTerm{w, t.Edits})
			}
		}
		for _, s := range t.Synonyms {
			if len(s.Words) > 1 {
				m.phrases = append(m.phrases, s.Words)
				continue
			}
			m.exact[s.Words[0]] = true
			addStems(s.Stems)
		}
	}
	return m
}

// TitleTyposOnly returns the matcher of the same query for a search that read typos in
// titles only.
func (m *Matcher) TitleTyposOnly() *Matcher {
	c := *m
	c.titleTypos = true
	return &c
}

// Literal returns the matcher of the same query for text matched word for word: the
// comments of a ticket.
func (m *Matcher) Literal() *Matcher {
	c := *m
	c.literal = true
	return &c
}

// head is the part of a word its stem always begins with.
func head(s string) string {
	if len(s) > 3 {
		return s[:3]
	}
	return s
}

// Span is a matched word, or a matched phrase, as a byte range of the original text.
type Span struct{ Start, End int }

// Spans returns the matched ranges of text in order; title enables the word-start rule.
func (m *Matcher) Spans(text string, title bool) []Span {
	toks := Tokens(text)
	if len(toks) == 0 {
		return nil
	}
	hit := make([]bool, len(toks))
	any := false
	for i := range toks {
		if m.word(toks[i].Folded, title) {
			hit[i], any = true, true
		}
	}
	phrases := m.phrases
	if m.literal {
		phrases = m.own
	}
	for _, p := range phrases {
		for i := 0; i+len(p) <= len(toks); i++ {
			if m.phraseAt(p, toks, i) {
				for j := i; j < i+len(p); j++ {
					hit[j] = true
				}
				any = true
			}
		}
	}
	if !any {
		return nil
	}
	var out []Span
	for i, t := range toks {
		if hit[i] && (len(out) == 0 || out[len(out)-1].Start != t.Start) {
			out = append(out, Span{t.Start, t.End})
		}
	}
	return out
}

// Match reports whether any word of text matches.
func (m *Matcher) Match(text string, title bool) bool { return len(m.Spans(text, title)) > 0 }

func (m *Matcher) word(w string, title bool) bool {
	typos := !m.titleTypos || title
	if m.literal {
		if m.terms[w] {
			return true
		}
		for _, f := range m.fuzzy {
			if !typos {
				break
			}
			if WithinEdits(f.word, w, f.edits) {
				return true
			}
		}
		return false
	}
	if m.exact[w] {
		return true
	}
	if title {
		for _, p := range m.prefixes {
			if strings.HasPrefix(w, p) {
				return true
			}
		}
	}
	if m.stemHead[head(w)] {
		for _, l := range Langs {
			if m.stems[m.a.Stem(w, l)] {
				return true
			}
		}
	}
	for _, f := range m.fuzzy {
		if typos && WithinEdits(f.word, w, f.edits) {
			return true
		}
	}
	return false
}

func (m *Matcher) phraseAt(p []string, toks []Token, i int) bool {
	for j, w := range p {
		tw := toks[i+j].Folded
		if tw == w {
			continue
		}
		if m.literal || head(tw) != head(w) || !shareAny(m.a.stems(tw), m.a.stems(w)) {
			return false
		}
	}
	return true
}

// Token is a word of an original text: where it is, and its folded form.
type Token struct {
	Start, End int
	Folded     string
}

// Tokens splits an original text into its words, as Words splits folded text: the combining
// marks of a decomposed accent stay inside their word.
func Tokens(text string) []Token {
	var out []Token
	start := -1
	for i, r := range text {
		if IsWordRune(r) || (start >= 0 && unicode.Is(unicode.Mn, r)) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = appendToken(out, text, start, i)
			start = -1
		}
	}
	if start >= 0 {
		out = appendToken(out, text, start, len(text))
	}
	return out
}

func appendToken(out []Token, text string, start, end int) []Token {
	if w, ok := foldASCIIWord(text[start:end]); ok { // most words: no folding to do but case
		return append(out, Token{Start: start, End: end, Folded: w})
	}
	f := Fold(text[start:end])
	// Folding can split a word (a letter that decomposes into a letter and a symbol): each
	// part is a word of its own to the engines, but one span to highlight.
	for _, w := range Words(f) {
		out = append(out, Token{Start: start, End: end, Folded: w})
	}
	return out
}

// foldASCIIWord folds a run of ASCII letters and digits, allocating only when it has capitals;
// ok is false for anything else.
func foldASCIIWord(w string) (string, bool) {
	upper := false
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case c >= utf8.RuneSelf:
			return "", false
		case 'A' <= c && c <= 'Z':
			upper = true
		}
	}
	if upper {
		return strings.ToLower(w), true
	}
	return w, true
}
