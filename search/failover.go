package search

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Failover asks the primary engine (Elasticsearch) with a short timeout and answers from the
// fallback (Postgres) when it fails. After Threshold failures in a row a circuit breaker opens:
// searches go straight to the fallback for Cooldown, then one search probes the primary and
// closes the breaker if it answers.
type Failover struct {
	primary, fallback Searcher
	timeout           time.Duration
	threshold         int
	cooldown          time.Duration
	now               func() time.Time
	log               *slog.Logger

	mu       sync.Mutex
	failures int
	openedAt time.Time // zero: closed
	probing  bool
}

// FailoverOptions tune the wrapper; zero values take the defaults.
type FailoverOptions struct {
	Timeout   time.Duration // per primary search (default 2s)
	Threshold int           // failures that open the breaker (default 3)
	Cooldown  time.Duration // how long it stays open before a probe (default 10s)
	Now       func() time.Time
	Log       *slog.Logger
}

// NewFailover wraps primary with fallback. A nil primary means no Elasticsearch configured:
// every search goes to the fallback.
func NewFailover(primary, fallback Searcher, o FailoverOptions) *Failover {
	if o.Timeout <= 0 {
		o.Timeout = 2 * time.Second
	}
	if o.Threshold <= 0 {
		o.Threshold = 3
	}
	if o.Cooldown <= 0 {
		o.Cooldown = 10 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return &Failover{primary: primary, fallback: fallback, timeout: o.Timeout, threshold: o.Threshold,
		cooldown: o.Cooldown, now: o.Now, log: o.Log}
}

// Search answers q from the primary when it can, else from the fallback.
func (f *Failover) Search(ctx context.Context, q Query) (*Result, error) {
	nq, err := q.Normalize()
	if err != nil {
		return nil, err // the same for every engine: no point asking another
	}
	if len(nq.VisibleTypes()) == 0 {
		// Nothing the viewer may see (an anonymous visitor asking for tickets): no engine needs
		// asking, and an answer that asked none must not pass for a probe that succeeded.
		return NewResult(f.Engine(), nq), nil
	}
	if f.allow() {
		pctx, cancel := context.WithTimeout(ctx, f.timeout)
		r, err := f.primary.Search(pctx, q)
		cancel()
		if err == nil {
			f.succeeded()
			return r, nil
		}
		if ctx.Err() != nil { // the caller gave up: not the engine's fault
			return nil, ctx.Err()
		}
		f.failed(err)
	}
	return f.fallback.Search(ctx, q)
}

// Engine names the engine searches go to now.
func (f *Failover) Engine() string {
	if f.primary == nil {
		return EnginePostgres
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.openedAt.IsZero() {
		return EngineElasticsearch
	}
	return EnginePostgres
}

// Breaker states, as /readyz and the metrics name them.
const (
	BreakerNone     = "none" // no primary: nothing to break
	BreakerClosed   = "closed"
	BreakerOpen     = "open"
	BreakerHalfOpen = "half-open" // one search is probing the primary
)

// Breaker says the circuit breaker's state.
func (f *Failover) Breaker() string {
	if f.primary == nil {
		return BreakerNone
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case f.openedAt.IsZero():
		return BreakerClosed
	case f.probing:
		return BreakerHalfOpen
	}
	return BreakerOpen
}

// Health is what the readiness check shows of search.
type Health struct {
	// Status is ok, degraded (the fallback answers, or the cluster is yellow) or down (the
	// primary cannot answer: the fallback does).
	Status  string `json:"status"`
	Engine  string `json:"engine"` // the engine searches go to now
	Breaker string `json:"breaker"`
	Cluster string `json:"cluster,omitempty"` // green, yellow or red, when the primary tells
	Error   string `json:"error,omitempty"`
}

// Health states.
const (
	StatusOK       = "ok"
	StatusDegraded = "degraded"
	StatusDown     = "down"
)

// clusterHealther is a primary that can tell its cluster's health (Elasticsearch).
type clusterHealther interface {
	ClusterHealth(ctx context.Context) (string, error)
}

// Health asks the primary how it is, without touching the breaker: a health check is not a
// search and must not close or open it.
func (f *Failover) Health(ctx context.Context) Health {
	h := Health{Status: StatusOK, Engine: f.Engine(), Breaker: f.Breaker()}
	if f.primary == nil {
		return h
	}
	if ch, ok := f.primary.(clusterHealther); ok {
		cluster, err := ch.ClusterHealth(ctx)
		switch {
		case err != nil:
			h.Status, h.Error = StatusDown, "unreachable"
		case cluster == "red":
			h.Status, h.Cluster = StatusDown, cluster
		case cluster != "green":
			h.Status, h.Cluster = StatusDegraded, cluster
		default:
			h.Cluster = cluster
		}
	}
	if h.Status == StatusOK && h.Breaker != BreakerClosed {
		h.Status = StatusDegraded
	}
	return h
}

// allow reports whether this search should try the primary.
func (f *Failover) allow() bool {
	if f.primary == nil {
		return false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.openedAt.IsZero() {
		return true
	}
	if f.probing || f.now().Sub(f.openedAt) < f.cooldown {
		return false
	}
	f.probing = true // one probe at a time; the others keep using the fallback
	return true
}

func (f *Failover) succeeded() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.openedAt.IsZero() {
		f.log.Info("search engine back; circuit closed", "engine", EngineElasticsearch)
	}
	f.failures, f.openedAt, f.probing = 0, time.Time{}, false
}

func (f *Failover) failed(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failures++
	switch {
	case f.probing:
		f.openedAt, f.probing = f.now(), false
	case f.openedAt.IsZero() && f.failures >= f.threshold:
		f.openedAt = f.now()
		f.log.Warn("search engine failing; circuit open, answering from postgres", "err", err, "cooldown", f.cooldown.String())
	default:
		f.log.Warn("search engine failed; answering from postgres", "err", err)
	}
}
