package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Reads that tolerate a little lag (lists, the dashboard, ticket and KB pages, exports) may go
// to a streaming replica (DATABASE_REPLICA_URLS), when their caller says so: a context from
// ReplicaReads (the portal's GET requests, the worker's exports). A watcher reads every
// replica's replayed WAL position ten times a second and compares it with the primary's
// positions of the last moments: a replica's lag is how long ago the primary stood where the
// replica stands now. Such a read goes to a replica that lags at most maxLag and has replayed
// what the context names (read-your-writes: the reader's own last write); otherwise, or when
// the replica fails it, to the primary. Writes, transactions and every other read go to the
// primary.

// LSN is a position in Postgres's write-ahead log.
type LSN uint64

// ParseLSN reads Postgres's text form of an LSN ("16/B374D848").
func ParseLSN(s string) (LSN, error) {
	hi, lo, ok := strings.Cut(s, "/")
	h, err1 := strconv.ParseUint(hi, 16, 32)
	l, err2 := strconv.ParseUint(lo, 16, 32)
	if !ok || err1 != nil || err2 != nil {
		return 0, fmt.Errorf("not an LSN: %q", s)
	}
	return LSN(h<<32 | l), nil
}

func (l LSN) String() string { return fmt.Sprintf("%X/%X", uint64(l)>>32, uint64(l)&0xFFFFFFFF) }

type replicaReadsKey struct{}

// ReplicaReads lets the reads made with ctx that tolerate lag go to a replica that has
// replayed the WAL up to after at least (the reader's own last write; 0: none).
func ReplicaReads(ctx context.Context, after LSN) context.Context {
	return context.WithValue(ctx, replicaReadsKey{}, after)
}

// replicaReadsAfter is what ReplicaReads put in ctx; ok false: reads stay on the primary.
func replicaReadsAfter(ctx context.Context) (after LSN, ok bool) {
	after, ok = ctx.Value(replicaReadsKey{}).(LSN)
	return after, ok
}

// HasReplicas reports whether reads may go to replicas (and WriteLSN is worth asking).
func (s *Store) HasReplicas() bool { return s.replicas != nil }

// WriteLSN is the primary's WAL position now: after a write commits, reading at least there
// sees it. The insert position, not the written one: with synchronous_commit off a commit
// returns before its record is written, and is still behind this position.
func (s *Store) WriteLSN(ctx context.Context) (LSN, error) {
	var text string
	if err := s.pool.QueryRow(ctx, `SELECT pg_current_wal_insert_lsn()::text`).Scan(&text); err != nil {
		return 0, fmt.Errorf("write lsn: %w", err)
	}
	return ParseLSN(text)
}

// ReadOn runs fn with the place in DATABASE_REPLICA_URLS of a replica fit for the reads of
// ctx, or -1 for the primary (no replica fits, or ctx has no ReplicaReads). When fn fails
// because the replica cannot be reached, the replica is left for the watcher to take back and
// fn runs again with -1. Code reading through pools of its own to the same databases (the
// Postgres search) routes its reads with it as the store routes its own.
func (s *Store) ReadOn(ctx context.Context, fn func(replica int) error) error {
	after, ok := replicaReadsAfter(ctx)
	if s.replicas == nil || !ok {
		return fn(-1)
	}
	if _, inTx := s.db.(pgx.Tx); inTx {
		return fn(-1)
	}
	i := s.replicas.pick(after)
	if i < 0 {
		s.replicas.primaryReads.Add(1)
		return fn(-1)
	}
	r := s.replicas.members[i]
	err := fn(i)
	if err != nil && unreachable(err) && ctx.Err() == nil {
		r.setDown(err)
		s.replicas.primaryReads.Add(1)
		return fn(-1)
	}
	r.reads.Add(1)
	return err
}

// replicaRead runs fn on a store reading where ReadOn says.
func (s *Store) replicaRead(ctx context.Context, fn func(r *Store) error) error {
	return s.ReadOn(ctx, func(replica int) error {
		if replica < 0 {
			return fn(s)
		}
		return fn(&Store{pool: s.pool, db: s.replicas.members[replica].pool, an: s.an, jobs: s.jobs, replicas: s.replicas})
	})
}

