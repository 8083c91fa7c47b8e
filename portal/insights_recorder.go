package portal

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"regexp"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"helpdesk/store"
)

// insightsWriter stores batches of search insights (the store does).
type insightsWriter interface {
	RecordSearchInsights(ctx context.Context, events []store.SearchEvent, actions []store.SearchAction) error
}

// insight is one search or one action, in the order they happened: a click never reaches the
// writer before the search it names.
type insight struct {
	event  *store.SearchEvent
	action *store.SearchAction
}

// recorder takes search insights off the request path: requests hand them to a bounded
// channel and never wait; one goroutine writes them in batches. When the channel is full the
// insight is dropped and counted: insights are worth less than a search's latency.
type recorder struct {
	w      insightsWriter
	ch     chan insight
	counts *prometheus.CounterVec // by outcome: written, dropped, failed
	log    *slog.Logger
	batch  int
	every  time.Duration
	quit   chan struct{}
	done   chan struct{}
}

// Recorder sizes: room for a few seconds of a busy portal's searches, and batches that stay
// one cheap statement.
const (
	insightsBuffer     = 8192
	insightsBatch      = 500
	insightsFlushEvery = time.Second
	insightsWriteLimit = 5 * time.Second
)

func newRecorder(w insightsWriter, reg prometheus.Registerer, log *slog.Logger, buffer, batch int, every time.Duration) *recorder {
	r := &recorder{w: w, ch: make(chan insight, buffer), log: log, batch: batch, every: every,
		quit: make(chan struct{}), done: make(chan struct{}),
		counts: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "portal_search_insights_total",
			Help: "Search insights (searches, clicks, ticket follow-ups) by outcome: written, dropped (the buffer was full), failed (the write failed)."},
			[]string{"outcome"})}
	for _, o := range []string{"written", "dropped", "failed"} {
		r.counts.WithLabelValues(o) // present at 0, so alerts and rates see the series
	}
	reg.MustRegister(r.counts)
	go r.run()
	return r
}

// record hands x to the writer, or drops it when the buffer is full; it never blocks. A nil
// recorder (insights off) records nothing.
func (r *recorder) record(x insight) {
	if r == nil {
		return
	}
	select {
	case r.ch <- x:
	default:
		r.counts.WithLabelValues("dropped").Inc()
	}
}

func (r *recorder) run() {
	defer close(r.done)
	tick := time.NewTicker(r.every)
	defer tick.Stop()
	var events []store.SearchEvent
	var actions []store.SearchAction
	add := func(x insight) {
		if x.event != nil {
			events = append(events, *x.event)
		}
		if x.action != nil {
			actions = append(actions, *x.action)
		}
		if len(events)+len(actions) >= r.batch {
			r.flush(&events, &actions)
		}
	}
	for {
		select {
		case x := <-r.ch:
			add(x)
		case <-tick.C:
			r.flush(&events, &actions)
		case <-r.quit: // shutting down: write what is buffered, then stop
			for {
				select {
				case x := <-r.ch:
					add(x)
				default:
					r.flush(&events, &actions)
					return
				}
			}
		}
	}
}

func (r *recorder) flush(events *[]store.SearchEvent, actions *[]store.SearchAction) {
	n := len(*events) + len(*actions)
	if n == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), insightsWriteLimit)
	defer cancel()
	if err := r.w.RecordSearchInsights(ctx, *events, *actions); err != nil {
		r.counts.WithLabelValues("failed").Add(float64(n))
		r.log.Warn("write search insights", "rows", n, "err", err)
	} else {
		r.counts.WithLabelValues("written").Add(float64(n))
	}
	*events, *actions = (*events)[:0], (*actions)[:0]
}

// close writes what is buffered and stops the writer, waiting at most timeout. Insights
// recorded after it are dropped silently (the server is down by then).
func (r *recorder) close(timeout time.Duration) {
	if r == nil {
		return
	}
	select {
	case <-r.quit:
	default:
		close(r.quit)
	}
	select {
	case <-r.done:
	case <-time.After(timeout):
		r.log.Warn("search insights not all written at shutdown")
	}
}

// newEventID is a random UUID (version 4): events are written in batches, so no serial can
// name them in links and sessions before they are stored.
func newEventID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand never fails on supported platforms
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

var eventIDPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

func validEventID(s string) bool { return eventIDPattern.MatchString(s) }
