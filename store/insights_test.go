package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"helpdesk/store"
)

// eventID is a fixed, valid UUID for test event n.
func eventID(n int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }

// TestSearchInsightsAggregates: totals, rates, and the three lists over known searches,
// clicks and follow-ups; searches out of the period and actions naming no stored search do
// not count.
func TestSearchInsightsAggregates(t *testing.T) {
	t.Parallel()
	st, ctx := pg.NewStore(t), context.Background()
	now := time.Now()
	ago := func(d time.Duration) time.Time { return now.Add(-d) }
	ev := func(n int, query string, results int64, source string, at time.Time) store.SearchEvent {
		return store.SearchEvent{ID: eventID(n), At: at, Query: query, Engine: "postgres", Results: results, Lang: "es",
			Reader: store.ReaderClient, Source: source}
	}
	events := []store.SearchEvent{
		ev(1, "vpn", 3, store.SearchFromPage, ago(time.Hour)),           // clicked a KB article: deflected
		ev(2, "vpn", 5, store.SearchFromPage, ago(2*time.Hour)),         // clicked a KB article, then a ticket
		ev(3, "vpn", 4, store.SearchFromAPI, ago(3*time.Hour)),          // API: no clicks to expect
		ev(4, "impresora", 0, store.SearchFromPage, ago(time.Hour)),     // nothing found, ticket
		ev(5, "impresora", 0, store.SearchFromPage, ago(time.Hour)),     // nothing found
		ev(6, "correo", 2, store.SearchFromPage, ago(time.Hour)),        // results, no click
		ev(7, "antigua", 0, store.SearchFromPage, ago(40*24*time.Hour)), // out of a 30-day period
	}
	actions := []store.SearchAction{
		{EventID: eventID(1), At: ago(time.Hour), Kind: store.ActionClick, Position: 1, DocType: "kb", DocID: 10},
		{EventID: eventID(2), At: ago(2 * time.Hour), Kind: store.ActionClick, Position: 12, DocType: "kb", DocID: 11},
		{EventID: eventID(2), At: ago(2 * time.Hour), Kind: store.ActionTicket},
		{EventID: eventID(4), At: ago(time.Hour), Kind: store.ActionTicket},
		{EventID: eventID(99), At: ago(time.Hour), Kind: store.ActionClick, Position: 1, DocType: "kb", DocID: 10}, // forged
	}
	// Two batches, the click of a search in the first written with the second: both ways work.
	if err := st.RecordSearchInsights(ctx, events[:3], nil); err != nil {
		t.Fatal(err)
	}
	if err := st.RecordSearchInsights(ctx, events[3:], actions); err != nil {
		t.Fatal(err)
	}
	var orphans int
	if err := st.Pool().QueryRow(ctx, `SELECT count(*) FROM search_actions WHERE event_id = $1::uuid`, eventID(99)).Scan(&orphans); err != nil || orphans != 0 {
		t.Fatalf("an action naming no search was kept: %d %v", orphans, err)
	}
	in, err := st.SearchInsights(ctx, now.Add(time.Second), 30, 20)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		got, want int64
	}{{"searches", in.Searches, 6}, {"page searches", in.PageSearches, 5}, {"no result", in.NoResult, 2},
		{"clicked", in.Clicked, 2}, {"tickets", in.Tickets, 2}, {"deflected", in.Deflected, 1}} {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
		}
	}
	if in.DeflectionRate == nil || *in.DeflectionRate != 0.2 || in.ClickThrough == nil || *in.ClickThrough != 0.4 {
		t.Errorf("rates: deflection %v, click-through %v", in.DeflectionRate, in.ClickThrough)
	}
	if len(in.Top) != 3 || in.Top[0].Query != "vpn" || in.Top[0].Searches != 3 || in.Top[0].AvgResults != 4 ||
		in.Top[0].ClickThrough == nil || *in.Top[0].ClickThrough != 1 {
		t.Errorf("top: %+v", in.Top)
	}
	if len(in.NoResults) != 1 || in.NoResults[0].Query != "impresora" || in.NoResults[0].Searches != 2 {
		t.Errorf("no results: %+v", in.NoResults)
	}
	if len(in.NoClicks) != 1 || in.NoClicks[0].Query != "correo" {
		t.Errorf("no clicks: %+v", in.NoClicks)
	}
	// An empty period: no rates to give, empty lists (never null).
	empty, err := st.SearchInsights(ctx, now.Add(-100*24*time.Hour), 7, 20)
	if err != nil {
		t.Fatal(err)
	}
	if empty.Searches != 0 || empty.DeflectionRate != nil || empty.ClickThrough != nil || empty.Top == nil || empty.NoResults == nil || empty.NoClicks == nil {
		t.Errorf("empty period: %+v", empty)
	}
}

// TestDeleteSearchInsightsBefore deletes old searches and actions, batch by batch, and keeps
// the recent ones.
func TestDeleteSearchInsightsBefore(t *testing.T) {
	t.Parallel()
	st, ctx := pg.NewStore(t), context.Background()
	now := time.Now()
	var events []store.SearchEvent
	var actions []store.SearchAction
	for i := 1; i <= 7; i++ {
		at := now.Add(-100 * 24 * time.Hour)
		if i > 5 {
			at = now.Add(-time.Hour)
		}
		events = append(events, store.SearchEvent{ID: eventID(i), At: at, Query: "q", Engine: "elasticsearch", Lang: "en",
			Reader: store.ReaderAnonymous, Source: store.SearchFromPage})
		actions = append(actions, store.SearchAction{EventID: eventID(i), At: at, Kind: store.ActionClick, Position: 1, DocType: "kb", DocID: 1})
	}
	if err := st.RecordSearchInsights(ctx, events, actions); err != nil {
		t.Fatal(err)
	}
	n, err := st.DeleteSearchInsightsBefore(ctx, now.Add(-90*24*time.Hour), 2)
	if err != nil || n != 10 {
		t.Fatalf("deleted %d rows (%v), want 10", n, err)
	}
	var left, leftActions int
	if err := st.Pool().QueryRow(ctx, `SELECT (SELECT count(*) FROM search_events), (SELECT count(*) FROM search_actions)`).Scan(&left, &leftActions); err != nil {
		t.Fatal(err)
	}
	if left != 2 || leftActions != 2 {
		t.Errorf("left %d searches and %d actions, want 2 and 2", left, leftActions)
	}
}
