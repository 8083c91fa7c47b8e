package corpus

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"helpdesk/store"
)

var (
	slugRe        = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	placeholderRe = regexp.MustCompile(`\{[^{}]*\}`)
	fenceRe       = regexp.MustCompile(`(?m)^~~~(.*)$`)
)

// maxSlug leaves room under the database's 120 characters for the "-<id>" suffix the
// generator adds to article variants.
const maxSlug = 100

var knownPlaceholders = []string{"{device}", "{app}", "{office}", "{user}", "{error}"}

var locales = []string{"es", "en"}

func TestCorpusArticles(t *testing.T) {
	seen := map[string]bool{}
	titles := map[string]bool{}
	for i, a := range KBArticles {
		t.Run(fmt.Sprintf("%02d-%s", i, a.Slug), func(t *testing.T) {
			checks := []struct {
				name string
				ok   bool
			}{
				{"slug matches " + slugRe.String(), slugRe.MatchString(a.Slug)},
				{fmt.Sprintf("slug at most %d chars", maxSlug), len(a.Slug) <= maxSlug},
				{"slug unique", !seen[a.Slug]},
				{"title unique", !titles[a.Title]},
				{"title non-empty", strings.TrimSpace(a.Title) != ""},
				{"title at most 200 chars", utf8.RuneCountInString(a.Title) <= 200},
				{"category is in KBCategories", slices.Contains(KBCategories, a.Category)},
				{"locale is es or en", slices.Contains(locales, a.Locale)},
				{"audience valid", slices.Contains([]string{"public", "clients", "internal"}, a.Audience)},
				{"2-5 tags", len(a.Tags) >= 2 && len(a.Tags) <= 5},
				{"body is valid UTF-8", utf8.ValidString(a.Body)},
				{"body at least 600 bytes", len(a.Body) >= 600},
				{"body starts with the title as # heading", strings.HasPrefix(a.Body, "# "+a.Title+"\n")},
				{"body has a ## heading", strings.Contains(a.Body, "\n## ")},
				{"no inline-code stand-in left", !strings.Contains(a.Body, "ˋ")},
				{"no tab-indented lines (would render as code)", !strings.Contains(a.Body, "\n\t")},
			}
			for _, c := range checks {
				if !c.ok {
					t.Errorf("%s: %s", a.Slug, c.name)
				}
			}
			seen[a.Slug], titles[a.Title] = true, true

			tags := map[string]bool{}
			for _, tag := range a.Tags {
				if tag == "" || tag != strings.ToLower(tag) || strings.ContainsAny(tag, " \t,") || tags[tag] {
					t.Errorf("bad or duplicate tag %q", tag)
				}
				tags[tag] = true
			}

			// Between 150 and 600 words of prose, give or take code: count all words, allow some slack.
			if n := len(strings.Fields(a.Body)); n < 150 || n > 750 {
				t.Errorf("body has %d words, want 150-600 (750 with code)", n)
			}

			// Code fences: every opening fence names a language, and fences pair up.
			fences := fenceRe.FindAllStringSubmatch(a.Body, -1)
			if len(fences)%2 != 0 {
				t.Errorf("unbalanced ~~~ fences (%d)", len(fences))
			}
			for k := 0; k+1 < len(fences); k += 2 {
				if strings.TrimSpace(fences[k][1]) == "" {
					t.Errorf("code fence %d has no language", k/2+1)
				}
				if fences[k+1][1] != "" {
					t.Errorf("closing fence %d has trailing text %q", k/2+1, fences[k+1][1])
				}
			}

			if a.Locale == "es" && !strings.ContainsAny(a.Title+a.Body, "áéíóúñüÁÉÍÓÚÑ¿¡") {
				t.Errorf("Spanish article without a single accent")
			}
		})
	}
}

