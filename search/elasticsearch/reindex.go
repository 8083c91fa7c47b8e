package elasticsearch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"helpdesk/search"
)

// BeginReindex creates a fresh index for kind and points the pending alias at it, so that the
// indexer writes every change to it as well as to the live index. An index left behind by an
// interrupted reindex is removed first.
func (b *Backend) BeginReindex(ctx context.Context, kind string) (string, error) {
	stale, err := b.indicesOf(ctx, b.pendingAlias(kind))
	if err != nil {
		return "", err
	}
	// So is an index with no alias at all: a reindex killed between its alias swap and dropping
	// the old index leaves one.
	orphans, err := b.unaliased(ctx, kind)
	if err != nil {
		return "", err
	}
	for _, name := range append(stale, orphans...) {
		if err := b.deleteIndex(ctx, name); err != nil {
			return "", err
		}
	}
	// And an index bearing the pending alias's own name: a delete the indexer sent through the
	// alias just as a reindex removed it makes one (require_alias holds for index actions, not
	// for deletes), and the alias could never be made again.
	res, err := b.es.Indices.Delete([]string{b.pendingAlias(kind)}, b.es.Indices.Delete.WithContext(ctx),
		b.es.Indices.Delete.WithIgnoreUnavailable(true))
	if err := check(res, err, "delete the stray index "+b.pendingAlias(kind)); err != nil {
		return "", err
	}
	name := b.newIndexName(kind)
	body := b.indexBody(kind, map[string]any{b.pendingAlias(kind): map[string]any{}})
	// No refreshes while loading: much faster, and nobody searches this index yet.
	body["settings"].(map[string]any)["refresh_interval"] = "-1"
	if err := b.createIndex(ctx, name, body); err != nil {
		return "", err
	}
	return name, nil
}

// unaliased lists kind's physical indices that no alias points at.
func (b *Backend) unaliased(ctx context.Context, kind string) ([]string, error) {
	pattern := b.Alias(kind) + "_v*"
	res, err := b.es.Indices.GetAlias(b.es.Indices.GetAlias.WithContext(ctx), b.es.Indices.GetAlias.WithIndex(pattern))
	if err != nil {
		return nil, fmt.Errorf("%w: list indices %s: %v", search.ErrUnavailable, pattern, err)
	}
	defer drain(res)
	if res.StatusCode == http.StatusNotFound {
		return nil, nil
	}
	if res.IsError() {
		return nil, responseError(res, "list indices "+pattern)
	}
	var byIndex map[string]struct {
		Aliases map[string]any `json:"aliases"`
	}
	if err := json.NewDecoder(res.Body).Decode(&byIndex); err != nil {
		return nil, fmt.Errorf("list indices %s: %w", pattern, err)
	}
	var out []string
	for name, idx := range byIndex {
		if len(idx.Aliases) == 0 {
			out = append(out, name)
		}
	}
	return out, nil
}

// Loader bulk-loads documents into one index: it encodes them into _bulk bodies of about
// loaderFlushBytes and keeps loaderWorkers requests in flight.
type Loader struct {
	b     *Backend
	index string
	buf   []byte
	work  chan []byte
	wg    sync.WaitGroup

	mu     sync.Mutex
	errs   []error
	failed int
}

const (
	loaderWorkers    = 2
	loaderFlushBytes = 4 << 20
	loaderRetries    = 5
)

// NewLoader starts a loader for index; its requests and pauses end with ctx.
func (b *Backend) NewLoader(ctx context.Context, index string) (*Loader, error) {
	l := &Loader{b: b, index: index, work: make(chan []byte), buf: make([]byte, 0, loaderFlushBytes+64<<10)}
	for range loaderWorkers {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for body := range l.work {
				l.send(ctx, body)
			}
		}()
	}
	return l, nil
}

func (l *Loader) record(n int, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.failed += n
	if len(l.errs) < 5 {
		l.errs = append(l.errs, err)
	}
}

// Add queues a document with its external version.
func (l *Loader) Add(ctx context.Context, d *search.Document) error {
	var err error
	if l.buf, err = l.b.AppendBulkIndex(l.buf, d); err != nil {
		return err
	}
	if len(l.buf) >= loaderFlushBytes {
		return l.flush(ctx)
	}
	return nil
}

