package search

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFoldAndTerms(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"Configuración", []string{"configuracion"}},
		{"¿Cómo configuro la VPN en casa?", []string{"configuro", "vpn", "casa"}},
		{"the and", []string{"the", "and"}}, // only stop words: keep them
		{"Impresora impresora IMPRESORA", []string{"impresora"}},
		{`title:"x" OR * AND (a`, []string{"title", "x"}},
		{"Ñandú año", []string{"nandu", "ano"}},
		{"", nil},
	}
	for _, c := range cases {
		if got := Terms(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Terms(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestMatchWord(t *testing.T) {
	cases := []struct {
		term, word  string
		title, want bool
	}{
		{"impresora", "impresora", false, true},
		{"impre", "impresora", true, true},
		{"impre", "impresora", false, false}, // prefixes only in titles
		{"im", "impresora", true, false},     // too short to be a prefix
		{"imprezora", "impresora", false, true},
		{"impresor", "impresora", false, true},   // one deletion
		{"impresoraa", "impresora", false, true}, // one insertion
		{"imprezoar", "impresora", false, false}, // two edits
		{"vpm", "vpn", false, false},             // short terms must be exact
		{"outlok", "outlook", false, true},
	}
	for _, c := range cases {
		if got := MatchWord(c.term, c.word, c.title); got != c.want {
			t.Errorf("MatchWord(%q, %q, title=%v) = %v", c.term, c.word, c.title, got)
		}
	}
}

func TestHighlightEscapesAndMarks(t *testing.T) {
	got, ok := HighlightTitle(`<script>alert(1)</script> Impresora "HP"`, Terms("impre script"))
	want := `&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt; <mark>Impresora</mark> &#34;HP&#34;`
	if !ok || got != want {
		t.Fatalf("HighlightTitle = %q\nwant %q", got, want)
	}
	if _, ok := HighlightTitle("Correo", Terms("vpn")); ok {
		t.Fatal("no match reported as a match")
	}
	body := strings.Repeat("relleno ", 40) + "La configuración de la <b>VPN</b> falla. " + strings.Repeat("texto ", 60) + "Otra vez la vpn."
	s := Snippets(body, Terms("configuracion vpn"))
	if len(s) != 2 {
		t.Fatalf("snippets = %q, want 2", s)
	}
	if !strings.Contains(s[0], "<mark>configuración</mark>") || !strings.Contains(s[0], "&lt;b&gt;<mark>VPN</mark>&lt;/b&gt;") {
		t.Errorf("first snippet = %q", s[0])
	}
	if !strings.HasPrefix(s[0], "…") || !strings.Contains(s[1], "<mark>vpn</mark>") {
		t.Errorf("snippets = %q", s)
	}
	for _, frag := range s {
		if strings.Count(frag, "<") != strings.Count(frag, "<mark>")+strings.Count(frag, "</mark>") {
			t.Errorf("unescaped markup in %q", frag)
		}
	}
	if Snippets("nada que ver", Terms("vpn")) != nil {
		t.Error("snippet without a match")
	}
}

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

// Snippets of text with few or no spaces: never a panic, always valid fragments.
func TestSnippetsWithoutSpaces(t *testing.T) {
	long := strings.Repeat("0", 84)
	for _, text := range []string{
		long + " " + strings.Repeat("0", 160),
		strings.Repeat("x", 40) + " " + strings.Repeat("y", 8) + "impresora" + strings.Repeat("z", 40) + " " + strings.Repeat("w", 200),
		strings.Repeat("a", 60) + "impresora" + strings.Repeat("b", 300),
		"impresora",
	} {
		for _, s := range Snippets(text, Terms(text+" impresora")) {
			if !utf8.ValidString(s) {
				t.Errorf("invalid snippet %q", s)
			}
		}
	}
}
