package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"helpdesk/auth"
	"helpdesk/markdown"
	"helpdesk/search/analysis"
)

// BulkLoader writes large amounts of generated data with COPY inside one transaction. Row
// triggers skip their per-row change tracking while it runs; when the load commits, one
// outbox row per new ticket and article is written in bulk instead, so the index still
// receives every document.
type BulkLoader struct {
	tx   pgx.Tx
	an   *analysis.Analyzer
	base BulkBase
	// deferred holds the definitions of secondary indexes dropped for the load, rebuilt at
	// the end: building a trigram index once is many times faster than growing it row by row.
	deferred []string
}

// BulkBase holds the largest id of each table before the load: new rows take ids above it.
type BulkBase struct {
	Clients, Users, Tickets, Comments, Categories, Articles int64
}

// BulkLoad runs fn with a BulkLoader. Concurrent writers wait until it commits; readers do not.
func (s *Store) BulkLoad(ctx context.Context, fn func(ctx context.Context, b *BulkLoader) error) error {
	if err := s.bulkLoad(ctx, fn); err != nil {
		return err
	}
	// The loaded pages are new to every query: their visibility map is unset, so index-only
	// scans go to the heap for each row, and the first readers write the hint bits (the first
	// fallback search after a 1M seed took over its 5 s). VACUUM does that once, now, outside
	// the load's transaction, instead of leaving it to the first searches and autovacuum.
	if _, err := s.pool.Exec(ctx, `VACUUM (ANALYZE) tickets, comments, kb_articles, ticket_search, kb_search, search_words`); err != nil {
		return fmt.Errorf("bulk load: vacuum: %w", err)
	}
	return nil
}

