package analysis

import "unicode/utf8"

// Typo rules. A typo is one edit: a rune inserted, deleted or replaced, or two neighbouring
// runes swapped ("pritner" is one edit from "printer", as Damerau counts and Elasticsearch's
// fuzzy query with transpositions does).
const (
	// MinPrefix is the shortest term that matches the start of a title word.
	MinPrefix = 3
	// OneTypoFrom is the shortest term that tolerates one typo: below it, a typo makes another
	// word ("vpm" is not "vpn"; "red" is not "rex").
	OneTypoFrom = 5
	// TwoTyposFrom is the shortest term that tolerates two (Elasticsearch's AUTO allows two
	// from six letters: measured, that lets in more noise than answers).
	TwoTyposFrom = 9
	// FuzzyPrefix is how many leading runes a typo never touches: none, a typo in the first
	// letter is a typo too.
	FuzzyPrefix = 0
)

// MaxEdits is how many typos a term tolerates: none in numbers and codes (a ticket number,
// an error code, a KB number: one digit off is another one).
func MaxEdits(term string) int {
	if hasDigit(term) {
		return 0
	}
	switch n := utf8.RuneCountInString(term); {
	case n >= TwoTyposFrom:
		return 2
	case n >= OneTypoFrom:
		return 1
	}
	return 0
}

// WithinEdits reports whether a and b are at most k edits apart (the optimal string alignment
// distance: inserts, deletes, replacements and swaps of neighbours). It runs for every word of
// every highlighted hit, so short words cost no allocation.
func WithinEdits(a, b string, k int) bool {
	if a == b {
		return true
	}
	if k <= 0 {
		return false
	}
	// Cheap refusals first: most words of a text are nowhere near the term.
	if d := len(a) - len(b); d > 4*k || -d > 4*k {
		return false
	}
	if d := utf8.RuneCountInString(a) - utf8.RuneCountInString(b); d > k || -d > k {
		return false
	}
	var bufA, bufB [48]rune
	ra, rb := toRunes(a, bufA[:0]), toRunes(b, bufB[:0])
	if d := len(ra) - len(rb); d > k || -d > k {
		return false
	}
	// Three rows of the distance table: two back, one back, current.
	var rows [3][49]int
	var heap [3][]int
	row := func(i int) []int {
		if len(rb)+1 <= len(rows[0]) {
			return rows[i%3][:len(rb)+1]
		}
		if heap[i%3] == nil {
			heap[i%3] = make([]int, len(rb)+1)
		}
		return heap[i%3]
	}
	prev := row(0)
	for j := range prev {
		prev[j] = j
	}
	var prev2 []int
	for i := 1; i <= len(ra); i++ {
		cur := row(i)
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d = min(d, prev2[j-2]+1)
			}
			cur[j] = d
			best = min(best, d)
		}
		if best > k { // every path already costs more
			return false
		}
		prev2, prev = prev, cur
	}
	return prev[len(rb)] <= k
}

func toRunes(s string, buf []rune) []rune {
	for _, r := range s {
		buf = append(buf, r)
	}
	return buf
}
