package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"helpdesk/tracing"
)

// Postgres is the job queue (River): a job is inserted in the transaction of the change that
// causes it, so it commits with the change, or not at all. The worker (package jobs) works them.

// The queues, by urgency: SLA checks and their alerts, people's notifications, reports.
const (
	QueueCritical = "critical"
	QueueDefault  = "default"
	QueueLow      = "low"
)

// Queues lists the queues, most urgent first.
var Queues = []string{QueueCritical, QueueDefault, QueueLow}

// MaxAttempts is how often a job is tried before it is discarded (and kept, to be seen and
// retried by hand): with the worker's backoff (1 s doubling up to an hour) about 14 hours.
const MaxAttempts = 25

// The events people hear about.
const (
	EventTicketCreated  = "ticket_created"  // to the agents
	EventTicketAssigned = "ticket_assigned" // to the new assignee
	EventPublicReply    = "public_reply"    // a staff answer a client can read, to the ticket's author
	EventSLAWarning     = "sla_warning"     // to the assignee, else every agent
	EventSLABreached    = "sla_breached"
)

// EventArgs is a change people should hear about. The store queues one in the transaction of
// the change; the worker decides who hears about it, and how.
type EventArgs struct {
	Event     string `json:"event"`
	TicketID  int64  `json:"ticket_id"`
	CommentID int64  `json:"comment_id,omitempty"`
	AlertID   int64  `json:"alert_id,omitempty"`
	UserID    int64  `json:"user_id,omitempty"` // the assignee of an assignment
	ActorID   int64  `json:"actor_id,omitempty"`
}

// Kind names the job for River.
func (EventArgs) Kind() string { return "event" }

// InsertOpts puts SLA events on the critical queue, the rest on the default one.
func (e EventArgs) InsertOpts() river.InsertOpts {
	q := QueueDefault
	if e.Event == EventSLAWarning || e.Event == EventSLABreached {
		q = QueueCritical
	}
	return river.InsertOpts{Queue: q, MaxAttempts: MaxAttempts}
}

// newJobClient makes the store's River client: it inserts jobs and manages them, and works
// none (the worker has its own).
func newJobClient(pool *pgxpool.Pool) (*river.Client[pgx.Tx], error) {
	c, err := river.NewClient(riverpgxv5.New(pool), &river.Config{MaxAttempts: MaxAttempts})
	if err != nil {
		return nil, fmt.Errorf("job queue client: %w", err)
	}
	return c, nil
}

// Enqueue inserts jobs in the store's transaction (one is opened when the store has none), so
// they commit with whatever else the transaction writes.
func (s *Store) Enqueue(ctx context.Context, jobs ...river.JobArgs) error {
	if len(jobs) == 0 {
		return nil
	}
	// The request that caused the jobs goes with them, so their logs name it.
	var opts *river.InsertOpts
	if id := tracing.RequestID(ctx); id != "" {
		meta, err := json.Marshal(map[string]string{"request_id": id})
		if err != nil {
			return fmt.Errorf("enqueue: %w", err)
		}
		opts = &river.InsertOpts{Metadata: meta}
	}
	return s.Transact(ctx, func(tx *Store) error {
		params := make([]river.InsertManyParams, len(jobs))
		for i, j := range jobs {
			params[i] = river.InsertManyParams{Args: j, InsertOpts: opts}
		}
		if _, err := tx.jobs.InsertManyTx(ctx, tx.db.(pgx.Tx), params); err != nil {
			return fmt.Errorf("enqueue %s: %w", jobs[0].Kind(), err)
		}
		return nil
	})
}

// migrateQueue brings River's own schema up to date. The caller holds the migration lock on
// another connection of the pool, so concurrent runs still take turns; each River version
// commits on its own (one adds an enum value that the next uses).
func migrateQueue(ctx context.Context, pool *pgxpool.Pool) ([]string, error) {
	m, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		return nil, fmt.Errorf("job queue migrations: %w", err)
	}
	res, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return nil, fmt.Errorf("migrate job queue: %w", err)
	}
	var applied []string
	for _, v := range res.Versions {
		applied = append(applied, fmt.Sprintf("river %03d_%s", v.Version, v.Name))
	}
	return applied, nil
}

