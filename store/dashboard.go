package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"helpdesk/ticket"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Dashboard holds the figures of the staff dashboard, computed in SQL.
type Dashboard struct {
	Since          time.Time     `json:"since"`            // start of the window the rates cover
	Responded      int64         `json:"responded"`        // tickets opened in the window that have a first response
	RespondedInSLA int64         `json:"responded_in_sla"` // ... whose first response came within their client's SLA
	SLACompliance  float64       `json:"sla_compliance"`   // RespondedInSLA / Responded, 0..1 (0 when Responded == 0)
	Resolved       int64         `json:"resolved"`         // tickets resolved in the window
	MTTR           time.Duration `json:"mttr"`             // mean time to resolve (resolved_at - created_at) of those
	// Open tickets (status open, in_progress or waiting) per priority, in the order urgent,
	// high, medium, low; all four are present, with zero counts.
	OpenByPriority []Count `json:"open_by_priority"`
	// Open tickets per client, the 10 clients with most first (ties by name); clients without
	// open tickets are left out.
	OpenByClient []ClientCount `json:"open_by_client"`
	// Open tickets without a first response whose SLA deadline (created_at + the client's SLA)
	// is at most 30 minutes away or already passed, most urgent deadline first, at most 50.
	AtRisk      []AtRiskTicket `json:"at_risk"`
	AtRiskTotal int64          `json:"at_risk_total"` // how many such tickets in all
	// Tickets opened per UTC day over the last 14 days, today included (up to now), oldest
	// first; days without tickets have a zero count.
	DailyOpened []DayCount `json:"daily_opened"`
}

// Count is a number of things sharing a key.
type Count struct {
	Key string `db:"key" json:"key"`
	N   int64  `db:"n" json:"n"`
}

// ClientCount is a number of tickets of one client.
type ClientCount struct {
	ClientID int64  `db:"client_id" json:"client_id"`
	Name     string `db:"name" json:"name"`
	N        int64  `db:"n" json:"n"`
}

// AtRiskTicket is an open ticket close to, or past, its response deadline.
type AtRiskTicket struct {
	ID         int64     `db:"id" json:"id"`
	Title      string    `db:"title" json:"title"`
	ClientName string    `db:"client_name" json:"client_name"`
	Priority   string    `db:"priority" json:"priority"`
	Due        time.Time `db:"due" json:"due"`
	Overdue    bool      `db:"overdue" json:"overdue"` // Due is before now
}

// DayCount is a number of tickets on one day; Day is midnight UTC.
type DayCount struct {
	Day time.Time `db:"day" json:"day"`
	N   int64     `db:"n" json:"n"`
}

// AtRiskHorizon is how close a response deadline must be for a ticket to count as at risk.
const AtRiskHorizon = 30 * time.Minute

const (
	// openTicket is the condition on tickets t that makes one open (010_sla_rules.sql).
	openTicket = `ticket_open(t.status)`
	// slaDue is the response deadline of ticket t of client c, answered or not.
	slaDue = `ticket_response_deadline(t.created_at, c.sla_response_minutes)`
)