func (s *Store) bulkLoad(ctx context.Context, fn func(ctx context.Context, b *BulkLoader) error) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `LOCK TABLE clients, users, tickets, comments, kb_categories, kb_articles
			IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			return fmt.Errorf("bulk load: lock tables: %w", err)
		}
		if _, err := tx.Exec(ctx, `SELECT set_config('portal.bulk_load', 'on', true)`); err != nil {
			return fmt.Errorf("bulk load: %w", err)
		}
		b := &BulkLoader{tx: tx, an: s.an}
		err := tx.QueryRow(ctx, `SELECT
			(SELECT coalesce(max(id), 0) FROM clients), (SELECT coalesce(max(id), 0) FROM users),
			(SELECT coalesce(max(id), 0) FROM tickets), (SELECT coalesce(max(id), 0) FROM comments),
			(SELECT coalesce(max(id), 0) FROM kb_categories), (SELECT coalesce(max(id), 0) FROM kb_articles)`).
			Scan(&b.base.Clients, &b.base.Users, &b.base.Tickets, &b.base.Comments, &b.base.Categories, &b.base.Articles)
		if err != nil {
			return fmt.Errorf("bulk load: read ids: %w", err)
		}
		if err := b.deferIndexes(ctx); err != nil {
			return err
		}
		if err := fn(ctx, b); err != nil {
			return err
		}
		return b.finish(ctx)
	})
}

// Base returns the largest ids before the load.
func (b *BulkLoader) Base() BulkBase { return b.base }

// deferIndexes drops the secondary indexes of the big tables that are empty before the load.
// Only empty tables: dropping takes an exclusive lock, which must not keep readers of real data
// waiting for the whole load.
func (b *BulkLoader) deferIndexes(ctx context.Context) error {
	var tables []string
	if b.base.Tickets == 0 {
		tables = append(tables, "tickets", "ticket_search")
	}
	if b.base.Comments == 0 {
		tables = append(tables, "comments")
	}
	if b.base.Articles == 0 {
		tables = append(tables, "kb_articles", "kb_search")
	}
	if len(tables) == 0 {
		return nil
	}
	rows, err := b.tx.Query(ctx, `SELECT i.indexname, i.indexdef FROM pg_indexes i
		WHERE i.schemaname = current_schema() AND i.tablename = ANY($1)
		  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
		ORDER BY i.indexname`, tables)
	if err != nil {
		return fmt.Errorf("bulk load: list indexes: %w", err)
	}
	type index struct{ name, def string }
	indexes, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (index, error) {
		var i index
		return i, r.Scan(&i.name, &i.def)
	})
	if err != nil {
		return fmt.Errorf("bulk load: list indexes: %w", err)
	}
	for _, i := range indexes {
		if _, err := b.tx.Exec(ctx, `DROP INDEX `+pgx.Identifier{i.name}.Sanitize()); err != nil {
			return fmt.Errorf("bulk load: drop index %s: %w", i.name, err)
		}
		// A partitioned table's index reads "ON ONLY": built so, it would cover no partition
		// and stay invalid, and searches would read every row's vector.
		b.deferred = append(b.deferred, strings.Replace(i.def, " ON ONLY ", " ON ", 1))
	}
	return nil
}

func (b *BulkLoader) finish(ctx context.Context) error {
	// Row triggers were off: each new ticket gathers its comments' vectors, and the new words
	// join the typo vocabulary. Before the indexes come back, so that the update of every new
	// ticket does not feed its search index a second time.
	for _, st := range []struct {
		what string
		sql  string
		args []any
	}{
		{"gather comments", `UPDATE tickets t SET comments_vec = v.vec
			FROM (SELECT ticket_id, tsvector_agg(setweight(search_vec, (CASE WHEN internal THEN 'D' ELSE 'C' END)::"char")
			              ORDER BY created_at, id) AS vec
			      FROM comments WHERE id > $1 GROUP BY ticket_id) v
			WHERE t.id = v.ticket_id`, []any{b.base.Comments}},
		{"collect words", `INSERT INTO search_words (word)
			SELECT DISTINCT w FROM (
				SELECT search_words_of(text_vec) FROM tickets WHERE id > $1
				UNION ALL SELECT search_words_of(search_vec) FROM comments WHERE id > $2
				UNION ALL SELECT search_words_of(search_vec) FROM kb_articles WHERE id > $3) x(w)
			ON CONFLICT DO NOTHING`, []any{b.base.Tickets, b.base.Comments, b.base.Articles}},
		{"search rows", `SELECT ticket_search_upsert($1 + 1, 9223372036854775807), kb_search_upsert($2 + 1, 9223372036854775807)`,
			[]any{b.base.Tickets, b.base.Articles}},
	} {
		if _, err := b.tx.Exec(ctx, st.sql, st.args...); err != nil {
			return fmt.Errorf("bulk load: %s: %w", st.what, err)
		}
	}
	if len(b.deferred) > 0 {
		if _, err := b.tx.Exec(ctx, `SET LOCAL maintenance_work_mem = '512MB'`); err != nil {
			return fmt.Errorf("bulk load: %w", err)
		}
	}
	for _, def := range b.deferred {
		if _, err := b.tx.Exec(ctx, def); err != nil {
			return fmt.Errorf("bulk load: rebuild index: %w", err)
		}
	}
	steps := []struct {
		what string
		sql  string
		args []any
	}{
		{"track tickets", `INSERT INTO search_outbox (doc_type, doc_id, version)
			SELECT 'ticket', id, version FROM tickets WHERE id > $1 ORDER BY id`, []any{b.base.Tickets}},
		{"track articles", `INSERT INTO search_outbox (doc_type, doc_id, version)
			SELECT 'kb', id, version FROM kb_articles WHERE id > $1 ORDER BY id`, []any{b.base.Articles}},
		// Explicit ids leave the identity sequences behind; move them past the new rows.
		{"advance ids", `SELECT
			setval(pg_get_serial_sequence('clients', 'id'), greatest((SELECT max(id) FROM clients), 1)),
			setval(pg_get_serial_sequence('users', 'id'), greatest((SELECT max(id) FROM users), 1)),
			setval(pg_get_serial_sequence('tickets', 'id'), greatest((SELECT max(id) FROM tickets), 1)),
			setval(pg_get_serial_sequence('comments', 'id'), greatest((SELECT max(id) FROM comments), 1)),
			setval(pg_get_serial_sequence('kb_categories', 'id'), greatest((SELECT max(id) FROM kb_categories), 1)),
			setval(pg_get_serial_sequence('kb_articles', 'id'), greatest((SELECT max(id) FROM kb_articles), 1))`, nil},
		// The planner's statistics of what was loaded: without them it reads a word of the typo
		// vocabulary through the trigram index (seconds, not microseconds), and the search's
		// estimates of how common a word is are blind.
		{"analyze", `ANALYZE tickets, comments, kb_articles, ticket_search, kb_search, search_words`, nil},
		{"notify indexer", `SELECT pg_notify('search_outbox', '')`, nil},
	}
	for _, st := range steps {
		if _, err := b.tx.Exec(ctx, st.sql, st.args...); err != nil {
			return fmt.Errorf("bulk load: %s: %w", st.what, err)
		}
	}
	return nil
}

// Row types for bulk loading carry explicit ids so that generated rows can reference each other.
type (
	ClientRow struct {
		ID                 int64
		Name               string
		SLAResponseMinutes int
		ContractEnd        *time.Time
		CreatedAt          time.Time
	}
	UserRow struct {
		ID           int64
		Email, Name  string
		Role         auth.Role
		ClientID     *int64
		PasswordHash string
		Locale       string
		CreatedAt    time.Time
	}
	CategoryRow struct {
		ID         int64
		Name, Slug string
		CreatedAt  time.Time
	}
	ArticleRow struct {
		ID                       int64
		Slug, Title, Body        string
		CategoryID               *int64
		Tags                     []string
		Locale, Audience, Status string
		AuthorID                 *int64
		CreatedAt, UpdatedAt     time.Time
		PublishedAt              *time.Time
	}
	TicketRow struct {
		ID, ClientID, CreatedBy                        int64
		AssigneeID                                     *int64
		Title, Description, Status, Priority, Category string
		Tags                                           []string
		CreatedAt, UpdatedAt                           time.Time
		FirstResponseAt, ResolvedAt                    *time.Time
	}
	CommentRow struct {
		ID, TicketID, AuthorID int64
		Body                   string
		Internal               bool
		CreatedAt              time.Time
	}
)

// copyRows streams rows produced by next into table; next fills vals and reports whether it did.
func (b *BulkLoader) copyRows(ctx context.Context, table string, columns []string, next func() ([]any, bool)) (int64, error) {
	src := &funcSource{next: next}
	n, err := b.tx.CopyFrom(ctx, pgx.Identifier{table}, columns, src)
	if err != nil {
		return n, fmt.Errorf("bulk load %s: %w", table, classify(err))
	}
	return n, nil
}

type funcSource struct {
	next func() ([]any, bool)
	vals []any
}

func (f *funcSource) Next() bool {
	var ok bool
	f.vals, ok = f.next()
	return ok
}
func (f *funcSource) Values() ([]any, error) { return f.vals, nil }
func (f *funcSource) Err() error             { return nil }

// CopyClients loads clients; next fills the row and reports false when there are no more.
func (b *BulkLoader) CopyClients(ctx context.Context, next func(*ClientRow) bool) (int64, error) {
	var r ClientRow
	return b.copyRows(ctx, "clients", []string{"id", "name", "sla_response_minutes", "contract_end", "created_at", "updated_at"},
		func() ([]any, bool) {
			if !next(&r) {
				return nil, false
			}
			return []any{r.ID, r.Name, r.SLAResponseMinutes, r.ContractEnd, r.CreatedAt, r.CreatedAt}, true
		})
}

// CopyUsers loads users.
func (b *BulkLoader) CopyUsers(ctx context.Context, next func(*UserRow) bool) (int64, error) {
	var r UserRow
	return b.copyRows(ctx, "users", []string{"id", "email", "name", "role", "client_id", "password_hash", "locale", "created_at"},
		func() ([]any, bool) {
			if !next(&r) {
				return nil, false
			}
			return []any{r.ID, r.Email, r.Name, r.Role, r.ClientID, r.PasswordHash, r.Locale, r.CreatedAt}, true
		})
}

// CopyCategories loads KB categories.
func (b *BulkLoader) CopyCategories(ctx context.Context, next func(*CategoryRow) bool) (int64, error) {
	var r CategoryRow
	return b.copyRows(ctx, "kb_categories", []string{"id", "name", "slug", "created_at"},
		func() ([]any, bool) {
			if !next(&r) {
				return nil, false
			}
			return []any{r.ID, r.Name, r.Slug, r.CreatedAt}, true
		})
}

// CopyArticles loads KB articles.
func (b *BulkLoader) CopyArticles(ctx context.Context, next func(*ArticleRow) bool) (int64, error) {
	var r ArticleRow
	return b.copyRows(ctx, "kb_articles", []string{"id", "slug", "title", "body", "body_text", "category_id", "tags", "locale",
		"audience", "status", "author_id", "created_at", "updated_at", "published_at", "search_vec", "vec_source", "vec_version"},
		func() ([]any, bool) {
			if !next(&r) {
				return nil, false
			}
			text := markdown.PlainText(r.Body)
			vec, src := articleVector(b.an, r.Title, text, r.Locale)
			return []any{r.ID, r.Slug, r.Title, r.Body, text, r.CategoryID, r.Tags, r.Locale, r.Audience, r.Status,
				r.AuthorID, r.CreatedAt, r.UpdatedAt, r.PublishedAt, vec, src, vectorVersion}, true
		})
}

// CopyTickets loads tickets.
func (b *BulkLoader) CopyTickets(ctx context.Context, next func(*TicketRow) bool) (int64, error) {
	var r TicketRow
	return b.copyRows(ctx, "tickets", []string{"id", "client_id", "created_by", "assignee_id", "title", "description",
		"status", "priority", "category", "tags", "created_at", "updated_at", "first_response_at", "resolved_at",
		"text_vec", "vec_source", "vec_version"},
		func() ([]any, bool) {
			if !next(&r) {
				return nil, false
			}
			vec, src := ticketVector(b.an, r.Title, r.Description)
			return []any{r.ID, r.ClientID, r.CreatedBy, r.AssigneeID, r.Title, r.Description, r.Status, r.Priority,
				r.Category, r.Tags, r.CreatedAt, r.UpdatedAt, r.FirstResponseAt, r.ResolvedAt, vec, src, vectorVersion}, true
		})
}

// CopyComments loads comments.
func (b *BulkLoader) CopyComments(ctx context.Context, next func(*CommentRow) bool) (int64, error) {
	var r CommentRow
	return b.copyRows(ctx, "comments", []string{"id", "ticket_id", "author_id", "body", "internal", "created_at",
		"search_vec", "vec_source", "vec_version"},
		func() ([]any, bool) {
			if !next(&r) {
				return nil, false
			}
			vec, src := commentVector(b.an, r.Body, r.Internal)
			return []any{r.ID, r.TicketID, r.AuthorID, r.Body, r.Internal, r.CreatedAt, vec, src, vectorVersion}, true
		})
}
