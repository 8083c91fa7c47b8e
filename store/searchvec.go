package store

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"helpdesk/search/analysis"
)

// Search vectors: the analysed text of a row as the Postgres search engine reads it, built by
// the one analyser both engines share and written with the text. A vector's lexemes, each at the
// position of its word: the folded words; their stems (analysis.StemMark), a stem equal to its
// word too, so each position matches one word lexeme and one stem lexeme and a ranking that sums
// matches never counts a position twice; title words again (analysis.TitleMark), for the rules
// that hold in titles only; and an internal comment's words, marked (analysis.InternalMark),
// never the plain words a client's search reads. Weights say the field (A title, B body;
// comments get C or D when a ticket gathers them). vec_source, the md5 of the text analysed,
// lets the database refuse a stale vector; vec_version, the version of the analysis and of
// this format that built it, tells `portalctl migrate` to build it again.

// vectorVersion is what vec_version holds for vectors built by this code.
const vectorVersion = analysis.Version*100 + 1

// maxPosition is the largest position a tsvector keeps.
const maxPosition = 16383

// vecBuilder assembles a tsvector literal.
type vecBuilder struct {
	pos int
	lex map[string][]string // lexeme -> positions with their weight ("3A")
}

func newVec() *vecBuilder { return &vecBuilder{pos: 1, lex: map[string][]string{}} }

// add appends a field's words after what is there, one position apart so that no phrase
// runs from one field into the next; mark, when not empty, stands before each word (internal
// comments), and title adds the title marks.
func (v *vecBuilder) add(f analysis.Field, weight, mark string, title bool) {
	for i, w := range f.Words {
		p := strconv.Itoa(min(v.pos+1+i, maxPosition)) + weight
		v.put(mark+w, p)
		if title {
			v.put(analysis.TitleMark+w, p)
		}
		if f.Stems != nil { // comments have none
			v.put(analysis.StemMark+f.Stems[i], p)
		}
	}
	v.pos += len(f.Words) + 1
}

func (v *vecBuilder) put(lexeme, pos string) { v.lex[lexeme] = append(v.lex[lexeme], pos) }

// String is the tsvector in Postgres's input syntax.
func (v *vecBuilder) String() string {
	keys := make([]string, 0, len(v.lex))
	for k := range v.lex {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteByte('\'')
		b.WriteString(lexemeEscaper.Replace(k))
		b.WriteString("':")
		b.WriteString(strings.Join(v.lex[k], ","))
	}
	return b.String()
}