// unreachable reports whether err says the server could not be reached or went away, or (on
// a replica) cancelled the read for its replay, rather than refusing the statement.
func unreachable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// 57P01..57P04: shut down, starting, database dropped; 08xxx: connection exceptions;
		// 40001 on a standby: cancelled in conflict with recovery.
		return strings.HasPrefix(pgErr.Code, "57P") || strings.HasPrefix(pgErr.Code, "08") || pgErr.Code == "40001"
	}
	var netErr net.Error
	var connectErr *pgconn.ConnectError
	return errors.As(err, &netErr) || errors.As(err, &connectErr) || pgconn.SafeToRetry(err) || errors.Is(err, pgx.ErrTxClosed)
}

// replicaSet watches the replicas.
type replicaSet struct {
	primary *pgxpool.Pool
	members []*replica
	maxLag  time.Duration
	next    atomic.Uint64
	log     *slog.Logger
	// primaryReads counts the reads that could have gone to a replica and did not.
	primaryReads atomic.Int64

	mu      sync.Mutex
	samples []lsnSample // the primary's positions, oldest first
	stop    context.CancelFunc
	done    chan struct{}
}

type lsnSample struct {
	at  time.Time
	lsn LSN
}

// replica is one replica and what the watcher last learnt of it.
type replica struct {
	name  string // host:port, for logs and metrics
	pool  *pgxpool.Pool
	state atomic.Pointer[replicaState]
	reads atomic.Int64
}

type replicaState struct {
	up      bool
	replay  LSN
	lag     time.Duration
	checked time.Time
	err     string
}

func (r *replica) setDown(err error) {
	r.state.Store(&replicaState{checked: time.Now(), err: err.Error()})
}

// watchEvery is how often the watcher reads the positions: a read-your-writes read finds a
// replica that caught up at most this late.
const watchEvery = 100 * time.Millisecond

func openReplicas(ctx context.Context, primary *pgxpool.Pool, urls []string, maxLag time.Duration, o *options) (*replicaSet, error) {
	set := &replicaSet{primary: primary, maxLag: maxLag, log: o.log}
	var primaryID, primaryDB string
	if err := primary.QueryRow(ctx, `SELECT system_identifier::text, current_database() FROM pg_control_system()`).Scan(&primaryID, &primaryDB); err != nil {
		return nil, fmt.Errorf("identify the primary: %w", err)
	}
	for _, url := range urls {
		cfg, err := pgxpool.ParseConfig(url)
		if err != nil {
			set.close()
			return nil, fmt.Errorf("parse DATABASE_REPLICA_URLS: %w", err)
		}
		o.apply(cfg)
		pool, err := pgxpool.NewWithConfig(ctx, cfg)
		if err != nil {
			set.close()
			return nil, fmt.Errorf("connect to replica: %w", err)
		}
		r := &replica{name: fmt.Sprintf("%s:%d", cfg.ConnConfig.Host, cfg.ConnConfig.Port), pool: pool}
		r.state.Store(&replicaState{err: "not checked yet"})
		set.members = append(set.members, r)
		// A replica of another cluster or database would answer with other data: refuse it
		// (a replica down at start is only watched until it answers).
		var id, db string
		var recovering bool
		err = pool.QueryRow(ctx, `SELECT system_identifier::text, current_database(), pg_is_in_recovery() FROM pg_control_system()`).Scan(&id, &db, &recovering)
		switch {
		case err != nil && !unreachable(err):
			set.close()
			return nil, fmt.Errorf("replica %s: %w", r.name, err)
		case err != nil:
			set.log.Warn("replica unreachable at start", "replica", r.name, "err", err)
		case id != primaryID || db != primaryDB:
			set.close()
			return nil, fmt.Errorf("DATABASE_REPLICA_URLS: %s is not a replica of database %s of this primary (it is database %s of system %s)", r.name, primaryDB, db, id)
		case !recovering:
			set.log.Warn("replica is not in recovery (promoted?): not read from", "replica", r.name)
		}
	}
	watchCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	set.stop, set.done = stop, make(chan struct{})
	set.check(watchCtx)
	go set.watch(watchCtx)
	return set, nil
}

func (set *replicaSet) close() {
	if set.stop != nil {
		set.stop()
		<-set.done
	}
	for _, r := range set.members {
		r.pool.Close()
	}
}

func (set *replicaSet) watch(ctx context.Context) {
	defer close(set.done)
	t := time.NewTicker(watchEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			set.check(ctx)
		}
	}
}

