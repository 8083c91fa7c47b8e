package postgres

import (
	"strings"

	"helpdesk/search"
)

// Patterns turn the search package's word rules into Postgres regular expressions over folded
// text (search_fold). Terms hold only letters, digits and "_", so they need no escaping; the
// regular expressions travel as query parameters all the same.

const wordChar = `[[:alnum:]_]`

// exactPattern matches the term as a whole word.
func exactPattern(t string) string { return `\m` + t + `\M` }

// prefixPattern matches a word starting with the term.
func prefixPattern(t string) string { return `\m` + t }

// fuzzyPattern matches a whole word one edit away from the term (or the term itself).
func fuzzyPattern(t string) string {
	return `\m(?:` + strings.Join(oneEditAway(t), "|") + `)\M`
}

// oneEditAway lists the term and the patterns of every word one insertion, deletion or
// substitution away from it.
func oneEditAway(t string) []string {
	r := []rune(t)
	alts := []string{t}
	for i := range r {
		alts = append(alts,
			string(r[:i])+string(r[i+1:]),          // deletion
			string(r[:i])+wordChar+string(r[i+1:]), // substitution
		)
	}
	for i := 0; i <= len(r); i++ {
		alts = append(alts, string(r[:i])+wordChar+string(r[i:])) // insertion
	}
	return alts
}

// termPatterns are the regular expressions one term is matched with.
type termPatterns struct {
	exact, prefix, fuzzy string // empty when the rule does not apply to the term
}

func patternsFor(t string) termPatterns {
	p := termPatterns{exact: exactPattern(t)}
	if search.PrefixAllowed(t) {
		p.prefix = prefixPattern(t)
	}
	if search.FuzzyAllowed(t) {
		p.fuzzy = fuzzyPattern(t)
	}
	return p
}

// anyPattern matches text where at least one term matches by any rule: the cheap first pass
// that the trigram indexes serve.
func anyPattern(terms []string, title bool) string {
	var alts []string
	for _, t := range terms {
		if search.FuzzyAllowed(t) {
			alts = append(alts, oneEditAway(t)...)
		} else {
			alts = append(alts, t)
		}
	}
	p := `\m(?:` + strings.Join(alts, "|") + `)\M`
	if title {
		var prefixes []string
		for _, t := range terms {
			if search.PrefixAllowed(t) {
				prefixes = append(prefixes, t)
			}
		}
		if len(prefixes) > 0 {
			p = `(?:` + p + `|\m(?:` + strings.Join(prefixes, "|") + `))`
		}
	}
	return p
}

// phrasePattern matches the query's words in order, separated by anything but word characters.
func phrasePattern(text string) string {
	words := search.Words(search.Fold(text))
	if len(words) < 2 {
		return ""
	}
	return `\m` + strings.Join(words, `[^[:alnum:]_]+`) + `\M`
}
