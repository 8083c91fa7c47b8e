package postgres

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"helpdesk/search/analysis"
)

// expand returns the words of the vocabulary (every word a document holds) within edits of
// word, closest first, at most maxExpansions of them, without word itself: what a typo may
// have meant, found before the query runs, as Elasticsearch's fuzzy query does over its
// terms. Words one edit away are looked up exactly, every variant of the word at once; two
// edits away, the trigram index proposes and the edit distance decides.
func (b *Backend) expand(ctx context.Context, word string, edits int) ([]string, error) {
	variants := oneEdit(word)
	sql := `SELECT word FROM search_words WHERE word = ANY($1)`
	args := []any{variants}
	if edits > 1 {
		sql += ` UNION SELECT word FROM (SELECT word FROM search_words WHERE lower(word) % $2
			ORDER BY similarity(lower(word), $2) DESC LIMIT 500) near`
		args = append(args, word)
	}
	rows, err := b.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, queryError(ctx, err)
	}
	defer rows.Close()
	type cand struct {
		word  string
		edits int
	}
	var found []cand
	for rows.Next() {
		var w string
		if err := rows.Scan(&w); err != nil {
			return nil, queryError(ctx, err)
		}
		if w == word || !samePrefix(w, word, analysis.FuzzyPrefix) {
			continue
		}
		for e := 1; e <= edits; e++ {
			if analysis.WithinEdits(word, w, e) {
				found = append(found, cand{w, e})
				break
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, queryError(ctx, err)
	}
	slices.SortFunc(found, func(a, b cand) int {
		if a.edits != b.edits {
			return a.edits - b.edits
		}
		return strings.Compare(a.word, b.word)
	})
	out := make([]string, 0, min(len(found), maxExpansions))
	for _, c := range found[:min(len(found), maxExpansions)] {
		out = append(out, c.word)
	}
	return out, nil
}

// maxExpansions bounds the words a typo can stand for, as in the Elasticsearch engine.
const maxExpansions = 50

func samePrefix(a, b string, n int) bool {
	for i := 0; i < n; i++ {
		ra, sa := utf8.DecodeRuneInString(a)
		rb, sb := utf8.DecodeRuneInString(b)
		if ra != rb || sa == 0 {
			return false
		}
		a, b = a[sa:], b[sb:]
	}
	return true
}

// alphabet is what a typo can put into a word: the letters and digits of folded text, and
// the word's own runes.
const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

// oneEdit lists the words one edit from word: each rune deleted, replaced or swapped with the
// next, and a rune inserted anywhere.
func oneEdit(word string) []string {
	r := []rune(word)
	letters := []rune(alphabet)
	for _, c := range r {
		if !strings.ContainsRune(alphabet, c) {
			letters = append(letters, c)
		}
	}
	seen := map[string]bool{}
	var out []string
	add := func(rs []rune) {
		s := string(rs)
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	buf := make([]rune, 0, len(r)+1)
	for i := range r {
		add(append(append(buf[:0], r[:i]...), r[i+1:]...)) // delete
		if i+1 < len(r) {
			swapped := append(buf[:0], r...)
			swapped[i], swapped[i+1] = swapped[i+1], swapped[i]
			add(swapped)
		}
		for _, c := range letters {
			if c != r[i] {
				rep := append(buf[:0], r...)
				rep[i] = c
				add(rep)
			}
		}
	}
	for i := 0; i <= len(r); i++ {
		for _, c := range letters {
			ins := append(append(append(buf[:0], r[:i]...), c), r[i:]...)
			add(ins)
		}
	}
	return out
}
