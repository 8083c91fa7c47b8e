package jobs

import (
	"context"
	"fmt"
	"testing"
	"time"

	"helpdesk/store"
)

// recordInsights stores n searches (each with a click) at each of the given ages.
func recordInsights(t *testing.T, st *store.Store, ages ...time.Duration) {
	t.Helper()
	var events []store.SearchEvent
	var actions []store.SearchAction
	for i, age := range ages {
		id := fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1)
		at := time.Now().Add(-age)
		events = append(events, store.SearchEvent{ID: id, At: at, Query: "vpn", Engine: "postgres", Lang: "es",
			Reader: store.ReaderAnonymous, Source: store.SearchFromPage})
		actions = append(actions, store.SearchAction{EventID: id, At: at, Kind: store.ActionClick, Position: 1, DocType: "kb", DocID: 1})
	}
	if err := st.RecordSearchInsights(context.Background(), events, actions); err != nil {
		t.Fatal(err)
	}
}

func insightRows(t *testing.T, st *store.Store) (events, actions int) {
	t.Helper()
	if err := st.Pool().QueryRow(context.Background(), `SELECT (SELECT count(*) FROM search_events), (SELECT count(*) FROM search_actions)`).Scan(&events, &actions); err != nil {
		t.Fatal(err)
	}
	return events, actions
}

// TestSearchInsightsRetention: the worker's daily job, run at start, deletes the searches and
// clicks older than SEARCH_INSIGHTS_DAYS and keeps the others; with 0 days it keeps none.
func TestSearchInsightsRetention(t *testing.T) {
	t.Parallel()
	day := 24 * time.Hour
	t.Run("through the worker", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		recordInsights(t, w.st, 100*day, 31*day, 29*day, time.Hour)
		w.start(t, func(c *Config) { c.SearchInsightsDays = 30 })
		waitFor(t, "old insights deleted", func() bool {
			events, actions := insightRows(t, w.st)
			return events == 2 && actions == 2
		})
	})
	for _, c := range []struct {
		days         int
		events, kept int
		ages         []time.Duration
	}{
		{days: 90, ages: []time.Duration{91 * day, 89 * day, 0}, kept: 2},
		{days: 1, ages: []time.Duration{2 * day, time.Hour}, kept: 1},
		{days: 0, ages: []time.Duration{2 * day, time.Minute}, kept: 0},
	} {
		t.Run(fmt.Sprintf("%d days", c.days), func(t *testing.T) {
			t.Parallel()
			st := pg.NewStore(t)
			recordInsights(t, st, c.ages...)
			wk, err := New(st, Config{SearchInsightsDays: c.days})
			if err != nil {
				t.Fatal(err)
			}
			if err := wk.deleteOldInsights(context.Background()); err != nil {
				t.Fatal(err)
			}
			if events, actions := insightRows(t, st); events != c.kept || actions != c.kept {
				t.Errorf("kept %d searches and %d clicks, want %d", events, actions, c.kept)
			}
		})
	}
}
