package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"helpdesk/internal/procs"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// FreshResult is the change-to-searchable delay at one steady write rate.
type FreshResult struct {
	Rate         int // writes/s asked for
	Achieved     float64
	Writes       int
	Delay        Stats // from the API's 201 to the ticket being returned by search
	WriteLatency Stats // of the API call itself
	PollInterval time.Duration
	NeverSeen    int
}

const freshPoll = 10 * time.Millisecond

// freshness writes tickets through the API at each steady rate while a real indexer runs,
// and polls Elasticsearch's live alias for them; it deletes what it wrote afterwards.
func (r *runner) freshness(ctx context.Context, d *dataset) ([]FreshResult, error) {
	ix, err := procs.Start(ctx, r.cfg.Bin, "indexer", "INDEXER_ADDR", "/healthz", d.env)
	if err != nil {
		return nil, err
	}
	defer ix.Stop()
	portal, err := procs.Start(ctx, r.cfg.Bin, "portal", "PORTAL_ADDR", "/readyz", append(d.env, unthrottled...))
	if err != nil {
		return nil, err
	}
	defer portal.Stop()
	_, client, token, _, err := viewers(ctx, d.st)
	if err != nil {
		return nil, err
	}
	var written []int64
	defer func() {
		// Put the data set back as it was, through the outbox like any delete.
		for _, id := range written {
			_ = d.st.DeleteTicket(context.WithoutCancel(ctx), id)
		}
		if err := r.waitDrained(ctx, d, 5*time.Minute); err != nil {
			r.logf("putting the data set back: %v", err)
		}
	}()
	var out []FreshResult
	for _, rate := range r.cfg.WriteRates {
		res, ids, err := r.steadyWrites(ctx, d, portal, token, client.ClientID, rate)
		written = append(written, ids...)
		if err != nil {
			return nil, err
		}
		r.logf("change-to-searchable at %d writes/s: median %s, p99 %s, max %s over %d writes (achieved %.0f/s)",
			rate, ms(res.Delay.P50), ms(res.Delay.P99), ms(res.Delay.Max), res.Writes, res.Achieved)
		out = append(out, *res)
	}
	return out, nil
}

type write struct {
	id        int64
	committed time.Time
}

func (r *runner) steadyWrites(ctx context.Context, d *dataset, portal *procs.Process, token string, clientID int64, rate int) (*FreshResult, []int64, error) {
	res := &FreshResult{Rate: rate, PollInterval: freshPoll}
	seen := make(chan write, 1024)
	var (
		mu       sync.Mutex
		ids      []int64
		writeLat []time.Duration
		failures []error
		wg       sync.WaitGroup
	)
	rng := rand.New(rand.NewPCG(uint64(rate), 1))
	words := []string{"impresora", "vpn", "correo", "outlook", "wifi", "backup", "licencia", "portátil"}
	interval := time.Second / time.Duration(rate)
	n := int(r.cfg.WriteDuration / interval)
	// The poller runs beside the writers from the first write on.
	type polled struct {
		delays []time.Duration
		never  int
		err    error
	}
	pollDone := make(chan polled, 1)
	go func() {
		delays, never, err := r.pollSearchable(ctx, d, seen)
		pollDone <- polled{delays, never, err}
	}()
	began := time.Now()
	tick := time.NewTicker(interval)
	for i := range n {
		<-tick.C
		body, _ := json.Marshal(map[string]any{"client_id": clientID,
			"title":       fmt.Sprintf("Bench %s %s %d", words[rng.IntN(len(words))], words[rng.IntN(len(words))], i),
			"description": "Escrito por el benchmark de frescura: " + words[rng.IntN(len(words))]})
		wg.Add(1)
		go func() { // open loop: a slow answer does not slow the rate
			defer wg.Done()
			req, _ := http.NewRequestWithContext(ctx, "POST", portal.URL("/api/v1/tickets"), bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "application/json")
			t0 := time.Now()
			var reply struct {
				ID int64 `json:"id"`
			}
			_, err := r.fetchJSON(req, &reply)
			committed := time.Now()
			if err != nil {
				mu.Lock()
				failures = append(failures, err)
				mu.Unlock()
				return
			}
			mu.Lock()
			ids = append(ids, reply.ID)
			writeLat = append(writeLat, committed.Sub(t0))
			mu.Unlock()
			seen <- write{reply.ID, committed}
		}()
	}
	tick.Stop()
	wg.Wait()
	close(seen)
	p := <-pollDone
	delays, never, err := p.delays, p.never, p.err
	elapsed := time.Since(began)
	if err != nil {
		return nil, ids, err
	}
	if len(failures) > 0 {
		return nil, ids, fmt.Errorf("%d of %d writes failed, first: %w", len(failures), n, failures[0])
	}
	res.Writes = len(ids)
	res.Achieved = float64(n) / r.cfg.WriteDuration.Seconds()
	res.Delay = summarise(delays, never, elapsed)
	res.WriteLatency = summarise(writeLat, 0, elapsed)
	res.NeverSeen = never
	if never > 0 {
		return nil, ids, fmt.Errorf("%d tickets never became searchable within a minute", never)
	}
	return res, ids, nil
}

