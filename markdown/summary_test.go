package markdown

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSummary(t *testing.T) {
	long := strings.Repeat("palabra ", 40) // 320 characters of words
	for _, tc := range []struct {
		name, src, want string
	}{
		{"empty body", "", ""},
		{"only a heading", "# Título\n\n## Otro\n", ""},
		{"headings skipped", "# Configurar la VPN\n\n## Antes\n\nNecesitas **FortiClient**.\n\nSegundo párrafo.", "Necesitas FortiClient."},
		{"code blocks skipped", "```sh\nsudo reboot\n```\n\n    indented code\n\nReinicia el *equipo*.", "Reinicia el equipo."},
		{"links read as their text", "Abre [el portal](https://example.com/x \"t\") o <https://help.example.com>.", "Abre el portal o https://help.example.com."},
		{"images dropped", "![captura de pantalla](shot.png)\n\nPulsa ![icono](i.png) **Conectar**.", "Pulsa Conectar."},
		{"raw html dropped", "<div>banner</div>\n\nTexto <b>útil</b> &amp; claro.", "Texto útil & claro."},
		{"tight list and table skipped", "- uno\n- dos\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nEl texto.", "El texto."},
		{"whitespace collapsed", "Una  línea\ny   otra\\\ncon salto.", "Una línea y otra con salto."},
		{"code span keeps its text", "Ejecuta `ipconfig /all` y copia la IP.", "Ejecuta ipconfig /all y copia la IP."},
		{"very long paragraph", long, strings.TrimSpace(strings.Repeat("palabra ", 19)) + "…"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Summary(tc.src, DescriptionLength); got != tc.want {
				t.Errorf("Summary(%q) = %q, want %q", tc.src, got, tc.want)
			}
			// The page takes it from the rendering, which parses with its own parser.
			if got := Render(tc.src).Summary; got != tc.want {
				t.Errorf("Render(%q).Summary = %q, want %q", tc.src, got, tc.want)
			}
		})
	}
}

func TestCutWords(t *testing.T) {
	for _, tc := range []struct {
		s    string
		max  int
		want string
	}{
		{"corto", 10, "corto"},
		{"exactamente diez", 16, "exactamente diez"},
		{"una frase, con coma", 12, "una frase…"},  // the comma a cut leaves goes
		{"dos palabras", 4, "dos…"},                // the limit falls right on a space
		{"supercalifragilístico", 8, "superca…"},   // no space: cut at the limit
		{"a supercalifragilístico", 8, "a super…"}, // the only space leaves too little
		{"ñandú ñandú ñandú", 9, "ñandú…"},         // characters, not bytes
	} {
		got := cutWords(tc.s, tc.max)
		if got != tc.want {
			t.Errorf("cutWords(%q, %d) = %q, want %q", tc.s, tc.max, got, tc.want)
		}
		if n := utf8.RuneCountInString(got); n > tc.max {
			t.Errorf("cutWords(%q, %d) has %d characters", tc.s, tc.max, n)
		}
	}
}

func BenchmarkSummary(b *testing.B) {
	body := strings.Repeat("## Paso\n\nTexto de un paso con **negrita** y [un enlace](https://example.com).\n\n```sh\necho hola\n```\n\n", 60)
	b.ReportAllocs()
	for b.Loop() {
		Summary("# Título\n\nPrimer párrafo del artículo.\n\n"+body, DescriptionLength)
	}
}
