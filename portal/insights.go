package portal

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"helpdesk/i18n"
	"helpdesk/search"
	"helpdesk/search/analysis"
	"helpdesk/store"
)

// Search insights for KB authors: every search made from the search page and the API is
// recorded (its text folded, the engine, how many results, the language and the kind of
// reader: never who), with the result clicked and whether a ticket followed in the session.

// followUpWindow is how soon after a search a ticket opened in the same session counts as
// that search's follow-up.
const followUpWindow = 30 * time.Minute

// insightsTop is how many queries each list of the insights shows.
const insightsTop = 20

// insightsDays are the periods the page offers; the API takes any number up to maxInsightsDays.
var insightsDays = []int{7, 30, 90}

const (
	defaultInsightsDays = 30
	maxInsightsDays     = 3650
)

// foldQuery is a query as insights keep it: folded as the search analysis folds text
// (lowercase, no accents), single spaces, valid UTF-8, at most store.MaxInsightQuery
// characters. Identical questions then count together however they were typed.
func foldQuery(q string) string {
	f := strings.Join(strings.Fields(analysis.Fold(strings.ToValidUTF8(q, ""))), " ")
	f = strings.ReplaceAll(f, "\x00", "")
	if r := []rune(f); len(r) > store.MaxInsightQuery {
		f = strings.TrimSpace(string(r[:store.MaxInsightQuery]))
	}
	return f
}

// readerKind names the kind of reader, a role and nothing about the person.
func readerKind(u *store.User) string {
	switch {
	case u == nil:
		return store.ReaderAnonymous
	case u.IsStaff():
		return store.ReaderStaff
	}
	return store.ReaderClient
}

// recordSearch records the search q that found res, from the page or the API, and returns its
// event id ("" when nothing was recorded: insights off, or no text to learn from). A signed-in
// reader's session remembers it, for the follow-up of a ticket opened soon after.
func (s *Server) recordSearch(c *fiber.Ctx, source string, q search.Query, res *search.Result) string {
	if s.insights == nil || res == nil {
		return ""
	}
	text := foldQuery(q.Text)
	if text == "" || (res.Engine != search.EngineElasticsearch && res.Engine != search.EnginePostgres) {
		return ""
	}
	u := currentUser(c)
	ev := &store.SearchEvent{ID: newEventID(), At: time.Now(), Query: text, Engine: res.Engine, Results: res.Total,
		Lang: lang(c), Reader: readerKind(u), Source: source}
	s.insights.record(insight{event: ev})
	if st, ok := c.Locals(sessKey).(*sessionState); ok && u != nil && source == store.SearchFromPage {
		st.data.SearchEvent, st.data.SearchAt = ev.ID, ev.At.Unix()
		if err := s.sessions.Save(c.UserContext(), st.id, st.data); err != nil {
			s.log.Warn("remember the search in the session", "request_id", requestID(c), "err", err)
		}
	}
	return ev.ID
}

// ticketFollowedSearch records a ticket opened by the session within followUpWindow of its
// last search, and forgets that search (one follow-up per search). The caller saves the
// session.
func (s *Server) ticketFollowedSearch(c *fiber.Ctx) {
	st, ok := c.Locals(sessKey).(*sessionState)
	if !ok || st.data.SearchEvent == "" {
		return
	}
	at := time.Unix(st.data.SearchAt, 0)
	if now := time.Now(); validEventID(st.data.SearchEvent) && now.Sub(at) <= followUpWindow {
		s.insights.record(insight{action: &store.SearchAction{EventID: st.data.SearchEvent, At: now, Kind: store.ActionTicket}})
	}
	st.data.SearchEvent, st.data.SearchAt = "", 0
}

// clickURL is a result's link on the search page: through /search/go, which records the click
// and redirects to the document. pos is the 1-based position across pages.
func clickURL(event string, pos int, h search.Hit) string {
	return "/search/go?" + url.Values{"e": {event}, "p": {strconv.Itoa(pos)}, "t": {h.Type},
		"id": {strconv.FormatInt(h.ID, 10)}}.Encode()
}

