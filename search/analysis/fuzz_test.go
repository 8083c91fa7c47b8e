package analysis

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzAnalyze: whatever text a document or a query holds, analysis never panics, a field's
// words and stems go word for word, terms hold only words, and the spans a matcher marks are
// in order, inside the text and on rune boundaries; Tokens agrees with folding word by word.
func FuzzAnalyze(f *testing.F) {
	for _, s := range []string{"Configuración de la impresora", "the printer does not print", "ñandú_año x11 8080",
		"copia de seguridad => backup", strings.Repeat("ab", 100), "\xff\xfe é", "Ǆemal İstanbul ß", "a\u0301b"} {
		f.Add(s, "printer")
	}
	a := New()
	a.SetSynonyms([]SynonymGroup{{Terms: []string{"copia de seguridad", "backup"}}, {Terms: []string{"impresora", "printer"}}})
	f.Fuzz(func(t *testing.T, text, query string) {
		if got, want := Tokens(text), tokensByRune(text); !slices.Equal(got, want) {
			t.Fatalf("Tokens(%q) = %+v, folded word by word %+v", text, got, want)
		}
		fd := a.Field(text, Spanish)
		if len(fd.Words) != len(fd.Stems) {
			t.Fatalf("%d words, %d stems", len(fd.Words), len(fd.Stems))
		}
		if fd.Text() != strings.Join(fd.Words, " ") {
			t.Fatalf("Text() %q differs from the words %q", fd.Text(), fd.Words)
		}
		q := a.Query(query)
		for _, term := range q.Terms {
			for _, w := range term.Words {
				for _, r := range w {
					if !IsWordRune(r) {
						t.Fatalf("term word %q holds %q", w, r)
					}
				}
			}
		}
		if m := a.Matcher(q).Literal(); len(m.own) == 0 {
			if got, want := m.Spans(text, false), spansOfWords(m, text, false); !slices.Equal(got, want) {
				t.Fatalf("Spans(%q) for %q = %+v, word by word %+v", text, query, got, want)
			}
		}
		end := 0
		for _, s := range a.Matcher(q).Spans(text, true) {
			if s.Start < end || s.End <= s.Start || s.End > len(text) {
				t.Fatalf("span %+v after %d in a text of %d bytes", s, end, len(text))
			}
			if utf8.ValidString(text) && (!utf8.RuneStart(text[s.Start]) || (s.End < len(text) && !utf8.RuneStart(text[s.End]))) {
				t.Fatalf("span %+v cuts a rune", s)
			}
			end = s.End
		}
		_ = a.Suggest(query, q, []string{text})
	})
}
