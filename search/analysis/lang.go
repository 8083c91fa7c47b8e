package analysis

import "strings"

// Detect tells whether folded words are Spanish or English by counting the function words
// of each language among them, and returns fallback when neither shows. Tickets carry no
// language, and a KB article in one locale can hold text in the other (an untranslated
// section): the words decide how a text is stemmed.
func Detect(words []string, fallback Lang) Lang {
	es, en := 0, 0
	for i, w := range words {
		if i == detectWords {
			break
		}
		if spanishMarkers[w] {
			es++
		}
		if englishMarkers[w] {
			en++
		}
	}
	switch {
	case es > en && es >= 2:
		return Spanish
	case en > es && en >= 2:
		return English
	}
	return fallback
}

// detectWords is how far into a text Detect reads: a few sentences are plenty.
const detectWords = 400

// The most frequent function words of each language that are not words of the other.
var (
	spanishMarkers = wordSet(`de la que el en los del se las por un para con una su al lo como mas pero
		sus le ya este si porque esta entre cuando muy sin sobre tambien hasta hay donde
		desde todo nos durante todos uno les ni contra otros ese eso ante ellos e esto antes
		algunos unos yo otro otras otra tanto esa estos mucho quienes nada muchos cual poco ella
		estar estas algunas algo nosotros mis tus ellas puede usar debe`)
	englishMarkers = wordSet(`the of and to is that for it with as was on be at by this are from or
		have an they which you were her all she there been their has would will what if can
		when so out up into do does not could should these than then them other its only
		also how our may use using used your we any must such each which`)
)

func wordSet(list string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(list) {
		m[w] = true
	}
	return m
}
