package postgres

import (
	"slices"
	"strings"

	"helpdesk/search"
	"helpdesk/search/analysis"
)

// A term becomes tsqueries over the vectors the store writes (store/searchvec.go): words;
// analysis.TitleMark + word for title words; analysis.StemMark + stem; analysis.InternalMark +
// word for internal comments. The marks, not weights, say where a lexeme may match, so the
// queries carry no weights and the GIN index answers them without reading a single vector
// (weights and phrases make it check each candidate's). User text only ever becomes quoted
// lexemes, and every tsquery travels as a parameter.

// tsq is a tsquery in text form: the number of lexemes it holds (ts_rank averages over them;
// the score multiplies them back) and whether it holds a phrase.
type tsq struct {
	text   string
	n      int
	phrase bool
}

func (q tsq) empty() bool { return q.text == "" }

var quote = strings.NewReplacer(`'`, `''`, `\`, `\\`)

func lexeme(word string) tsq { return tsq{text: "'" + quote.Replace(word) + "'", n: 1} }

// titleStart matches the title words that start with word.
func titleStart(word string) tsq {
	return tsq{text: "'" + quote.Replace(analysis.TitleMark+word) + "':*", n: 1}
}

func join(op string, parts []tsq) tsq {
	var out tsq
	var texts []string
	for _, p := range parts {
		if !p.empty() {
			texts = append(texts, p.text)
			out.n += p.n
			out.phrase = out.phrase || p.phrase
		}
	}
	switch len(texts) {
	case 0:
		return tsq{}
	case 1: // a phrase of one word is that word
		out.text = texts[0]
	default:
		out.text = "(" + strings.Join(texts, " "+op+" ") + ")"
		out.phrase = out.phrase || op == "<->"
	}
	return out
}

func or(parts ...tsq) tsq  { return join("|", parts) }
func and(parts ...tsq) tsq { return join("&", parts) }

// phrase matches words in order, each with mark before it.
func phrase(words []string, mark string) tsq {
	parts := make([]tsq, len(words))
	for i, w := range words {
		parts[i] = lexeme(mark + w)
	}
	return join("<->", parts)
}

// class is one way a term can match, with how much it counts.
type class struct {
	q    tsq
	kind float64
}

// termQuery is what one term matches: match, exactly; loose, the same with each phrase read as
// its words in any order (what the index answers alone: a superset of match); and the same
// split by way of matching, for ranking.
type termQuery struct {
	match, loose tsq
	// plain is what match holds but its phrases: the index answers it exactly; phrases, its
	// phrases read loosely.
	plain, phrases tsq
	classes        []class
}

// termQueryOf builds the tsqueries of an analysed term for a viewer (staff also match internal
// comments). typos are the words within its typos, found in the vocabulary; everywhere says
// whether they count in every field or, as in the strict pass, in titles only.
func termQueryOf(t analysis.Term, typos []string, staff, everywhere bool) termQuery {
	words := func(w []string) tsq { // the words, and for staff the internal comments' words too
		ws := []tsq{phrase(w, "")}
		if staff {
			ws = append(ws, phrase(w, analysis.InternalMark))
		}
		return or(ws...)
	}
	var exact, stem, syn, prefix, typo tsq
	exact = words(t.Words)
	if t.IsPhrase() {
		var ps []tsq
		for _, p := range t.StemPhrases {
			ps = append(ps, phrase(p, analysis.StemMark))
		}
		stem = or(ps...)
	} else {
		var ss []tsq
		for _, s := range t.Stems {
			ss = append(ss, lexeme(analysis.StemMark+s))
		}
		stem = or(ss...)
		if t.Prefix {
			prefix = titleStart(t.Words[0])
		}
		var ts []tsq
		for _, e := range typos {
			if everywhere {
				ts = append(ts, words([]string{e}))
			} else {
				ts = append(ts, lexeme(analysis.TitleMark+e))
			}
		}
		typo = or(ts...)
	}
	// A synonym matches by its stems only: a document's word always carries its stem, so
	// matching the word too would count one position twice in the score.
	single := map[string]bool{}
	if !t.IsPhrase() {
		for _, st := range t.Stems {
			single[st] = true
		}
	}
	for _, s := range t.Synonyms {
		if len(s.Words) == 1 {
			for _, st := range s.Stems {
				single[st] = true
			}
		}
	}
	var ss, synWords, synPhrases []tsq
	for _, s := range t.Synonyms {
		if len(s.Words) > 1 {
			for _, p := range s.StemPhrases {
				ss = append(ss, phrase(p, analysis.StemMark))
				// A phrase holding a stem the term matches alone finds nothing more (correo
				// electrónico for correo): left out of what the term matches, it spares every
				// candidate the check of word order, which reads its whole vector.
				if !slices.ContainsFunc(p, func(st string) bool { return single[st] }) {
					synPhrases = append(synPhrases, phrase(p, analysis.StemMark))
				}
			}
			continue
		}
		for _, st := range s.Stems {
			ss = append(ss, lexeme(analysis.StemMark+st))
			synWords = append(synWords, lexeme(analysis.StemMark+st))
		}
	}
	syn = or(ss...)
	tq := termQuery{match: or(exact, stem, or(synWords...), or(synPhrases...), prefix, typo)}
	tq.loose = loosen(tq.match)
	tq.plain = or(synWords...)
	phrases := synPhrases
	if t.IsPhrase() {
		phrases = append(phrases, exact, stem)
	} else {
		tq.plain = or(exact, stem, tq.plain, prefix, typo)
	}
	tq.phrases = loosen(or(phrases...))
	for _, c := range []class{{exact, search.KindExact}, {stem, search.KindStem}, {syn, search.KindSynonym},
		{prefix, search.KindPrefix}, {typo, search.KindFuzzy}} {
		if !c.q.empty() {
			tq.classes = append(tq.classes, c)
		}
	}
	return tq
}

// loosen reads a query's phrases as their words in any order.
func loosen(q tsq) tsq {
	if !q.phrase {
		return q
	}
	return tsq{text: strings.ReplaceAll(q.text, " <-> ", " & "), n: q.n}
}

// maxCombinations bounds the tsquery that asks for k of n terms.
const maxCombinations = 64

// atLeast matches documents holding at least k of terms, as one tsquery the index answers
// alone: every k-subset of the terms, all of them. exact is false when it asks for less than
// that (phrases read loosely, or too many subsets: any one term), and the rows it finds must be
// counted one by one.
func atLeast(k int, terms []termQuery) (q tsq, exact bool) {
	exact = true
	loose := make([]tsq, len(terms))
	for i, t := range terms {
		loose[i] = t.loose
		exact = exact && !t.match.phrase
	}
	q, all := kOf(k, loose)
	return q, exact && all
}

// plainAtLeast matches documents holding at least k of terms by their alternatives without a
// phrase: rows that hold that many need no counting. ok is false when no such query says it
// (too many subsets), empty when no row can.
func plainAtLeast(k int, terms []termQuery) (q tsq, ok bool) {
	var plain []tsq
	for _, t := range terms {
		if !t.plain.empty() {
			plain = append(plain, t.plain)
		}
	}
	if k > len(plain) {
		return tsq{}, true
	}
	return kOf(k, plain)
}

// kOf is one tsquery holding at least k of qs: all asks for exactly that, false when it asks
// for any one (too many subsets).
func kOf(k int, qs []tsq) (q tsq, all bool) {
	n := len(qs)
	switch {
	case k <= 1:
		return or(qs...), true
	case k >= n:
		return and(qs...), true
	case binomial(n, k) > maxCombinations:
		return or(qs...), false
	}
	var combos []tsq
	var pick func(start int, chosen []tsq)
	pick = func(start int, chosen []tsq) {
		if len(chosen) == k {
			combos = append(combos, and(chosen...))
			return
		}
		for i := start; i <= n-(k-len(chosen)); i++ {
			pick(i+1, append(chosen, qs[i]))
		}
	}
	pick(0, make([]tsq, 0, k))
	return or(combos...), true
}

func binomial(n, k int) int {
	r := 1
	for i := 1; i <= k; i++ {
		r = r * (n - k + i) / i
		if r > maxCombinations {
			return r
		}
	}
	return r
}
