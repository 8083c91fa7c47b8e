// Package pgtest gives each test its own freshly migrated Postgres database, cloned from a
// template that is migrated once per test binary. Tests fail, never skip, without a server.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"helpdesk/store"
)

// Server is the Postgres server named by DATABASE_URL, on which tests create databases. The
// zero value is ready; one Server per test binary shares one template.
type Server struct {
	once     sync.Once
	adminURL string // a URL for the server's maintenance database
	template string
	err      error
}

// URL returns the connection URL of database name on the server.
func (s *Server) URL(name string) string {
	u, err := url.Parse(s.adminURL)
	if err != nil {
		panic(fmt.Sprintf("pgtest: bad DATABASE_URL: %v", err))
	}
	u.Path = "/" + name
	return u.String()
}

func (s *Server) exec(ctx context.Context, sql string) error {
	conn, err := pgx.Connect(ctx, s.adminURL)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", redact(s.adminURL), err)
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

// templateDB creates and migrates the template once. Without DATABASE_URL it fails loudly:
// the integration tests are the point, and `make test` starts the services.
func (s *Server) templateDB(ctx context.Context) (string, error) {
	s.once.Do(func() {
		s.adminURL = os.Getenv("DATABASE_URL")
		if s.adminURL == "" {
			s.err = fmt.Errorf("DATABASE_URL is not set: run the tests with `make test`, which starts Postgres, Redis and Elasticsearch")
			return
		}
		s.template = "pgtest_tmpl_" + randomSuffix()
		if s.err = s.exec(ctx, "CREATE DATABASE "+s.template); s.err != nil {
			return
		}
		st, err := store.Open(ctx, s.URL(s.template))
		if err != nil {
			s.err = err
			return
		}
		_, s.err = st.Migrate(ctx)
		st.Close()
	})
	return s.template, s.err
}

// Main runs a test binary's tests, then drops s's template: a package's TestMain is
// func TestMain(m *testing.M) { pgtest.Main(m, pg) }.
func Main(m *testing.M, s *Server) {
	code := m.Run()
	s.Cleanup()
	os.Exit(code)
}

// Cleanup drops the template (Main does, after the tests ran).
func (s *Server) Cleanup() {
	if s.template != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = s.exec(ctx, "DROP DATABASE IF EXISTS "+s.template+" WITH (FORCE)")
	}
}

// NewDatabase creates an empty, migrated database for t, dropped when t ends, and returns its URL.
func (s *Server) NewDatabase(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	tmpl, err := s.templateDB(ctx)
	if err != nil {
		t.Fatalf("pgtest: template database: %v", err)
	}
	name := "pgtest_" + sanitize(t.Name()) + "_" + randomSuffix()
	if err := s.exec(ctx, "CREATE DATABASE "+name+" TEMPLATE "+tmpl); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := s.exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("pgtest: drop %s: %v", name, err)
		}
	})
	return s.URL(name)
}

// NewStore returns a Store on a fresh migrated database, closed when t ends.
func (s *Server) NewStore(t testing.TB) *store.Store {
	t.Helper()
	return Open(t, s.NewDatabase(t))
}

// Open connects a Store to url, closed when t ends.
func Open(t testing.TB, url string, opts ...store.Option) *store.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := store.Open(ctx, url, opts...)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(st.Close)
	return st
}

// NewEmptyDatabase creates a database without any schema, for migration tests.
func (s *Server) NewEmptyDatabase(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := s.templateDB(ctx); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	name := "pgtest_empty_" + sanitize(t.Name()) + "_" + randomSuffix()
	if err := s.exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = s.exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	return s.URL(name)
}

func randomSuffix() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// sanitize keeps a database name short and made of safe characters.
func sanitize(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	s := b.String()
	if len(s) > 35 {
		s = s[len(s)-35:]
	}
	return s
}

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "DATABASE_URL"
	}
	return u.Redacted()
}

