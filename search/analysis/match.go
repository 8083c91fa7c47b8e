package analysis

import (
	"iter"
	"slices"
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
	// firsts holds the first byte of every word, stem and prefix above: a word starting
	// otherwise can only match within its typos (most words of a text, in one look-up).
	firsts   [256]bool
	prefixes []string
	fuzzy    []fuzzyTerm
	phrases  [][]string // the query's phrases and its synonyms' phrases
	own      [][]string // the query's phrases alone
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
			m.first(s)
		}
	}
	for _, t := range q.Terms {
		if t.IsPhrase() {
			m.phrases, m.own = append(m.phrases, t.Words), append(m.own, t.Words)
		} else {
			w := t.Words[0]
			m.exact[w], m.terms[w] = true, true
			m.first(w)
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
			m.first(s.Words[0])
			addStems(s.Stems)
		}
	}
	return m
}

func (m *Matcher) first(w string) {
	if w != "" {
		m.firsts[w[0]] = true
	}
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
	phrases := m.phrases
	if m.literal {
		phrases = m.own
	}
	if len(phrases) == 0 { // word by word: no need to hold the words
		var out []Span
		for t := range tokens(text) {
			if m.word(t.Folded, title) && (len(out) == 0 || out[len(out)-1].Start != t.Start) {
				out = append(out, Span{t.Start, t.End})
			}
		}
		return out
	}
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
	if m.firsts[w[0]] && m.wordItself(w, title) {
		return true
	}
	if m.titleTypos && !title {
		return false
	}
	for _, f := range m.fuzzy {
		if WithinEdits(f.word, w, f.edits) {
			return true
		}
	}
	return false
}

// wordItself: does w match as written, by its stem or (titles) as a word's start?
func (m *Matcher) wordItself(w string, title bool) bool {
	if m.literal {
		return m.terms[w]
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
func Tokens(text string) []Token { return slices.Collect(tokens(text)) }

// tokens yields the words of text as Tokens returns them. Highlighting reads every hit's text
// on each search: ASCII is read a byte at a time, and the folded form of an ASCII word is a
// substring (of text, or of one copy with its capitals lowered), never a copy of its own.
func tokens(text string) iter.Seq[Token] {
	return func(yield func(Token) bool) {
		lowered := ""
		start, ascii, upper := -1, true, false
		// end yields the word from start to i; false when the caller wants no more.
		end := func(i int) bool {
			from := start
			start = -1
			switch {
			case !ascii:
				// Folding can split a word (a letter that decomposes into a letter and a
				// symbol): each part is a word of its own to the engines, but one span to
				// highlight.
				f := Fold(text[from:i])
				if f != "" && strings.IndexFunc(f, notWordRune) < 0 {
					return yield(Token{Start: from, End: i, Folded: f})
				}
				for _, w := range Words(f) {
					if !yield(Token{Start: from, End: i, Folded: w}) {
						return false
					}
				}
				return true
			case upper:
				if lowered == "" {
					lowered = lowerASCII(text)
				}
				return yield(Token{Start: from, End: i, Folded: lowered[from:i]})
			default:
				return yield(Token{Start: from, End: i, Folded: text[from:i]})
			}
		}
		for i := 0; i < len(text); {
			if c := text[i]; c < utf8.RuneSelf {
				if asciiWord[c] {
					if start < 0 {
						start, ascii, upper = i, true, false
					}
					upper = upper || 'A' <= c && c <= 'Z'
				} else if start >= 0 && !end(i) {
					return
				}
				i++
				continue
			}
			r, n := utf8.DecodeRuneInString(text[i:])
			if IsWordRune(r) || (start >= 0 && unicode.Is(unicode.Mn, r)) {
				if start < 0 {
					start, upper = i, false
				}
				ascii = false
			} else if start >= 0 && !end(i) {
				return
			}
			i += n
		}
		if start >= 0 {
			end(len(text))
		}
	}
}

func notWordRune(r rune) bool { return !IsWordRune(r) }

// asciiWord says which ASCII bytes IsWordRune takes: letters and digits.
var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = IsWordRune(rune(c))
	}
	return t
}()

// lowerASCII is s with its ASCII capitals lowered and every other byte as it is: a word's
// offsets in s are its offsets in the result.
func lowerASCII(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	from := 0
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			b.WriteString(s[from:i])
			b.WriteByte(c + 'a' - 'A')
			from = i + 1
		}
	}
	b.WriteString(s[from:])
	return b.String()
}
