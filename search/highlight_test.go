package search

import (
	"strings"
	"testing"
	"unicode/utf8"

	"helpdesk/search/analysis"
)

var testAnalyzer = analysis.New()

// matcher analyses a query as the engines do.
func matcher(query string) *analysis.Matcher { return testAnalyzer.Matcher(testAnalyzer.Query(query)) }

func TestHighlightEscapesAndMarks(t *testing.T) {
	got, ok := HighlightTitle(`<script>alert(1)</script> Impresora "HP"`, matcher("impre script"))
	want := `&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt; <mark>Impresora</mark> &#34;HP&#34;`
	if !ok || got != want {
		t.Fatalf("HighlightTitle = %q\nwant %q", got, want)
	}
	if _, ok := HighlightTitle("Correo", matcher("vpn")); ok {
		t.Fatal("no match reported as a match")
	}
	body := strings.Repeat("relleno ", 40) + "La configuración de la <b>VPN</b> falla. " + strings.Repeat("texto ", 60) + "Otra vez la vpn."
	s := Snippets(body, matcher("configuracion vpn"))
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
	if Snippets("nada que ver", matcher("vpn")) != nil {
		t.Error("snippet without a match")
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
		for _, s := range Snippets(text, matcher(text+" impresora")) {
			if !utf8.ValidString(s) {
				t.Errorf("invalid snippet %q", s)
			}
		}
	}
}
