package markdown

import (
	"bytes"
	"html/template"
	"regexp"
	"strings"
	"sync"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	highlighting "github.com/yuin/goldmark-highlighting/v2"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// Rendered is an article turned into safe HTML.
type Rendered struct {
	HTML template.HTML // sanitised body HTML, safe to put in a page
	TOC  []Heading     // the h2 and h3 headings, for a table of contents; nil for short articles
	// Summary is the first paragraph as plain text, at most DescriptionLength characters: the
	// page's meta description, kept here so that it is worked out once with the rendering.
	Summary string `json:",omitempty"`
}

// Heading is one entry of a table of contents: ID is the anchor the heading carries in HTML,
// Text its words without markup (plain text, for the template to escape).
type Heading struct {
	Level int
	ID    string
	Text  string
}

const (
	// minTOC is how many h2/h3 headings make an article long enough to need a table of contents.
	minTOC = 3
	// codeStyle is the chroma theme: the body only carries class names, so this matters only for
	// the stylesheet HighlightCSS writes, and the two must agree.
	codeStyle = "github"
	// linkRel goes on every link: articles are written by many hands, so no link vouches for its
	// target (nofollow), and none may script the portal's window if opened in a new one (noopener).
	linkRel = "nofollow noopener"
)

// md and policy are built once and shared: a configured goldmark.Markdown and a built
// bluemonday.Policy are only read while converting, so concurrent Renders are safe
// (TestRenderConcurrently checks it under -race).
var (
	md = goldmark.New(
		goldmark.WithExtensions(
			// GFM's four parts, spelled out so that the table aligns cells with the align attribute:
			// GFM's default is style="text-align:…", which the portal's CSP (style-src 'self')
			// makes browsers ignore, and which would mean letting style attributes through.
			extension.Linkify,
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
			extension.Strikethrough,
			extension.TaskList,
			// Class names, not inline styles: the CSP would drop the styles, and the sanitiser
			// would have to allow style attributes for them.
			highlighting.NewHighlighting(
				highlighting.WithStyle(codeStyle),
				highlighting.WithFormatOptions(chromahtml.WithClasses(true)),
			),
		),
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
		// No html.WithUnsafe: goldmark drops raw HTML (leaving a comment the sanitiser removes) and
		// empties javascript:/vbscript:/data: link targets, before the sanitiser even sees them.
	)
	policy = newPolicy()
)

var (
	// chromaClass matches what chroma's HTML formatter puts on pre/code/span with classes on:
	// "chroma", "line", "cl", token types like "kd", "s2", "c1", "line hl" for highlighted lines, and
	// goldmark's "language-xyz" on blocks whose language chroma does not know.
	chromaClass = regexp.MustCompile(`^(language-[a-zA-Z0-9_+#.-]{1,40}|[a-z][a-z0-9]{0,6}( [a-z][a-z0-9]{0,6})?)$`)
	// headingID matches what headingIDs generates.
	headingID = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

// newPolicy is bluemonday's user-generated-content policy (no scripts, frames, forms, styles or
// event handlers; URLs must parse and be relative or http, https, mailto) plus exactly what
// goldmark and chroma emit for markdown that the UGC policy would otherwise strip.
func newPolicy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	// Restated although UGCPolicy already says it, because the XSS tests depend on it.
	p.AllowURLSchemes("http", "https", "mailto")
	p.AllowRelativeURLs(true)
	p.RequireParseableURLs(true)

	p.AllowAttrs("class").Matching(chromaClass).OnElements("span", "pre", "code")
	// Blocks with line numbers in a table ("```go {linenos=table}"): chroma wraps them like this.
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^chroma$`)).OnElements("div")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^lntable$`)).OnElements("table")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^lntd$`)).OnElements("td")

	p.AllowAttrs("id").Matching(headingID).OnElements("h1", "h2", "h3", "h4", "h5", "h6")

	// Task lists: goldmark renders <input checked="" disabled="" type="checkbox">. input is not in
	// the UGC policy; allowing these attributes on it lets just this shape through.
	p.AllowAttrs("type").Matching(regexp.MustCompile(`^checkbox$`)).OnElements("input")
	p.AllowAttrs("checked", "disabled").Matching(regexp.MustCompile(`^$`)).OnElements("input")

	// Render puts rel="nofollow noopener" on every link; the two rules below add nofollow where
	// it is missing, and target="_blank" plus noopener on links with a host (http(s)://host,
	// //host), which are the ones leaving the portal. mailto, relative and #fragment links stay
	// in the same tab.
	p.AllowAttrs("rel").Matching(regexp.MustCompile(`^` + linkRel + `$`)).OnElements("a")
	p.RequireNoFollowOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	return p
}

// Render converts markdown to sanitised HTML and collects its table of contents. It never
// fails: whatever the input, the output is HTML safe to put in a page.
func Render(src string) Rendered {
	source := []byte(src)
	// The ids are unique per document, so each parse gets its own generator.
	ctx := parser.NewContext(parser.WithIDs(newHeadingIDs()))
	doc := md.Parser().Parse(text.NewReader(source), parser.WithContext(ctx))

	var toc []Heading
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			if n.Level == 2 || n.Level == 3 {
				toc = append(toc, Heading{Level: n.Level, ID: attrString(n, "id"), Text: headingText(n, source)})
			}
		case *ast.Link, *ast.AutoLink:
			n.SetAttributeString("rel", []byte(linkRel))
		case *ast.FencedCodeBlock:
			source = resolveFence(n, source)
		}
		return ast.WalkContinue, nil
	})
	if len(toc) < minTOC {
		toc = nil
	}

	var buf bytes.Buffer
	if err := md.Renderer().Render(&buf, source, doc); err != nil {
		// Writing to a bytes.Buffer does not fail; should a renderer, the escaped source is
		// still readable and inert.
		return Rendered{HTML: template.HTML("<pre>" + template.HTMLEscapeString(src) + "</pre>")}
	}
	return Rendered{HTML: template.HTML(policy.SanitizeReader(&buf).String()), TOC: toc,
		Summary: summarize(doc, source, DescriptionLength)}
}

// resolveFence makes sure goldmark-highlighting finds the block's lexer with a map lookup, or
// does not look at all. Given a word chroma knows by no name or alias, chroma's lexers.Get
// tries it as a file name against every lexer's globs: about 8ms for "yml" or "cmd", 5s for a
// 10KB word, on every block. So a word that names a lexer is left alone, a file extension is
// replaced by the lexer's name, and any other word is removed (the block is shown as plain code).
// The replacement info string is appended to source, which is this Render's own copy: the AST
// addresses text by offsets into source, and nothing before the appended bytes moves.
func resolveFence(n *ast.FencedCodeBlock, source []byte) []byte {
	if n.Info == nil {
		return source
	}
	info := n.Info.Segment.Value(source)
	lang, rest, _ := bytes.Cut(info, []byte(" ")) // as FencedCodeBlock.Language cuts it
	word, ok := fenceLanguage(string(lang))
	switch {
	case !ok:
		n.Info = nil
	case word != string(lang):
		start := len(source)
		source = append(source, word...)
		if len(rest) > 0 { // attributes like {linenos=table}
			source = append(source, ' ')
			source = append(source, rest...)
		}
		n.Info = ast.NewTextSegment(text.NewSegment(start, len(source)))
	}
	return source
}

// fenceLanguage says what to put after ``` for chroma to find the lexer of lang by name or
// alias, if any lexer fits.
func fenceLanguage(lang string) (string, bool) {
	t := fenceLanguages()
	if t.names[strings.ToLower(lang)] {
		return lang, true
	}
	word, ok := t.files[lang]
	return word, ok
}

