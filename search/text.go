package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Matching rules, the same in every engine so that they return the same hits:
//
//   - Text is folded before it is indexed and before it is searched: lowercase, accents
//     removed ("Configuración" and "configuracion" are one word).
//   - A query is split into terms (runs of letters and digits); common Spanish and English
//     stop words are dropped unless nothing else is left.
//   - A term matches a word when they are equal; a word in a title also when it starts with
//     the term (terms of MinPrefix runes or more); any word also when it is one edit away
//     (insert, delete or substitute one rune) and the term has MinFuzzy runes or more.
//   - A document matches when at least Required(n) of the n terms match one of its fields.

// MinPrefix is the shortest term that matches the start of a title word.
const MinPrefix = 3

// MinFuzzy is the shortest term that tolerates one typo.
const MinFuzzy = 5

// Fold lowercases s and removes its diacritics.
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	// A transformer keeps state: one per call, so Fold is safe from any goroutine.
	folder := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(folder, s)
	if err != nil {
		out = s
	}
	return strings.ToLower(out)
}

// isWordRune says what words are made of: letters, digits and "_", as Postgres regular
// expressions see them (\m, \M); text sent to Elasticsearch is split the same way first.
func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' }

// Words splits folded text into words.
func Words(folded string) []string {
	return strings.FieldsFunc(folded, func(r rune) bool { return !isWordRune(r) })
}

// Terms returns the distinct folded search terms of a query text, without stop words unless
// they are all there is.
func Terms(text string) []string {
	words := Words(Fold(text))
	var terms, stops []string
	seen := map[string]bool{}
	for _, w := range words {
		if seen[w] {
			continue
		}
		seen[w] = true
		if stopWords[w] {
			stops = append(stops, w)
		} else {
			terms = append(terms, w)
		}
	}
	if len(terms) == 0 {
		return stops
	}
	return terms
}

// Required is how many of n terms a document must match: all of up to three, then all but a
// quarter, so that a long question still finds the article that answers most of it.
func Required(n int) int { return n - n/4 }

// FuzzyAllowed reports whether term tolerates one typo.
func FuzzyAllowed(term string) bool { return utf8.RuneCountInString(term) >= MinFuzzy }

// PrefixAllowed reports whether term may match the start of a title word.
func PrefixAllowed(term string) bool { return utf8.RuneCountInString(term) >= MinPrefix }

// MatchWord reports whether a folded word matches a term under the rules above.
func MatchWord(term, word string, title bool) bool {
	if word == term {
		return true
	}
	if title && PrefixAllowed(term) && strings.HasPrefix(word, term) {
		return true
	}
	return FuzzyAllowed(term) && withinOneEdit(term, word)
}

// withinOneEdit reports whether a and b differ by at most one inserted, deleted or
// substituted rune.
func withinOneEdit(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > len(rb) {
		ra, rb = rb, ra
	}
	if len(rb)-len(ra) > 1 {
		return false
	}
	i := 0
	for i < len(ra) && ra[i] == rb[i] {
		i++
	}
	if len(ra) == len(rb) {
		return i == len(ra) || string(ra[i+1:]) == string(rb[i+1:])
	}
	return string(ra[i:]) == string(rb[i+1:])
}

// stopWords are dropped from queries: they match nearly every document.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a al como con de del el en es la las lo los mi mis no o para por que se si sin su sus un una unos unas y ya
		me mi te le les nos este esta esto eso
		an and are as at be by for from how i in is it my of on or the this to was what when where which why with you your do does can`) {
		m[w] = true
	}
	return m
}()
