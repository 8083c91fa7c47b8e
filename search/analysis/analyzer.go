package analysis

import (
	"strings"
	"sync/atomic"
	"unicode/utf8"
)

// Marks tell apart the lexemes of an index that keeps one bag of words per document (the
// Postgres engine's tsvectors): no folded word starts with one of them.
const (
	StemMark     = "~" // a stem: "~configur"
	TitleMark    = "=" // a title's word, again: title-only rules read these ("=impre":* starts a title word)
	InternalMark = "!" // a word of an internal comment, for staff only
)

// Version changes whenever a change to the analysis changes what documents are indexed as
// (stems, words, stop words do not count: they only touch queries). Indexes and stored
// vectors carry it: `portalctl migrate` analyses the rows of an older version again, and
// `portalctl status` asks for a reindex of an older Elasticsearch index.
const Version = 1

// Analyzer turns text into what the engines index and what they look for. One per process
// is enough: it is safe for concurrent use, and it holds what is worth sharing (a cache of
// stems, the synonym table in force).
type Analyzer struct {
	stemCache stemCache
	synonyms  atomic.Pointer[Synonyms]
}

// New returns an analyzer with no synonyms.
func New() *Analyzer { return &Analyzer{} }

// SetSynonyms puts a synonym table in force for the queries analysed from now on.
func (a *Analyzer) SetSynonyms(groups []SynonymGroup) {
	a.synonyms.Store(a.CompileSynonyms(groups))
}

// Stem returns the stem of a folded word in lang.
func (a *Analyzer) Stem(word string, lang Lang) string {
	if len(word) < 3 {
		return word
	}
	s := a.stemCache.get(word, lang)
	if lang == English {
		if t := agentStem(s); t != "" {
			return t
		}
	}
	return s
}

// stems returns the distinct stems of a folded word in every language.
func (a *Analyzer) stems(word string) []string {
	out := make([]string, 0, len(Langs))
	for _, l := range Langs {
		out = appendUnique(out, a.Stem(word, l))
	}
	return out
}

// Field is one field of a document as the engines index it: its folded words in order and,
// word for word, their stems in the language of the text.
type Field struct {
	Words []string
	Stems []string
	Lang  Lang
	text  string // Words joined, when known
}

// Text is the field's words joined by single spaces: what a text field of the index holds.
func (f Field) Text() string {
	if f.text != "" || len(f.Words) == 0 {
		return f.text
	}
	return joinWords(f.Words)
}

// StemText is the stems joined by single spaces.
func (f Field) StemText() string { return joinWords(f.Stems) }

func joinWords(words []string) string {
	n := len(words)
	for _, w := range words {
		n += len(w)
	}
	b := make([]byte, 0, n)
	for i, w := range words {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, w...)
	}
	return string(b)
}

// Field analyses text; fallback is its language when the words do not tell.
func (a *Analyzer) Field(text string, fallback Lang) Field {
	words, joined := a.words(text)
	f := a.FieldOf(words, Detect(words, fallback))
	f.text = joined
	return f
}

// FieldOf stems words already folded, in a language already known.
func (a *Analyzer) FieldOf(words []string, lang Lang) Field {
	f := Field{Words: words, Stems: make([]string, len(words)), Lang: lang}
	for i, w := range words {
		f.Stems[i] = a.Stem(w, lang)
	}
	return f
}

// Query is a query text analysed.
type Query struct {
	// Terms are what a document must match, each in one of several ways; stop words are left
	// out unless nothing else is there.
	Terms []Term
	// Words are all the folded words of the text, in order: a document holding them as a
	// phrase ranks first.
	Words []string
}

// Term is one thing a query asks for: a word, or a phrase of the synonym table ("copia de
// seguridad"), and the ways a document can say it.
type Term struct {
	// Words holds the folded word, or the words of a phrase.
	Words []string
	// Stems holds, for a word, its stem in each language (a query's language is unknown);
	// for a phrase, StemPhrases holds its words' stems, a phrase for each language.
	Stems       []string
	StemPhrases [][]string
	// Prefix: the word may match the start of a title word.
	Prefix bool
	// Edits is how many typos a match may have.
	Edits int
	// Synonyms are other words or phrases that say the same.
	Synonyms []Synonym
}

// Synonym is one alternative of a term.
type Synonym struct {
	Words       []string
	Stems       []string   // of a one-word synonym, in each language
	StemPhrases [][]string // of a phrase, in each language
}

// Text is the term as one string: the word, or the phrase's words joined by spaces.
func (t Term) Text() string { return strings.Join(t.Words, " ") }

// IsPhrase reports whether the term has several words.
func (t Term) IsPhrase() bool { return len(t.Words) > 1 }

// Query analyses a query text.
func (a *Analyzer) Query(text string) Query {
	words := Words(Fold(text))
	q := Query{Words: words}
	if len(words) == 0 {
		return q
	}
	stems := make([][]string, len(words))
	for i, w := range words {
		stems[i] = a.stems(w)
	}
	syn := a.synonyms.Load()
	seen := map[string]bool{}
	var stops []Term
	for i := 0; i < len(words); {
		entry, n := syn.match(words, stems, i)
		if n > 1 {
			t := Term{Words: words[i : i+n], StemPhrases: a.stemPhrases(words[i : i+n]), Synonyms: a.synonymsOf(entry)}
			if !seen[t.Text()] {
				seen[t.Text()] = true
				q.Terms = append(q.Terms, t)
			}
			i += n
			continue
		}
		w := words[i]
		t := a.wordTerm(w, stems[i])
		if entry != nil {
			t.Synonyms = a.synonymsOf(entry)
		}
		i++
		if seen[w] {
			continue
		}
		seen[w] = true
		if IsStop(w) {
			t.Synonyms = nil
			stops = append(stops, t)
			continue
		}
		q.Terms = append(q.Terms, t)
	}
	if len(q.Terms) == 0 {
		q.Terms = stops
	}
	budget := MaxQuerySynonyms
	for i := range q.Terms {
		t := &q.Terms[i]
		t.Synonyms = t.Synonyms[:min(len(t.Synonyms), MaxTermSynonyms, budget)]
		budget -= len(t.Synonyms)
	}
	return q
}

