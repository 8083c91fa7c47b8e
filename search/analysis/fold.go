// Package analysis is the text analysis both search engines share, at index and at query time:
// folding, words, stop words, stemming, typo distance and synonyms. An engine never analyses
// text on its own; it asks this package, so both find the same words the same way.
package analysis

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

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

// IsWordRune says what words are made of: letters and digits. Everything else separates
// words, "_" too: "broken-package_old-version" holds "package", as people search it.
func IsWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// Words splits folded text into words.
func Words(folded string) []string {
	return strings.FieldsFunc(folded, notWordRune)
}

// FoldWords is the folded words of s joined by single spaces: what the index stores for a
// text, so that Elasticsearch's tokenizer sees exactly the words the search package matches.
// Same as strings.Join(Words(Fold(s)), " "), in one pass.
func FoldWords(s string) string {
	f := s // ASCII folds by lowercasing, which the loop does as it goes
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			f = Fold(s)
			break
		}
	}
	var b strings.Builder
	b.Grow(len(f))
	inWord := false
	for i := 0; i < len(f); {
		c := f[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			word := 'a' <= c && c <= 'z' || '0' <= c && c <= '9'
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
		word := IsWordRune(r)
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
