package analysis

import (
	"strings"
	"testing"
)

func TestFoldConcurrently(t *testing.T) {
	done := make(chan bool)
	for range 4 {
		go func() {
			for range 2000 {
				if Fold("Configuración de la Impresora en Añorbe") != "configuracion de la impresora en anorbe" {
					t.Error("bad fold")
				}
			}
			done <- true
		}()
	}
	for range 4 {
		<-done
	}
}

// Fold takes shortcuts for Latin text; next to every rune of the first planes' scripts, and
// around the combining marks and Latin letters that meet them, it must equal its definition.
func TestFoldAgreesWithDefinition(t *testing.T) {
	neighbours := []rune{'E', 'é', 'ß', 'İ', '\u0301', '\u0345', '\u0b3e', '\u1161'}
	bad := 0
	for r := rune(0); r < 0x2000 && bad < 10; r++ {
		for _, s := range []string{string(r)} {
			if got, want := Fold(s), foldExact(s); got != want {
				t.Errorf("Fold(%q) = %q, want %q", s, got, want)
				bad++
			}
		}
		for _, n := range neighbours {
			for _, s := range []string{string([]rune{r, n}), string([]rune{n, r})} {
				if got, want := Fold(s), foldExact(s); got != want {
					t.Errorf("Fold(%q) = %q, want %q", s, got, want)
					bad++
				}
			}
		}
	}
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

// benchText is a long Spanish text, as an article or a ticket thread.
var benchText = strings.Repeat("La configuración de la impresora de red falla después de la actualización: "+
	"el equipo pide la contraseña del usuario y la conexión VPN con FortiClient se corta cada día. ", 40)

// BenchmarkFold folds a whole article, as the indexer does for every document.
func BenchmarkFold(b *testing.B) {
	b.SetBytes(int64(len(benchText)))
	for b.Loop() {
		_ = Fold(benchText)
	}
}

// BenchmarkArticleText analyses a whole article: folding, words, language, stems.
func BenchmarkArticleText(b *testing.B) {
	a := New()
	b.SetBytes(int64(len(benchText)))
	for b.Loop() {
		_, _ = a.ArticleText("Configuración de la impresora", benchText, "es")
	}
}
