package postgres

import (
	"strings"

	"helpdesk/search"
	"helpdesk/search/analysis"
)

// A term becomes tsqueries over the analysed vectors that the store writes (store/searchvec.go):
// lexemes are folded words, and "~" + stem for each of them; weights say
// the field (A title, B body, C comments, D internal comments). User text only ever becomes
// quoted lexemes, and every tsquery travels as a parameter.

// tsq is a tsquery in text form and the number of lexemes it holds (ts_rank averages over
// them; the score multiplies them back).
type tsq struct {
	text string
	n    int
}

func (q tsq) empty() bool { return q.text == "" }

var quote = strings.NewReplacer(`'`, `''`, `\`, `\\`)

func lexeme(word, weights string) tsq {
	return tsq{text: "'" + quote.Replace(word) + "':" + weights, n: 1}
}

// titleStart matches title words that start with word.
func titleStart(word string) tsq { return tsq{text: "'" + quote.Replace(word) + "':*A", n: 1} }

func join(op string, parts []tsq) tsq {
	var texts []string
	n := 0
	for _, p := range parts {
		if !p.empty() {
			texts = append(texts, p.text)
			n += p.n
		}
	}
	switch len(texts) {
	case 0:
		return tsq{}
	case 1:
		return tsq{texts[0], n}
	}
	return tsq{"(" + strings.Join(texts, " "+op+" ") + ")", n}
}

func or(parts ...tsq) tsq { return join("|", parts) }

// stemOf matches the words with this stem.
func stemOf(stem, weights string) tsq { return lexeme("~"+stem, weights) }

// phrase matches words in order, each by itself or, with stems, by its stem.
func phrase(words []string, weights string, stems bool) tsq {
	parts := make([]tsq, len(words))
	for i, w := range words {
		if stems {
			parts[i] = stemOf(w, weights)
		} else {
			parts[i] = lexeme(w, weights)
		}
	}
	return join("<->", parts)
}

// class is one way a term can match, with how much it counts.
type class struct {
	q    tsq
	kind float64
}

// termQuery is everything one term matches, and the same split by way of matching.
type termQuery struct {
	any     tsq
	classes []class
}

// weightsFor are the fields a viewer's terms may match: internal comments for staff only.
func weightsFor(staff bool) string {
	if staff {
		return "ABCD"
	}
	return "ABC"
}

// termQueryOf builds the tsqueries of an analysed term; expansions are the words within its
// typos, found in the vocabulary, matched in the fields of typoWeights.
func termQueryOf(t analysis.Term, expansions []string, weights, typoWeights string) termQuery {
	var exact, stem, syn, prefix, fuzzy tsq
	if t.IsPhrase() {
		exact = phrase(t.Words, weights, false)
		var ps []tsq
		for _, p := range t.StemPhrases {
			ps = append(ps, phrase(p, weights, true))
		}
		stem = or(ps...)
	} else {
		exact = lexeme(t.Words[0], weights)
		var ss []tsq
		for _, s := range t.Stems {
			ss = append(ss, stemOf(s, weights))
		}
		stem = or(ss...)
		if t.Prefix {
			prefix = titleStart(t.Words[0])
		}
		var fs []tsq
		for _, e := range expansions {
			fs = append(fs, lexeme(e, typoWeights))
		}
		fuzzy = or(fs...)
	}
	// A synonym matches by its stems only: a document's word always carries its stem, so
	// matching the word too would count one position twice in the score.
	var ss []tsq
	for _, s := range t.Synonyms {
		if len(s.Words) > 1 {
			for _, p := range s.StemPhrases {
				ss = append(ss, phrase(p, weights, true))
			}
			continue
		}
		for _, st := range s.Stems {
			ss = append(ss, stemOf(st, weights))
		}
	}
	syn = or(ss...)
	tq := termQuery{any: or(exact, stem, syn, prefix, fuzzy)}
	for _, c := range []class{{exact, search.KindExact}, {stem, search.KindStem}, {syn, search.KindSynonym},
		{prefix, search.KindPrefix}, {fuzzy, search.KindFuzzy}} {
		if !c.q.empty() {
			tq.classes = append(tq.classes, c)
		}
	}
	return tq
}
