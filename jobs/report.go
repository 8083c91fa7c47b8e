package jobs

import (
	"context"
	"fmt"
	"html/template"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/riverqueue/river"

	"helpdesk/i18n"
	"helpdesk/store"
)

// dailyReportArgs is the report of the day that ends at To (the report hour).
type dailyReportArgs struct {
	Date string    `json:"date"` // the day in REPORT_TZ, which makes it unique
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

func (dailyReportArgs) Kind() string { return "daily_report" }

// InsertOpts: low priority, and one report per date however many leaders come and go.
func (dailyReportArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: store.QueueLow, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// dailyReportArgs builds the periodic job: the latest report time not yet too old to send.
func (w *Worker) dailyReportArgs() (river.JobArgs, *river.InsertOpts) {
	now := w.cfg.Now()
	at := dailyAt{hour: w.cfg.ReportHour, tz: w.cfg.ReportTZ}.last(now)
	if now.Sub(at) > reportCatchUp {
		return nil, nil
	}
	return dailyReportArgs{Date: at.Format("2006-01-02"), From: at.AddDate(0, 0, -1), To: at}, nil
}

type dailyReportWorker struct {
	river.WorkerDefaults[dailyReportArgs]
	w *Worker
}

func (d *dailyReportWorker) Work(ctx context.Context, job *river.Job[dailyReportArgs]) error {
	w := d.w
	days, err := w.st.DailyFigures(ctx, job.Args.From, job.Args.To)
	if err != nil {
		return err
	}
	staff, err := w.st.Staff(ctx)
	if err != nil {
		return err
	}
	var mails []river.JobArgs
	for _, u := range staff {
		lang := u.Locale
		if !i18n.Supported(lang) {
			lang = "es"
		}
		subject, text, html := renderReport(lang, u.Name, job.Args, days, w.cfg.PortalURL)
		mails = append(mails, mailArgs{To: u.Email, Subject: subject, Text: text, HTML: html, Queue: store.QueueLow,
			Event: "daily_report", Since: job.CreatedAt, MessageID: fmt.Sprintf("daily_report.%s.%d@helpdesk", job.Args.Date, u.ID)})
	}
	if w.cfg.Mail == nil {
		w.cfg.Log.Info("daily report not mailed: no SMTP_ADDR", "date", job.Args.Date, "clients", len(days))
		mails = nil
	}
	return w.st.Transact(ctx, func(tx *store.Store) error {
		if err := tx.Enqueue(ctx, mails...); err != nil {
			return err
		}
		return store.Complete(ctx, tx, job)
	})
}

// reportRow is one line of the report's table, already in words.
type reportRow struct {
	Client, Opened, Solved, Open, SLA, MTTR, Breaches, AtRisk string
}

func renderReport(lang, name string, a dailyReportArgs, days []store.ClientDay, portalURL string) (subject, text, html string) {
	t := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	num := func(n int64) string { return i18n.Number(lang, n) }
	var total store.ClientDay
	var mttrSum time.Duration
	rows := make([]reportRow, 0, len(days)+1)
	row := func(label string, c store.ClientDay) reportRow {
		sla := "–"
		if f, ok := c.SLACompliance(); ok {
			sla = i18n.Percent(lang, f)
		}
		mttr := "–"
		if c.Solved > 0 {
			mttr = hours(lang, c.MTTR)
		}
		return reportRow{label, num(c.Opened), num(c.Solved), num(c.Open), sla, mttr, num(c.Breaches), num(c.AtRisk)}
	}
	for _, c := range days {
		rows = append(rows, row(c.Name, c))
		total.Opened += c.Opened
		total.Responded += c.Responded
		total.RespondedInSLA += c.RespondedInSLA
		total.Solved += c.Solved
		total.Open += c.Open
		total.Breaches += c.Breaches
		total.AtRisk += c.AtRisk
		mttrSum += c.MTTR * time.Duration(c.Solved)
	}
	if total.Solved > 0 {
		total.MTTR = mttrSum / time.Duration(total.Solved)
	}
	totals := row(t("report.total"), total)
	header := reportRow{t("report.client"), t("report.opened"), t("report.solved"), t("report.open"), t("report.sla"),
		t("report.mttr"), t("report.breaches"), t("report.at_risk")}

	subject = t("report.subject", a.Date)
	intro := t("report.intro", i18n.Date(lang, a.From), i18n.Date(lang, a.To))
	var b strings.Builder
	b.WriteString(t("mail.greeting", oneLine(name)) + "\n\n" + intro + "\n\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	for _, r := range append(append([]reportRow{header}, rows...), totals) {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", oneLine(r.Client), r.Opened, r.Solved, r.Open, r.SLA, r.MTTR, r.Breaches, r.AtRisk)
	}
	_ = tw.Flush()
	if len(days) == 0 {
		b.WriteString("\n" + t("report.quiet") + "\n")
	}
	b.WriteString("\n" + t("report.link") + ": " + portalURL + "/dashboard\n\n-- \n" + t("mail.footer") + "\n")
	var h strings.Builder
	err := reportHTML.Execute(&h, map[string]any{"Lang": lang, "Subject": subject, "Greeting": t("mail.greeting", oneLine(name)),
		"Intro": intro, "Header": header, "Rows": rows, "Totals": totals, "Quiet": len(days) == 0, "QuietText": t("report.quiet"),
		"Link": template.URL(portalURL + "/dashboard"), "LinkText": t("report.link"), "Footer": t("mail.footer")})
	if err != nil {
		return subject, b.String(), ""
	}
	return subject, b.String(), h.String()
}

// hours writes a duration as hours with one decimal, in the language ("3,5 h").
func hours(lang string, d time.Duration) string {
	s := fmt.Sprintf("%.1f h", d.Hours())
	if lang == "es" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

var reportHTML = template.Must(template.New("report").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1f2328">
<p>{{.Greeting}}</p>
<p>{{.Intro}}</p>
<table style="border-collapse:collapse;font-variant-numeric:tabular-nums">
<thead><tr>{{with .Header}}<th style="text-align:left;padding:4px 8px">{{.Client}}</th><th style="padding:4px 8px">{{.Opened}}</th><th style="padding:4px 8px">{{.Solved}}</th><th style="padding:4px 8px">{{.Open}}</th><th style="padding:4px 8px">{{.SLA}}</th><th style="padding:4px 8px">{{.MTTR}}</th><th style="padding:4px 8px">{{.Breaches}}</th><th style="padding:4px 8px">{{.AtRisk}}</th>{{end}}</tr></thead>
<tbody>{{range .Rows}}
<tr style="border-top:1px solid #d0d7de"><td style="padding:4px 8px">{{.Client}}</td><td style="text-align:right;padding:4px 8px">{{.Opened}}</td><td style="text-align:right;padding:4px 8px">{{.Solved}}</td><td style="text-align:right;padding:4px 8px">{{.Open}}</td><td style="text-align:right;padding:4px 8px">{{.SLA}}</td><td style="text-align:right;padding:4px 8px">{{.MTTR}}</td><td style="text-align:right;padding:4px 8px">{{.Breaches}}</td><td style="text-align:right;padding:4px 8px">{{.AtRisk}}</td></tr>{{end}}
</tbody>
<tfoot>{{with .Totals}}<tr style="border-top:2px solid #1f2328;font-weight:bold"><td style="padding:4px 8px">{{.Client}}</td><td style="text-align:right;padding:4px 8px">{{.Opened}}</td><td style="text-align:right;padding:4px 8px">{{.Solved}}</td><td style="text-align:right;padding:4px 8px">{{.Open}}</td><td style="text-align:right;padding:4px 8px">{{.SLA}}</td><td style="text-align:right;padding:4px 8px">{{.MTTR}}</td><td style="text-align:right;padding:4px 8px">{{.Breaches}}</td><td style="text-align:right;padding:4px 8px">{{.AtRisk}}</td></tr>{{end}}</tfoot>
</table>
{{if .Quiet}}<p>{{.QuietText}}</p>{{end}}
<p><a href="{{.Link}}">{{.LinkText}}</a></p>
<p style="color:#57606a;font-size:small">{{.Footer}}</p>
</body></html>
`))
