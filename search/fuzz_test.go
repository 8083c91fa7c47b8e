package search

import (
	"strings"
	"testing"
	"unicode/utf8"
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
		for _, term := range Terms(q.Text) {
			for _, r := range term {
				if !isWordRune(r) {
					t.Fatalf("term %q of %q holds %q", term, text, r)
				}
			}
		}
		h, _ := HighlightTitle(text, Terms(text))
		rest := strings.ReplaceAll(strings.ReplaceAll(h, "<mark>", ""), "</mark>", "")
		if strings.ContainsAny(rest, "<>") {
			t.Fatalf("unescaped markup in %q", h)
		}
		if utf8.ValidString(text) && !utf8.ValidString(h) {
			t.Fatalf("highlight broke UTF-8: %q", h)
		}
		for _, s := range Snippets(text, Terms(text)) {
			if strings.ContainsAny(strings.ReplaceAll(strings.ReplaceAll(s, "<mark>", ""), "</mark>", ""), "<>") {
				t.Fatalf("unescaped markup in snippet %q", s)
			}
		}
	})
}

// FuzzFold checks the fast Fold against its definition on any text.
func FuzzFold(f *testing.F) {
	for _, s := range []string{"", "Configuración", "CONTRASEÑA", "Ärger über Öl", "ﬁle", "Ǆemal", "İstanbul", "ß",
		"e\u0301le\u0300ve", "Tiếng Việt", "한국어", "ひらがな", "Ελληνικά ΣΊΣΥΦΟΣ", "a\u0308\u0301b", "\xff\xfeé", "ª º µ",
		"ǅ ǈ ǋ", "ᾼ ῌ", "Å Å", "\u0345\u0301x", "x\u0f73", "ଓ ଖ\u0b3e", "ᄀ\u1161\u11a8"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Fold(s), foldExact(s); got != want {
			t.Errorf("Fold(%q) = %q, want %q", s, got, want)
		}
		if got, want := FoldWords(s), strings.Join(Words(foldExact(s)), " "); got != want {
			t.Errorf("FoldWords(%q) = %q, want %q", s, got, want)
		}
	})
}
