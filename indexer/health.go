package indexer

import (
	"encoding/json"
	"net/http"
	"sync"
	"time"
)

// loop records what the indexing loop last did, for its health check.
type loop struct {
	mu           sync.Mutex
	running      bool
	lastAttempt  time.Time // a batch started
	lastSuccess  time.Time // a batch finished well
	failingSince time.Time // zero while batches succeed
	lastErr      string
}

func (l *loop) run(running bool, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.running = running
	if running && l.lastAttempt.IsZero() {
		l.lastAttempt = now
	}
}

func (l *loop) attempt(now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lastAttempt = now
}

func (l *loop) done(now time.Time, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err == nil {
		l.lastSuccess, l.failingSince, l.lastErr = now, time.Time{}, ""
		return
	}
	if l.failingSince.IsZero() {
		l.failingSince = now
	}
	l.lastErr = err.Error()
}

// Health is the loop's state, as the indexer's /healthz shows it.
type Health struct {
	// Status is ok; degraded when batches fail (Elasticsearch or Postgres away: the outbox
	// keeps the changes, and a restart would not help); down when the loop does not run or has
	// started no batch for longer than a poll, the longest back-off and a batch's timeout take.
	Status             string   `json:"status"`
	LastBatchSeconds   *float64 `json:"last_batch_seconds,omitempty"`   // since a batch started
	LastSuccessSeconds *float64 `json:"last_success_seconds,omitempty"` // since one finished well
	FailingSeconds     *float64 `json:"failing_seconds,omitempty"`
	Error              string   `json:"error,omitempty"`
}

// Health reports the loop's state at now.
func (ix *Indexer) Health(now time.Time) Health {
	l := &ix.loop
	l.mu.Lock()
	defer l.mu.Unlock()
	since := func(t time.Time) *float64 {
		if t.IsZero() {
			return nil
		}
		s := now.Sub(t).Seconds()
		return &s
	}
	h := Health{Status: "ok", LastBatchSeconds: since(l.lastAttempt), LastSuccessSeconds: since(l.lastSuccess),
		FailingSeconds: since(l.failingSince), Error: l.lastErr}
	stuckAfter := ix.opts.Poll + ix.opts.MaxBackoff + ix.opts.BatchTimeout + 30*time.Second
	switch {
	case !l.running:
		h.Status = "down"
	case now.Sub(l.lastAttempt) > stuckAfter:
		h.Status, h.Error = "down", "no batch started for "+now.Sub(l.lastAttempt).Round(time.Second).String()
	case !l.failingSince.IsZero():
		h.Status = "degraded"
	}
	return h
}

// HealthHandler serves Health as JSON: 503 when down, so a supervisor restarts a dead or stuck
// loop, and 200 otherwise.
func (ix *Indexer) HealthHandler() http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		h := ix.Health(time.Now())
		w.Header().Set("Content-Type", "application/json")
		if h.Status == "down" {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		_ = json.NewEncoder(w).Encode(h)
	}
}
