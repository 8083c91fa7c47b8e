package markdown

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"
)

func TestRender(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		want    []string
		notWant []string
		check   func(t *testing.T, out string)
	}{{
		name:    "GFM table keeps alignment as the align attribute",
		src:     "| Error | Solución | Notas |\n|:-:|--:|---|\n| 809 | Abrir puertos | x |\n",
		want:    []string{"<table>", "<thead>", `<th align="center">Error</th>`, `<td align="right">Abrir puertos</td>`, "<td>x</td>"},
		notWant: []string{"style="},
	}, {
		name: "task list renders disabled checkboxes",
		src:  "- [x] hecho\n- [ ] pendiente\n",
		want: []string{`<input checked="" disabled="" type="checkbox"> hecho`, `<input disabled="" type="checkbox"> pendiente`},
		check: func(t *testing.T, out string) {
			if n, d := strings.Count(out, "<input"), strings.Count(out, `disabled=""`); n != 2 || d != n {
				t.Errorf("%d checkboxes, %d disabled", n, d)
			}
		},
	}, {
		name:    "fenced go block gets chroma classes, not styles",
		src:     "```go\nfunc main() { fmt.Println(\"hola\") }\n```\n",
		want:    []string{`<pre class="chroma"><code>`, `<span class="line">`, `<span class="kd">func</span>`, `<span class="nf">main</span>`, `<span class="s">`},
		notWant: []string{"style="},
	}, {
		name:    "highlighted lines and line numbers keep their classes",
		src:     "```go {linenos=table,hl_lines=[1]}\nx := 1\n```\n",
		want:    []string{`<div class="chroma">`, `<table class="lntable">`, `<td class="lntd">`, `<span class="line hl">`, `<span class="lnt">`},
		notWant: []string{"style="},
	}, {
		name: "file extensions find their lexer",
		src:  "```yml\na: 1\n```\n\n```cmd\necho %PATH%\n```\n\n```Dockerfile {hl_lines=[1]}\nFROM alpine\n```\n",
		want: []string{`<span class="nt">a</span>`, `<span class="nv">%PATH%</span>`, `<span class="line hl"><span class="cl"><span class="k">FROM</span>`},
	}, {
		name:    "unknown language is plain code",
		src:     "```klingon {linenos=table}\nqapla'\n```\n",
		want:    []string{"<pre><code>qapla&#39;\n</code></pre>"},
		notWant: []string{"chroma", "klingon"},
	}, {
		name: "autolinks become external links",
		src:  "Vea https://support.example.com/vpn o www.example.org.",
		want: []string{
			`<a href="https://support.example.com/vpn" rel="nofollow noopener" target="_blank">https://support.example.com/vpn</a>`,
			`<a href="http://www.example.org" rel="nofollow noopener" target="_blank">www.example.org</a>`,
		},
	}, {
		name: "angle-bracket autolink and markdown link to another host",
		src:  "<https://a.example/x> y [la guía](https://b.example/g \"Guía\")",
		want: []string{
			`<a href="https://a.example/x" rel="nofollow noopener" target="_blank">`,
			`<a href="https://b.example/g" title="Guía" rel="nofollow noopener" target="_blank">la guía</a>`,
		},
	}, {
		name: "relative, fragment and mailto links stay in the tab",
		src:  "[otra](/kb/otra) [arriba](#top) [correo](mailto:it@example.com) it@example.com",
		want: []string{
			`<a href="/kb/otra" rel="nofollow noopener">otra</a>`,
			`<a href="#top" rel="nofollow noopener">arriba</a>`,
			`<a href="mailto:it@example.com" rel="nofollow noopener">correo</a>`,
			`<a href="mailto:it@example.com" rel="nofollow noopener">it@example.com</a>`,
		},
		notWant: []string{"_blank"},
	}, {
		name: "protocol-relative link counts as external",
		src:  "[x](//evil.example/x)",
		want: []string{`<a href="//evil.example/x" rel="nofollow noopener" target="_blank">x</a>`},
	}, {
		name:    "other URL schemes lose their href",
		src:     "[ftp](ftp://files.example/x) [tel](tel:123) [file](file:///etc/passwd)",
		notWant: []string{"href"},
	}, {
		name: "strikethrough, emphasis, images",
		src:  "~~viejo~~ **nuevo** ![logo](/static/logo.png)",
		want: []string{"<del>viejo</del>", "<strong>nuevo</strong>", `<img src="/static/logo.png" alt="logo">`},
	}, {
		name:    "raw HTML is dropped, its text kept",
		src:     "Pulse <kbd>Ctrl</kbd> y <span style=\"color:red\">rojo</span>\n\n<div class=\"x\">bloque</div>\n",
		want:    []string{"<p>Pulse Ctrl y rojo</p>"},
		notWant: []string{"<kbd", "<span", "<div", "bloque", "style=", "<!--"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := string(Render(tt.src).HTML)
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("lacks %s", w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(out, w) {
					t.Errorf("has %s", w)
				}
			}
			if tt.check != nil {
				tt.check(t, out)
			}
			if t.Failed() {
				t.Logf("rendered:\n%s", out)
			}
		})
	}
}

