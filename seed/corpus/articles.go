package corpus

import (
	"embed"
	"fmt"
	"io/fs"
	"strings"
)

// The knowledge base is one markdown file per article in kb/, named "<nnn>-<slug>.md" so the
// files' order is the articles' (the generator's choices depend on it), with the article's
// fields in front matter:
//
//	---
//	slug: configuracion-vpn-forticlient-windows-11
//	title: Configuración de la VPN con FortiClient en Windows 11
//	category: VPN y acceso remoto
//	tags: vpn, forticlient, windows, teletrabajo
//	locale: es
//	audience: public
//	---
//	# Configuración de la VPN…
//
//go:embed kb/*.md
var kbFiles embed.FS

// KBArticles is the hand-written knowledge base, about half in Spanish and half in English.
var KBArticles = mustArticles(kbFiles)

// mustArticles reads the embedded articles: a file that does not parse is a mistake in the
// source tree, which every test of the package reports.
func mustArticles(fsys fs.FS) []Article {
	articles, err := readArticles(fsys)
	if err != nil {
		panic(err)
	}
	return articles
}

func readArticles(fsys fs.FS) ([]Article, error) {
	names, err := fs.Glob(fsys, "kb/*.md")
	if err != nil {
		return nil, err
	}
	var out []Article
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		a, err := parseArticle(string(data))
		if err != nil {
			return nil, fmt.Errorf("seed corpus %s: %w", name, err)
		}
		out = append(out, a)
	}
	return out, nil
}

// parseArticle reads one article file: front matter of "key: value" lines between "---"
// lines, then the markdown body.
func parseArticle(text string) (Article, error) {
	var a Article
	rest, ok := strings.CutPrefix(text, "---\n")
	if !ok {
		return a, fmt.Errorf("no front matter")
	}
	head, body, ok := strings.Cut(rest, "\n---\n")
	if !ok {
		return a, fmt.Errorf("front matter not closed by ---")
	}
	for _, line := range strings.Split(head, "\n") {
		key, value, ok := strings.Cut(line, ": ")
		if !ok {
			return a, fmt.Errorf("front matter line %q is not \"key: value\"", line)
		}
		switch key {
		case "slug":
			a.Slug = value
		case "title":
			a.Title = value
		case "category":
			a.Category = value
		case "tags":
			a.Tags = strings.Split(value, ", ")
		case "locale":
			a.Locale = value
		case "audience":
			a.Audience = value
		default:
			return a, fmt.Errorf("unknown front matter key %q", key)
		}
	}
	a.Body = body
	return a, nil
}