// BrokenIndexes lists what is wrong with the indexes of st's schema: invalid ones, and indexes
// of a partitioned table that some partition lacks. It fails t when the schema has no
// partition to look at, so that an empty answer always means something.
func BrokenIndexes(t testing.TB, st *store.Store) []string {
	t.Helper()
	ctx := context.Background()
	var partitions int
	if err := st.Pool().QueryRow(ctx, `SELECT count(*) FROM pg_inherits WHERE inhparent = 'ticket_search'::regclass`).Scan(&partitions); err != nil || partitions == 0 {
		t.Fatalf("pgtest: ticket_search has %d partitions (%v): nothing to check", partitions, err)
	}
	var broken []string
	err := st.Pool().QueryRow(ctx, `SELECT coalesce(array_agg(what ORDER BY what), '{}') FROM (
		SELECT 'invalid: ' || i.indexrelid::regclass AS what FROM pg_index i
		JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = current_schema() AND NOT i.indisvalid
		UNION ALL
		SELECT format('no %s on partition %s', pi.indexrelid::regclass, part.inhrelid::regclass)
		FROM pg_index pi
		JOIN pg_class pc ON pc.oid = pi.indrelid AND pc.relkind = 'p'
		JOIN pg_namespace n ON n.oid = pc.relnamespace AND n.nspname = current_schema()
		JOIN pg_inherits part ON part.inhparent = pc.oid
		WHERE NOT EXISTS (SELECT 1 FROM pg_inherits ii JOIN pg_index ci ON ci.indexrelid = ii.inhrelid
			WHERE ii.inhparent = pi.indexrelid AND ci.indrelid = part.inhrelid)) x`).Scan(&broken)
	if err != nil {
		t.Fatalf("pgtest: read indexes: %v", err)
	}
	return broken
}

// ReplicaMaxLag is the lag tests allow the shared replica: the tests of every package load its
// replay (every test database is replayed), so it is generous, as are the waits for it.
const ReplicaMaxLag = 2 * time.Second

// WriteTicket creates the ticket nt and returns its id and the primary's WAL position after it:
// the position a reader must ask replicas for (store.ReplicaReads) to see it.
func WriteTicket(t testing.TB, st *store.Store, nt store.NewTicket) (int64, store.LSN) {
	t.Helper()
	ctx := context.Background()
	tk, err := st.CreateTicket(ctx, nt)
	if err != nil {
		t.Fatal(err)
	}
	lsn, err := st.WriteLSN(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return tk.ID, lsn
}

// FirstReplica is what the store's watcher knows of its first replica (zero without one),
// from store.Store.Replicas.
func FirstReplica(list []store.ReplicaStatus, _ int64) store.ReplicaStatus {
	if len(list) == 0 {
		return store.ReplicaStatus{}
	}
	return list[0]
}

// ReplicaURL is the URL of the database at url on the streaming replica of
// DATABASE_REPLICA_URLS (`scripts/services start replica`), once the replica has it. A test
// that needs a replica fails without one.
func ReplicaURL(t testing.TB, primary string) string {
	t.Helper()
	list := os.Getenv("DATABASE_REPLICA_URLS")
	if list == "" {
		t.Fatal("pgtest: DATABASE_REPLICA_URLS is not set: run the tests with `make test`, which starts a replica (scripts/services start replica)")
	}
	replica, err := url.Parse(strings.TrimSpace(strings.Split(list, ",")[0]))
	if err != nil {
		t.Fatalf("pgtest: DATABASE_REPLICA_URLS: %v", err)
	}
	u, err := url.Parse(primary)
	if err != nil {
		t.Fatal(err)
	}
	u.Host = replica.Host
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for {
		conn, err := pgx.Connect(ctx, u.String())
		if err == nil {
			conn.Close(ctx)
			return u.String()
		}
		if ctx.Err() != nil {
			t.Fatalf("pgtest: the replica has no %s after a minute: %v", u.Path, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// PauseReplay stops the replica at replicaURL from replaying the primary's changes until the
// returned function (also called when t ends) resumes it. Tests of every package share the
// replica: one at a time may hold it still (an advisory lock on the primary says which).
func PauseReplay(t testing.TB, primaryURL, replicaURL string) (resume func()) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// Advisory locks hold within a database: take it in one every test shares.
	shared, err := url.Parse(primaryURL)
	if err != nil {
		t.Fatal(err)
	}
	shared.Path = "/postgres"
	lock, err := pgx.Connect(ctx, shared.String())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lock.Exec(ctx, `SELECT pg_advisory_lock(7426001)`); err != nil {
		lock.Close(ctx)
		t.Fatalf("pgtest: wait for the replica: %v", err)
	}
	ctl, err := pgx.Connect(ctx, replicaURL)
	if err == nil {
		_, err = ctl.Exec(ctx, `SELECT pg_wal_replay_pause()`)
	}
	var once sync.Once
	resume = func() {
		once.Do(func() {
			ctx := context.Background()
			if ctl != nil {
				if _, err := ctl.Exec(ctx, `SELECT pg_wal_replay_resume()`); err != nil {
					t.Errorf("pgtest: resume replay: %v", err)
				}
				ctl.Close(ctx)
			}
			lock.Close(ctx) // and its lock
		})
	}
	t.Cleanup(resume)
	if err != nil {
		t.Fatalf("pgtest: pause replay: %v", err)
	}
	return resume
}
