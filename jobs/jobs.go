// Package jobs is the worker: River on Postgres works the jobs the store queues with each
// change (events, exports) and the periodic ones (the SLA check every minute, the daily
// report). An event fans out into one delivery job per person and channel, queued in the same
// transaction that completes the event, so each delivery is retried on its own and none is
// lost when a worker dies. Any number of workers may run: River hands each job to one of them
// and elects one leader to insert the periodic jobs, which are unique per period as well.
package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"
	"go.opentelemetry.io/otel/trace"

	"helpdesk/mail"
	"helpdesk/store"
	"helpdesk/tracing"
)

// DefaultQueueSizes are the workers per queue: 25 in all, as the Sidekiq setup this replaces.
var DefaultQueueSizes = map[string]int{store.QueueCritical: 5, store.QueueDefault: 15, store.QueueLow: 5}

// Config is what the worker needs besides the store.
type Config struct {
	QueueSizes map[string]int // missing queues take DefaultQueueSizes
	// Mail sends the mails; nil logs them instead (an installation without SMTP).
	Mail *mail.Sender
	// ChatWebhookURL receives Slack-compatible messages; empty: no chat.
	ChatWebhookURL string
	ChatLang       string // the chat channel's language, "es" or "en"
	PortalURL      string // links in messages, without a trailing slash
	ReportTZ       *time.Location
	ReportHour     int // the daily report's hour in ReportTZ (9)
	// SearchInsightsDays is how long search insights are kept (SEARCH_INSIGHTS_DAYS); a daily
	// job deletes older ones, all of them with 0.
	SearchInsightsDays int
	Log                *slog.Logger
	Registry           prometheus.Registerer // nil: no metrics
	Now                func() time.Time      // nil: time.Now
	HTTP               *http.Client          // nil: a client with a 10 s timeout
	// PollInterval is how often idle workers look for jobs besides Postgres's notifications
	// (default 1 s).
	PollInterval time.Duration
	// Tracing, when set, makes a span of each job (the store traces its own statements).
	Tracing trace.TracerProvider
}

// Worker works the queues until its context ends.
type Worker struct {
	st      *store.Store
	cfg     Config
	client  *river.Client[pgx.Tx]
	metrics *metrics
	name    string
}