// fenceLanguages is built on first use from chroma's lexer registry: names holds every lexer name
// and alias, lower-cased (chroma looks them up in both cases); files maps file extensions
// ("yml") and file names ("Dockerfile") that lexers claim to a name or alias of the lexer. Where
// several lexers claim one, the highest priority wins, as in chroma.
var fenceLanguages = sync.OnceValue(func() (t struct {
	names map[string]bool
	files map[string]string
}) {
	t.names, t.files = map[string]bool{}, map[string]string{}
	claimed := map[string]float32{}
	for _, l := range lexers.GlobalLexerRegistry.Lexers {
		c := l.Config()
		for _, a := range append([]string{c.Name}, c.Aliases...) {
			t.names[strings.ToLower(a)] = true
		}
		word := lexerWord(l)
		if word == "" {
			continue
		}
		prio := c.Priority
		if prio == 0 {
			prio = 1 // chroma's reading of an unset priority
		}
		for _, glob := range c.Filenames {
			file := strings.TrimPrefix(glob, "*.")
			if file == "" || strings.ContainsAny(file, `*?[\`) {
				continue // a pattern, not a plain extension or name
			}
			if p, seen := claimed[file]; !seen || prio > p {
				claimed[file] = prio
				t.files[file] = word
			}
		}
	}
	return t
})

// lexerWord is a name or alias of l that survives in an info string (no spaces) and that
// lexers.Get resolves to l by map lookup; "" if it has none.
func lexerWord(l chroma.Lexer) string {
	c := l.Config()
	for _, w := range append([]string{c.Name, strings.ToLower(c.Name)}, c.Aliases...) {
		if w == "" || strings.ContainsAny(w, " {") {
			continue
		}
		// Configs, not lexers, are compared: they are pointers, lexers need not be comparable.
		if g := lexers.Get(w); g != nil && g.Config() == c {
			return w
		}
	}
	return ""
}

// attrString reads an attribute goldmark set, which may be a []byte or a string.
func attrString(n ast.Node, name string) string {
	v, _ := n.AttributeString(name)
	switch v := v.(type) {
	case []byte:
		return string(v)
	case string:
		return v
	}
	return ""
}

// HighlightCSS returns the stylesheet for the classes chroma puts on highlighted code blocks
// (the light "github" theme, every rule under .chroma). Render emits class names only, so pages
// showing rendered articles need it.
func HighlightCSS() string {
	var b strings.Builder
	if err := chromahtml.New(chromahtml.WithClasses(true)).WriteCSS(&b, styles.Get(codeStyle)); err != nil {
		return ""
	}
	return b.String()
}
