// Package indexer streams every change of the canonical data into the search index: it
// consumes the outbox that Postgres triggers fill, at least once and in any number of
// processes, and rebuilds indices without downtime.
package indexer

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"helpdesk/search"
	"helpdesk/search/elasticsearch"
	"helpdesk/store"
)

// Sink receives index operations; the Elasticsearch backend is the one in production.
type Sink interface {
	Apply(ctx context.Context, ops []elasticsearch.Op) ([]elasticsearch.OpResult, error)
}

// Options tune the loop; zero values take the defaults.
type Options struct {
	BatchSize int           // changes per bulk request (default 500)
	Poll      time.Duration // how often to look without a notification (default 5s)
	// BatchTimeout bounds one batch from claim to commit. It must stay far below the index's
	// gc_deletes (10m) so a stalled batch can never write over a newer delete.
	BatchTimeout time.Duration        // default 60s
	MaxBackoff   time.Duration        // longest wait while Elasticsearch is down (default 30s)
	Tracing      trace.TracerProvider // optional: a span of each batch, its statements and bulk requests inside
}

func (o *Options) defaults() {
	if o.BatchSize <= 0 {
		o.BatchSize = 500
	}
	if o.Poll <= 0 {
		o.Poll = 5 * time.Second
	}
	if o.BatchTimeout <= 0 {
		o.BatchTimeout = 60 * time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 30 * time.Second
	}
	if o.Tracing == nil {
		o.Tracing = noop.NewTracerProvider()
	}
}

// Indexer moves outbox changes into the index.
type Indexer struct {
	store   *store.Store
	sink    Sink
	log     *slog.Logger
	opts    Options
	metrics *Metrics
	loop    loop
}

// New returns an indexer; metrics may be shared with the process's /metrics.
func New(st *store.Store, sink Sink, log *slog.Logger, m *Metrics, opts Options) *Indexer {
	opts.defaults()
	return &Indexer{store: st, sink: sink, log: log, opts: opts, metrics: m}
}

// Run processes changes until ctx is cancelled. A batch in hand when ctx ends is finished
// (within its timeout) before Run returns, and so is the outbox listener: nothing of the
// indexer runs on once Run has returned.
func (ix *Indexer) Run(ctx context.Context) error {
	ix.loop.run(true, time.Now())
	defer ix.loop.run(false, time.Now())
	wake := make(chan struct{}, 1)
	listening := make(chan struct{}, 1)
	listener := make(chan struct{})
	go func() {
		defer close(listener)
		ix.listen(ctx, wake, listening)
	}()
	defer func() { <-listener }()
	backoff := time.Duration(0)
	for ctx.Err() == nil {
		_, err := ix.Drain(ctx)
		if err != nil {
			backoff = min(max(backoff*2, 500*time.Millisecond), ix.opts.MaxBackoff)
			ix.log.Warn("indexing paused", "err", err, "retry_in", backoff.String())
		} else {
			backoff = 0
		}
		wait := ix.opts.Poll
		if backoff > 0 {
			wait = backoff
		}
		waitForWork(ctx, wait, backoff > 0, wake, listening)
	}
	return nil
}

// waitForWork returns after wait, or sooner when there is reason to look at the outbox again.
// While backing off, a notification is no such reason (it does not make Elasticsearch come back
// sooner), but a listener that has just connected is: the database is reachable again, and
// whatever it notified while the connection was down was missed.
func waitForWork(ctx context.Context, wait time.Duration, backingOff bool, wake, listening <-chan struct{}) {
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
			return
		case <-listening:
			return
		case <-wake:
			if !backingOff {
				return
			}
		}
	}
}

// Drain processes batches until the outbox has nothing ready or ctx ends; it returns how many
// changes it handled.
func (ix *Indexer) Drain(ctx context.Context) (int, error) {
	total := 0
	for ctx.Err() == nil {
		n, err := ix.Batch(ctx)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
	return total, nil
}

// Batch claims, indexes and acknowledges one batch of changes. It runs on a context detached
// from the caller's cancellation so that a shutdown finishes the batch instead of wasting it.
func (ix *Indexer) Batch(ctx context.Context) (int, error) {
	bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), ix.opts.BatchTimeout)
	defer cancel()
	bctx, span := ix.opts.Tracing.Tracer("helpdesk").Start(bctx, "indexer batch")
	defer span.End()
	start := time.Now()
	ix.loop.attempt(start)
	n, err := ix.store.ProcessOutbox(bctx, ix.opts.BatchSize, ix.apply)
	ix.loop.done(time.Now(), err)
	if err != nil {
		ix.metrics.failures.WithLabelValues("batch").Inc()
		return n, err
	}
	if n > 0 {
		ix.metrics.batchSeconds.Observe(time.Since(start).Seconds())
	}
	return n, nil
}

