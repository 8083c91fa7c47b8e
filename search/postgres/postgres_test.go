package postgres_test

import (
	"os"
	"testing"

	"helpdesk/internal/pgtest"
	"helpdesk/search"
	"helpdesk/search/postgres"
	"helpdesk/search/searchtest"
	"helpdesk/store"
)

var pg = &pgtest.Server{}

func TestMain(m *testing.M) {
	code := m.Run()
	pg.Cleanup()
	os.Exit(code)
}

func TestConformance(t *testing.T) {
	searchtest.Run(t, pg.NewStore(t), func(t *testing.T, st *store.Store) search.Searcher {
		return postgres.New(st.Pool(), st.Analyzer())
	})
}
