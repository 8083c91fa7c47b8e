package indexer

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestHealth: the loop's state as /healthz tells it: down before it runs and after it stops
// or when it stopped starting batches; degraded while batches fail; ok once one succeeds.
func TestHealth(t *testing.T) {
	ix := New(nil, nil, nil, nil, Options{})
	t0 := time.Unix(1_700_000_000, 0)
	status := func(now time.Time) string { return ix.Health(now).Status }
	if s := status(t0); s != "down" {
		t.Errorf("before Run: %s", s)
	}
	ix.loop.run(true, t0)
	if s := status(t0); s != "ok" {
		t.Errorf("just started: %s", s)
	}
	ix.loop.attempt(t0.Add(time.Second))
	ix.loop.done(t0.Add(2*time.Second), errors.New("elasticsearch: connection refused"))
	h := ix.Health(t0.Add(3 * time.Second))
	if h.Status != "degraded" || h.Error == "" || h.FailingSeconds == nil || *h.FailingSeconds != 1 || h.LastSuccessSeconds != nil {
		t.Errorf("failing: %+v", h)
	}
	ix.loop.attempt(t0.Add(4 * time.Second))
	ix.loop.done(t0.Add(5*time.Second), nil)
	h = ix.Health(t0.Add(6 * time.Second))
	if h.Status != "ok" || h.Error != "" || h.FailingSeconds != nil || *h.LastSuccessSeconds != 1 {
		t.Errorf("recovered: %+v", h)
	}
	stuck := t0.Add(4*time.Second + ix.opts.Poll + ix.opts.MaxBackoff + ix.opts.BatchTimeout + time.Minute)
	if h := ix.Health(stuck); h.Status != "down" || h.Error == "" {
		t.Errorf("no batch for long: %+v", h)
	}
	ix.loop.run(false, t0.Add(7*time.Second))
	rec := httptest.NewRecorder()
	ix.HealthHandler()(rec, httptest.NewRequest("GET", "/healthz", nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("stopped: /healthz answered %d %s", rec.Code, rec.Body)
	}
}
