package analysis

import (
	"slices"
	"strings"
	"testing"
	"unicode"
)

// tokensByRune is Tokens as it first was, rune by rune with every word folded on its own:
// the reference the byte-at-a-time Tokens must agree with.
func tokensByRune(text string) []Token {
	var out []Token
	start := -1
	word := func(end int) {
		for _, w := range Words(Fold(text[start:end])) {
			out = append(out, Token{Start: start, End: end, Folded: w})
		}
	}
	for i, r := range text {
		if IsWordRune(r) || (start >= 0 && unicode.Is(unicode.Mn, r)) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			word(i)
			start = -1
		}
	}
	if start >= 0 {
		word(len(text))
	}
	return out
}

func TestTokensAsFoldedOneByOne(t *testing.T) {
	for _, text := range []string{"", " ", "Outlook", "no IMPRIME la Impresora", "Configuración de la VPN (FortiClient 7.2)",
		"a\u0301b e\u0301", "\u0301abc", "x11_8080-TCP", "Ǆemal İstanbul ß ﬁle", "\xff\xfeABC\xc3", "½ ² Ⅻ", "日本語のテキスト",
		strings.Repeat("Palabra ", 50)} {
		if got, want := Tokens(text), tokensByRune(text); !slices.Equal(got, want) {
			t.Errorf("Tokens(%q)\n got %+v\nwant %+v", text, got, want)
		}
	}
}

// spansOfWords is Spans for a query without phrases as it first was: every word of the text
// listed and marked first, the spans made of the marks after.
func spansOfWords(m *Matcher, text string, title bool) []Span {
	toks := Tokens(text)
	hit := make([]bool, len(toks))
	for i, t := range toks {
		hit[i] = m.word(t.Folded, title)
	}
	var out []Span
	for i, t := range toks {
		if hit[i] && (len(out) == 0 || out[len(out)-1].Start != t.Start) {
			out = append(out, Span{t.Start, t.End})
		}
	}
	return out
}
