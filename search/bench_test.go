package search

import (
	"strings"
	"testing"

	"helpdesk/seed/corpus"
)

// The longest KB article of the seed corpus: Spanish text, as a search hit carries it.
func benchArticle(b *testing.B) string {
	b.Helper()
	longest := ""
	for _, a := range corpus.KBArticles {
		if len(a.Body) > len(longest) && strings.ContainsAny(a.Body, "áéíóúñ") {
			longest = a.Body
		}
	}
	return longest
}

// BenchmarkHighlights highlights an article for a two-word query, as every hit of a strict
// pass is (typos in titles only).
func BenchmarkHighlights(b *testing.B) {
	text := benchArticle(b)
	title := strings.SplitN(text, "\n", 2)[0]
	m := matcher("impresora contraseña").TitleTyposOnly()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		_ = Highlights(title, text, nil, nil, m)
	}
}
