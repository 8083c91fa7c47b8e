// Package i18n holds the interface's words in Spanish and English and formats dates and numbers
// for each language.
package i18n

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Languages the interface speaks; the first is the default.
var Languages = []string{"es", "en"}

// Supported reports whether lang is a language of the interface.
func Supported(lang string) bool { return lang == "es" || lang == "en" }

// Canonical is lang as one of Languages (the same text, never a slice of the caller's), or ""
// when it is none: what a request's header or cookie says may live in a buffer that the next
// request reuses, and a language is kept beyond the request (search insights, cache keys).
func Canonical(lang string) string {
	for _, l := range Languages {
		if l == lang {
			return l
		}
	}
	return ""
}

// Negotiate picks the interface language from an Accept-Language header, by quality.
func Negotiate(header string) string {
	best, bestQ := Languages[0], -1.0
	for _, part := range strings.Split(header, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		lang := strings.ToLower(strings.TrimSpace(tag))
		lang, _, _ = strings.Cut(lang, "-")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		if c := Canonical(lang); c != "" && q > bestQ {
			best, bestQ = c, q
		}
	}
	return best
}

// Lookup returns the translation of key, and whether there is one.
func Lookup(lang, key string) (string, bool) {
	msg, ok := catalog[lang][key]
	return msg, ok
}

// T translates key into lang, formatting args into it like fmt.Sprintf. An unknown key is
// shown as itself, so a missing translation is visible rather than blank.
func T(lang, key string, args ...any) string {
	msg, ok := catalog[lang][key]
	if !ok {
		msg, ok = catalog["en"][key]
	}
	if !ok {
		msg = key
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

var monthsES = []string{"ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"}

// Date formats a time as a short date and time in the language, in UTC.
func Date(lang string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.UTC()
	if lang == "es" {
		return fmt.Sprintf("%d %s %d, %02d:%02d", t.Day(), monthsES[t.Month()-1], t.Year(), t.Hour(), t.Minute())
	}
	return t.Format("Jan 2, 2006, 3:04 PM")
}

// Number formats an integer with the language's thousands separator.
func Number(lang string, n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	sep := ","
	if lang == "es" {
		sep = "."
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Percent formats a 0..1 ratio as a percentage with one decimal.
func Percent(lang string, f float64) string {
	s := strconv.FormatFloat(f*100, 'f', 1, 64)
	if lang == "es" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s + " %"
}