func TestCorpusArticleCounts(t *testing.T) {
	perLocale := map[string]int{}
	perAudience := map[string]int{}
	perCategory := map[string]int{}
	markdown := map[string]int{}
	for _, a := range KBArticles {
		perLocale[a.Locale]++
		perAudience[a.Audience]++
		perCategory[a.Category]++
		for name, ok := range map[string]bool{
			"table":    strings.Contains(a.Body, "\n|---"),
			"tasklist": strings.Contains(a.Body, "\n- [ ] "),
			"numbered": strings.Contains(a.Body, "\n1. "),
			"bullets":  strings.Contains(a.Body, "\n- "),
			"code":     strings.Contains(a.Body, "\n~~~"),
			"autolink": strings.Contains(a.Body, "https://"),
			"bold":     strings.Contains(a.Body, "**"),
			"inline":   strings.Contains(a.Body, "`"),
		} {
			if ok {
				markdown[name]++
			}
		}
	}
	if n := len(KBArticles); n < 40 {
		t.Errorf("%d articles, want at least 40", n)
	}
	for _, l := range locales {
		if perLocale[l] < 15 {
			t.Errorf("%d %s articles, want at least 15", perLocale[l], l)
		}
	}
	if len(perLocale) != 2 {
		t.Errorf("locales %v, want only es and en", perLocale)
	}
	if n := perAudience["internal"]; n < 3 || n > 8 {
		t.Errorf("%d internal articles, want about 5", n)
	}
	if perAudience["public"]+perAudience["clients"] < len(KBArticles)*3/4 {
		t.Errorf("audiences %v: most articles should be public or clients", perAudience)
	}
	for _, c := range KBCategories {
		if perCategory[c] == 0 {
			t.Errorf("category %q has no article", c)
		}
	}
	for _, feature := range []string{"table", "tasklist", "numbered", "bullets", "code", "autolink", "bold", "inline"} {
		if markdown[feature] < 3 {
			t.Errorf("only %d articles use %s markdown, want several", markdown[feature], feature)
		}
	}
	fences := map[string]bool{}
	for _, a := range KBArticles {
		for _, m := range fenceRe.FindAllStringSubmatch(a.Body, -1) {
			if m[1] != "" {
				fences[m[1]] = true
			}
		}
	}
	for _, lang := range []string{"powershell", "bash", "cmd", "ini", "text"} {
		if !fences[lang] {
			t.Errorf("no code block in %s", lang)
		}
	}
}

func TestCorpusCategories(t *testing.T) {
	if n := len(KBCategories); n < 8 || n > 12 {
		t.Errorf("%d KB categories, want about 10", n)
	}
	slugs := map[string]string{}
	for _, c := range KBCategories {
		s := store.Slugify(c)
		if s == "" || len(c) > 100 {
			t.Errorf("category %q: bad name", c)
		}
		if other, dup := slugs[s]; dup {
			t.Errorf("categories %q and %q share slug %q", c, other, s)
		}
		slugs[s] = c
	}
}

// TestCorpusSearchContent checks the content the search tests rely on.
func TestCorpusSearchContent(t *testing.T) {
	cases := []struct {
		name string
		ok   func(Article) bool
	}{
		{"es title containing Configuración", func(a Article) bool {
			return a.Locale == "es" && strings.Contains(a.Title, "Configuración")
		}},
		{"es title starting with Impresora", func(a Article) bool {
			return a.Locale == "es" && strings.HasPrefix(a.Title, "Impresora")
		}},
		{"en article with the phrase \"reset your password\"", func(a Article) bool {
			return a.Locale == "en" && strings.Contains(a.Body, "reset your password")
		}},
		{"accent-folded title matches configuracion", func(a Article) bool {
			return strings.Contains(store.Slugify(a.Title), "configuracion")
		}},
		{"accent-folded title matches impre", func(a Article) bool {
			return strings.HasPrefix(store.Slugify(a.Title), "impre")
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !slices.ContainsFunc(KBArticles, c.ok) {
				t.Errorf("no article: %s", c.name)
			}
		})
	}
}

func TestCorpusTickets(t *testing.T) {
	if n := len(TicketCategories); n < 8 || n > 12 {
		t.Errorf("%d ticket categories, want about 10", n)
	}
	for i, c := range TicketCategories {
		if !slugRe.MatchString(c) || len(c) > 64 {
			t.Errorf("ticket category %q is not a slug", c)
		}
		if slices.Index(TicketCategories, c) != i {
			t.Errorf("ticket category %q listed twice", c)
		}
	}

	covered := map[string]int{}
	for _, tp := range TicketTopics {
		key := tp.Category + "/" + tp.Locale
		t.Run(key, func(t *testing.T) {
			covered[key]++
			if !slices.Contains(TicketCategories, tp.Category) {
				t.Errorf("category %q not in TicketCategories", tp.Category)
			}
			if !slices.Contains(locales, tp.Locale) {
				t.Errorf("locale %q", tp.Locale)
			}
			if len(tp.Tags) == 0 {
				t.Errorf("no candidate tags")
			}
			for _, tag := range tp.Tags {
				if tag == "" || tag != strings.ToLower(tag) || strings.ContainsAny(tag, " \t,") {
					t.Errorf("bad tag %q", tag)
				}
			}
			if n := len(distinct(tp.Titles)); n < 6 || n != len(tp.Titles) {
				t.Errorf("%d distinct of %d titles, want >= 6 and no repeats", n, len(tp.Titles))
			}
			if n := len(distinct(tp.Descriptions)); n < 4 || n != len(tp.Descriptions) {
				t.Errorf("%d distinct of %d descriptions, want >= 4 and no repeats", n, len(tp.Descriptions))
			}
			for _, s := range tp.Titles {
				if strings.TrimSpace(s) == "" || utf8.RuneCountInString(s) > 200 {
					t.Errorf("bad title %q", s)
				}
				checkPlaceholders(t, s)
			}
			for _, s := range tp.Descriptions {
				checkPlaceholders(t, s)
				if n := sentences(s); n < 2 || n > 6 {
					t.Errorf("description has %d sentences, want 2-6: %q", n, s)
				}
			}
		})
	}
	for _, c := range TicketCategories {
		for _, l := range locales {
			if n := covered[c+"/"+l]; n != 1 {
				t.Errorf("(%s, %s) covered by %d topics, want 1", c, l, n)
			}
		}
	}
}

