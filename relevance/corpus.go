package relevance

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Article is one section of a book, as the harness imports it into the knowledge base.
type Article struct {
	Key     string `json:"key"` // locale:anchor, the name judgments use
	Locale  string `json:"locale"`
	Part    string `json:"part"`   // the book's file it comes from: ch07, apa, pr01
	Anchor  string `json:"anchor"` // the section's id in the book, the same in every language
	Title   string `json:"title"`
	Chapter string `json:"chapter"`
	Body    string `json:"body"` // markdown
}

// DefaultCorpusDir is where Debian's debian-reference-es and debian-reference-en packages put
// the book's HTML.
const DefaultCorpusDir = "/usr/share/debian-reference"

// LoadDocBook reads every chapter of a DocBook HTML book (chNN.LOCALE.html, the preface and
// appendices too) in dir for each locale and returns one article per section, holding the
// section's own text without its subsections. Sections with almost no text of their own (a
// heading over subsections) are left out.
func LoadDocBook(dir string, locales []string) ([]Article, error) {
	var out []Article
	for _, loc := range locales {
		files, err := filepath.Glob(filepath.Join(dir, "*."+loc+".html"))
		if err != nil {
			return nil, err
		}
		slices.Sort(files)
		n := 0
		for _, f := range files {
			if strings.HasPrefix(filepath.Base(f), "index.") {
				continue // the whole book's table of contents
			}
			r, err := os.Open(f)
			if err != nil {
				return nil, err
			}
			arts, err := parseDocBook(r, loc)
			r.Close()
			if err != nil {
				return nil, fmt.Errorf("%s: %w", f, err)
			}
			for i := range arts {
				arts[i].Part = strings.TrimSuffix(filepath.Base(f), "."+loc+".html")
			}
			n += len(arts)
			out = append(out, arts...)
		}
		if n == 0 {
			return nil, fmt.Errorf("no sections in %s for locale %s (is the %s documentation installed?)", dir, loc, loc)
		}
	}
	return out, nil
}

// minWords is the least text a section needs of its own to become an article.
const minWords = 12

var sectionNumber = regexp.MustCompile(`^(?:[0-9A-Z]+\.)+(?:[0-9]+\.?)?\s+`)

// selfClosed matches XHTML's empty elements (<a id="x"/>), which an HTML parser would read as
// opening tags that swallow what follows.
var selfClosed = regexp.MustCompile(`<(a|span|div|col)(\s[^<>]*)?/>`)

func parseDocBook(r io.Reader, locale string) ([]Article, error) {
	src, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	doc, err := html.Parse(strings.NewReader(selfClosed.ReplaceAllString(string(src), "<$1$2></$1>")))
	if err != nil {
		return nil, err
	}
	chapter := ""
	if h := find(doc, func(n *html.Node) bool {
		return n.DataAtom == atom.H1 || (n.DataAtom == atom.H2 && hasClass(n, "title") && hasAncestorClass(n, "titlepage") && !hasAncestorClass(n, "section"))
	}); h != nil {
		chapter = cleanTitle(textOf(h))
	}
	var out []Article
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.DataAtom == atom.Div && (hasClass(n, "section") || hasClass(n, "chapter") || hasClass(n, "preface") || hasClass(n, "appendix")) {
			if a, ok := sectionArticle(n, locale, chapter); ok {
				out = append(out, a)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out, nil
}

func sectionArticle(sec *html.Node, locale, chapter string) (Article, bool) {
	var tp *html.Node
	for c := sec.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && hasClass(c, "titlepage") {
			tp = c
			break
		}
	}
	if tp == nil {
		return Article{}, false
	}
	h := find(tp, func(n *html.Node) bool { return hasClass(n, "title") && isHeading(n) })
	if h == nil {
		return Article{}, false
	}
	anchor := ""
	if a := find(h, func(n *html.Node) bool { return n.DataAtom == atom.A && attr(n, "id") != "" }); a != nil {
		anchor = attr(a, "id")
	}
	if anchor == "" {
		anchor = attr(sec, "id")
	}
	if anchor == "" {
		return Article{}, false
	}
	var md mdWriter
	for c := sec.FirstChild; c != nil; c = c.NextSibling {
		if c == tp || (c.Type == html.ElementNode && (hasClass(c, "section") || hasClass(c, "toc") || hasClass(c, "list-of-tables"))) {
			continue
		}
		md.block(c)
	}
	body := strings.TrimSpace(md.String())
	if len(strings.Fields(body)) < minWords {
		return Article{}, false
	}
	return Article{Key: locale + ":" + anchor, Locale: locale, Anchor: anchor, Title: cleanTitle(textOf(h)), Chapter: chapter, Body: body}, true
}

func cleanTitle(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	s = sectionNumber.ReplaceAllString(s, "")
	s = strings.TrimPrefix(strings.TrimPrefix(s, "Chapter "), "Capítulo ")
	return strings.TrimSpace(sectionNumber.ReplaceAllString(s, ""))
}

// mdWriter turns DocBook's HTML into the markdown an author would have written.
type mdWriter struct {
	strings.Builder
}

func (w *mdWriter) para(s string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return
	}
	w.WriteString(s)
	w.WriteString("\n\n")
}

