package analysis

import (
	"strings"
	"unicode/utf8"
)

// Suggest returns text with each word that the texts do not hold, in any form, replaced by
// the closest word they do hold (two typos at most, one for short words), written as the
// texts write it; "" when no word changes. The texts are what the viewer may read, so a
// suggestion never shows a word from elsewhere.
func (a *Analyzer) Suggest(text string, q Query, texts []string) string {
	vocab := map[string]*vocabWord{}
	for _, t := range texts {
		for _, tok := range Tokens(t) {
			v := vocab[tok.Folded]
			if v == nil {
				v = &vocabWord{surfaces: map[string]int{}}
				vocab[tok.Folded] = v
			}
			v.count++
			v.surfaces[strings.ToLower(t[tok.Start:tok.End])]++
		}
	}
	fix := map[string]string{} // folded query word -> replacement as written
	for _, term := range q.Terms {
		if term.SuggestEdits() == 0 {
			continue
		}
		w := term.Words[0]
		if vocab[w] != nil || a.knownByStem(w, vocab) {
			continue
		}
		if best := closest(w, vocab); best != "" {
			fix[w] = vocab[best].surface()
		}
	}
	if len(fix) == 0 {
		return ""
	}
	var b strings.Builder
	pos := 0
	for _, tok := range Tokens(text) {
		if r, ok := fix[tok.Folded]; ok {
			b.WriteString(text[pos:tok.Start])
			b.WriteString(r)
			pos = tok.End
		}
	}
	b.WriteString(text[pos:])
	return strings.Join(strings.Fields(b.String()), " ")
}

type vocabWord struct {
	count    int
	surfaces map[string]int
}

// surface is the most frequent way the texts write the word.
func (v *vocabWord) surface() string {
	best, n := "", 0
	for s, c := range v.surfaces {
		if c > n || (c == n && s < best) {
			best, n = s, c
		}
	}
	return best
}

func (a *Analyzer) knownByStem(w string, vocab map[string]*vocabWord) bool {
	stems := a.stems(w)
	for v := range vocab {
		if head(v) == head(w) && shareAny(stems, a.stems(v)) {
			return true
		}
	}
	return false
}

// SuggestEdits is how far a suggestion may look for a term's correction: two typos, one for
// words too short to tolerate one in a search, none for phrases, codes and words of one or
// two letters.
func (t Term) SuggestEdits() int {
	if t.IsPhrase() || hasDigit(t.Words[0]) {
		return 0
	}
	return suggestEdits(t.Words[0])
}

func suggestEdits(w string) int {
	switch n := utf8.RuneCountInString(w); {
	case n < MinPrefix:
		return 0
	case n < OneTypoFrom:
		return 1
	}
	return 2
}

// closest returns the word of vocab nearest to w within its allowance, preferring fewer
// edits, then the more frequent word, then the first in alphabetical order.
func closest(w string, vocab map[string]*vocabWord) string {
	allowed := suggestEdits(w)
	if allowed == 0 {
		return ""
	}
	best, bestEdits, bestCount := "", allowed+1, 0
	for v, info := range vocab {
		if IsStop(v) { // "de" is one edit from "rde", and no help
			continue
		}
		for e := 1; e < bestEdits || (e == bestEdits && e <= allowed); e++ {
			if !WithinEdits(w, v, e) {
				continue
			}
			if e < bestEdits || info.count > bestCount || (info.count == bestCount && v < best) {
				best, bestEdits, bestCount = v, e, info.count
			}
			break
		}
	}
	return best
}
