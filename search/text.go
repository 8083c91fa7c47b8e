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
	if !utf8.ValidString(s) { // the transform gives up on such text; so does Fold
		return foldExact(s)
	}
	// Latin letters fold one rune to one rune: a table does it. Any other run of runes goes
	// through the full transform; FuzzFold checks that the result is foldExact's.
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b.WriteByte(c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if f := latinFolded(r); f != 0 {
			b.WriteRune(f)
			i += n
			continue
		}
		if unicode.Is(unicode.Mn, r) { // a combining mark: the diacritic itself
			i += n
			continue
		}
		j := i + n
		for j < len(s) && s[j] >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[j:])
			if latinFolded(r) != 0 {
				break
			}
			j += n
		}
		b.WriteString(foldExact(s[i:j]))
		i = j
	}
	return b.String()
}

// foldExact is Fold by definition: decompose, drop the combining marks, recompose, lowercase.
func foldExact(s string) string {
	// A transformer keeps state: one per call, so it is safe from any goroutine.
	folder := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(folder, s)
	if err != nil {
		out = s
	}
	return strings.ToLower(out)
}

// latinTable holds foldExact of each rune from U+0080 to U+024F that folds to one rune that
// is not itself a combining mark (0 otherwise). Filled once at start, read-only after.
var latinTable = func() (t [0x250 - 0x80]rune) {
	for i := range t {
		r := rune(0x80 + i)
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		if f := []rune(foldExact(string(r))); len(f) == 1 {
			t[i] = f[0]
		}
	}
	return t
}()

func latinFolded(r rune) rune {
	if r < 0x80 || r >= 0x250 {
		return 0
	}
	return latinTable[r-0x80]
}

// isWordRune says what words are made of: letters, digits and "_", as Postgres regular
// expressions see them (\m, \M); text sent to Elasticsearch is split the same way first.
func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' }

// Words splits folded text into words.
func Words(folded string) []string {
	return strings.FieldsFunc(folded, func(r rune) bool { return !isWordRune(r) })
}

// FoldWords is the folded words of s joined by single spaces: what the index stores for a
// text, so that Elasticsearch's tokenizer sees exactly the words the search package matches.
// Same as strings.Join(Words(Fold(s)), " "), in one pass.
func FoldWords(s string) string {
	f := Fold(s)
	var b strings.Builder
	b.Grow(len(f))
	inWord := false
	for i := 0; i < len(f); {
		c := f[i]
		if c < utf8.RuneSelf {
			word := 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' || 'A' <= c && c <= 'Z'
			if word {
				if !inWord && b.Len() > 0 {
					b.WriteByte(' ')
				}
				b.WriteByte(c)
			}
			inWord = word
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(f[i:])
		word := isWordRune(r)
		if word {
			if !inWord && b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(f[i : i+n])
		}
		inWord = word
		i += n
	}
	return b.String()
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
// substituted rune. It runs for every word of every highlighted hit: no allocation.
func withinOneEdit(a, b string) bool {
	if a == b {
		return true
	}
	la, lb := utf8.RuneCountInString(a), utf8.RuneCountInString(b)
	if la > lb {
		a, b, la, lb = b, a, lb, la
	}
	if lb-la > 1 {
		return false
	}
	i, j := 0, 0 // past the common prefix
	for i < len(a) {
		ra, na := utf8.DecodeRuneInString(a[i:])
		rb, nb := utf8.DecodeRuneInString(b[j:])
		if ra != rb {
			break
		}
		i, j = i+na, j+nb
	}
	if i == len(a) { // a is b without its last rune
		return true
	}
	_, na := utf8.DecodeRuneInString(a[i:])
	_, nb := utf8.DecodeRuneInString(b[j:])
	if la == lb {
		return a[i+na:] == b[j+nb:]
	}
	return a[i:] == b[j+nb:]
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