var headingIDAttr = regexp.MustCompile(`<h[1-6] id="([^"]*)"`)

func TestHeadingIDs(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"accents become ASCII", "## Configuración de red\n## Ñandú über Größe", []string{"configuracion-de-red", "nandu-uber-grosse"}},
		{"duplicates get suffixes", "# Pasos\n## Pasos\n### Pasos\n## Otro", []string{"pasos", "pasos-1", "pasos-2", "otro"}},
		{"a suffix already taken is skipped", "## a\n## a-1\n## a", []string{"a", "a-1", "a-2"}},
		{"markup and entities are not words", "## Paso <b>1</b>: [la guía](https://x.example/g) `ipconfig` &amp; **más**", []string{"paso-1-la-guia-ipconfig-mas"}},
		{"no Latin letters", "## Привет\n## 你好\n## ?!", []string{"section", "section-1", "section-2"}},
		{"setext headings too", "Instalación\n===========\n\nUso\n---", []string{"instalacion", "uso"}},
		{"long headings are cut", "## " + strings.Repeat("palabra ", 20), []string{strings.TrimSuffix(strings.Repeat("palabra-", 10), "-")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := string(Render(tt.src).HTML)
			var got []string
			for _, m := range headingIDAttr.FindAllStringSubmatch(out, -1) {
				got = append(got, m[1])
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ids = %q, want %q\n%s", got, tt.want, out)
			}
		})
	}
}

func TestTOC(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []Heading
	}{{
		name: "three h2/h3 make a table of contents",
		src:  "# Título\n\n## Configuración de red\n\ntexto\n\n### Paso <b>1</b>\n\n#### Detalle\n\n## Q&amp;A \\*con\\* `a&amp;b` y https://x.example\n",
		want: []Heading{
			{2, "configuracion-de-red", "Configuración de red"},
			{3, "paso-1", "Paso 1"},
			{2, "q-a-con-a-b-y-https-x-example", "Q&A *con* a&amp;b y https://x.example"},
		},
	}, {
		name: "one heading is not worth one",
		src:  "## Solo una\n\ntexto",
	}, {
		name: "h1 and h4 do not count",
		src:  "# Uno\n\n## Dos\n\n#### Tres\n\n### Cuatro\n",
	}, {
		name: "duplicate headings keep distinct anchors",
		src:  "## Pasos\n\n## Pasos\n\n## Pasos\n",
		want: []Heading{{2, "pasos", "Pasos"}, {2, "pasos-1", "Pasos"}, {2, "pasos-2", "Pasos"}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Render(tt.src)
			if !reflect.DeepEqual(r.TOC, tt.want) {
				t.Errorf("TOC = %+v, want %+v", r.TOC, tt.want)
			}
			for _, h := range r.TOC {
				if !strings.Contains(string(r.HTML), fmt.Sprintf(`<h%d id="%s">`, h.Level, h.ID)) {
					t.Errorf("no heading with id %q in\n%s", h.ID, r.HTML)
				}
			}
		})
	}
}

