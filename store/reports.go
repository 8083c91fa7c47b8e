package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"helpdesk/auth"
	"helpdesk/search"
)

// What can be exported, and how.
const (
	ReportTickets = "tickets" // every ticket opened in the range
	ReportSLA     = "sla"     // the first-response deadline of each, and whether it was met
	FormatCSV     = "csv"
	FormatXLSX    = "xlsx"
	// MaxReportDays is the longest range one export covers.
	MaxReportDays = 366
)

// Report is an export someone asked for; its file is read apart (ReportFile).
type Report struct {
	ID          int64      `db:"id" json:"id"`
	RequestedBy int64      `db:"requested_by" json:"requested_by"`
	Kind        string     `db:"kind" json:"kind"`
	Format      string     `db:"format" json:"format"`
	From        time.Time  `db:"date_from" json:"from"`
	To          time.Time  `db:"date_to" json:"to"`
	ClientID    *int64     `db:"client_id" json:"client_id,omitempty"`
	State       string     `db:"state" json:"state"` // pending, done, failed
	Rows        int64      `db:"rows" json:"rows"`   // once done
	Size        int64      `db:"size" json:"size"`   // of the file, once done
	Error       *string    `db:"error" json:"error,omitempty"`
	CreatedAt   time.Time  `db:"created_at" json:"created_at"`
	FinishedAt  *time.Time `db:"finished_at" json:"finished_at,omitempty"`
}

const reportColumns = `id, requested_by, kind, format, date_from, date_to, client_id, state, coalesce(rows, 0) AS rows, coalesce(octet_length(content), 0)::bigint AS size, error, created_at, finished_at`

// FileName is the name the report's file is downloaded under.
func (r Report) FileName() string {
	return fmt.Sprintf("%s-%s-%s-%d.%s", r.Kind, r.From.Format("20060102"), r.To.Format("20060102"), r.ID, r.Format)
}

// ExportArgs is the job that builds a report's file.
type ExportArgs struct {
	ReportID int64 `json:"report_id"`
}

// Kind names the job for River.
func (ExportArgs) Kind() string { return "export" }

// InsertOpts puts exports on the low queue.
func (ExportArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueLow, MaxAttempts: 5}
}

// NewReport is what asking for an export says. From and To are days, both included.
type NewReport struct {
	Kind, Format string
	From, To     time.Time
	ClientID     *int64
}