// pendingQueueMigrations names River's migrations the database lacks.
func pendingQueueMigrations(ctx context.Context, pool *pgxpool.Pool) ([]string, error) {
	m, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		return nil, fmt.Errorf("job queue migrations: %w", err)
	}
	existing, err := m.ExistingVersions(ctx)
	if err != nil {
		return nil, fmt.Errorf("job queue migrations: %w", err)
	}
	done := map[int]bool{}
	for _, v := range existing {
		done[v.Version] = true
	}
	var pending []string
	for _, v := range m.AllVersions() {
		if !done[v.Version] {
			pending = append(pending, fmt.Sprintf("river %03d_%s", v.Version, v.Name))
		}
	}
	return pending, nil
}

// JobStates counts the jobs of each queue by state ("available", "running", "retryable",
// "discarded", …).
func (s *Store) JobStates(ctx context.Context) (map[string]map[string]int64, error) {
	rows, err := s.db.Query(ctx, `SELECT queue, state::text, count(*) FROM river_job GROUP BY 1, 2`)
	if err != nil {
		return nil, fmt.Errorf("job states: %w", err)
	}
	out := map[string]map[string]int64{}
	for _, q := range Queues {
		out[q] = map[string]int64{}
	}
	var queue, state string
	var n int64
	_, err = pgx.ForEachRow(rows, []any{&queue, &state, &n}, func() error {
		if out[queue] == nil {
			out[queue] = map[string]int64{}
		}
		out[queue][state] = n
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("job states: %w", err)
	}
	return out, nil
}

// Job is a queued job as people operating the worker see it.
type Job struct {
	ID          int64      `json:"id"`
	Kind        string     `json:"kind"`
	Queue       string     `json:"queue"`
	State       string     `json:"state"`
	Attempt     int        `json:"attempt"`
	MaxAttempts int        `json:"max_attempts"`
	Args        string     `json:"args"`
	LastError   string     `json:"last_error,omitempty"`
	RequestID   string     `json:"request_id,omitempty"` // of the request that caused it
	CreatedAt   time.Time  `json:"created_at"`
	ScheduledAt time.Time  `json:"scheduled_at"`
	FinalizedAt *time.Time `json:"finalized_at,omitempty"`
}

// JobFilter narrows ListJobs; empty fields do not filter.
type JobFilter struct {
	States []string
	Queue  string
	Kind   string
	Limit  int // default 50
}

// ListJobs lists jobs, the newest first.
func (s *Store) ListJobs(ctx context.Context, f JobFilter) ([]Job, error) {
	p := river.NewJobListParams().OrderBy(river.JobListOrderByID, river.SortOrderDesc).First(positiveOr(f.Limit, 50))
	if len(f.States) > 0 {
		states := make([]rivertype.JobState, len(f.States))
		for i, st := range f.States {
			states[i] = rivertype.JobState(st)
			if !validJobState(states[i]) {
				return nil, fmt.Errorf("list jobs: %w", Invalid("state", "unknown job state %q", st))
			}
		}
		p = p.States(states...)
	}
	if f.Queue != "" {
		p = p.Queues(f.Queue)
	}
	if f.Kind != "" {
		p = p.Kinds(f.Kind)
	}
	res, err := s.jobs.JobList(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("list jobs: %w", err)
	}
	out := make([]Job, len(res.Jobs))
	for i, j := range res.Jobs {
		out[i] = jobOf(j)
	}
	return out, nil
}

// RetryJob makes a job available to run again now, whatever its state (a running one is left
// alone). An unknown id is ErrNotFound.
func (s *Store) RetryJob(ctx context.Context, id int64) (*Job, error) {
	row, err := s.jobs.JobRetry(ctx, id)
	if err != nil {
		return nil, jobError("retry", id, err)
	}
	j := jobOf(row)
	return &j, nil
}

// CancelJob cancels a job that has not finished: it will not run (again).
func (s *Store) CancelJob(ctx context.Context, id int64) (*Job, error) {
	row, err := s.jobs.JobCancel(ctx, id)
	if err != nil {
		return nil, jobError("cancel", id, err)
	}
	j := jobOf(row)
	return &j, nil
}

func jobError(verb string, id int64, err error) error {
	if errors.Is(err, rivertype.ErrNotFound) {
		return fmt.Errorf("%s job %d: %w", verb, id, ErrNotFound)
	}
	return fmt.Errorf("%s job %d: %w", verb, id, err)
}

func jobOf(j *rivertype.JobRow) Job {
	out := Job{ID: j.ID, Kind: j.Kind, Queue: j.Queue, State: string(j.State), Attempt: j.Attempt, MaxAttempts: j.MaxAttempts,
		Args: string(j.EncodedArgs), CreatedAt: j.CreatedAt, ScheduledAt: j.ScheduledAt, FinalizedAt: j.FinalizedAt}
	if n := len(j.Errors); n > 0 {
		out.LastError = j.Errors[n-1].Error
	}
	out.RequestID = JobRequestID(j.Metadata)
	return out
}

// JobRequestID is the id of the request that queued a job, from its metadata ("" if none).
func JobRequestID(metadata []byte) string {
	var m struct {
		RequestID string `json:"request_id"`
	}
	_ = json.Unmarshal(metadata, &m) // metadata River or others wrote otherwise: no id
	return m.RequestID
}

func validJobState(s rivertype.JobState) bool {
	return slices.Contains(rivertype.JobStates(), s)
}

func positiveOr(n, def int) int {
	if n <= 0 {
		return def
	}
	return n
}

// Complete marks job done in the store's transaction, so what the job wrote there (the jobs
// it queued) and its completion commit together: never both lost, never done twice.
func Complete[T river.JobArgs](ctx context.Context, s *Store, job *river.Job[T]) error {
	tx, ok := s.db.(pgx.Tx)
	if !ok {
		return errors.New("complete job: the store has no transaction")
	}
	if _, err := river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job); err != nil {
		return fmt.Errorf("complete job %d: %w", job.ID, err)
	}
	return nil
}

