// Package store owns every SQL statement of the portal: the canonical model in Postgres, the
// change outbox the indexer consumes, and the migrations that build the schema.
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"helpdesk/search/analysis"
)

// querier is what both a pool and a transaction offer, so every method runs in either.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error)
}

// Store reads and writes the canonical data. A Store from Transact runs inside a transaction.
type Store struct {
	pool     *pgxpool.Pool
	db       querier
	an       *analysis.Analyzer
	jobs     *river.Client[pgx.Tx]
	replicas *replicaSet // nil: every read on the primary
}

// Open connects to the database at url and checks that it answers.
func Open(ctx context.Context, url string, opts ...Option) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse DATABASE_URL: %w", err)
	}
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	o.apply(cfg)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	jobs, err := newJobClient(pool)
	if err != nil {
		pool.Close()
		return nil, err
	}
	st := &Store{pool: pool, db: pool, an: analysis.New(), jobs: jobs}
	if len(o.replicas) > 0 {
		if o.log == nil {
			o.log = slog.New(slog.DiscardHandler)
		}
		if st.replicas, err = openReplicas(ctx, pool, o.replicas, o.maxLag, &o); err != nil {
			pool.Close()
			return nil, err
		}
	}
	return st, nil
}

// Option tunes what Open makes.
type Option func(*options)

type options struct {
	tracer   pgx.QueryTracer
	replicas []string
	maxLag   time.Duration
	log      *slog.Logger
}

// apply sets up a pool, the primary's or a replica's.
func (o *options) apply(c *pgxpool.Config) {
	if o.tracer != nil {
		c.ConnConfig.Tracer = o.tracer
	}
}

// WithQueryTracer traces every statement (tracing.QueryTracer makes spans of them).
func WithQueryTracer(t pgx.QueryTracer) Option {
	return func(o *options) { o.tracer = t }
}

// WithReplicas lets reads that tolerate lag go to the streaming replicas at urls, those that
// lag at most maxLag (see replicaRead); log hears of replicas that cannot be used.
func WithReplicas(urls []string, maxLag time.Duration, log *slog.Logger) Option {
	return func(o *options) { o.replicas, o.maxLag, o.log = urls, maxLag, log }
}

// Analyzer is the text analysis of this process: the store writes search vectors with it, and
// the search engines read with it.
func (s *Store) Analyzer() *analysis.Analyzer { return s.an }

// Close releases the pools' connections.
func (s *Store) Close() {
	if s.replicas != nil {
		s.replicas.close()
	}
	s.pool.Close()
}

// Pool exposes the pool for LISTEN connections and health checks.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.pool.Ping(ctx) }

// Transact runs fn in one transaction: committed if fn returns nil, rolled back otherwise.
func (s *Store) Transact(ctx context.Context, fn func(tx *Store) error) error {
	if _, nested := s.db.(pgx.Tx); nested {
		return fn(s)
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		return fn(&Store{pool: s.pool, db: tx, an: s.an, jobs: s.jobs, replicas: s.replicas})
	})
}

// classify turns constraint violations into sentinel errors with a message fit for a user.
func classify(err error) error {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		return err
	}
	switch pgErr.Code {
	case "23505": // unique_violation
		return Conflict("%s already exists", constraintSubject(pgErr))
	case "23514", "23502", "22001", "22P02", "23503": // check, not null, too long, bad text repr, foreign key
		return Invalid(pgErr.ColumnName, "%s", constraintSubject(pgErr))
	case "22021", "22P05": // a byte sequence the encoding refuses: NUL, which text cannot hold
		return Invalid(pgErr.ColumnName, "text cannot hold the character NUL (\\u0000)")
	}
	return err
}

func constraintSubject(e *pgconn.PgError) string {
	switch {
	case e.ConstraintName != "":
		return "constraint " + e.ConstraintName + " on " + e.TableName
	case e.ColumnName != "":
		return "column " + e.ColumnName + " on " + e.TableName
	}
	return e.Message
}