// CreateReport records the export v asks for and queues its job in the same transaction. A
// client's export covers their company's tickets only; naming another company is
// ErrNotFound, as if it did not exist. Bad kinds, formats and ranges are InvalidError.
func (s *Store) CreateReport(ctx context.Context, v search.Viewer, r NewReport) (*Report, error) {
	switch {
	case r.Kind != ReportTickets && r.Kind != ReportSLA:
		return nil, Invalid("kind", "must be tickets or sla")
	case r.Format != FormatCSV && r.Format != FormatXLSX:
		return nil, Invalid("format", "must be csv or xlsx")
	case r.From.IsZero() || r.To.IsZero():
		return nil, Invalid("from", "from and to are required dates (YYYY-MM-DD)")
	case r.To.Before(r.From):
		return nil, Invalid("to", "must not be before from")
	case r.To.Sub(r.From) >= MaxReportDays*24*time.Hour:
		return nil, Invalid("to", "a report covers at most %d days", MaxReportDays)
	}
	switch {
	case v.Role == auth.Client && r.ClientID == nil:
		r.ClientID = &v.ClientID
	case v.Role == auth.Client && *r.ClientID != v.ClientID:
		return nil, fmt.Errorf("create report: client %d: %w", *r.ClientID, ErrNotFound)
	case !v.IsStaff() && v.Role != auth.Client:
		return nil, fmt.Errorf("create report: %w", ErrNotFound)
	case r.ClientID != nil:
		if _, err := s.Client(ctx, *r.ClientID); errors.Is(err, ErrNotFound) {
			return nil, Invalid("client", "no client %d", *r.ClientID)
		} else if err != nil {
			return nil, err
		}
	}
	var out *Report
	err := s.Transact(ctx, func(tx *Store) error {
		rows, err := tx.db.Query(ctx, `INSERT INTO reports (requested_by, kind, format, date_from, date_to, client_id)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING `+reportColumns, v.UserID, r.Kind, r.Format, r.From, r.To, r.ClientID)
		if out, err = one[Report](rows, err, "create report"); err != nil {
			return err
		}
		return tx.Enqueue(ctx, ExportArgs{ReportID: out.ID})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// reportOf is the condition that v may see report r: the person who asked, or an admin.
func reportOf(v search.Viewer) (string, []any) {
	if v.Role == auth.Admin {
		return "TRUE", nil
	}
	return "requested_by = $2", []any{v.UserID}
}

// Report returns a report v may see: their own, or any for an admin; others are ErrNotFound.
func (s *Store) Report(ctx context.Context, v search.Viewer, id int64) (*Report, error) {
	cond, args := reportOf(v)
	rows, err := s.db.Query(ctx, `SELECT `+reportColumns+` FROM reports WHERE id = $1 AND `+cond, append([]any{id}, args...)...)
	return one[Report](rows, err, fmt.Sprintf("report %d", id))
}

// Reports lists the reports v asked for, the newest first.
func (s *Store) Reports(ctx context.Context, v search.Viewer, limit int) ([]Report, error) {
	rows, err := s.db.Query(ctx, `SELECT `+reportColumns+` FROM reports WHERE requested_by = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
		v.UserID, limit)
	return all[Report](rows, err, "reports")
}

// ReportFile returns a finished report's file, to whoever may see the report.
func (s *Store) ReportFile(ctx context.Context, v search.Viewer, id int64) (*Report, []byte, error) {
	r, err := s.Report(ctx, v, id)
	if err != nil {
		return nil, nil, err
	}
	if r.State != "done" {
		return r, nil, fmt.Errorf("report %d: %w", id, Conflict("the report is %s, not ready", r.State))
	}
	var content []byte
	if err := s.db.QueryRow(ctx, `SELECT content FROM reports WHERE id = $1`, id).Scan(&content); err != nil {
		return nil, nil, fmt.Errorf("report %d: %w", id, classify(err))
	}
	return r, content, nil
}

// ReportForExport returns any report, for the worker that builds it.
func (s *Store) ReportForExport(ctx context.Context, id int64) (*Report, error) {
	return s.Report(ctx, search.Viewer{Role: auth.Admin}, id)
}

// FinishReport stores a report's file.
func (s *Store) FinishReport(ctx context.Context, id int64, content []byte, rows int64) error {
	_, err := s.db.Exec(ctx, `UPDATE reports SET state = 'done', content = $2, rows = $3, error = NULL, finished_at = now() WHERE id = $1`,
		id, content, rows)
	if err != nil {
		return fmt.Errorf("finish report %d: %w", id, err)
	}
	return nil
}

// FailReport records why a report could not be built.
func (s *Store) FailReport(ctx context.Context, id int64, reason string) error {
	_, err := s.db.Exec(ctx, `UPDATE reports SET state = 'failed', error = $2, finished_at = now() WHERE id = $1`, id, reason)
	if err != nil {
		return fmt.Errorf("fail report %d: %w", id, err)
	}
	return nil
}

// ExportRows streams a report's rows, in order, to fn: first the column names, then each row
// (int64, string, time.Time or nil values). One query, read as it arrives.
func (s *Store) ExportRows(ctx context.Context, r Report, fn func(values []any) error) (int64, error) {
	sent := false
	return onReplica(ctx, s, func(s *Store) (int64, error) {
		if sent { // a replica went away mid-way: what went out cannot be taken back
			return 0, fmt.Errorf("export report %d: %w", r.ID, errReplicaCut)
		}
		return s.exportRows(ctx, r, func(values []any) error {
			sent = true
			return fn(values)
		})
	})
}

func (s *Store) exportRows(ctx context.Context, r Report, fn func(values []any) error) (int64, error) {
	to := r.To.AddDate(0, 0, 1) // the last day included
	var sql string
	var header []any
	switch r.Kind {
	case ReportTickets:
		header = []any{"id", "created_at", "client", "title", "status", "priority", "category", "assignee", "opened_by",
			"first_response_at", "resolved_at", "tags"}
		sql = `SELECT t.id, t.created_at, c.name, t.title, t.status, t.priority, t.category, a.name, u.name,
				t.first_response_at, t.resolved_at, array_to_string(t.tags, ', ')
			FROM tickets t JOIN clients c ON c.id = t.client_id JOIN users u ON u.id = t.created_by
			LEFT JOIN users a ON a.id = t.assignee_id`
	case ReportSLA:
		header = []any{"id", "client", "priority", "status", "created_at", "response_due", "first_response_at",
			"response_minutes", "sla", "breach_alert"}
		sql = `SELECT t.id, c.name, t.priority, t.status, t.created_at, ` + slaDue + `, t.first_response_at,
				round(extract(epoch FROM t.first_response_at - t.created_at) / 60)::bigint,
				CASE WHEN t.first_response_at IS NULL THEN CASE WHEN ` + slaDue + ` < now() THEN 'missed' ELSE 'pending' END
				     WHEN t.first_response_at <= ` + slaDue + ` THEN 'met' ELSE 'missed' END,
				EXISTS (SELECT 1 FROM alerts al WHERE al.ticket_id = t.id AND al.type = '` + EventSLABreached + `')::text
			FROM tickets t JOIN clients c ON c.id = t.client_id`
	default:
		return 0, Invalid("kind", "unknown report kind %q", r.Kind)
	}
	sql += ` WHERE t.created_at >= $1 AND t.created_at < $2 AND ($3::bigint IS NULL OR t.client_id = $3) ORDER BY t.created_at, t.id`
	if err := fn(header); err != nil {
		return 0, err
	}
	rows, err := s.db.Query(ctx, sql, r.From, to, r.ClientID)
	if err != nil {
		return 0, fmt.Errorf("export report %d: %w", r.ID, err)
	}
	defer rows.Close()
	var n int64
	for rows.Next() {
		values, err := rows.Values()
		if err != nil {
			return n, fmt.Errorf("export report %d: %w", r.ID, err)
		}
		if err := fn(values); err != nil {
			return n, err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("export report %d: %w", r.ID, err)
	}
	return n, nil
}