func TestCorpusFillers(t *testing.T) {
	for name, xs := range map[string][]string{
		"Devices": Devices, "Apps": Apps, "Offices": Offices, "ErrorCodes": ErrorCodes,
	} {
		t.Run(name, func(t *testing.T) {
			if len(xs) < 8 {
				t.Errorf("%d values, want at least 8", len(xs))
			}
			if len(distinct(xs)) != len(xs) {
				t.Errorf("repeated values")
			}
			for _, x := range xs {
				if strings.TrimSpace(x) == "" || strings.ContainsAny(x, "{}") {
					t.Errorf("bad value %q", x)
				}
			}
		})
	}
}

func TestCorpusComments(t *testing.T) {
	for _, c := range []struct {
		name string
		m    map[string][]string
		min  int
	}{
		{"AgentReplies", AgentReplies, 12},
		{"ClientReplies", ClientReplies, 10},
		{"InternalNotes", InternalNotes, 8},
	} {
		t.Run(c.name, func(t *testing.T) {
			if len(c.m) != len(locales) {
				t.Errorf("locales %d, want es and en only", len(c.m))
			}
			for _, l := range locales {
				xs := c.m[l]
				if len(xs) < c.min {
					t.Errorf("%s: %d texts, want at least %d", l, len(xs), c.min)
				}
				if len(distinct(xs)) != len(xs) {
					t.Errorf("%s: repeated texts", l)
				}
				for _, x := range xs {
					if strings.TrimSpace(x) == "" || strings.ContainsAny(x, "{}") {
						t.Errorf("%s: bad text %q (comments are not filled in)", l, x)
					}
				}
			}
		})
	}
}

func TestCorpusPeople(t *testing.T) {
	for _, c := range []struct {
		name string
		xs   []string
	}{
		{"CompanyNames", CompanyNames}, {"FirstNames", FirstNames}, {"LastNames", LastNames},
	} {
		t.Run(c.name, func(t *testing.T) {
			if len(c.xs) < 40 {
				t.Errorf("%d names, want at least 40", len(c.xs))
			}
			if len(distinct(c.xs)) != len(c.xs) {
				t.Errorf("repeated names")
			}
			accents := 0
			for _, x := range c.xs {
				if strings.TrimSpace(x) != x || x == "" || store.Slugify(x) == "" {
					t.Errorf("bad name %q", x)
				}
				if strings.ContainsAny(x, "áéíóúñüÁÉÍÓÚÑ") {
					accents++
				}
			}
			if accents < 5 {
				t.Errorf("only %d names with accents", accents)
			}
		})
	}
}

func checkPlaceholders(t *testing.T, s string) {
	t.Helper()
	for _, p := range placeholderRe.FindAllString(s, -1) {
		if !slices.Contains(knownPlaceholders, p) {
			t.Errorf("unknown placeholder %s in %q", p, s)
		}
	}
	if rest := placeholderRe.ReplaceAllString(s, ""); strings.ContainsAny(rest, "{}") {
		t.Errorf("stray brace in %q", s)
	}
}

// sentences roughly counts sentences: terminal punctuation followed by a space or the end.
func sentences(s string) int {
	n := 0
	for i, r := range s {
		if r == '.' || r == '?' || r == '!' {
			if i+1 == len(s) || s[i+1] == ' ' {
				n++
			}
		}
	}
	return n
}

func distinct(xs []string) map[string]bool {
	m := map[string]bool{}
	for _, x := range xs {
		m[x] = true
	}
	return m
}