// The dashboard statements take $1 = now and, where they need it, $2 = start of the window.
const (
	// Rates over the window: compliance over the tickets opened in it (tickets_created_at_idx),
	// resolution over the tickets resolved in it. No index has resolved_at, so the second part
	// is a (parallel) sequential scan of tickets.
	dashboardTotalsSQL = `WITH opened AS (
		SELECT count(t.first_response_at) AS responded,
		       count(*) FILTER (WHERE t.first_response_at <= ` + slaDue + `) AS responded_in_sla
		  FROM tickets t
		  JOIN clients c ON c.id = t.client_id
		 WHERE t.created_at >= $2 AND t.created_at < $1
	), resolved AS (
		SELECT count(*) AS resolved,
		       coalesce(round(avg(extract(epoch FROM resolved_at) - extract(epoch FROM created_at)) * 1000000), 0)::bigint AS mttr_us
		  FROM tickets
		 WHERE resolved_at >= $2 AND resolved_at < $1
	)
	SELECT o.responded, o.responded_in_sla,
	       coalesce(o.responded_in_sla::float8 / nullif(o.responded, 0), 0) AS sla_compliance,
	       r.resolved, r.mttr_us
	  FROM opened o, resolved r`

	// One probe of tickets_priority_status_idx per priority; $1 = the priorities, most urgent
	// first.
	dashboardByPrioritySQL = `SELECT p.key, count(t.id) AS n
		  FROM unnest($1::text[]) WITH ORDINALITY AS p (key, ord)
		  LEFT JOIN tickets t ON t.priority = p.key AND ` + openTicket + `
		 GROUP BY p.key, p.ord
		 ORDER BY p.ord`

	// One probe of tickets_client_status_idx per client (an index-only scan).
	dashboardByClientSQL = `SELECT c.id AS client_id, c.name, count(*) AS n
		  FROM tickets t
		  JOIN clients c ON c.id = t.client_id
		 WHERE ` + openTicket + `
		 GROUP BY c.id
		 ORDER BY n DESC, lower(c.name), c.id
		 LIMIT 10`

	// Open tickets are few, found through tickets_client_status_idx; total counts every match
	// before the LIMIT.
	dashboardAtRiskSQL = `SELECT t.id, t.title, c.name AS client_name, t.priority,
		       ` + slaDue + ` AS due,
		       ` + slaDue + ` < $1 AS overdue,
		       count(*) OVER () AS total
		  FROM tickets t
		  JOIN clients c ON c.id = t.client_id
		 WHERE ` + openTicket + `
		   AND t.first_response_at IS NULL
		   AND ` + slaDue + ` <= $1::timestamptz + $2::interval
		 ORDER BY due, t.id
		 LIMIT 50`

	// The day bounds are written out (not taken from a CTE) so that the planner sees constants
	// and estimates the tickets_created_at_idx range well (a bad guess switches JIT on).
	dashboardDailySQL = `WITH opened AS (
		SELECT date_trunc('day', created_at AT TIME ZONE 'UTC') AS day, count(*) AS n
		  FROM tickets
		 WHERE created_at >= (date_trunc('day', $1::timestamptz AT TIME ZONE 'UTC') - interval '13 days') AT TIME ZONE 'UTC'
		   AND created_at < $1
		 GROUP BY 1
	)
	SELECT d.day AT TIME ZONE 'UTC' AS day, coalesce(o.n, 0) AS n
	  FROM generate_series(date_trunc('day', $1 AT TIME ZONE 'UTC') - interval '13 days',
	                       date_trunc('day', $1 AT TIME ZONE 'UTC'), interval '1 day') AS d (day)
	  LEFT JOIN opened o ON o.day = d.day
	 ORDER BY d.day`
)

// batcher is what both a pool and a transaction offer to send several statements at once.
type batcher interface {
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

var (
	_ batcher = (*pgxpool.Pool)(nil)
	_ batcher = (pgx.Tx)(nil)
)

// Dashboard computes the figures as of now over the window [now-window, now). Every
// statement goes to the server in one batch, a single round trip.
func (s *Store) Dashboard(ctx context.Context, now time.Time, window time.Duration) (*Dashboard, error) {
	return onReplica(ctx, s, func(s *Store) (*Dashboard, error) {
		if window <= 0 {
			return nil, fmt.Errorf("dashboard: %w", Invalid("window", "must be positive, not %v", window))
		}
		db, ok := s.db.(batcher)
		if !ok {
			return nil, fmt.Errorf("dashboard: %T cannot send a batch", s.db)
		}
		d := &Dashboard{Since: now.Add(-window)}

		b := &pgx.Batch{}
		b.Queue(dashboardTotalsSQL, now, d.Since)
		urgentFirst := slices.Clone(ticket.Priorities)
		slices.Reverse(urgentFirst)
		b.Queue(dashboardByPrioritySQL, urgentFirst)
		b.Queue(dashboardByClientSQL)
		b.Queue(dashboardAtRiskSQL, now, AtRiskHorizon)
		b.Queue(dashboardDailySQL, now)
		br := db.SendBatch(ctx, b)
		defer br.Close()

		var mttrMicros int64
		if err := br.QueryRow().Scan(&d.Responded, &d.RespondedInSLA, &d.SLACompliance, &d.Resolved, &mttrMicros); err != nil {
			return nil, fmt.Errorf("dashboard totals: %w", classify(err))
		}
		d.MTTR = time.Duration(mttrMicros) * time.Microsecond

		rows, err := br.Query()
		if d.OpenByPriority, err = all[Count](rows, err, "dashboard open by priority"); err != nil {
			return nil, err
		}
		rows, err = br.Query()
		if d.OpenByClient, err = all[ClientCount](rows, err, "dashboard open by client"); err != nil {
			return nil, err
		}
		rows, err = br.Query()
		atRisk, err := all[atRiskRow](rows, err, "dashboard at risk")
		if err != nil {
			return nil, err
		}
		d.AtRisk = make([]AtRiskTicket, len(atRisk))
		for i, r := range atRisk {
			d.AtRisk[i] = r.AtRiskTicket
			d.AtRiskTotal = r.Total
		}
		rows, err = br.Query()
		if d.DailyOpened, err = all[DayCount](rows, err, "dashboard daily opened"); err != nil {
			return nil, err
		}
		for i := range d.DailyOpened {
			d.DailyOpened[i].Day = d.DailyOpened[i].Day.UTC()
		}

		if err := br.Close(); err != nil {
			return nil, fmt.Errorf("dashboard: %w", classify(err))
		}
		return d, nil
	})
}

// atRiskRow is an at-risk ticket with the number of all at-risk tickets.
type atRiskRow struct {
	AtRiskTicket
	Total int64 `db:"total"`
}