// check reads the primary's position, then each replica's.
func (set *replicaSet) check(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	var text string
	if err := set.primary.QueryRow(ctx, `SELECT pg_current_wal_insert_lsn()::text`).Scan(&text); err == nil {
		if lsn, err := ParseLSN(text); err == nil {
			set.record(lsnSample{at: time.Now(), lsn: lsn})
		}
	}
	for _, r := range set.members {
		var replay *string
		err := r.pool.QueryRow(ctx, `SELECT pg_last_wal_replay_lsn()::text`).Scan(&replay)
		now := time.Now()
		switch {
		case err != nil:
			r.setDown(err)
		case replay == nil:
			r.state.Store(&replicaState{checked: now, err: "not a replica (not in recovery)"})
		default:
			lsn, err := ParseLSN(*replay)
			if err != nil {
				r.setDown(err)
				continue
			}
			lag, known := set.lagAt(lsn, now)
			if !known {
				r.state.Store(&replicaState{replay: lsn, checked: now, err: "lags more than the watcher remembers"})
				continue
			}
			r.state.Store(&replicaState{up: true, replay: lsn, lag: lag, checked: now})
		}
	}
}

// record keeps the primary's positions of the last moments: enough to measure lags up to
// twice maxLag.
func (set *replicaSet) record(s lsnSample) {
	set.mu.Lock()
	defer set.mu.Unlock()
	set.samples = append(set.samples, s)
	keep := s.at.Add(-2*set.maxLag - time.Second)
	i := 0
	for i < len(set.samples)-1 && set.samples[i+1].at.Before(keep) {
		i++
	}
	set.samples = set.samples[i:]
}

// lagAt is how long ago the primary stood at lsn or before it: the replica that replayed up
// to lsn holds everything written until then.
func (set *replicaSet) lagAt(lsn LSN, now time.Time) (time.Duration, bool) {
	set.mu.Lock()
	defer set.mu.Unlock()
	for i := len(set.samples) - 1; i >= 0; i-- {
		if set.samples[i].lsn <= lsn {
			if i == len(set.samples)-1 {
				return 0, true // caught up with the last position seen
			}
			// It may miss what was written since sample i: as old as that, at worst.
			return now.Sub(set.samples[i].at), true
		}
	}
	return 0, false
}

// pick returns the place of a replica fit for a read that must see min, taking turns; -1:
// the primary.
func (set *replicaSet) pick(min LSN) int {
	n := len(set.members)
	start := int(set.next.Add(1))
	for i := range n {
		k := (start + i) % n
		st := set.members[k].state.Load()
		if st.up && st.lag <= set.maxLag && st.replay >= min {
			return k
		}
	}
	return -1
}

// ReplicaStatus is what the watcher knows of one replica.
type ReplicaStatus struct {
	Name    string
	Replay  LSN  // the position it had replayed when last checked
	Up      bool // answering as a replica, its lag measured
	Lag     time.Duration
	Fresh   bool // up and lagging at most the allowed lag: reads go there
	Reads   int64
	Error   string
	Checked time.Time
}

// Replicas says what the watcher knows of each replica, and how many reads that could have
// gone to one went to the primary.
func (s *Store) Replicas() (list []ReplicaStatus, primaryReads int64) {
	if s.replicas == nil {
		return nil, 0
	}
	for _, r := range s.replicas.members {
		st := r.state.Load()
		list = append(list, ReplicaStatus{Name: r.name, Replay: st.replay, Up: st.up, Lag: st.lag, Fresh: st.up && st.lag <= s.replicas.maxLag,
			Reads: r.reads.Load(), Error: st.err, Checked: st.checked})
	}
	return list, s.replicas.primaryReads.Load()
}

// onReplica runs read on a replica when ctx allows it (see replicaRead).
func onReplica[T any](ctx context.Context, s *Store, read func(s *Store) (T, error)) (T, error) {
	var out T
	err := s.replicaRead(ctx, func(r *Store) error {
		var err error
		out, err = read(r)
		return err
	})
	return out, err
}

// counted is a page of a list and the list's total, as one value.
type counted[T any] struct {
	list  []T
	total int64
}

// errReplicaCut: a streamed read lost its replica after it had handed rows on.
var errReplicaCut = errors.New("the replica went away in the middle of the read")

// ReplicaMaxLag is how far behind a replica may be and still be read from.
func (s *Store) ReplicaMaxLag() time.Duration {
	if s.replicas == nil {
		return 0
	}
	return s.replicas.maxLag
}