// WorkerHeartbeat records that the worker name is alive.
func (s *Store) WorkerHeartbeat(ctx context.Context, name string, started time.Time) error {
	_, err := s.db.Exec(ctx, `INSERT INTO worker_heartbeats (name, started_at) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET seen_at = now()`, name, started)
	if err != nil {
		return fmt.Errorf("worker heartbeat: %w", err)
	}
	return nil
}

// WorkerGone removes a worker that stops.
func (s *Store) WorkerGone(ctx context.Context, name string) error {
	if _, err := s.db.Exec(ctx, `DELETE FROM worker_heartbeats WHERE name = $1`, name); err != nil {
		return fmt.Errorf("worker gone: %w", err)
	}
	return nil
}

// WorkerBeat is a worker's last sign of life.
type WorkerBeat struct {
	Name       string    `db:"name" json:"name"`
	StartedAt  time.Time `db:"started_at" json:"started_at"`
	SeenAt     time.Time `db:"seen_at" json:"seen_at"`
	AgeSeconds float64   `db:"age_seconds" json:"age_seconds"` // since it was last seen
}

// Age is how long ago the worker was last seen.
func (w WorkerBeat) Age() time.Duration { return time.Duration(w.AgeSeconds * float64(time.Second)) }

// Workers lists the workers seen within the last hour, the most recently seen first.
func (s *Store) Workers(ctx context.Context) ([]WorkerBeat, error) {
	rows, err := s.db.Query(ctx, `SELECT name, started_at, seen_at, extract(epoch FROM now() - seen_at)::float8 AS age_seconds FROM worker_heartbeats
		WHERE seen_at > now() - interval '1 hour' ORDER BY seen_at DESC`)
	return all[WorkerBeat](rows, err, "workers")
}
