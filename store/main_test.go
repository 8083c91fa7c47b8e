package store_test

import (
	"testing"

	"helpdesk/internal/pgtest"
)

// pg is the Postgres server of this test binary; each test gets its own database on it.
var pg = &pgtest.Server{}

func TestMain(m *testing.M) { pgtest.Main(m, pg) }