func (w *mdWriter) block(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		w.para(collapse(n.Data))
		return
	case html.ElementNode:
	default:
		return
	}
	switch {
	case n.DataAtom == atom.P:
		if hasClass(n, "title") { // a table's or figure's caption
			w.para("**" + strings.TrimSpace(strings.ReplaceAll(inline(n), "**", "")) + "**")
			return
		}
		w.para(inline(n))
	case n.DataAtom == atom.Pre:
		w.WriteString("```\n")
		w.WriteString(strings.TrimRight(textOf(n), "\n "))
		w.WriteString("\n```\n\n")
	case n.DataAtom == atom.Ul || n.DataAtom == atom.Ol:
		i := 0
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.DataAtom != atom.Li {
				continue
			}
			i++
			bullet := "- "
			if n.DataAtom == atom.Ol {
				bullet = fmt.Sprintf("%d. ", i)
			}
			w.WriteString(bullet + strings.TrimSpace(inline(c)) + "\n")
		}
		w.WriteString("\n")
	case n.DataAtom == atom.Dl:
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch c.DataAtom {
			case atom.Dt:
				w.WriteString("- **" + strings.TrimSpace(inline(c)) + "**")
			case atom.Dd:
				w.WriteString(": " + strings.TrimSpace(inline(c)) + "\n")
			}
		}
		w.WriteString("\n")
	case n.DataAtom == atom.Table:
		w.table(n)
	case isHeading(n):
		w.para("### " + inline(n))
	default: // containers: div.note, div.table, blockquote…
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			w.block(c)
		}
	}
}

func (w *mdWriter) table(t *html.Node) {
	var rows [][]string
	var visit func(n *html.Node)
	visit = func(n *html.Node) {
		if n.DataAtom == atom.Tr {
			var cells []string
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if c.DataAtom == atom.Td || c.DataAtom == atom.Th {
					cells = append(cells, strings.ReplaceAll(strings.TrimSpace(inline(c)), "|", `\|`))
				}
			}
			rows = append(rows, cells)
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
	}
	visit(t)
	if len(rows) == 0 {
		return
	}
	cols := 0
	for _, r := range rows {
		cols = max(cols, len(r))
	}
	line := func(cells []string) {
		for len(cells) < cols {
			cells = append(cells, "")
		}
		w.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}
	line(rows[0])
	line(slices.Repeat([]string{"---"}, cols))
	for _, r := range rows[1:] {
		line(r)
	}
	w.WriteString("\n")
}

// inline renders the inline content of n as markdown on one line.
func inline(n *html.Node) string {
	var b strings.Builder
	var visit func(n *html.Node)
	visit = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b.WriteString(collapse(n.Data))
			return
		case html.ElementNode:
		default:
			return
		}
		switch n.DataAtom {
		case atom.Code, atom.Tt:
			if t := strings.TrimSpace(textOf(n)); t != "" {
				b.WriteString(" `" + strings.ReplaceAll(t, "`", "'") + "` ")
			}
			return
		case atom.A:
			href := attr(n, "href")
			text := strings.TrimSpace(inline(n))
			if href != "" && text != "" && !strings.HasPrefix(href, "#") && !strings.Contains(href, ".html") {
				b.WriteString(" [" + strings.ReplaceAll(text, "]", "") + "](" + href + ") ")
			} else {
				b.WriteString(text)
			}
			return
		case atom.Strong, atom.B:
			if t := strings.TrimSpace(inline(n)); t != "" {
				b.WriteString(" **" + t + "** ")
			}
			return
		case atom.Em, atom.I:
			if t := strings.TrimSpace(inline(n)); t != "" {
				b.WriteString(" _" + t + "_ ")
			}
			return
		case atom.Br:
			b.WriteString(" ")
			return
		case atom.P, atom.Div, atom.Pre, atom.Ul, atom.Ol, atom.Li, atom.Table:
			b.WriteString(" ")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
		if n.DataAtom == atom.P || n.DataAtom == atom.Li {
			b.WriteString(" ")
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		visit(c)
	}
	return collapse(b.String())
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

func textOf(n *html.Node) string {
	var b strings.Builder
	var visit func(n *html.Node)
	visit = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
	}
	visit(n)
	return b.String()
}

func find(n *html.Node, ok func(*html.Node) bool) *html.Node {
	if n.Type == html.ElementNode && ok(n) {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := find(c, ok); f != nil {
			return f
		}
	}
	return nil
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasClass(n *html.Node, class string) bool {
	return n.Type == html.ElementNode && slices.Contains(strings.Fields(attr(n, "class")), class)
}

func hasAncestorClass(n *html.Node, class string) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if hasClass(p, class) {
			return true
		}
	}
	return false
}

func isHeading(n *html.Node) bool {
	switch n.DataAtom {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return true
	}
	return false
}

// OnlyIn keeps the articles of each book part listed in only its language: a bilingual KB is
// rarely parallel, and a question whose answer exists only in the other language is how
// cross-language search is measured.
func OnlyIn(articles []Article, parts map[string]string) []Article {
	var out []Article
	for _, a := range articles {
		if loc, ok := parts[a.Part]; ok && loc != a.Locale {
			continue
		}
		out = append(out, a)
	}
	return out
}

// DebianReferenceParts are the parts of Debian Reference the project's judgments import in
// one language only: "GUI System" in Spanish, "Data conversion" in English.
var DebianReferenceParts = map[string]string{"ch07": "es", "ch11": "en"}