// apply turns a batch into index operations, one per document at its newest state.
func (ix *Indexer) apply(ctx context.Context, b *store.OutboxBatch) (store.OutboxOutcome, error) {
	type key struct {
		typ string
		id  int64
	}
	byDoc := map[key][]store.Change{}
	var order []key
	for _, c := range b.Changes {
		k := key{c.DocType, c.DocID}
		if _, seen := byDoc[k]; !seen {
			order = append(order, k)
		}
		byDoc[k] = append(byDoc[k], c)
	}
	ops := make([]elasticsearch.Op, 0, len(order))
	for _, k := range order {
		op := elasticsearch.Op{Kind: k.typ, ID: k.id}
		switch k.typ {
		case search.TypeTicket:
			if t, ok := b.Tickets[k.id]; ok {
				op.Doc, op.Version = TicketDocument(t), t.Version
			}
		case search.TypeKB:
			if a, ok := b.Articles[k.id]; ok {
				op.Doc, op.Version = ArticleDocument(a), a.Version
			}
		}
		if op.Doc == nil {
			// Gone from Postgres: a tombstone newer than any version the document had.
			for _, c := range byDoc[k] {
				op.Version = max(op.Version, c.Version)
			}
		}
		ops = append(ops, op)
	}
	start := time.Now()
	results, err := ix.sink.Apply(ctx, ops)
	ix.metrics.bulkSeconds.Observe(time.Since(start).Seconds())
	if err != nil {
		ix.metrics.failures.WithLabelValues("bulk").Inc()
		return store.OutboxOutcome{}, fmt.Errorf("bulk: %w", err)
	}
	out := store.OutboxOutcome{Failed: map[int64]string{}}
	for i, r := range results {
		if r.Err == nil {
			ix.metrics.indexed.WithLabelValues(ops[i].Kind).Inc()
			continue
		}
		ix.metrics.failures.WithLabelValues("document").Inc()
		ix.log.Error("document not indexed; will retry", "type", ops[i].Kind, "id", ops[i].ID, "err", r.Err)
		for _, c := range byDoc[key{ops[i].Kind, ops[i].ID}] {
			out.Failed[c.ID] = r.Err.Error()
		}
	}
	return out, nil
}

// listen forwards outbox notifications to wake, reconnecting as needed; the poll in Run covers
// whatever it misses. Each time LISTEN takes effect it signals listening.
func (ix *Indexer) listen(ctx context.Context, wake, listening chan<- struct{}) {
	for ctx.Err() == nil {
		err := ix.listenOnce(ctx, wake, listening)
		if ctx.Err() != nil {
			return
		}
		ix.log.Warn("outbox listener lost; reconnecting", "err", err)
		sleep(ctx, time.Second)
	}
}

func (ix *Indexer) listenOnce(ctx context.Context, wake, listening chan<- struct{}) error {
	conn, err := pgx.ConnectConfig(ctx, ix.store.Pool().Config().ConnConfig.Copy())
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, `LISTEN search_outbox`); err != nil {
		return err
	}
	select {
	case listening <- struct{}{}:
	default:
	}
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return err
		}
		select {
		case wake <- struct{}{}:
		default:
		}
	}
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// Metrics are the indexer's health, as Prometheus series.
type Metrics struct {
	indexed      *prometheus.CounterVec
	failures     *prometheus.CounterVec
	bulkSeconds  prometheus.Histogram
	batchSeconds prometheus.Histogram
}

// NewMetrics registers the indexer's metrics on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		indexed: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "indexer_documents_indexed_total",
			Help: "Documents written to or deleted from the index."}, []string{"type"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "indexer_failures_total",
			Help: "Failed batches, bulk requests and documents."}, []string{"kind"}),
		bulkSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "indexer_bulk_duration_seconds",
			Help: "Latency of _bulk requests.", Buckets: prometheus.ExponentialBuckets(0.002, 2, 14)}),
		batchSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "indexer_batch_duration_seconds",
			Help: "Claim-to-commit time of a batch.", Buckets: prometheus.ExponentialBuckets(0.002, 2, 14)}),
	}
	reg.MustRegister(m.indexed, m.failures, m.bulkSeconds, m.batchSeconds)
	return m
}

// BacklogCollector exports the outbox size and age, read from Postgres at scrape time.
func BacklogCollector(st *store.Store) prometheus.Collector {
	return &backlog{st: st,
		size: prometheus.NewDesc("indexer_backlog", "Changes waiting in the outbox.", nil, nil),
		age:  prometheus.NewDesc("indexer_oldest_pending_seconds", "Age of the oldest waiting change.", nil, nil),
	}
}

type backlog struct {
	st        *store.Store
	size, age *prometheus.Desc
}

func (b *backlog) Describe(ch chan<- *prometheus.Desc) { ch <- b.size; ch <- b.age }

func (b *backlog) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	st, err := b.st.OutboxStats(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(b.size, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(b.size, prometheus.GaugeValue, float64(st.Pending))
	ch <- prometheus.MustNewConstMetric(b.age, prometheus.GaugeValue, st.OldestAge.Seconds())
}
