package indexer

import (
	"context"
	"testing"
	"time"
)

// TestWaitForWork: while backing off, a notification keeps the indexer waiting, but a listener
// that has just (re)connected ends the wait: the database is back and notifications were missed.
func TestWaitForWork(t *testing.T) {
	for _, tc := range []struct {
		name       string
		backingOff bool
		signal     string
		returns    bool
	}{
		{"idle, notified", false, "wake", true},
		{"idle, listening again", false, "listening", true},
		{"backing off, notified", true, "wake", false},
		{"backing off, listening again", true, "listening", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			wake, listening := make(chan struct{}, 1), make(chan struct{}, 1)
			done := make(chan struct{})
			go func() {
				defer close(done)
				waitForWork(ctx, time.Hour, tc.backingOff, wake, listening)
			}()
			if tc.signal == "wake" {
				wake <- struct{}{}
			} else {
				listening <- struct{}{}
			}
			if tc.returns {
				select {
				case <-done:
				case <-time.After(10 * time.Second):
					t.Fatal("still waiting after the signal")
				}
				return
			}
			select {
			case <-done:
				t.Fatal("the signal ended the wait")
			case <-time.After(200 * time.Millisecond):
			}
			cancel() // and a cancelled context always ends it
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("still waiting after the context ended")
			}
		})
	}
}