var lexemeEscaper = strings.NewReplacer(`'`, `''`, `\`, `\\`)

func vecSource(parts ...string) string {
	sum := md5.Sum([]byte(strings.Join(parts, "\x1f")))
	return hex.EncodeToString(sum[:])
}

// ticketVector is a ticket's title and description analysed, and the md5 of that text.
func ticketVector(an *analysis.Analyzer, title, description string) (vec, source string) {
	t, d := an.TicketText(title, description)
	v := newVec()
	v.add(t, "A", "", true)
	v.add(d, "B", "", false)
	return v.String(), vecSource(title, description)
}

// commentVector is a comment analysed; the ticket's vector gives it its weight.
func commentVector(an *analysis.Analyzer, body string, internal bool) (vec, source string) {
	mark := ""
	if internal {
		mark = analysis.InternalMark
	}
	v := newVec()
	v.add(an.Comment(body), "", mark, false)
	return v.String(), vecSource(body)
}

// articleVector is an article's title and text analysed.
func articleVector(an *analysis.Analyzer, title, bodyText, locale string) (vec, source string) {
	t, b := an.ArticleText(title, bodyText, locale)
	v := newVec()
	v.add(t, "A", "", true)
	v.add(b, "B", "", false)
	return v.String(), vecSource(title, bodyText, locale)
}

// AnalyzeProgress reports how far AnalyzeText has come through one table.
type AnalyzeProgress struct {
	Table       string
	Done, Total int64
}

// analyzeBatch is how many rows one transaction of AnalyzeText writes.
const analyzeBatch = 500

// AnalyzeText writes the search vectors of the rows that have none (written before the vectors
// existed) or whose vectors an older analysis or format built (vectorVersion), and the search
// rows of tickets and articles that have none (written before the search tables existed). It works in batches in
// id order, each its own transaction, so it can be interrupted and run again; progress hears
// of each batch. Like a bulk load, it tracks no changes: the text did not change (an index of an
// older analysis needs `portalctl reindex`, which `portalctl status` says).
func (s *Store) AnalyzeText(ctx context.Context, progress func(AnalyzeProgress)) error {
	for _, t := range []struct {
		table, pending, load string
		write                func(ctx context.Context, tx pgx.Tx, ids []int64, texts [][]string) error
	}{
		{"tickets", `(text_vec IS NULL OR vec_version < $1 OR NOT EXISTS (SELECT 1 FROM ticket_search s WHERE s.id = tickets.id))`, `SELECT id, title, description FROM tickets`,
			func(ctx context.Context, tx pgx.Tx, ids []int64, texts [][]string) error {
				vecs, srcs := make([]string, len(ids)), make([]string, len(ids))
				for i, t := range texts {
					vecs[i], srcs[i] = ticketVector(s.an, t[0], t[1])
				}
				_, err := tx.Exec(ctx, `UPDATE tickets t SET text_vec = v.vec::tsvector, vec_source = v.src, vec_version = $4
					FROM unnest($1::bigint[], $2::text[], $3::text[]) v(id, vec, src) WHERE t.id = v.id`, ids, vecs, srcs, vectorVersion)
				if err != nil {
					return err
				}
				_, err = tx.Exec(ctx, `SELECT ticket_search_upsert($1, $2)`, ids[0], ids[len(ids)-1])
				return err
			}},
		{"comments", `(search_vec IS NULL OR vec_version < $1)`, `SELECT id, body, internal::text FROM comments`,
			func(ctx context.Context, tx pgx.Tx, ids []int64, texts [][]string) error {
				vecs, srcs := make([]string, len(ids)), make([]string, len(ids))
				for i, t := range texts {
					vecs[i], srcs[i] = commentVector(s.an, t[0], t[1] == "true")
				}
				_, err := tx.Exec(ctx, `UPDATE comments c SET search_vec = v.vec::tsvector, vec_source = v.src, vec_version = $4
					FROM unnest($1::bigint[], $2::text[], $3::text[]) v(id, vec, src) WHERE c.id = v.id`,
					ids, vecs, srcs, vectorVersion)
				if err != nil {
					return err
				}
				// Statements of their own: each must see what the one before wrote.
				_, err = tx.Exec(ctx, `UPDATE tickets t SET comments_vec = ticket_comments_vec(t.id)
					WHERE t.id IN (SELECT ticket_id FROM comments WHERE id = ANY($1))`, ids)
				if err != nil {
					return err
				}
				_, err = tx.Exec(ctx, `SELECT ticket_search_upsert(id, id) FROM (SELECT DISTINCT ticket_id FROM comments WHERE id = ANY($1)) c(id)`, ids)
				return err
			}},
		{"kb_articles", `(search_vec IS NULL OR vec_version < $1 OR NOT EXISTS (SELECT 1 FROM kb_search s WHERE s.id = kb_articles.id))`, `SELECT id, title, body_text, locale FROM kb_articles`,
			func(ctx context.Context, tx pgx.Tx, ids []int64, texts [][]string) error {
				vecs, srcs := make([]string, len(ids)), make([]string, len(ids))
				for i, t := range texts {
					vecs[i], srcs[i] = articleVector(s.an, t[0], t[1], t[2])
				}
				_, err := tx.Exec(ctx, `UPDATE kb_articles a SET search_vec = v.vec::tsvector, vec_source = v.src, vec_version = $4
					FROM unnest($1::bigint[], $2::text[], $3::text[]) v(id, vec, src) WHERE a.id = v.id`, ids, vecs, srcs, vectorVersion)
				if err != nil {
					return err
				}
				_, err = tx.Exec(ctx, `SELECT kb_search_upsert($1, $2)`, ids[0], ids[len(ids)-1])
				return err
			}},
	} {
		var total int64
		if err := s.db.QueryRow(ctx, `SELECT count(*) FROM `+t.table+` WHERE `+t.pending, vectorVersion).Scan(&total); err != nil {
			return fmt.Errorf("analyse %s: %w", t.table, err)
		}
		var last int64 // batches walk the ids upwards: each row is read once
		for done := int64(0); done < total; {
			n := 0
			err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
				if _, err := tx.Exec(ctx, `SELECT set_config('portal.bulk_load', 'on', true)`); err != nil {
					return err
				}
				rows, err := tx.Query(ctx, t.load+` WHERE `+t.pending+` AND id > $2 ORDER BY id LIMIT $3 FOR UPDATE`,
					vectorVersion, last, analyzeBatch)
				if err != nil {
					return err
				}
				var ids []int64
				var texts [][]string
				for rows.Next() {
					vals, err := rows.Values()
					if err != nil {
						rows.Close()
						return err
					}
					ids = append(ids, vals[0].(int64))
					text := make([]string, len(vals)-1)
					for i, v := range vals[1:] {
						text[i] = v.(string)
					}
					texts = append(texts, text)
				}
				if err := rows.Err(); err != nil {
					return err
				}
				if n = len(ids); n == 0 {
					return nil
				}
				last = ids[n-1]
				if err := t.write(ctx, tx, ids, texts); err != nil {
					return err
				}
				_, err = tx.Exec(ctx, `INSERT INTO search_words (word)
					SELECT DISTINCT w FROM `+t.table+` x, search_words_of(x.`+vecColumn(t.table)+`) w
					WHERE x.id = ANY($1) ON CONFLICT DO NOTHING`, ids)
				return err
			})
			if err != nil {
				return fmt.Errorf("analyse %s: %w", t.table, err)
			}
			if n == 0 {
				break // rows deleted meanwhile
			}
			done += int64(n)
			if progress != nil {
				progress(AnalyzeProgress{Table: t.table, Done: min(done, total), Total: total})
			}
		}
	}
	return nil
}

func vecColumn(table string) string {
	if table == "tickets" {
		return "text_vec"
	}
	return "search_vec"
}
