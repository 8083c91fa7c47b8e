package analysis

import (
	"strings"
	"sync"
	"unicode"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
	"github.com/blevesearch/snowballstem/spanish"
)

// Lang is a language the analysis knows how to stem.
type Lang string

// The languages of the portal.
const (
	Spanish Lang = "es"
	English Lang = "en"
)

// Langs lists them; a query's words are stemmed in each, since its language is unknown.
var Langs = []Lang{Spanish, English}

// ParseLang returns the language of a locale code ("es", "en"), and false for any other.
func ParseLang(locale string) (Lang, bool) {
	switch Lang(locale) {
	case Spanish, English:
		return Lang(locale), true
	}
	return "", false
}

// stem returns the Snowball stem of a folded word. Stems are folded too.
//
// Spanish Snowball reads accents: its suffix tables say "ación", "logía", "aría". Words arrive
// folded ("configuracion", typed that way or folded from "configuración"), so a folded suffix
// gets its accents back before stemming (reaccent): "configuracion", "configuración" and
// "configuraciones" all stem to "configur". Both index and query go through this one path,
// so they always agree.
func stem(word string, lang Lang) string {
	if len(word) < 3 || !isPlainWord(word) {
		return word
	}
	env := snowballstem.NewEnv(word)
	if lang == Spanish {
		env = snowballstem.NewEnv(reaccent(word))
		spanish.Stem(env)
		return Fold(env.Current())
	}
	english.Stem(env)
	return env.Current()
}

// isPlainWord reports whether w is made of lowercase letters only: numbers, codes and
// identifiers (x11, utf8, error_809) are left as they are.
func isPlainWord(w string) bool {
	for _, r := range w {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

// accentedSuffixes are the suffixes of Snowball's Spanish algorithm that carry an accent,
// longest first. A vowel alone is left out: the algorithm treats "a" and "á" alike.
var accentedSuffixes = func() []string {
	list := strings.Fields(`
		ándole ándola ándolo ándoles ándolas ándolos ándome ándose ándonos
		iéndole iéndola iéndolo iéndoles iéndolas iéndolos iéndome iéndose iéndonos
		logía logías ación ución aciones uciones
		ía ían ías aría ería iría arían erían irían arías erías irías
		íamos ábamos áramos iéramos aríamos eríamos iríamos`)
	// Left out: "ár", "ándo" (they only precede a pronoun, and would turn "configurar" into
	// "configurár"), "ió" ("directorio" would stem apart from "directorios"), the future tense
	// and "ís" ("cámara" would read "camará", a verb).
	// Longest first, so that "aríamos" wins over "íamos".
	for i := 1; i < len(list); i++ {
		for j := i; j > 0 && len([]rune(list[j])) > len([]rune(list[j-1])); j-- {
			list[j], list[j-1] = list[j-1], list[j]
		}
	}
	return list
}()

var foldedSuffixes = func() []string {
	out := make([]string, len(accentedSuffixes))
	for i, s := range accentedSuffixes {
		out[i] = Fold(s)
	}
	return out
}()

// reaccent gives a folded word's suffix the accents Snowball's Spanish tables expect. The word
// must keep at least two letters before the suffix.
func reaccent(word string) string {
	for i, f := range foldedSuffixes {
		if len(word) >= len(f)+2 && strings.HasSuffix(word, f) {
			return word[:len(word)-len(f)] + accentedSuffixes[i]
		}
	}
	return word
}

// agentStem is a second English stem for words Porter2 leaves whole because their "-er" falls
// outside its region: "printer" and "printing" then meet at "print", as "installer" and
// "install" already do. Only for stems of six letters or more ("user", "server" stay).
func agentStem(s string) string {
	if len(s) >= 7 && strings.HasSuffix(s, "er") && !strings.HasSuffix(s, "eer") {
		return s[:len(s)-2]
	}
	return ""
}

// stemCache remembers stems: text repeats its words, and Snowball costs about a microsecond a
// word. Bounded: a shard that fills up starts again empty.
type stemCache struct {
	shards [2][16]struct { // by language, then by word
		sync.RWMutex
		m map[string]string
	}
}

const stemCacheShardSize = 1 << 14

func (c *stemCache) get(word string, lang Lang) string {
	l := 0
	if lang == English {
		l = 1
	}
	sh := &c.shards[l][shardOf(word)]
	sh.RLock()
	s, ok := sh.m[word]
	sh.RUnlock()
	if ok {
		return s
	}
	s = stem(word, lang)
	word = strings.Clone(word) // it may be a slice of a long text: keep only the word
	if s == word || len(s) < len(word) && strings.HasPrefix(word, s) {
		s = word[:len(s)]
	}
	sh.Lock()
	if sh.m == nil || len(sh.m) >= stemCacheShardSize {
		sh.m = make(map[string]string, 256)
	}
	sh.m[word] = s
	sh.Unlock()
	return s
}

func shardOf(s string) int {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * 16777619
	}
	return int(h % 16)
}