// New builds a worker on st.
func New(st *store.Store, cfg Config) (*Worker, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.ReportTZ == nil {
		cfg.ReportTZ = time.UTC
	}
	if cfg.ChatLang == "" {
		cfg.ChatLang = "es"
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	host, _ := os.Hostname()
	w := &Worker{st: st, cfg: cfg, metrics: newMetrics(cfg.Registry, st), name: fmt.Sprintf("%s:%d", host, os.Getpid())}

	workers := river.NewWorkers()
	river.AddWorker(workers, &eventWorker{w: w})
	river.AddWorker(workers, &mailWorker{w: w})
	river.AddWorker(workers, &chatWorker{w: w})
	river.AddWorker(workers, &slaWorker{w: w})
	river.AddWorker(workers, &dailyReportWorker{w: w})
	river.AddWorker(workers, &exportWorker{w: w})
	river.AddWorker(workers, &insightsRetentionWorker{w: w})
	queues := map[string]river.QueueConfig{}
	for _, q := range store.Queues {
		n := cfg.QueueSizes[q]
		if n <= 0 {
			n = DefaultQueueSizes[q]
		}
		queues[q] = river.QueueConfig{MaxWorkers: n}
	}
	var middleware []rivertype.Middleware
	if cfg.Tracing != nil {
		middleware = append(middleware, &traceJobs{tracer: tracing.Tracer(cfg.Tracing)})
	}
	client, err := river.NewClient(riverpgxv5.New(st.Pool()), &river.Config{
		Middleware:        middleware,
		Queues:            queues,
		Workers:           workers,
		MaxAttempts:       store.MaxAttempts,
		RetryPolicy:       backoff{base: time.Second, max: time.Hour},
		FetchPollInterval: cfg.PollInterval,
		// A queue fetches at most once per cooldown (River's default 100 ms): with 15 workers
		// that capped a queue at 150 jobs/s. 20 ms lets a busy queue refill as its jobs end.
		FetchCooldown: 20 * time.Millisecond,
		// A job that outlives its worker (SIGKILL, a lost machine) is handed out again once
		// it has been running longer than any job takes.
		JobTimeout:           time.Minute,
		RescueStuckJobsAfter: 90 * time.Second,
		Logger:               cfg.Log.With("part", "river"),
		ID:                   w.name,
		// Keep what happened for a week: discarded and cancelled jobs are the ones to look at.
		CompletedJobRetentionPeriod: 24 * time.Hour,
		CancelledJobRetentionPeriod: 7 * 24 * time.Hour,
		DiscardedJobRetentionPeriod: 7 * 24 * time.Hour,
		PeriodicJobs: []*river.PeriodicJob{
			river.NewPeriodicJob(river.PeriodicInterval(time.Minute), func() (river.JobArgs, *river.InsertOpts) {
				return slaArgs{}, nil
			}, &river.PeriodicJobOpts{ID: "sla", RunOnStart: true}),
			river.NewPeriodicJob(dailyAt{hour: cfg.ReportHour, tz: cfg.ReportTZ}, w.dailyReportArgs,
				&river.PeriodicJobOpts{ID: "daily_report", RunOnStart: true}),
			river.NewPeriodicJob(dailyAt{hour: 3, tz: time.UTC}, func() (river.JobArgs, *river.InsertOpts) {
				return insightsRetentionArgs{}, nil
			}, &river.PeriodicJobOpts{ID: "search_insights_retention", RunOnStart: true}),
		},
	})
	if err != nil {
		return nil, fmt.Errorf("worker: %w", err)
	}
	w.client = client
	return w, nil
}

// Name identifies this worker (host:pid) in heartbeats and River's records.
func (w *Worker) Name() string { return w.name }

// Run works jobs until ctx ends, then stops taking new ones and lets running ones finish
// (for up to 10 s; what is cut short runs again elsewhere).
func (w *Worker) Run(ctx context.Context) error {
	if err := w.client.Start(ctx); err != nil {
		return fmt.Errorf("worker: start: %w", err)
	}
	events, cancel := w.client.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed, river.EventKindJobCancelled)
	defer cancel()
	started := w.cfg.Now()
	beat := time.NewTicker(10 * time.Second)
	defer beat.Stop()
	w.heartbeat(ctx, started)
	for {
		select {
		case <-ctx.Done():
			stop, done := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer done()
			err := w.client.Stop(stop)
			if gone := w.st.WorkerGone(stop, w.name); gone != nil {
				w.cfg.Log.Warn("remove heartbeat", "err", gone)
			}
			if err != nil && stop.Err() == nil {
				return fmt.Errorf("worker: stop: %w", err)
			}
			return nil
		case <-beat.C:
			w.heartbeat(ctx, started)
		case e, ok := <-events:
			if ok {
				w.metrics.observe(e)
			}
		}
	}
}

func (w *Worker) heartbeat(ctx context.Context, started time.Time) {
	if err := w.st.WorkerHeartbeat(ctx, w.name, started); err != nil && ctx.Err() == nil {
		w.cfg.Log.Warn("heartbeat", "err", err)
	}
}

// backoff waits base·2^(attempt-1), at most max, with ±20% jitter so jobs that failed together
// do not all come back together.
type backoff struct{ base, max time.Duration }

// NextRetry implements river.ClientRetryPolicy.
func (b backoff) NextRetry(job *rivertype.JobRow) time.Time {
	d := b.base
	for i := 1; i < job.Attempt && d < b.max; i++ {
		d *= 2
	}
	d = min(d, b.max)
	jitter := time.Duration((rand.Float64()*0.4 - 0.2) * float64(d))
	return time.Now().Add(d + jitter)
}
