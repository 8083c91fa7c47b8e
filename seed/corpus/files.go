package corpus

import (
	"embed"
	"fmt"
	"io/fs"
	"strings"
)

// The corpus is markdown embedded in the binary, one file per article, ticket topic or kind of
// comment, named so that the files' order is the corpus's (the generator's choices depend on
// it), each with its fields in front matter of "key: value" lines between "---" lines:
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
// An article's body is its markdown; a ticket topic's and a kind of comment's are lists under
// "## " headings (Titles and Descriptions; one per locale).
//
//go:embed kb/*.md tickets/*.md comments/*.md
var files embed.FS

// KBArticles is the hand-written knowledge base, about half in Spanish and half in English.
var KBArticles = must(read(files, "kb", parseArticle))

// TicketTopics holds one family of ticket texts per (category, locale).
var TicketTopics = must(read(files, "tickets", parseTopic))

// Comment texts by who writes them, per locale. The generator picks them for first responses,
// follow-ups and closing messages, so each one reads naturally on any ticket category.
var (
	AgentReplies  = must(comments(files, "agent-replies"))
	ClientReplies = must(comments(files, "client-replies"))
	InternalNotes = must(comments(files, "internal-notes"))
)

// must panics on a file of the corpus that does not parse: a mistake in the source tree,
// which every test of the package reports.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// read parses every file of dir, in name order.
func read[T any](fsys fs.FS, dir string, parse func(meta map[string]string, body string) (T, error)) ([]T, error) {
	names, err := fs.Glob(fsys, dir+"/*.md")
	if err != nil {
		return nil, err
	}
	var out []T
	for _, name := range names {
		v, err := parseFile(fsys, name, parse)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func parseFile[T any](fsys fs.FS, name string, parse func(meta map[string]string, body string) (T, error)) (T, error) {
	var zero T
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return zero, err
	}
	meta, body, err := frontMatter(string(data))
	if err == nil {
		var v T
		if v, err = parse(meta, body); err == nil {
			return v, nil
		}
	}
	return zero, fmt.Errorf("seed corpus %s: %w", name, err)
}

// frontMatter splits a file into its front matter and its body.
func frontMatter(text string) (map[string]string, string, error) {
	rest, ok := strings.CutPrefix(text, "---\n")
	if !ok {
		return nil, "", fmt.Errorf("no front matter")
	}
	head, body, ok := strings.Cut(rest, "\n---\n")
	if !ok {
		return nil, "", fmt.Errorf("front matter not closed by ---")
	}
	meta := map[string]string{}
	for _, line := range strings.Split(head, "\n") {
		key, value, ok := strings.Cut(line, ": ")
		if !ok {
			return nil, "", fmt.Errorf("front matter line %q is not \"key: value\"", line)
		}
		meta[key] = value
	}
	return meta, body, nil
}

// fields reads meta's keys into dst, refusing any other key.
func fields(meta map[string]string, dst map[string]*string) error {
	for key, value := range meta {
		p, ok := dst[key]
		if !ok {
			return fmt.Errorf("unknown front matter key %q", key)
		}
		*p = value
	}
	return nil
}

func parseArticle(meta map[string]string, body string) (Article, error) {
	a := Article{Body: body}
	var tags string
	err := fields(meta, map[string]*string{"slug": &a.Slug, "title": &a.Title, "category": &a.Category,
		"tags": &tags, "locale": &a.Locale, "audience": &a.Audience})
	a.Tags = strings.Split(tags, ", ")
	return a, err
}

func parseTopic(meta map[string]string, body string) (TicketTopic, error) {
	var t TicketTopic
	var tags string
	if err := fields(meta, map[string]*string{"category": &t.Category, "locale": &t.Locale, "tags": &tags}); err != nil {
		return t, err
	}
	t.Tags = strings.Split(tags, ", ")
	lists, err := sections(body)
	t.Titles, t.Descriptions = lists["Titles"], lists["Descriptions"]
	return t, err
}

// comments reads the texts of one kind of comment, by locale.
func comments(fsys fs.FS, kind string) (map[string][]string, error) {
	return parseFile(fsys, "comments/"+kind+".md", func(meta map[string]string, body string) (map[string][]string, error) {
		var k string
		if err := fields(meta, map[string]*string{"kind": &k}); err != nil {
			return nil, err
		}
		return sections(body)
	})
}

// sections reads a body of "## name" headings, each followed by a list of "- item" lines.
func sections(body string) (map[string][]string, error) {
	out := map[string][]string{}
	current := ""
	for _, line := range strings.Split(body, "\n") {
		switch {
		case line == "":
		case strings.HasPrefix(line, "## "):
			current = strings.TrimPrefix(line, "## ")
		case strings.HasPrefix(line, "- ") && current != "":
			out[current] = append(out[current], strings.TrimPrefix(line, "- "))
		default:
			return nil, fmt.Errorf("line %q is neither a \"## \" heading nor a \"- \" item under one", line)
		}
	}
	return out, nil
}
