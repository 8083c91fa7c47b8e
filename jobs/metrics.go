package jobs

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"

	"helpdesk/store"
)

// metrics are the worker's: jobs by queue and state (read from Postgres at each scrape), the
// wait from a job's due time to its start, failures, and deliveries with their delay from
// the change that caused them.
type metrics struct {
	wait     *prometheus.HistogramVec
	failures *prometheus.CounterVec
	sent     *prometheus.CounterVec
	delay    *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer, st *store.Store) *metrics {
	m := &metrics{
		wait: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "helpdesk_job_wait_seconds",
			Help: "Time from when a job was due to when a worker started it.", Buckets: prometheus.ExponentialBuckets(0.005, 2.5, 12)},
			[]string{"queue", "kind"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "helpdesk_job_failures_total",
			Help: "Job attempts that failed (to be retried, or discarded after the last), and jobs given up as cancelled."},
			[]string{"queue", "kind", "outcome"}),
		sent: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "helpdesk_notifications_delivered_total",
			Help: "Notifications accepted by the mail server or the chat webhook."}, []string{"channel"}),
		delay: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "helpdesk_notification_delay_seconds",
			Help: "Time from the change that caused a notification to its delivery.", Buckets: prometheus.ExponentialBuckets(0.01, 2.5, 14)},
			[]string{"channel"}),
	}
	if reg != nil {
		reg.MustRegister(m.wait, m.failures, m.sent, m.delay, queueCollector{st})
	}
	return m
}

func (m *metrics) observe(e *river.Event) {
	j := e.Job
	if j == nil {
		return
	}
	if j.AttemptedAt != nil && j.Attempt == 1 {
		m.wait.WithLabelValues(j.Queue, j.Kind).Observe(max(j.AttemptedAt.Sub(j.ScheduledAt), 0).Seconds())
	}
	switch e.Kind {
	case river.EventKindJobFailed:
		outcome := "retry"
		if j.Attempt >= j.MaxAttempts {
			outcome = "discarded"
		}
		m.failures.WithLabelValues(j.Queue, j.Kind, outcome).Inc()
	case river.EventKindJobCancelled:
		m.failures.WithLabelValues(j.Queue, j.Kind, "cancelled").Inc()
	}
}

func (m *metrics) delivered(channel string, since, now time.Time) {
	m.sent.WithLabelValues(channel).Inc()
	if !since.IsZero() {
		m.delay.WithLabelValues(channel).Observe(max(now.Sub(since), 0).Seconds())
	}
}

// queueCollector counts the jobs of each queue by state when scraped.
type queueCollector struct{ st *store.Store }

var jobsDesc = prometheus.NewDesc("helpdesk_jobs", "Jobs in the queue by queue and state.", []string{"queue", "state"}, nil)

func (queueCollector) Describe(ch chan<- *prometheus.Desc) { ch <- jobsDesc }

func (q queueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	states, err := q.st.JobStates(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(jobsDesc, err)
		return
	}
	for queue, byState := range states {
		for _, s := range []string{"available", "scheduled", "running", "retryable", "completed", "cancelled", "discarded"} {
			ch <- prometheus.MustNewConstMetric(jobsDesc, prometheus.GaugeValue, float64(byState[s]), queue, s)
		}
	}
}