func (l *Loader) flush(ctx context.Context) error {
	if len(l.buf) == 0 {
		return nil
	}
	body := l.buf
	l.buf = make([]byte, 0, cap(body))
	select {
	case l.work <- body:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// send posts one body. Items refused for load (429) make it go again after a pause: with
// external versions a document sent twice is simply indexed twice. A 409 means a newer
// version arrived through the indexer meanwhile: that document is done.
func (l *Loader) send(ctx context.Context, body []byte) {
	for attempt := 0; ; attempt++ {
		retry, err := l.post(ctx, body)
		if err == nil {
			return
		}
		if !retry || attempt == loaderRetries {
			l.record(bytes.Count(body, []byte("\n"))/2, err)
			return
		}
		pause := time.NewTimer(time.Duration(250<<attempt) * time.Millisecond)
		select {
		case <-pause.C:
		case <-ctx.Done():
			pause.Stop()
			l.record(bytes.Count(body, []byte("\n"))/2, fmt.Errorf("%w (after: %w)", ctx.Err(), err))
			return
		}
	}
}

func (l *Loader) post(ctx context.Context, body []byte) (retry bool, err error) {
	res, err := l.b.es.Bulk(bytes.NewReader(body), l.b.es.Bulk.WithContext(ctx), l.b.es.Bulk.WithIndex(l.index))
	if err != nil {
		return false, fmt.Errorf("%w: bulk: %w", search.ErrUnavailable, err)
	}
	defer drain(res)
	if res.StatusCode == http.StatusTooManyRequests {
		return true, responseError(res, "bulk")
	}
	if res.IsError() {
		return false, responseError(res, "bulk")
	}
	reply, err := io.ReadAll(res.Body)
	if err != nil {
		return false, fmt.Errorf("%w: bulk reply: %w", search.ErrUnavailable, err)
	}
	// The usual answer says so first thing: no need to decode thousands of items.
	if i := bytes.Index(reply, []byte(`"errors":`)); i >= 0 && i < 64 && bytes.HasPrefix(reply[i+len(`"errors":`):], []byte("false")) {
		return false, nil
	}
	var parsed struct {
		Items []map[string]struct {
			ID     string `json:"_id"`
			Status int    `json:"status"`
			Error  struct {
				Type   string `json:"type"`
				Reason string `json:"reason"`
			} `json:"error"`
		} `json:"items"`
	}
	if err := json.Unmarshal(reply, &parsed); err != nil {
		return false, fmt.Errorf("bulk reply: %w", err)
	}
	var first error
	failed := 0
	for _, item := range parsed.Items {
		for _, r := range item {
			switch {
			case r.Status < 300, r.Status == http.StatusConflict:
			case r.Status == http.StatusTooManyRequests:
				retry = true
			default:
				failed++
				if first == nil {
					first = fmt.Errorf("document %s: status %d: %s: %s", r.ID, r.Status, r.Error.Type, r.Error.Reason)
				}
			}
		}
	}
	if retry { // the whole body goes again: its other failures are counted on the last try
		return true, fmt.Errorf("bulk: items refused with 429 (Elasticsearch overloaded)")
	}
	if failed > 0 {
		l.record(failed, first)
	}
	return false, nil
}

// Close sends what is queued, waits for every request and reports any document that failed.
func (l *Loader) Close(ctx context.Context) error {
	err := l.flush(ctx)
	close(l.work)
	l.wg.Wait()
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.failed > 0 {
		return fmt.Errorf("bulk load: %d documents failed, first: %w", l.failed, errors.Join(l.errs...))
	}
	return nil
}

// FinishReindex makes index live for kind: refreshes it, then in one atomic alias update moves
// the read alias to it and drops the pending alias; the old indices are deleted afterwards.
func (b *Backend) FinishReindex(ctx context.Context, kind, index string) error {
	res, err := b.es.Indices.PutSettings(strings.NewReader(`{"index":{"refresh_interval":null}}`),
		b.es.Indices.PutSettings.WithContext(ctx), b.es.Indices.PutSettings.WithIndex(index))
	if err := check(res, err, "restore refresh interval"); err != nil {
		return err
	}
	res, err = b.es.Indices.Refresh(b.es.Indices.Refresh.WithContext(ctx), b.es.Indices.Refresh.WithIndex(index))
	if err := check(res, err, "refresh "+index); err != nil {
		return err
	}
	old, err := b.indicesOf(ctx, b.Alias(kind))
	if err != nil {
		return err
	}
	actions := []any{
		obj{"add": obj{"index": index, "alias": b.Alias(kind)}},
		obj{"remove": obj{"index": index, "alias": b.pendingAlias(kind)}},
	}
	for _, o := range old {
		if o != index {
			actions = append(actions, obj{"remove": obj{"index": o, "alias": b.Alias(kind)}})
		}
	}
	res, err = b.es.Indices.UpdateAliases(jsonBody(obj{"actions": actions}), b.es.Indices.UpdateAliases.WithContext(ctx))
	if err := check(res, err, "swap alias "+b.Alias(kind)); err != nil {
		return err
	}
	for _, o := range old {
		if o != index {
			if err := b.deleteIndex(ctx, o); err != nil {
				return err
			}
		}
	}
	return nil
}

// AbortReindex drops an index being built; the live one is untouched.
func (b *Backend) AbortReindex(ctx context.Context, index string) error {
	return b.deleteIndex(ctx, index)
}

// Count returns the number of documents behind kind's alias.
func (b *Backend) Count(ctx context.Context, kind string) (int64, error) {
	res, err := b.es.Count(b.es.Count.WithContext(ctx), b.es.Count.WithIndex(b.Alias(kind)))
	if err != nil {
		return 0, fmt.Errorf("%w: count: %v", search.ErrUnavailable, err)
	}
	defer drain(res)
	if res.StatusCode == http.StatusNotFound { // no index yet: nothing indexed
		return 0, nil
	}
	if res.IsError() {
		return 0, responseError(res, "count "+b.Alias(kind))
	}
	var reply struct {
		Count int64 `json:"count"`
	}
	if err := decode(res.Body, &reply); err != nil {
		return 0, err
	}
	return reply.Count, nil
}

// Versions returns the id and version of every document behind kind's alias, for checks that
// the index equals Postgres.
func (b *Backend) Versions(ctx context.Context, kind string) (map[int64]int64, error) {
	out := map[int64]int64{}
	var after []any
	for {
		body := obj{"size": search.MaxWindow, "_source": false, "version": true, "sort": []any{obj{"id": "asc"}},
			"query": obj{"match_all": obj{}}}
		if after != nil {
			body["search_after"] = after
		}
		res, err := b.es.Search(b.es.Search.WithContext(ctx), b.es.Search.WithIndex(b.Alias(kind)), b.es.Search.WithBody(jsonBody(body)))
		if err != nil {
			return nil, fmt.Errorf("%w: versions: %v", search.ErrUnavailable, err)
		}
		var reply struct {
			Hits struct {
				Hits []struct {
					ID      string `json:"_id"`
					Version int64  `json:"_version"`
					Sort    []any  `json:"sort"`
				} `json:"hits"`
			} `json:"hits"`
		}
		if res.IsError() {
			err := responseError(res, "versions")
			drain(res)
			return nil, err
		}
		err = decode(res.Body, &reply)
		drain(res)
		if err != nil {
			return nil, err
		}
		if len(reply.Hits.Hits) == 0 {
			return out, nil
		}
		for _, h := range reply.Hits.Hits {
			id, err := strconv.ParseInt(h.ID, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("versions: document id %q", h.ID)
			}
			out[id] = h.Version
		}
		after = reply.Hits.Hits[len(reply.Hits.Hits)-1].Sort
	}
}

// AppendBulkIndex appends to dst the two _bulk lines that index d with its external version:
// exactly what a Loader sends for it. The benchmark prepares NDJSON with it to measure the
// ceiling a reindex is compared against.
func (b *Backend) AppendBulkIndex(dst []byte, d *search.Document) ([]byte, error) {
	src, err := json.Marshal(b.source(d))
	if err != nil {
		return dst, err
	}
	// The action line holds only numbers: written by hand, not through a map per document.
	dst = append(dst, `{"index":{"_id":"`...)
	dst = strconv.AppendInt(dst, d.ID, 10)
	dst = append(dst, `","version":`...)
	dst = strconv.AppendInt(dst, d.Version, 10)
	dst = append(dst, `,"version_type":"external_gte"}}`+"\n"...)
	return append(append(dst, src...), '\n'), nil
}
