package store

import (
	"context"
	"fmt"
	"time"
)

// ClientDay is one client's figures over a report's window.
type ClientDay struct {
	ClientID       int64         `db:"client_id" json:"client_id"`
	Name           string        `db:"name" json:"name"`
	Opened         int64         `db:"opened" json:"opened"`                     // tickets opened in the window
	Responded      int64         `db:"responded" json:"responded"`               // ... answered since
	RespondedInSLA int64         `db:"responded_in_sla" json:"responded_in_sla"` // ... answered within the SLA
	Solved         int64         `db:"solved" json:"solved"`                     // tickets resolved in the window
	MTTR           time.Duration `db:"-" json:"mttr"`                            // their mean time to resolve
	MTTRMicros     int64         `db:"mttr_us" json:"-"`
	Open           int64         `db:"open" json:"open"`         // open now
	Breaches       int64         `db:"breaches" json:"breaches"` // SLA breaches raised in the window
	AtRisk         int64         `db:"at_risk" json:"at_risk"`   // open, unanswered, due within AtRiskHorizon or overdue
}

// SLACompliance is RespondedInSLA / Responded, 0..1, and false when nothing was answered.
func (c ClientDay) SLACompliance() (float64, bool) {
	if c.Responded == 0 {
		return 0, false
	}
	return float64(c.RespondedInSLA) / float64(c.Responded), true
}

// DailyFigures gives each client's figures over [from, to), clients with nothing to report
// left out, by name. No index has resolved_at: once a day, a sequential scan is fine.
func (s *Store) DailyFigures(ctx context.Context, from, to time.Time) ([]ClientDay, error) {
	rows, err := s.db.Query(ctx, `WITH opened AS (
		SELECT t.client_id, count(*) AS opened, count(t.first_response_at) AS responded,
		       count(*) FILTER (WHERE t.first_response_at <= `+slaDue+`) AS responded_in_sla
		  FROM tickets t JOIN clients c ON c.id = t.client_id
		 WHERE t.created_at >= $1 AND t.created_at < $2
		 GROUP BY 1
	), solved AS (
		SELECT client_id, count(*) AS solved, avg(resolved_at - created_at) AS mttr
		  FROM tickets WHERE resolved_at >= $1 AND resolved_at < $2
		 GROUP BY 1
	), open AS (
		SELECT t.client_id, count(*) AS open,
		       count(*) FILTER (WHERE t.first_response_at IS NULL AND `+slaDue+` <= $2::timestamptz + $3::interval) AS at_risk
		  FROM tickets t JOIN clients c ON c.id = t.client_id
		 WHERE `+openTicket+`
		 GROUP BY 1
	), breaches AS (
		SELECT t.client_id, count(*) AS breaches
		  FROM alerts a JOIN tickets t ON t.id = a.ticket_id
		 WHERE a.type = $4 AND a.created_at >= $1 AND a.created_at < $2
		 GROUP BY 1
	)
	SELECT c.id AS client_id, c.name,
	       coalesce(o.opened, 0) AS opened, coalesce(o.responded, 0) AS responded,
	       coalesce(o.responded_in_sla, 0) AS responded_in_sla,
	       coalesce(s.solved, 0) AS solved, coalesce(round(extract(epoch FROM s.mttr) * 1000000), 0)::bigint AS mttr_us,
	       coalesce(n.open, 0) AS open, coalesce(b.breaches, 0) AS breaches, coalesce(n.at_risk, 0) AS at_risk
	  FROM clients c
	  LEFT JOIN opened o ON o.client_id = c.id
	  LEFT JOIN solved s ON s.client_id = c.id
	  LEFT JOIN open n ON n.client_id = c.id
	  LEFT JOIN breaches b ON b.client_id = c.id
	 WHERE o.client_id IS NOT NULL OR s.client_id IS NOT NULL OR n.client_id IS NOT NULL OR b.client_id IS NOT NULL
	 ORDER BY lower(c.name), c.id`, from, to, AtRiskHorizon, EventSLABreached)
	if err != nil {
		return nil, fmt.Errorf("daily figures: %w", err)
	}
	days, err := all[ClientDay](rows, nil, "daily figures")
	for i := range days {
		days[i].MTTR = time.Duration(days[i].MTTRMicros) * time.Microsecond
	}
	return days, err
}
