package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"helpdesk/internal/procs"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"helpdesk/indexer"
	"helpdesk/search/elasticsearch"
	"helpdesk/store"
)

// ReindexResult compares `portalctl reindex` with the same documents sent as prepared NDJSON.
type ReindexResult struct {
	Docs           int64
	NDJSONBytes    int64
	Reindex, Raw   []time.Duration // one per run
	ReindexRate    float64         // docs/s, median run
	RawRate        float64
	Ratio          float64 // ReindexRate / RawRate
	PrepareElapsed time.Duration
}

// Loader settings of the ceiling: those of the reindex's loader (two requests in flight,
// flushed at 4 MiB), so that only the work before _bulk differs.
const (
	rawWorkers    = 2
	rawFlushBytes = 4 << 20
)

func (r *runner) reindex(ctx context.Context, d *dataset) (*ReindexResult, error) {
	res := &ReindexResult{Docs: d.counts.Tickets + d.counts.Articles}
	r.logf("reindex: preparing NDJSON of %d documents for the ceiling", res.Docs)
	t0 := time.Now()
	chunks, size, err := prepareNDJSON(ctx, d.st, d.es)
	if err != nil {
		return nil, err
	}
	res.PrepareElapsed, res.NDJSONBytes = time.Since(t0), size
	r.logf("reindex: %d MiB of NDJSON in %s", size>>20, res.PrepareElapsed.Round(time.Millisecond))
	for run := range r.cfg.Runs {
		took, err := procs.RunTool(ctx, r.cfg.Bin, d.env, r.cfg.Log, "reindex")
		if err != nil {
			return nil, err
		}
		res.Reindex = append(res.Reindex, took)
		raw, err := r.rawLoad(ctx, d.es, chunks)
		if err != nil {
			return nil, err
		}
		res.Raw = append(res.Raw, raw)
		r.logf("reindex run %d/%d: portalctl reindex %s (%.0f docs/s), raw _bulk %s (%.0f docs/s)", run+1, r.cfg.Runs,
			took.Round(time.Millisecond), rate(res.Docs, took), raw.Round(time.Millisecond), rate(res.Docs, raw))
	}
	res.ReindexRate = rate(res.Docs, medianDuration(res.Reindex))
	res.RawRate = rate(res.Docs, medianDuration(res.Raw))
	res.Ratio = res.ReindexRate / res.RawRate
	return res, nil
}

func rate(n int64, d time.Duration) float64 { return float64(n) / d.Seconds() }

// prepareNDJSON reads every document the way a reindex does and encodes it as _bulk lines,
// in bodies of at most rawFlushBytes, per kind.
func prepareNDJSON(ctx context.Context, st *store.Store, es *elasticsearch.Backend) (map[string][][]byte, int64, error) {
	out := map[string][][]byte{}
	var total int64
	for _, kind := range elasticsearch.Kinds {
		var cur []byte
		readCtx, stop := context.WithCancel(ctx)
		defer stop() // on an early return, the reader ends too
		pages, readErr := indexer.ReadAhead(readCtx, st, kind)
		for docs := range pages {
			for _, doc := range docs {
				before := len(cur)
				var err error
				if cur, err = es.AppendBulkIndex(cur, doc); err != nil {
					return nil, 0, err
				}
				if len(cur) > rawFlushBytes && before > 0 {
					out[kind] = append(out[kind], cur[:before:before])
					cur = append([]byte(nil), cur[before:]...)
				}
			}
		}
		if err := readErr(); err != nil {
			return nil, 0, err
		}
		if len(cur) > 0 {
			out[kind] = append(out[kind], cur)
		}
		for _, c := range out[kind] {
			total += int64(len(c))
		}
	}
	return out, total, nil
}

// rawLoad times loading the prepared bodies into fresh indices with the reindex's settings,
// up to the refresh that makes them searchable; the indices are dropped afterwards.
func (r *runner) rawLoad(ctx context.Context, es *elasticsearch.Backend, chunks map[string][][]byte) (time.Duration, error) {
	t0 := time.Now()
	var made []string
	defer func() {
		for _, name := range made {
			_ = es.AbortReindex(context.WithoutCancel(ctx), name)
		}
	}()
	for _, kind := range elasticsearch.Kinds {
		name, err := es.BeginReindex(ctx, kind)
		if err != nil {
			return 0, err
		}
		made = append(made, name)
		work := make(chan []byte)
		errc := make(chan error, rawWorkers)
		var wg sync.WaitGroup
		for range rawWorkers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for body := range work {
					if err := r.esDo(ctx, "POST", "/"+name+"/_bulk", "application/x-ndjson", body, checkBulk); err != nil {
						errc <- err
						return
					}
				}
			}()
		}
		for _, body := range chunks[kind] {
			work <- body
		}
		close(work)
		wg.Wait()
		close(errc)
		if err := <-errc; err != nil {
			return 0, err
		}
		if err := r.esDo(ctx, "PUT", "/"+name+"/_settings", "application/json", []byte(`{"index":{"refresh_interval":null}}`), nil); err != nil {
			return 0, err
		}
		if err := r.esDo(ctx, "POST", "/"+name+"/_refresh", "application/json", nil, nil); err != nil {
			return 0, err
		}
	}
	return time.Since(t0), nil
}

// checkBulk fails when any item of a _bulk answer failed.
func checkBulk(body []byte) error {
	var reply struct {
		Errors bool `json:"errors"`
	}
	if err := json.Unmarshal(body, &reply); err != nil {
		return fmt.Errorf("bulk reply: %w", err)
	}
	if reply.Errors {
		return fmt.Errorf("bulk: some items failed: %.500s", body)
	}
	return nil
}

// esDo sends one request straight to Elasticsearch and checks the answer.
func (r *runner) esDo(ctx context.Context, method, path, contentType string, body []byte, check func([]byte) error) error {
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(r.cfg.ElasticsearchURL, "/")+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", contentType)
	res, err := r.client.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: status %d: %.500s", method, path, res.StatusCode, b)
	}
	if check != nil {
		return check(b)
	}
	return nil
}
