package markdown

import (
	"bytes"
	"html/template"
	"regexp"
	"strconv"
	"strings"

	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	highlighting "github.com/yuin/goldmark-highlighting/v2"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"golang.org/x/text/unicode/norm"
)

// Rendered is an article turned into safe HTML.
type Rendered struct {
	HTML template.HTML // sanitised body HTML, safe to put in a page
	TOC  []Heading     // the h2 and h3 headings, for a table of contents; nil for short articles
}

// Heading is one entry of a table of contents.
type Heading struct {
	Level int
	ID    string
	Text  string
}

// minTOC is how many h2/h3 headings make an article long enough for a table of contents.
const minTOC = 3

// md and policy are built once: both are safe for concurrent use once configured.
var (
	md = goldmark.New(
		goldmark.WithExtensions(extension.GFM,
			highlighting.NewHighlighting(highlighting.WithStyle("github"),
				highlighting.WithFormatOptions(chromahtml.WithClasses(true)))),
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
		// No html.WithUnsafe: raw HTML in markdown is dropped before sanitising even starts.
	)
	policy = newPolicy()
)

func newPolicy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^[a-zA-Z0-9 _-]{1,100}$`)).OnElements("span", "pre", "code", "div")
	p.AllowAttrs("id").Matching(regexp.MustCompile(`^[a-z0-9-]{1,100}$`)).OnElements("h1", "h2", "h3", "h4", "h5", "h6")
	p.AllowAttrs("type").Matching(regexp.MustCompile(`^checkbox$`)).OnElements("input")
	p.AllowAttrs("checked", "disabled").OnElements("input")
	p.AllowAttrs("style").Matching(regexp.MustCompile(`^text-align:(left|right|center)$`)).OnElements("th", "td")
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireNoFollowOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true) // bluemonday adds noopener with it
	return p
}

// Render converts markdown to sanitised HTML and collects its table of contents.
func Render(src string) Rendered {
	source := []byte(src)
	ctx := parser.NewContext(parser.WithIDs(&asciiIDs{seen: map[string]int{}}))
	doc := md.Parser().Parse(text.NewReader(source), parser.WithContext(ctx))
	var toc []Heading
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering && (h.Level == 2 || h.Level == 3) {
			id, _ := h.AttributeString("id")
			idb, _ := id.([]byte)
			toc = append(toc, Heading{Level: h.Level, ID: string(idb), Text: headingText(h, source)})
		}
		return ast.WalkContinue, nil
	})
	var buf bytes.Buffer
	if err := md.Renderer().Render(&buf, source, doc); err != nil {
		return Rendered{HTML: template.HTML(template.HTMLEscapeString(src))}
	}
	if len(toc) < minTOC {
		toc = nil
	}
	return Rendered{HTML: template.HTML(policy.SanitizeBytes(buf.Bytes())), TOC: toc}
}

func headingText(h *ast.Heading, source []byte) string {
	var b strings.Builder
	_ = ast.Walk(h, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := n.(*ast.Text); ok && entering {
			b.Write(t.Segment.Value(source))
		}
		if s, ok := n.(*ast.String); ok && entering {
			b.Write(s.Value)
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(b.String())
}

// asciiIDs makes readable, unique heading ids: "Configuración de red" -> "configuracion-de-red".
type asciiIDs struct{ seen map[string]int }

var nonID = regexp.MustCompile(`[^a-z0-9]+`)

func (a *asciiIDs) Generate(value []byte, kind ast.NodeKind) []byte {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(string(util.TrimLeftSpace(value)))) {
		if r < 0x300 || r > 0x36f {
			b.WriteRune(r)
		}
	}
	id := strings.Trim(nonID.ReplaceAllString(b.String(), "-"), "-")
	if len(id) > 80 {
		id = strings.TrimRight(id[:80], "-")
	}
	if id == "" {
		id = "section"
	}
	base := id
	for a.seen[id] > 0 {
		id = base + "-" + strconv.Itoa(a.seen[base])
		a.seen[base]++
	}
	a.seen[id]++
	return []byte(id)
}

func (a *asciiIDs) Put(value []byte) { a.seen[string(value)]++ }

// HighlightCSS returns the stylesheet for highlighted code blocks.
func HighlightCSS() string {
	var buf bytes.Buffer
	_ = chromahtml.New(chromahtml.WithClasses(true)).WriteCSS(&buf, styles.Get("github"))
	return buf.String()
}
