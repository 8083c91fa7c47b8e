package jobs

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/xuri/excelize/v2"

	"helpdesk/i18n"
	"helpdesk/store"
	"helpdesk/tracing"
)

type exportWorker struct {
	river.WorkerDefaults[store.ExportArgs]
	w *Worker
}

// Timeout: a year of a large help desk is a few hundred thousand rows.
func (e *exportWorker) Timeout(*river.Job[store.ExportArgs]) time.Duration { return 10 * time.Minute }

func (e *exportWorker) Work(ctx context.Context, job *river.Job[store.ExportArgs]) error {
	// The deliveries it queues carry the request that caused it.
	ctx = tracing.WithRequestID(ctx, store.JobRequestID(job.Metadata))
	w := e.w
	r, err := w.st.ReportForExport(ctx, job.Args.ReportID)
	if errors.Is(err, store.ErrNotFound) {
		return nil // deleted with its requester
	}
	if err != nil {
		return err
	}
	if r.State != "pending" {
		return nil // built already: a retry after the commit
	}
	content, rows, err := build(ctx, w.st, *r)
	if err != nil {
		if job.Attempt >= job.MaxAttempts {
			if ferr := w.st.FailReport(ctx, r.ID, err.Error()); ferr != nil {
				return errors.Join(err, ferr)
			}
		}
		return err
	}
	u, err := w.st.User(ctx, r.RequestedBy)
	if err != nil {
		return err
	}
	var mails []river.JobArgs
	if w.cfg.Mail != nil {
		lang := u.Locale
		if !i18n.Supported(lang) {
			lang = "es"
		}
		link := fmt.Sprintf("%s/reports/%d/download", w.cfg.PortalURL, r.ID)
		n := note{lang: lang, Subject: i18n.T(lang, "export.subject", r.FileName()),
			Lines: []string{i18n.T(lang, "export.body", i18n.T(lang, "export.kind."+r.Kind), r.From.Format("2006-01-02"), r.To.Format("2006-01-02"),
				i18n.Number(lang, rows))},
			Link: link, Open: i18n.T(lang, "export.download"), Footer: i18n.T(lang, "mail.footer")}
		text, html := n.render(u.Name)
		mails = append(mails, mailArgs{To: u.Email, Subject: n.Subject, Text: text, HTML: html, Queue: store.QueueLow,
			Event: "export", Since: job.CreatedAt, MessageID: fmt.Sprintf("export.%d@helpdesk", r.ID)})
	}
	return w.st.Transact(ctx, func(tx *store.Store) error {
		if err := tx.FinishReport(ctx, r.ID, content, rows); err != nil {
			return err
		}
		if err := tx.Enqueue(ctx, mails...); err != nil {
			return err
		}
		return store.Complete(ctx, tx, job)
	})
}

// build writes the report's file: CSV rows as they come from Postgres, or an XLSX sheet
// through excelize's stream writer (rows are not kept in memory either way).
func build(ctx context.Context, st *store.Store, r store.Report) ([]byte, int64, error) {
	ctx = store.ReplicaReads(ctx, 0) // a report of days tolerates a replica seconds behind
	var buf bytes.Buffer
	switch r.Format {
	case store.FormatCSV:
		cw := csv.NewWriter(&buf)
		record := make([]string, 0, 16)
		rows, err := st.ExportRows(ctx, r, func(values []any) error {
			record = record[:0]
			for _, v := range values {
				record = append(record, csvCell(v))
			}
			return cw.Write(record)
		})
		cw.Flush()
		if err == nil {
			err = cw.Error()
		}
		return buf.Bytes(), rows, err
	case store.FormatXLSX:
		f := excelize.NewFile()
		defer f.Close()
		sheet := "Report"
		if err := f.SetSheetName("Sheet1", sheet); err != nil {
			return nil, 0, err
		}
		sw, err := f.NewStreamWriter(sheet)
		if err != nil {
			return nil, 0, err
		}
		line := 1
		rows, err := st.ExportRows(ctx, r, func(values []any) error {
			cells := make([]any, len(values))
			for i, v := range values {
				cells[i] = xlsxCell(v)
			}
			cell, _ := excelize.CoordinatesToCellName(1, line)
			line++
			return sw.SetRow(cell, cells)
		})
		if err != nil {
			return nil, rows, err
		}
		if err := sw.Flush(); err != nil {
			return nil, rows, err
		}
		if err := f.Write(&buf); err != nil {
			return nil, rows, err
		}
		return buf.Bytes(), rows, nil
	}
	return nil, 0, fmt.Errorf("report %d: unknown format %q", r.ID, r.Format)
}

// csvCell writes a value for a CSV file. Text that a spreadsheet would run as a formula
// (=, +, -, @ first) gets a leading apostrophe: a ticket title is not a command.
func csvCell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case time.Time:
		return x.UTC().Format(time.RFC3339)
	case string:
		if x != "" && strings.ContainsRune("=+-@\t\r", rune(x[0])) {
			return "'" + x
		}
		return x
	default:
		return fmt.Sprint(x)
	}
}

// xlsxCell keeps numbers and times typed, and text as text (excelize never reads a string
// as a formula).
func xlsxCell(v any) any {
	switch x := v.(type) {
	case nil:
		return ""
	case time.Time:
		return x.UTC()
	case int64, int32, float64:
		return x
	case string:
		return x
	default:
		return fmt.Sprint(x)
	}
}
