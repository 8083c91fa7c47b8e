package search

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"

	"helpdesk/search/analysis"
)

// Highlights are made here, in Go, for every engine: from the stored original text and the
// analysed query, with the same word rules the engines match by (analysis.Matcher). Each
// engine thus returns the same marks, and only text we escaped ourselves reaches the page.

// mark escapes text[from:to] and wraps the matched spans inside it in <mark>.
func mark(b *strings.Builder, text string, from, to int, spans []analysis.Span) {
	pos := from
	for _, s := range spans {
		if s.End <= pos || s.Start >= to {
			continue
		}
		// A fragment can end inside a word (text without spaces): mark only what it shows.
		start, end := max(s.Start, pos), min(s.End, to)
		b.WriteString(html.EscapeString(text[pos:start]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[start:end]))
		b.WriteString("</mark>")
		pos = end
	}
	b.WriteString(html.EscapeString(text[pos:to]))
}

// HighlightTitle returns the whole escaped title with its matching words marked, and whether
// any word matched.
func HighlightTitle(title string, m *analysis.Matcher) (string, bool) {
	spans := m.Spans(title, true)
	var b strings.Builder
	mark(&b, title, 0, len(title), spans)
	return b.String(), len(spans) > 0
}

// Snippet sizes, in bytes of original text.
const (
	snippetLen  = 160
	snippetLead = 50
	maxSnippets = 2
)

// Snippets returns up to two escaped fragments of text around its matching words, with the
// words marked; nil when nothing matches.
func Snippets(text string, m *analysis.Matcher) []string {
	spans := m.Spans(text, false)
	if len(spans) == 0 {
		return nil
	}
	var out []string
	covered := -1
	for _, s := range spans {
		if s.Start < covered {
			continue
		}
		from := wordStart(text, max(0, s.Start-snippetLead))
		to := wordEnd(text, min(len(text), from+snippetLen))
		if to <= max(from, s.Start) { // no space in the window after the match: cut mid-word, on a rune
			to = min(len(text), from+snippetLen)
			for to < len(text) && !utf8.RuneStart(text[to]) {
				to--
			}
		}
		var b strings.Builder
		if from > 0 {
			b.WriteString("…")
		}
		mark(&b, text, from, to, spans)
		if to < len(text) {
			b.WriteString("…")
		}
		out = append(out, collapseSpace(b.String()))
		covered = to
		if len(out) == maxSnippets {
			break
		}
	}
	return out
}

// wordStart moves i forward to the start of a word, so a fragment never begins mid-word.
func wordStart(text string, i int) int {
	if i == 0 {
		return 0
	}
	for i < len(text) && !utf8.RuneStart(text[i]) {
		i++
	}
	for i < len(text) {
		r, n := utf8.DecodeRuneInString(text[i:])
		if unicode.IsSpace(r) {
			return i + n
		}
		i += n
	}
	return i
}

// wordEnd moves i back to the end of a word.
func wordEnd(text string, i int) int {
	if i >= len(text) {
		return len(text)
	}
	for i > 0 && !utf8.RuneStart(text[i]) {
		i--
	}
	for j := i; j > 0; {
		r, n := utf8.DecodeLastRuneInString(text[:j])
		if unicode.IsSpace(r) {
			return j - n
		}
		j -= n
	}
	return i
}

func collapseSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// Highlights builds a hit's highlights from its original text: the title always (escaped,
// marked where it matches), and snippets of the body, the public comments and, for staff,
// the internal comments where they match.
func Highlights(title, body string, comments, internal []string, m *analysis.Matcher) map[string][]string {
	t, _ := HighlightTitle(title, m)
	out := map[string][]string{"title": {t}}
	// Articles usually open with their title as a heading: a snippet of it says nothing new.
	body = strings.TrimPrefix(strings.TrimSpace(body), title)
	if s := Snippets(body, m); s != nil {
		out["body"] = s
	}
	// Comments match word for word (see analysis.Comment): so are they marked.
	lm := m.Literal()
	if s := commentSnippets(comments, lm); s != nil {
		out["comments"] = s
	}
	if s := commentSnippets(internal, lm); s != nil {
		out["internal"] = s
	}
	return out
}

func commentSnippets(comments []string, m *analysis.Matcher) []string {
	var out []string
	for _, c := range comments {
		for _, s := range Snippets(c, m) {
			out = append(out, s)
			if len(out) == maxSnippets {
				return out
			}
		}
	}
	return out
}
