package portal

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"helpdesk/store"
)

// heldWriter is a store that takes batches only once released, as a database that hangs.
type heldWriter struct {
	release chan struct{}
	mu      sync.Mutex
	events  int
	actions int
	batches int
}

func (w *heldWriter) RecordSearchInsights(ctx context.Context, events []store.SearchEvent, actions []store.SearchAction) error {
	select {
	case <-w.release:
	case <-ctx.Done():
		return ctx.Err()
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.events, w.actions, w.batches = w.events+len(events), w.actions+len(actions), w.batches+1
	return nil
}

func (w *heldWriter) counts() (events, actions, batches int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.events, w.actions, w.batches
}

func testEvent() insight {
	return insight{event: &store.SearchEvent{ID: newEventID(), At: time.Now(), Query: "vpn", Engine: "postgres", Lang: "es",
		Reader: store.ReaderAnonymous, Source: store.SearchFromPage}}
}

// TestRecorderDropsWhenFull: with the writer stuck and the buffer full, recording neither
// blocks nor grows: each insight past the buffer is dropped and counted.
func TestRecorderDropsWhenFull(t *testing.T) {
	t.Parallel()
	w := &heldWriter{release: make(chan struct{})}
	r := newRecorder(w, prometheus.NewRegistry(), slog.New(slog.DiscardHandler), 10, 1, time.Hour)
	r.record(testEvent()) // taken by the writer, which holds it
	time.Sleep(50 * time.Millisecond)
	start := time.Now()
	for range 1000 {
		r.record(testEvent())
	}
	if took := time.Since(start); took > 500*time.Millisecond {
		t.Errorf("recording 1,000 insights into a full buffer took %v", took)
	}
	if dropped := counterValue(r.counts.WithLabelValues("dropped")); dropped < 990 || dropped > 991 {
		t.Errorf("dropped %v, want 990 (991 if the writer had not taken the first yet)", dropped)
	}
	close(w.release)
	r.close(5 * time.Second)
	events, _, _ := w.counts()
	dropped := int(counterValue(r.counts.WithLabelValues("dropped")))
	if events+dropped != 1001 || counterValue(r.counts.WithLabelValues("written")) != float64(events) {
		t.Errorf("written %d + dropped %d, want 1,001 in all", events, dropped)
	}
}

// TestRecorderBatchesAndFlushesOnClose: insights are written in batches of the set size, and
// what is still buffered is written at close, long before the next tick.
func TestRecorderBatchesAndFlushesOnClose(t *testing.T) {
	t.Parallel()
	w := &heldWriter{release: make(chan struct{})}
	close(w.release)
	r := newRecorder(w, prometheus.NewRegistry(), slog.New(slog.DiscardHandler), 100, 4, time.Hour)
	for range 10 {
		r.record(testEvent())
	}
	r.record(insight{action: &store.SearchAction{EventID: newEventID(), At: time.Now(), Kind: store.ActionTicket}})
	r.close(5 * time.Second)
	events, actions, batches := w.counts()
	if events != 10 || actions != 1 || batches != 3 {
		t.Errorf("wrote %d searches and %d actions in %d batches, want 10, 1 and 3", events, actions, batches)
	}
	r.close(time.Second)     // twice is harmless
	r.record(testEvent())    // after close: not written, never blocks
	var none *recorder       // insights off
	none.record(testEvent()) // nothing happens
	none.close(time.Second)
}

func TestFoldQuery(t *testing.T) {
	t.Parallel()
	long := ""
	for range 600 {
		long += "ñ"
	}
	for _, c := range []struct{ in, want string }{
		{"  Configuración   de la VPN ", "configuracion de la vpn"},
		{"IMPRESORA\tno\nimprime", "impresora no imprime"},
		{"Ça Marche", "ca marche"},
		{"bad \xff utf8", "bad utf8"},
		{"nul\x00byte", "nulbyte"},
		{"   ", ""},
		{long, string([]rune(strings.Repeat("n", 500)))},
	} {
		if got := foldQuery(c.in); got != c.want {
			t.Errorf("foldQuery(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestEventIDs(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 100 {
		id := newEventID()
		if !validEventID(id) || seen[id] {
			t.Fatalf("event id %q", id)
		}
		seen[id] = true
	}
	for _, bad := range []string{"", "1", "00000000-0000-4000-8000-00000000000G", "00000000000040008000000000000000", "00000000-0000-4000-8000-0000000000001"} {
		if validEventID(bad) {
			t.Errorf("validEventID(%q)", bad)
		}
	}
}

// counterValue reads a counter's value.
func counterValue(c prometheus.Counter) float64 {
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		return -1
	}
	return m.GetCounter().GetValue()
}

// BenchmarkRecordSearchEvent is what an anonymous search pays for insights: fold the text,
// draw an id, hand it over (the writer drains in the background).
func BenchmarkRecordSearchEvent(b *testing.B) {
	w := &heldWriter{release: make(chan struct{})}
	close(w.release)
	r := newRecorder(w, prometheus.NewRegistry(), slog.New(slog.DiscardHandler), insightsBuffer, insightsBatch, insightsFlushEvery)
	defer r.close(5 * time.Second)
	for b.Loop() {
		r.record(insight{event: &store.SearchEvent{ID: newEventID(), At: time.Now(), Query: foldQuery("¿Cómo configuro la  VPN en el portátil?"),
			Engine: "postgres", Lang: "es", Reader: store.ReaderAnonymous, Source: store.SearchFromPage}})
	}
}
