package markdown

import (
	"regexp"
	"strings"
	"sync"
	"testing"
)

func TestRender(t *testing.T) {
	src := "# Título\n\n## Configuración de red\n\ntexto\n\n## Configuración de red\n\n### Paso <b>1</b>\n\n" +
		"| a | b |\n|:-:|---|\n| 1 | 2 |\n\n- [x] hecho\n- [ ] pendiente\n\n```go\nfunc main() {}\n```\n\nVisita https://example.com y [interna](/kb/otra).\n"
	r := Render(src)
	html := string(r.HTML)
	for _, want := range []string{`id="configuracion-de-red"`, `id="configuracion-de-red-1"`, "<table>", `type="checkbox"`,
		`class="chroma"`, `href="https://example.com"`, `rel="nofollow noopener"`, `target="_blank"`, `href="/kb/otra"`} {
		if !strings.Contains(html, want) {
			t.Errorf("rendered HTML lacks %s:\n%s", want, html)
		}
	}
	if len(r.TOC) != 3 || r.TOC[0].Text != "Configuración de red" || r.TOC[2].Level != 3 || r.TOC[1].ID != "configuracion-de-red-1" {
		t.Errorf("toc = %+v", r.TOC)
	}
	if Render("## Solo una\n\ntexto").TOC != nil {
		t.Error("a short article got a table of contents")
	}
	if !strings.Contains(HighlightCSS(), ".chroma") {
		t.Error("no chroma CSS")
	}
}

var xss = []string{
	"<script>alert(1)</script>",
	"[x](javascript:alert(1))",
	"[x](JaVaScRiPt:alert(1))",
	"<img src=x onerror=alert(1)>",
	`<a href="javascript:alert(1)">x</a>`,
	"![x](javascript:alert(1))",
	"[x](data:text/html;base64,PHNjcmlwdD4=)",
	"## <script>alert(1)</script>",
	"<iframe src=//evil.example></iframe>",
	"<style>body{display:none}</style>",
	"[x](  javascript:alert(1))",
	"<svg onload=alert(1)>",
}

// dangerous finds active content: script-like elements, and inside any tag an event handler or
// a javascript:/data: URL. The same words as plain text are harmless (and escaped).
var dangerous = regexp.MustCompile(`(?i)<(script|iframe|style|svg|object|embed)|<[^>]*(\son[a-z]+\s*=|javascript:|data:)`)

func TestRenderIsInert(t *testing.T) {
	for _, src := range xss {
		if out := string(Render(src).HTML); dangerous.MatchString(out) {
			t.Errorf("%q rendered to %q", src, out)
		}
	}
}

func TestRenderConcurrently(t *testing.T) {
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				if r := Render("## Uno\n\n## Dos\n\n## Tres\n\n```go\nx := 1\n```"); len(r.TOC) != 3 {
					t.Error("toc")
				}
			}
		}()
	}
	wg.Wait()
}

func FuzzRender(f *testing.F) {
	for _, s := range xss {
		f.Add(s)
	}
	f.Add("# Título\n\n| a |\n|---|\n| <b>x</b> |")
	f.Fuzz(func(t *testing.T, src string) {
		if out := string(Render(src).HTML); dangerous.MatchString(out) {
			t.Fatalf("%q rendered to %q", src, out)
		}
	})
}
