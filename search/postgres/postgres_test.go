package postgres_test

import (
	"context"
	"errors"
	"testing"

	"helpdesk/internal/pgtest"
	"helpdesk/search"
	"helpdesk/search/postgres"
	"helpdesk/search/searchtest"
	"helpdesk/store"
)

var pg = &pgtest.Server{}

func TestMain(m *testing.M) { pgtest.Main(m, pg) }

func TestConformance(t *testing.T) {
	searchtest.Run(t, pg.NewStore(t), func(t *testing.T, st *store.Store) search.Searcher {
		return postgres.New(st.Pool(), st.Analyzer())
	})
}

// TestConformanceAfterChanges: rows changed and deleted through the store are searched as
// they now are (the search rows follow in the writing transaction).
func TestConformanceAfterChanges(t *testing.T) {
	searchtest.RunChanges(t, pg.NewStore(t), func(t *testing.T, st *store.Store) search.Searcher {
		return postgres.New(st.Pool(), st.Analyzer())
	})
}

func TestTotalsPastTheCap(t *testing.T) {
	searchtest.RunCapped(t, pg.NewStore(t), func(t *testing.T, st *store.Store) search.Searcher {
		return postgres.New(st.Pool(), st.Analyzer())
	})
}

// TestConformanceInBands: read in bands of the newest ids (as tables of a million rows are),
// a search finds what it finds read whole, at every boundary.
func TestConformanceInBands(t *testing.T) {
	searchtest.Run(t, pg.NewStore(t), func(t *testing.T, st *store.Store) search.Searcher {
		return postgres.NewBanded(st.Pool(), st.Analyzer(), 3)
	})
}

// TestTotalsPastTheCapInBands: the newest Cap matches come from several bands, and the total
// still reads as capped.
func TestTotalsPastTheCapInBands(t *testing.T) {
	searchtest.RunCapped(t, pg.NewStore(t), func(t *testing.T, st *store.Store) search.Searcher {
		return postgres.NewBanded(st.Pool(), st.Analyzer(), 1_000)
	})
}

// TestDownIsUnavailable: a Postgres that does not answer is ErrUnavailable (failover and the
// API treat it as such), while a query Postgres refuses is not. Before, it was the other way
// round: only a cancelled caller got ErrUnavailable.
func TestDownIsUnavailable(t *testing.T) {
	st := pg.NewStore(t)
	f := searchtest.Load(t, st)
	b := postgres.New(st.Pool(), st.Analyzer())
	st.Pool().Close() // as if the server went away
	_, err := b.Search(context.Background(), search.Query{Text: "impresora", Viewer: f.Viewers["ana"]})
	if !errors.Is(err, search.ErrUnavailable) {
		t.Fatalf("search with the database gone: %v, want ErrUnavailable", err)
	}
}