// searchClick records a click on a search result and redirects (303) to the document's page.
// The address is computed here from its type and id, never taken from the request, and only
// for a document the reader may see: another company's ticket is not found, like a missing one.
func (s *Server) searchClick(c *fiber.Ctx) error {
	params, err := queryParams(c)
	if err != nil {
		return err
	}
	bad := func(msg string) error { return newProblem(fiber.StatusBadRequest, "bad_request", msg) }
	event := params.Get("e")
	if !validEventID(event) {
		return bad("e must be a search event id")
	}
	pos, err := strconv.Atoi(params.Get("p"))
	if err != nil || pos < 1 || pos > search.MaxWindow {
		return bad("p must be a position from 1 to " + strconv.Itoa(search.MaxWindow))
	}
	id, err := strconv.ParseInt(params.Get("id"), 10, 64)
	if err != nil || id < 1 {
		return bad("id must be a positive id")
	}
	typ := params.Get("t")
	var target string
	v := viewer(currentUser(c))
	switch typ {
	case search.TypeKB:
		a, err := s.store.Article(c.UserContext(), id)
		if errors.Is(err, store.ErrNotFound) || (err == nil && !readable(v, a)) {
			return notFound()
		}
		if err != nil {
			return err
		}
		target = search.DocURL(typ, a.ID, a.Slug)
	case search.TypeTicket:
		t, err := s.store.Ticket(c.UserContext(), id)
		if errors.Is(err, store.ErrNotFound) || (err == nil && !v.SeesTicketsOf(t.ClientID)) {
			return notFound()
		}
		if err != nil {
			return err
		}
		target = search.DocURL(typ, t.ID, "")
	default:
		return bad("t must be kb or ticket")
	}
	s.insights.record(insight{action: &store.SearchAction{EventID: event, At: time.Now(), Kind: store.ActionClick,
		Position: int32(pos), DocType: typ, DocID: id}})
	return c.Redirect(target, fiber.StatusSeeOther)
}

// insightsPeriod reads days: one of the page's periods (the page) or any from 1 to
// maxInsightsDays (the API); absent is defaultInsightsDays.
func insightsPeriod(c *fiber.Ctx, anyDays bool) (int, error) {
	params, err := queryParams(c)
	if err != nil {
		return 0, err
	}
	if !params.Has("days") {
		return defaultInsightsDays, nil
	}
	days, err := strconv.Atoi(params.Get("days"))
	if err != nil || days < 1 || days > maxInsightsDays || (!anyDays && !containsInt(insightsDays, days)) {
		msg := "days must be 7, 30 or 90"
		if anyDays {
			msg = "days must be a number of days from 1 to " + strconv.Itoa(maxInsightsDays)
		}
		return 0, newProblem(fiber.StatusBadRequest, "bad_request", msg)
	}
	return days, nil
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

type periodLink struct {
	Days    int
	URL     string
	Current bool
}

// queryRow is a query of the insights page, its figures formatted for the reader, with the
// links that act on it.
type queryRow struct {
	Query, Searches, AvgResults, ClickThrough string
	NewArticleURL, SynonymURL                 string
}

func queryRows(l string, stats []store.QueryStat) []queryRow {
	out := make([]queryRow, 0, len(stats))
	for _, q := range stats {
		avg := strconv.FormatFloat(q.AvgResults, 'f', 1, 64)
		if l == "es" {
			avg = strings.Replace(avg, ".", ",", 1)
		}
		out = append(out, queryRow{Query: q.Query, Searches: i18n.Number(l, q.Searches), AvgResults: avg,
			ClickThrough:  percentOrDash(l, q.ClickThrough),
			NewArticleURL: "/kb/new?" + url.Values{"title": {q.Query}}.Encode(),
			SynonymURL:    "/synonyms?" + url.Values{"line": {q.Query}, "try": {q.Query}}.Encode()})
	}
	return out
}

// percentOrDash shows a rate, or a dash when there was nothing to divide by.
func percentOrDash(l string, f *float64) string {
	if f == nil {
		return "—"
	}
	return i18n.Percent(l, *f)
}

// insightsPage shows staff what readers searched for and could not find.
func (s *Server) insightsPage(c *fiber.Ctx) error {
	days, err := insightsPeriod(c, false)
	if err != nil {
		return err
	}
	in, err := s.store.SearchInsights(c.UserContext(), time.Now(), days, insightsTop)
	if err != nil {
		return err
	}
	l := lang(c)
	var periods []periodLink
	for _, d := range insightsDays {
		periods = append(periods, periodLink{Days: d, URL: "/admin/insights?days=" + strconv.Itoa(d), Current: d == days})
	}
	return s.render(c, "insights", page{Title: s.t(c, "nav.insights"), Data: map[string]any{
		"In": in, "Days": days, "Periods": periods, "Enabled": s.insights != nil,
		"FromISO": in.From.UTC().Format(time.RFC3339), "ToISO": in.To.UTC().Format(time.RFC3339),
		"Deflection": percentOrDash(l, in.DeflectionRate), "ClickThrough": percentOrDash(l, in.ClickThrough),
		"Top": queryRows(l, in.Top), "NoResults": queryRows(l, in.NoResults), "NoClicks": queryRows(l, in.NoClicks),
	}})
}

// apiInsights is the same figures as JSON, for staff.
func (s *Server) apiInsights(c *fiber.Ctx) error {
	if !currentUser(c).IsStaff() {
		return apiError(fiber.StatusForbidden, "forbidden", "search insights are for agents and admins")
	}
	days, err := insightsPeriod(c, true)
	if err != nil {
		return err
	}
	in, err := s.store.SearchInsights(c.UserContext(), time.Now(), days, insightsTop)
	if err != nil {
		return err
	}
	return c.JSON(in)
}