// xss are markdown sources trying to get script into the page.
var xss = []string{
	"<script>alert(1)</script>",
	"[x](javascript:alert(1))",
	"<img src=x onerror=alert(1)>",
	"[x](JaVaScRiPt:alert(1))",
	`<a href="javascript:alert(1)">x</a>`,
	"![x](javascript:alert(1))",
	"[x](data:text/html;base64,PHNjcmlwdD4=)",
	"## <script>alert(1)</script>",
	"<iframe src=//evil.example></iframe>",
	"<style>body{display:none}</style>",
	"texto <img src=x onerror=alert(1)> en línea",
	"[x](  javascript:alert(1))",
	"[x](<javascript:alert(1)>)",
	"[x](&#106;avascript:alert(1))",
	"[x](java&#x09;script:alert(1))",
	"[x]: javascript:alert(1)\n\n[x]",
	"![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
	"<svg onload=alert(1)>",
	"<a href=\"https://ok.example\" onclick=\"alert(1)\">x</a>",
	"[x](https://ok.example \"\\\" onmouseover=\\\"alert(1)\")",
	"```go {style=\"x\" onclick=alert(1)}\nx\n```",
	"```\"><script>alert(1)</script>\nx\n```",
	"| <script>alert(1)</script> |\n|---|\n| [x](javascript:alert(1)) |",
	"- [ ] <input type=text onfocus=alert(1) autofocus>",
}

func TestRenderXSS(t *testing.T) {
	for _, src := range xss {
		t.Run(src, func(t *testing.T) {
			out := string(Render(src).HTML)
			lower := strings.ToLower(out)
			// These sources put the dangerous words only in markup, never in prose, so none may
			// be left in the output at all, not even as text.
			for _, bad := range []string{"<script", "javascript:", "onerror", "onload", "onclick", "onmouseover", "onfocus", "<iframe", "<style", "<svg", "data:", "style="} {
				if strings.Contains(lower, bad) {
					t.Errorf("output has %q: %s", bad, out)
				}
			}
			if err := inert(out); err != nil {
				t.Errorf("%v: %s", err, out)
			}
		})
	}
}

// Chroma tries a word that is no lexer's name as a file name against every lexer's patterns,
// which took 5s for a 10KB word; Render must not let it.
func TestRenderLongFenceWords(t *testing.T) {
	src := strings.Repeat("```"+strings.Repeat("*a", 5000)+"\nx\n```\n\n", 20)
	start := time.Now()
	out := string(Render(src).HTML)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("20 blocks took %v", d)
	}
	if strings.Count(out, "<pre><code>x\n</code></pre>") != 20 {
		t.Errorf("rendered %.200s", out)
	}
}

func TestRenderConcurrently(t *testing.T) {
	// Several languages, so that chroma's lazily compiled lexers are raced for too.
	docs := []string{
		"## Uno\n\n## Dos\n\n## Tres\n\n```go\nx := 1\n```\n",
		"## Configuración\n\n```bash\necho $HOME\n```\n\n| a |\n|:-:|\n| 1 |\n",
		"```python\nprint('x')\n```\n\n- [x] ok\n\nhttps://example.com [x](javascript:alert(1))",
		"```powershell\nGet-VpnConnection\n```\n\n```yaml\na: 1\n```\n\n```sql\nselect 1\n```",
	}
	want := make([]Rendered, len(docs))
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 40 {
				k := (i + j) % len(docs)
				r := Render(docs[k])
				if i == 0 && j < len(docs) {
					want[k] = r
				}
			}
		}()
	}
	wg.Wait()
	for k, src := range docs {
		if got := Render(src); !reflect.DeepEqual(got, want[k]) {
			t.Errorf("doc %d renders differently once alone:\n%s\nvs\n%s", k, got.HTML, want[k].HTML)
		}
	}
}