// A synonym adds a handful of clauses to a query in each field: these bound what a long
// question over a generous table can add (Elasticsearch refuses queries past a few thousand
// clauses), keeping the groups' first terms.
const (
	MaxTermSynonyms  = 12
	MaxQuerySynonyms = 64
)

func (a *Analyzer) wordTerm(w string, stems []string) Term {
	t := Term{Words: []string{w}, Stems: stems, Prefix: utf8.RuneCountInString(w) >= MinPrefix}
	if !hasDigit(w) { // codes and numbers are exact: "8080" is not "8090"
		t.Edits = MaxEdits(w)
	}
	return t
}

func (a *Analyzer) synonymsOf(e *synEntry) []Synonym {
	out := make([]Synonym, 0, len(e.alts))
	for _, x := range e.alts {
		s := Synonym{Words: x.words, Stems: x.stems}
		if len(x.words) > 1 {
			s.StemPhrases = a.stemPhrases(x.words)
		}
		out = append(out, s)
	}
	return out
}

// stemPhrases returns the stems of a phrase's words, once for each language that stems them
// differently.
func (a *Analyzer) stemPhrases(words []string) [][]string {
	var out [][]string
	seen := map[string]bool{}
	for _, l := range Langs {
		p := make([]string, len(words))
		for i, w := range words {
			p[i] = a.Stem(w, l)
		}
		if k := strings.Join(p, " "); !seen[k] {
			seen[k] = true
			out = append(out, p)
		}
	}
	return out
}

func hasDigit(w string) bool {
	for i := 0; i < len(w); i++ {
		if '0' <= w[i] && w[i] <= '9' {
			return true
		}
	}
	return false
}

// Required is how many of n terms a document must match in the strict pass: both of two,
// then 60%, rounded up (2 of 3, 3 of 4 or 5, 4 of 6), so that a question still finds the
// article that answers it without using every one of its words. Measured on the relevance
// harness: requiring all of three, or three of four, loses more answers than it keeps out noise.
func Required(n int) int { return (n*6 + 9) / 10 }

// Relaxed is how many of n terms a document must match in the relaxed pass, which runs when
// the strict one finds fewer than RelaxBelow documents: half of them, at least one ("olvidé
// mi contraseña" then finds the articles about passwords that never say "olvidé").
func Relaxed(n int) int { return max(1, n/2) }

// RelaxBelow is the number of strict hits under which the relaxed pass runs; its hits rank
// below every strict one.
const RelaxBelow = 5

// CountWords returns how many distinct words a text has: the limit of a query's size.
func CountWords(text string) int {
	seen := map[string]bool{}
	for _, w := range Words(Fold(text)) {
		seen[w] = true
	}
	return len(seen)
}

// The fields of documents, analysed the same way for every engine. A ticket's title and
// description are one text in one language, told by its words (Spanish when they do not say);
// an article's text falls back to its locale. Comments keep their words only: a ticket is
// found by its subject and description in every form of their words, and by its conversation
// word for word (or with a typo), which keeps the largest text of all cheap to index and search.

// TicketText analyses a ticket's title and description.
func (a *Analyzer) TicketText(title, description string) (Field, Field) {
	tw, tj := a.words(title)
	dw, dj := a.words(description)
	lang := Detect(append(tw[:len(tw):len(tw)], dw...), Spanish)
	return a.fieldOf(tw, tj, lang), a.fieldOf(dw, dj, lang)
}

// Comment analyses a comment's body: its words, without stems.
func (a *Analyzer) Comment(body string) Field {
	words, joined := a.words(body)
	return Field{Words: words, text: joined}
}

// ArticleText analyses an article's title and text (without markdown).
func (a *Analyzer) ArticleText(title, body, locale string) (Field, Field) {
	fallback, ok := ParseLang(locale)
	if !ok {
		fallback = Spanish
	}
	tw, tj := a.words(title)
	bw, bj := a.words(body)
	lang := Detect(append(tw[:len(tw):len(tw)], bw...), fallback)
	return a.fieldOf(tw, tj, lang), a.fieldOf(bw, bj, lang)
}

func (a *Analyzer) fieldOf(words []string, joined string, lang Lang) Field {
	f := a.FieldOf(words, lang)
	f.text = joined
	return f
}

// MaxWordBytes bounds an indexed word: longer runs of letters (an encoded blob, a hash) are
// not words anyone searches for, and Postgres refuses lexemes past 2 KB.
const MaxWordBytes = 64

// words folds text into the words an index holds, and returns them joined by spaces too:
// substrings of one folded string, so a long text costs two allocations, not one a word.
func (a *Analyzer) words(text string) ([]string, string) {
	joined := FoldWords(text)
	out := make([]string, 0, len(joined)/6+1)
	dropped := false
	for rest := joined; len(rest) > 0; {
		i := strings.IndexByte(rest, ' ')
		if i < 0 {
			i = len(rest)
		}
		if w := rest[:i]; len(w) <= MaxWordBytes {
			out = append(out, w)
		} else {
			dropped = true
		}
		rest = rest[min(i+1, len(rest)):]
	}
	if dropped {
		joined = joinWords(out)
	}
	return out, joined
}
