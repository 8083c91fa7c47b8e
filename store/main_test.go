package store_test

import (
	"os"
	"testing"

	"helpdesk/internal/pgtest"
)

// pg is the Postgres server of this test binary; each test gets its own database on it.
var pg *pgtest.Server

func TestMain(m *testing.M) {
	pg = &pgtest.Server{}
	code := m.Run()
	pg.Cleanup()
	os.Exit(code)
}