func TestHighlightCSS(t *testing.T) {
	css := HighlightCSS()
	for _, want := range []string{".chroma", ".chroma .kd", ".chroma .s"} {
		if !strings.Contains(css, want) {
			t.Errorf("CSS lacks %s", want)
		}
	}
}

// dangerous is the fuzz property as text: no script-like element, and in no tag an on…=
// event handler or a javascript:/vbscript:/data: URL. It reads attributes the way bluemonday
// writes them (name="value", quotes in values escaped), because the same words are harmless
// in prose ("never open javascript: links" is escaped text) or in a title attribute.
var dangerous = regexp.MustCompile(`(?i)<(script|iframe|style|svg|math|object|embed|form|base|meta|link)\b|<[a-z0-9]+(\s+[a-z-]+(="[^"]*")?)*\s+(on[a-z]+\s*=|(href|src|cite|action)="\s*(javascript|vbscript|data):)`)

// inert is the same property checked the way a browser reads the HTML: it tokenises the output
// and looks at every element and attribute, with entities decoded.
func inert(out string) error {
	z := html.NewTokenizer(strings.NewReader(out))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return nil
		case html.CommentToken:
			return fmt.Errorf("comment left in")
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			tok := z.Token()
			switch tok.Data {
			case "script", "iframe", "frame", "style", "svg", "math", "object", "embed", "form", "base", "meta", "link", "textarea", "button", "select":
				return fmt.Errorf("<%s> left in", tok.Data)
			}
			for _, a := range tok.Attr {
				if strings.HasPrefix(a.Key, "on") || a.Key == "style" || a.Key == "srcdoc" || a.Key == "formaction" {
					return fmt.Errorf("attribute %s left in <%s>", a.Key, tok.Data)
				}
				if tok.Data == "input" && (a.Key != "type" || a.Val != "checkbox") && a.Key != "checked" && a.Key != "disabled" {
					return fmt.Errorf("<input %s=%q> left in", a.Key, a.Val)
				}
				if a.Key == "href" || a.Key == "src" || a.Key == "cite" || a.Key == "action" {
					if s := urlScheme(a.Val); s != "" && s != "http" && s != "https" && s != "mailto" {
						return fmt.Errorf("%s=%q left in <%s>", a.Key, a.Val, tok.Data)
					}
				}
			}
		}
	}
}

// urlScheme is a URL's scheme as a browser finds it: ASCII whitespace and control characters
// anywhere are ignored ("java\tscript:" is javascript:), and the scheme ends at the first colon
// unless a /, ? or # comes first (then the URL is relative).
func urlScheme(u string) string {
	var b strings.Builder
	for _, r := range u {
		if r > ' ' && r != 0x7f {
			b.WriteRune(r)
		}
	}
	s := b.String()
	if i := strings.IndexAny(s, ":/?#"); i > 0 && s[i] == ':' {
		return strings.ToLower(s[:i])
	}
	return ""
}

func FuzzRender(f *testing.F) {
	for _, s := range xss {
		f.Add(s)
	}
	f.Add("# Título\n\n## Configuración de red\n\n| a | b |\n|:-:|--:|\n| <b>x</b> | [y](/kb/y) |\n\n- [x] hecho\n\n```go\nx := 1\n```\n")
	f.Add("Vea https://example.com, www.example.org y it@example.com")
	f.Fuzz(func(t *testing.T, src string) {
		out := string(Render(src).HTML)
		if dangerous.MatchString(out) {
			t.Fatalf("%q rendered to %q", src, out)
		}
		if err := inert(out); err != nil {
			t.Fatalf("%q rendered to %q: %v", src, out, err)
		}
	})
}
