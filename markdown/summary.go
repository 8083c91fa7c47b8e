package markdown

import (
	"strings"
	"unicode"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// DescriptionLength is how long a page's meta description may be: about what search engines
// show of one before cutting it themselves.
const DescriptionLength = 155

// Summary is what an article says first, in at most max characters, for a page's meta
// description: the plain text of its first paragraph with words in it (headings, code blocks,
// tight lists, tables and raw HTML are passed over; a link reads as its label, an image is
// dropped), whitespace collapsed, and cut at a word boundary with "…" when longer. It is plain
// text, for a template to escape; "" when the article has no paragraph.
func Summary(src string, max int) string {
	source := []byte(src)
	return summarize(plainParser.Parse(text.NewReader(source)), source, max)
}

// summarize is Summary of a parsed document; Render uses it on the tree it renders.
func summarize(doc ast.Node, source []byte, max int) string {
	var first string
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n.(type) {
		case *ast.Paragraph:
			if first = inlineText(n, source, false); first != "" {
				return ast.WalkStop, nil
			}
			return ast.WalkSkipChildren, nil
		case *ast.Heading, *ast.FencedCodeBlock, *ast.CodeBlock, *ast.HTMLBlock:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return cutWords(first, max)
}

// cutWords shortens s to at most max characters, the ellipsis included, at the last space
// before the limit (or at the limit, should that space leave less than half), dropping the
// punctuation a cut would leave dangling.
func cutWords(s string, max int) string {
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	if max < 1 {
		return ""
	}
	end := max - 1 // room for the ellipsis
	if !unicode.IsSpace(r[end]) {
		if i := lastSpace(r[:end]); i > end/2 {
			end = i
		}
	}
	return strings.TrimRightFunc(string(r[:end]), func(c rune) bool {
		return unicode.IsSpace(c) || strings.ContainsRune(",;:.-–—(", c)
	}) + "…"
}

func lastSpace(r []rune) int {
	for i := len(r) - 1; i >= 0; i-- {
		if unicode.IsSpace(r[i]) {
			return i
		}
	}
	return -1
}
