package indexer

import (
	"context"
	"fmt"
	"time"

	"helpdesk/search"
	"helpdesk/search/elasticsearch"
	"helpdesk/store"
)

// ReindexProgress reports a running reindex.
type ReindexProgress struct {
	Kind    string
	Done    int64
	Total   int64 // rows in Postgres when the reindex began
	Elapsed time.Duration
	Final   bool
}

const reindexPage = 1000

// Reindex rebuilds the index of each kind from Postgres while the live one keeps serving:
// a new index is created behind the pending alias (the indexer writes every change to both
// from then on), every row is bulk-loaded with its version, and the read alias moves to the
// new index in one atomic step. Interrupted, it drops the new index and the old one stays live.
func Reindex(ctx context.Context, st *store.Store, es *elasticsearch.Backend, kinds []string, progress func(ReindexProgress)) error {
	if err := es.EnsureIndices(ctx); err != nil {
		return err
	}
	counts, err := st.Counts(ctx)
	if err != nil {
		return err
	}
	for _, kind := range kinds {
		total := counts.Tickets
		if kind == search.TypeKB {
			total = counts.Articles
		}
		if err := reindexKind(ctx, st, es, kind, total, progress); err != nil {
			return fmt.Errorf("reindex %s: %w", kind, err)
		}
	}
	return nil
}

func reindexKind(ctx context.Context, st *store.Store, es *elasticsearch.Backend, kind string, total int64, progress func(ReindexProgress)) (err error) {
	name, err := es.BeginReindex(ctx, kind)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			if aerr := es.AbortReindex(context.WithoutCancel(ctx), name); aerr != nil {
				err = fmt.Errorf("%w (and dropping the unfinished index failed: %v)", err, aerr)
			}
		}
	}()
	// Batches claimed before the pending alias existed wrote to the live index only; once they
	// are done, every change reaches the new index through the indexer or through this load.
	if err := st.WaitForOutboxClaims(ctx); err != nil {
		return err
	}
	loader, err := es.NewLoader(ctx, name)
	if err != nil {
		return err
	}
	start := time.Now()
	report := func(done int64, final bool) {
		if progress != nil {
			progress(ReindexProgress{Kind: kind, Done: done, Total: total, Elapsed: time.Since(start), Final: final})
		}
	}
	// Pages are read ahead while the loader encodes and sends the previous ones: Postgres and
	// Elasticsearch work at the same time.
	readCtx, stopReading := context.WithCancel(ctx)
	defer stopReading()
	pages, readErr := ReadAhead(readCtx, st, kind)
	var done int64
	lastReport := time.Now()
	for docs := range pages {
		for _, d := range docs {
			if err := loader.Add(ctx, d); err != nil {
				stopReading()
				_ = loader.Close(context.WithoutCancel(ctx))
				return err
			}
		}
		done += int64(len(docs))
		if time.Since(lastReport) >= time.Second || done == int64(len(docs)) { // first page too
			report(done, false)
			lastReport = time.Now()
		}
	}
	if err := readErr(); err != nil {
		_ = loader.Close(context.WithoutCancel(ctx))
		return err
	}
	if err := loader.Close(ctx); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := es.FinishReindex(ctx, kind, name); err != nil {
		return err
	}
	report(done, true)
	return nil
}

// ReadAhead reads kind's documents in a goroutine of its own, a couple of
// pages ahead of the caller, who ranges over pages and then asks wait for the reader's error.
// Cancelling ctx stops the reader when the caller gives up early.
func ReadAhead(ctx context.Context, st *store.Store, kind string) (pages <-chan []*search.Document, wait func() error) {
	ch := make(chan []*search.Document, 2)
	errc := make(chan error, 1)
	go func() {
		defer close(ch)
		errc <- readDocuments(ctx, st, kind, ch)
	}()
	return ch, func() error { return <-errc }
}

// readDocuments sends every document of kind as the index holds it, a page at a time in id
// order, until done or ctx ends.
func readDocuments(ctx context.Context, st *store.Store, kind string, out chan<- []*search.Document) error {
	var after int64
	for {
		var docs []*search.Document
		if kind == search.TypeTicket {
			rows, err := st.TicketDocsAfter(ctx, after, reindexPage)
			if err != nil {
				return err
			}
			for _, r := range rows {
				docs = append(docs, TicketDocument(r))
			}
		} else {
			rows, err := st.ArticleDocsAfter(ctx, after, reindexPage)
			if err != nil {
				return err
			}
			for _, r := range rows {
				docs = append(docs, ArticleDocument(r))
			}
		}
		if len(docs) == 0 {
			return nil
		}
		select {
		case out <- docs:
		case <-ctx.Done():
			return ctx.Err()
		}
		after = docs[len(docs)-1].ID
	}
}
