package search

import (
	"strings"
	"testing"
	"unicode/utf8"

	"helpdesk/search/analysis"
)

// FuzzQueryText: whatever people type, the query normalises or is refused with ErrBadQuery,
// terms hold only word characters (nothing an engine could read as syntax), and highlights of
// any text stay escaped.
func FuzzQueryText(f *testing.F) {
	for _, s := range []string{"impresora", `title:"x" OR *`, "<script>alert(1)</script>", "Configuración ñ", "a\x00b", strings.Repeat("ab ", 300), "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		q, err := Query{Text: text}.Normalize()
		if err != nil {
			return
		}
		for _, term := range testAnalyzer.Query(q.Text).Terms {
			for _, r := range term.Text() {
				if !analysis.IsWordRune(r) && r != ' ' {
					t.Fatalf("term %q of %q holds %q", term.Text(), text, r)
				}
			}
		}
		m := matcher(text)
		h, _ := HighlightTitle(text, m)
		rest := strings.ReplaceAll(strings.ReplaceAll(h, "<mark>", ""), "</mark>", "")
		if strings.ContainsAny(rest, "<>") {
			t.Fatalf("unescaped markup in %q", h)
		}
		if utf8.ValidString(text) && !utf8.ValidString(h) {
			t.Fatalf("highlight broke UTF-8: %q", h)
		}
		for _, s := range Snippets(text, m) {
			if strings.ContainsAny(strings.ReplaceAll(strings.ReplaceAll(s, "<mark>", ""), "</mark>", ""), "<>") {
				t.Fatalf("unescaped markup in snippet %q", s)
			}
		}
	})
}