// pollSearchable asks the live tickets alias, every freshPoll, which of the written tickets it
// returns, and records for each the time from its commit to the first answer that had it.
func (r *runner) pollSearchable(ctx context.Context, d *dataset, in <-chan write) ([]time.Duration, int, error) {
	pending := map[int64]time.Time{}
	var delays []time.Duration
	open := true
	var lastWrite time.Time
	for open || len(pending) > 0 {
		// Take whatever was written since the last poll.
		for drained := false; open && !drained; {
			select {
			case w, ok := <-in:
				if !ok {
					open = false
					lastWrite = time.Now()
					break
				}
				pending[w.id] = w.committed
			default:
				drained = true
			}
		}
		if len(pending) > 0 {
			found, at, err := r.searchIDs(ctx, d, pending)
			if err != nil {
				for range in { // let the writers finish
				}
				return nil, 0, err
			}
			for _, id := range found {
				delays = append(delays, at.Sub(pending[id]))
				delete(pending, id)
			}
		}
		if !open && time.Since(lastWrite) > time.Minute {
			return delays, len(pending), nil
		}
		time.Sleep(freshPoll)
	}
	slices.Sort(delays)
	return delays, 0, nil
}

// searchIDs returns which of the ids a search on the live tickets alias returns now.
func (r *runner) searchIDs(ctx context.Context, d *dataset, pending map[int64]time.Time) ([]int64, time.Time, error) {
	values := make([]string, 0, len(pending))
	for id := range pending {
		values = append(values, fmt.Sprint(id))
	}
	body, _ := json.Marshal(map[string]any{"size": len(values), "_source": false,
		"query": map[string]any{"ids": map[string]any{"values": values}}})
	req, err := http.NewRequestWithContext(ctx, "POST", strings.TrimRight(r.cfg.ElasticsearchURL, "/")+"/"+d.es.Alias("ticket")+"/_search", bytes.NewReader(body))
	if err != nil {
		return nil, time.Time{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	var reply struct {
		Hits struct {
			Hits []struct {
				ID string `json:"_id"`
			} `json:"hits"`
		} `json:"hits"`
	}
	if _, err := r.fetchJSON(req, &reply); err != nil {
		return nil, time.Time{}, err
	}
	at := time.Now()
	var found []int64
	for _, h := range reply.Hits.Hits {
		var id int64
		if _, err := fmt.Sscan(h.ID, &id); err == nil {
			found = append(found, id)
		}
	}
	return found, at, nil
}

// waitDrained waits for the indexer to empty the outbox, reporting progress every 10s.
func (r *runner) waitDrained(ctx context.Context, d *dataset, within time.Duration) error {
	deadline := time.Now().Add(within)
	last := time.Now()
	for {
		ob, err := d.st.OutboxStats(ctx)
		if err == nil && ob.Pending == 0 {
			return nil
		}
		if time.Since(last) > 10*time.Second && err == nil {
			r.logf("outbox: %d changes pending", ob.Pending)
			last = time.Now()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("outbox not drained after %s: %+v, %v", within, ob, err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
}
