package portal

import (
	"encoding/json"
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"helpdesk/i18n"
	"helpdesk/store"
)

// dashboardTTL is how long the computed figures are reused: they are aggregates over
// thousands of tickets, and five minutes old is fresh enough to steer by.
const dashboardTTL = 5 * time.Minute

// dashboard shows SLA compliance, MTTR, open tickets and the tickets about to breach.
func (s *Server) dashboard(c *fiber.Ctx) error {
	ctx := c.UserContext()
	var d store.Dashboard
	cached := false
	if raw, ok := s.cache.get(ctx, "dashboard"); ok && json.Unmarshal(raw, &d) == nil {
		cached = true
		s.metrics.cache.WithLabelValues("dashboard", "hit").Inc()
	} else {
		s.metrics.cache.WithLabelValues("dashboard", "miss").Inc()
		fresh, err := s.store.Dashboard(ctx, time.Now(), 30*24*time.Hour)
		if err != nil {
			return err
		}
		d = *fresh
		if raw, err := json.Marshal(d); err == nil {
			s.cache.set(ctx, "dashboard", raw, dashboardTTL)
		}
	}
	l := lang(c)
	// Alerts change by the minute and are few: read them fresh, outside the cached figures.
	alerts, err := s.store.OpenAlerts(ctx, 10)
	if err != nil {
		return err
	}
	return s.render(c, "dashboard", page{Title: s.t(c, "nav.dashboard"), Data: map[string]any{
		"Alerts": alerts,
		"D":      d, "Cached": cached, "Compliance": i18n.Percent(l, d.SLACompliance), "MTTR": humanDuration(l, d.MTTR),
		"PriorityChart": barChart(l, priorityBars(l, d.OpenByPriority), s.t(c, "dash.open_by_priority")),
		"DailyChart":    dailyChart(l, d.DailyOpened, s.t(c, "dash.daily")),
	}})
}

type bar struct {
	Label string
	N     int64
	Class string
}

func priorityBars(l string, counts []store.Count) []bar {
	out := make([]bar, 0, len(counts))
	for _, c := range counts {
		out = append(out, bar{Label: i18n.T(l, "priority."+c.Key), N: c.N, Class: "p-" + c.Key})
	}
	return out
}

// barChart draws horizontal bars as inline SVG: no script, no external library, readable
// without CSS, with a title for screen readers.
func barChart(l string, bars []bar, title string) template.HTML {
	const width, rowH, labelW = 420, 28, 110
	var max int64 = 1
	for _, b := range bars {
		if b.N > max {
			max = b.N
		}
	}
	var sb strings.Builder
	h := rowH*len(bars) + 4
	fmt.Fprintf(&sb, `<svg class="chart" role="img" viewBox="0 0 %d %d" width="100%%" aria-label="%s"><title>%s</title>`,
		width, h, template.HTMLEscapeString(title), template.HTMLEscapeString(title))
	for i, b := range bars {
		y := i*rowH + 2
		w := int(float64(width-labelW-70) * float64(b.N) / float64(max))
		fmt.Fprintf(&sb, `<text x="0" y="%d" class="lbl">%s</text><rect x="%d" y="%d" width="%d" height="%d" class="bar %s"/><text x="%d" y="%d" class="val">%s</text>`,
			y+18, template.HTMLEscapeString(b.Label), labelW, y+4, max1(w), rowH-10, b.Class, labelW+max1(w)+6, y+18, i18n.Number(l, b.N))
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String())
}

// dailyChart draws tickets opened per day as columns.
func dailyChart(l string, days []store.DayCount, title string) template.HTML {
	const width, height, pad = 420, 140, 20
	if len(days) == 0 {
		return ""
	}
	var max int64 = 1
	for _, d := range days {
		if d.N > max {
			max = d.N
		}
	}
	colW := (width - pad) / len(days)
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart" role="img" viewBox="0 0 %d %d" width="100%%" aria-label="%s"><title>%s</title>`,
		width, height+pad, template.HTMLEscapeString(title), template.HTMLEscapeString(title))
	for i, d := range days {
		h := int(float64(height-10) * float64(d.N) / float64(max))
		x := pad + i*colW
		fmt.Fprintf(&sb, `<rect x="%d" y="%d" width="%d" height="%d" class="bar"><title>%s: %s</title></rect>`,
			x, height-h, max1(colW-4), h, d.Day.Format("2006-01-02"), i18n.Number(l, d.N))
		if i%2 == 0 {
			fmt.Fprintf(&sb, `<text x="%d" y="%d" class="tick">%s</text>`, x, height+14, d.Day.Format("02/01"))
		}
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String())
}

func max1(n int) int {
	if n < 1 {
		return 1
	}
	return n
}

// humanDuration renders a duration as days and hours, or hours and minutes.
func humanDuration(l string, d time.Duration) string {
	if d <= 0 {
		return "—"
	}
	days := int(d.Hours()) / 24
	hours := int(d.Hours()) % 24
	if days > 0 {
		if l == "es" {
			return fmt.Sprintf("%d d %d h", days, hours)
		}
		return fmt.Sprintf("%dd %dh", days, hours)
	}
	return fmt.Sprintf("%d h %d min", int(d.Hours()), int(d.Minutes())%60)
}

// handleAlert acknowledges or resolves an alert from the dashboard's buttons.
func (s *Server) handleAlert(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return notFound()
	}
	state := c.FormValue("state")
	if _, err := s.store.HandleAlert(c.UserContext(), id, currentUser(c).ID, state); err != nil {
		return err
	}
	s.flash(c, s.t(c, "dash.alert_"+state))
	return c.Redirect("/dashboard", fiber.StatusSeeOther)
}
