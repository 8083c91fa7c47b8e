package markdown

import (
	"html"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/util"
	"golang.org/x/text/unicode/norm"
)

// maxIDLen keeps anchors short enough to read in a URL; long headings are still unique thanks
// to the numeric suffixes.
const maxIDLen = 80

// headingIDs is the parser.IDs behind heading anchors. goldmark's default keeps only ASCII letters,
// so "Configuración de red" would become "configuracin-de-red"; this one drops the accents
// instead ("configuracion-de-red"). An id stays the same as long as the heading's words and the
// headings before it with the same words do, so links to #anchors survive unrelated edits.
type headingIDs struct {
	used map[string]bool
	// next is the last suffix handed out per base id, so a document with thousands of
	// identical headings costs linear, not quadratic, time.
	next map[string]int
}

func newHeadingIDs() *headingIDs {
	return &headingIDs{used: map[string]bool{}, next: map[string]int{}}
}

// Generate returns a unique id for a heading; value is the heading's source line, markup included.
// Repeats get -1, -2, … like GitHub's anchors, and a heading with no Latin letters or digits
// (or none at all) gets "section".
func (h *headingIDs) Generate(value []byte, _ ast.NodeKind) []byte {
	base := slug(string(value))
	if base == "" {
		base = "section"
	}
	id := base
	for h.used[id] {
		h.next[base]++
		id = base + "-" + strconv.Itoa(h.next[base])
	}
	h.used[id] = true
	return []byte(id)
}

// Put records an id given explicitly, so that generated ones avoid it.
func (h *headingIDs) Put(value []byte) { h.used[string(value)] = true }

var (
	// mdLink and htmlTag remove the markup goldmark leaves in the line it hands to Generate:
	// "[la guía](https://…)" should give "la-guia", not "la-guia-https-…", and raw HTML is
	// dropped from the page, so its tag names should not be in the id either.
	mdLink  = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)
	htmlTag = regexp.MustCompile(`</?[A-Za-z][^>]*>`)
	nonID   = regexp.MustCompile(`[^a-z0-9]+`)
	// Letters that are not a base letter plus an accent, so decomposing them does not help.
	translit = strings.NewReplacer("ß", "ss", "æ", "ae", "œ", "oe", "ø", "o", "ł", "l", "đ", "d", "ð", "d", "þ", "th", "ı", "i")
)

// slug turns heading text into lowercase ASCII words joined by hyphens.
func slug(s string) string {
	s = mdLink.ReplaceAllString(s, "$1")
	s = htmlTag.ReplaceAllString(s, "")
	s = html.UnescapeString(s) // "Q&amp;A" is "q-a", not "q-amp-a"
	s = translit.Replace(strings.ToLower(s))
	var b strings.Builder
	// NFKD splits "ó" into "o" and a combining accent (dropped here), and "ﬁ" or "²" into "fi", "2".
	for _, r := range norm.NFKD.String(s) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	s = strings.Trim(nonID.ReplaceAllString(b.String(), "-"), "-")
	if len(s) > maxIDLen {
		s = strings.TrimRight(s[:maxIDLen], "-")
	}
	return s
}

// headingText is what a heading reads as, for the table of contents: its text with emphasis,
// links and code markup gone, entities and backslash escapes resolved, and raw HTML dropped as
// the page drops it.
func headingText(h *ast.Heading, source []byte) string {
	return inlineText(h, source, true)
}

// inlineText is the words of a block's inline content, whitespace collapsed: emphasis, links
// and code markup gone (a link reads as its label), entities and backslash escapes resolved,
// raw HTML dropped, and an image as its alt text when altText says so (or else not at all).
func inlineText(block ast.Node, source []byte, altText bool) string {
	var b strings.Builder
	_ = ast.Walk(block, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Text:
			v := n.Segment.Value(source)
			if _, inCode := n.Parent().(*ast.CodeSpan); !inCode && !n.IsRaw() {
				v = util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(v)))
			}
			b.Write(v)
			if n.SoftLineBreak() || n.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(n.Value)
		case *ast.AutoLink:
			b.Write(n.Label(source))
		case *ast.Image:
			if !altText {
				return ast.WalkSkipChildren, nil
			}
		case *ast.RawHTML:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return strings.Join(strings.Fields(b.String()), " ")
}
