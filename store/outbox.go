package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Change is one outbox row: a document that changed.
type Change struct {
	ID      int64 // the outbox row
	DocType string
	DocID   int64
	Version int64
	Deleted bool
}

// OutboxBatch is a claimed set of changes with the current state of their documents.
type OutboxBatch struct {
	Changes  []Change
	Tickets  map[int64]TicketDoc // absent: the ticket no longer exists
	Articles map[int64]Article   // absent: the article no longer exists
}

// OutboxOutcome tells ProcessOutbox what became of each change: done ones are deleted, failed
// ones wait before their next try.
type OutboxOutcome struct {
	Failed map[int64]string // outbox row id -> error
}

// ProcessOutbox claims up to limit pending changes, oldest first, skipping rows another
// indexer holds; loads their documents; calls fn; then, in the same transaction, deletes the
// changes fn did not report as failed. If fn returns an error nothing is deleted: the changes
// stay for the next try. It returns the number of changes claimed.
func (s *Store) ProcessOutbox(ctx context.Context, limit int, fn func(ctx context.Context, b *OutboxBatch) (OutboxOutcome, error)) (int, error) {
	claimed := 0
	err := s.Transact(ctx, func(tx *Store) error {
		rows, err := tx.db.Query(ctx, `SELECT id, doc_type, doc_id, version, deleted FROM search_outbox
			WHERE not_before <= now() ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`, limit)
		if err != nil {
			return fmt.Errorf("claim outbox: %w", err)
		}
		changes, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Change])
		if err != nil {
			return fmt.Errorf("claim outbox: %w", err)
		}
		claimed = len(changes)
		if claimed == 0 {
			return nil
		}
		b := &OutboxBatch{Changes: changes, Tickets: map[int64]TicketDoc{}, Articles: map[int64]Article{}}
		var ticketIDs, articleIDs []int64
		for _, c := range changes {
			if c.DocType == "ticket" {
				ticketIDs = append(ticketIDs, c.DocID)
			} else {
				articleIDs = append(articleIDs, c.DocID)
			}
		}
		if len(ticketIDs) > 0 {
			docs, err := tx.TicketDocs(ctx, ticketIDs)
			if err != nil {
				return err
			}
			for _, d := range docs {
				b.Tickets[d.ID] = d
			}
		}
		if len(articleIDs) > 0 {
			docs, err := tx.ArticleDocs(ctx, articleIDs)
			if err != nil {
				return err
			}
			for _, d := range docs {
				b.Articles[d.ID] = d
			}
		}
		outcome, err := fn(ctx, b)
		if err != nil {
			return err
		}
		var done, failed []int64
		var reasons []string
		for _, c := range changes {
			if reason, bad := outcome.Failed[c.ID]; bad {
				failed = append(failed, c.ID)
				reasons = append(reasons, reason)
			} else {
				done = append(done, c.ID)
			}
		}
		if _, err := tx.db.Exec(ctx, `DELETE FROM search_outbox WHERE id = ANY($1)`, done); err != nil {
			return fmt.Errorf("outbox: delete done: %w", err)
		}
		if len(failed) > 0 {
			// Back off per row: 1s, 2s, 4s… up to 5 minutes.
			_, err := tx.db.Exec(ctx, `UPDATE search_outbox o SET attempts = o.attempts + 1, last_error = f.reason,
					not_before = now() + least(interval '5 minutes', interval '1 second' * power(2, o.attempts))
				FROM unnest($1::bigint[], $2::text[]) AS f(id, reason) WHERE o.id = f.id`, failed, reasons)
			if err != nil {
				return fmt.Errorf("outbox: record failures: %w", err)
			}
		}
		return nil
	})
	return claimed, err
}

// WaitForOutboxClaims returns once every indexer batch in flight has committed or rolled
// back; batches claimed afterwards see whatever the caller changed before calling it.
func (s *Store) WaitForOutboxClaims(ctx context.Context) error {
	return s.Transact(ctx, func(tx *Store) error {
		// EXCLUSIVE conflicts with the ROW SHARE lock that claiming (FOR UPDATE) takes.
		if _, err := tx.db.Exec(ctx, `LOCK TABLE search_outbox IN EXCLUSIVE MODE`); err != nil {
			return fmt.Errorf("wait for indexer batches: %w", err)
		}
		return nil
	})
}

// OutboxFailures returns the number of changes that failed at least once and the newest error.
func (s *Store) OutboxFailures(ctx context.Context) (int64, string, error) {
	var n int64
	var last *string
	err := s.db.QueryRow(ctx, `SELECT count(*), (SELECT last_error FROM search_outbox WHERE attempts > 0
		ORDER BY id DESC LIMIT 1) FROM search_outbox WHERE attempts > 0`).Scan(&n, &last)
	if err != nil {
		return 0, "", fmt.Errorf("outbox failures: %w", err)
	}
	if last == nil {
		return n, "", nil
	}
	return n, *last, nil
}

// TicketDocsAfter loads up to limit ticket documents with ids above after, in id order: the
// reindex walks the table with it.
func (s *Store) TicketDocsAfter(ctx context.Context, after int64, limit int) ([]TicketDoc, error) {
	rows, err := s.db.Query(ctx, `SELECT id FROM tickets WHERE id > $1 ORDER BY id LIMIT $2`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("ticket ids: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	return s.TicketDocs(ctx, ids)
}

// ArticleDocsAfter loads up to limit KB articles with ids above after, in id order.
func (s *Store) ArticleDocsAfter(ctx context.Context, after int64, limit int) ([]Article, error) {
	rows, err := s.db.Query(ctx, articleSelect+` WHERE a.id > $1 ORDER BY a.id LIMIT $2`, after, limit)
	return all[Article](rows, err, "article documents")
}

// DocVersions returns the id and version of every ticket or article: consistency checks
// compare them with the index.
func (s *Store) DocVersions(ctx context.Context, docType string) (map[int64]int64, error) {
	table := "tickets"
	if docType == "kb" {
		table = "kb_articles"
	}
	rows, err := s.db.Query(ctx, `SELECT id, version FROM `+table)
	if err != nil {
		return nil, fmt.Errorf("doc versions: %w", err)
	}
	defer rows.Close()
	out := map[int64]int64{}
	for rows.Next() {
		var id, v int64
		if err := rows.Scan(&id, &v); err != nil {
			return nil, fmt.Errorf("doc versions: %w", err)
		}
		out[id] = v
	}
	return out, rows.Err()
}
