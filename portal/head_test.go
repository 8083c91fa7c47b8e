package portal_test

import (
	"context"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"helpdesk/store"
)

var metaDescription = regexp.MustCompile(`<meta name="description" content="([^"]*)">`)

// TestPageHead checks what search engines and browsers read in every page's head: a meta
// description (the article's first paragraph, or the site's in the reader's language) and
// the icon.
func TestPageHead(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a, err := e.st.CreateArticle(context.Background(), store.NewArticle{Title: "Comillas", Status: "published",
		Body: "# Comillas\n\n![logo](x.png)\n\nEscribe \"hola\" & pulsa <Intro> en [la consola](https://example.com).\n\nMás texto."})
	if err != nil {
		t.Fatal(err)
	}
	es, en := e.browser(), e.browser()
	en.lang = "en-GB,en;q=0.9"
	for _, tc := range []struct {
		b          *browser
		path, want string
	}{
		{es, "/", "Respuestas paso a paso"},
		{en, "/", "Step-by-step answers"},
		{es, "/search?q=vpn", "Respuestas paso a paso"},
		{es, "/kb", "Los artículos de la base de conocimiento"},
		{en, "/kb", "The knowledge base's articles"},
		{es, "/login", "Respuestas paso a paso"},
		{es, "/kb/" + a.Slug, `Escribe "hola" & pulsa en la consola.`},
		{es, "/nope", "Respuestas paso a paso"},
	} {
		r := tc.b.do("GET", tc.path, nil)
		m := metaDescription.FindStringSubmatch(r.body)
		if m == nil {
			t.Errorf("%s (%s): no meta description", tc.path, tc.b.lang)
			continue
		}
		if got := html.UnescapeString(m[1]); !strings.HasPrefix(got, tc.want) {
			t.Errorf("%s (%s): description %q, want it to begin %q", tc.path, tc.b.lang, got, tc.want)
		}
		if !strings.Contains(r.body, `<link rel="icon" href="/static/favicon.svg?v=`) {
			t.Errorf("%s: no icon link", tc.path)
		}
	}
}

// TestFavicon: browsers ask for /favicon.ico whatever the page links, so it must answer.
func TestFavicon(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	r := b.do("GET", "/favicon.ico", nil)
	if r.status != http.StatusOK || !strings.HasPrefix(r.body, "\x00\x00\x01\x00") || !strings.Contains(r.body, "\x89PNG") {
		t.Errorf("/favicon.ico: %d, %d bytes, want an ICO holding a PNG", r.status, len(r.body))
	}
	if ct, cc := r.header.Get("Content-Type"), r.header.Get("Cache-Control"); ct != "image/x-icon" || !strings.Contains(cc, "max-age=") {
		t.Errorf("/favicon.ico: Content-Type %q, Cache-Control %q", ct, cc)
	}
	r = b.do("GET", "/static/favicon.svg", nil)
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "image/svg+xml") || !strings.Contains(r.body, "<svg") {
		t.Errorf("/static/favicon.svg: %d %q", r.status, r.header.Get("Content-Type"))
	}
}
