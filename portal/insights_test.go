package portal_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"helpdesk/config"
	"helpdesk/store"
)

// newInsightsEnv is an env whose portal records search insights (newEnv's records none).
func newInsightsEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	e.insightsDays = 90
	e.app = e.newApp(config.RateLimit{})
	return e
}

// flushInsights shuts the env's portal down, which writes the insights it holds: the rows
// can then be read. The portal serves no more requests that record.
func (e *env) flushInsights() {
	e.t.Helper()
	_ = e.app.ShutdownWithTimeout(5 * time.Second) // no listener to stop: the hooks still run
}

type eventRow struct {
	ID, Query, Engine, Lang, Reader, Source string
	Results                                 int64
}

// searchEvents are the recorded searches, oldest first.
func (e *env) searchEvents() []eventRow {
	e.t.Helper()
	rows, err := e.st.Pool().Query(context.Background(), `SELECT id::text, query, engine, lang, reader, source, results
		FROM search_events ORDER BY at, id`)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var out []eventRow
	for rows.Next() {
		var r eventRow
		if err := rows.Scan(&r.ID, &r.Query, &r.Engine, &r.Lang, &r.Reader, &r.Source, &r.Results); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		e.t.Fatal(err)
	}
	return out
}

type actionRow struct {
	EventID, Kind, DocType string
	Position               *int32
	DocID                  *int64
}

func (e *env) searchActions() []actionRow {
	e.t.Helper()
	rows, err := e.st.Pool().Query(context.Background(), `SELECT event_id::text, kind, coalesce(doc_type, ''), position, doc_id
		FROM search_actions ORDER BY at`)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var out []actionRow
	for rows.Next() {
		var r actionRow
		if err := rows.Scan(&r.EventID, &r.Kind, &r.DocType, &r.Position, &r.DocID); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		e.t.Fatal(err)
	}
	return out
}

var hitLink = regexp.MustCompile(`class="hit-title" href="([^"]+)"`)

// hitLinks are the result links of a search page, unescaped.
func hitLinks(body string) []string {
	var out []string
	for _, m := range hitLink.FindAllStringSubmatch(body, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// TestSearchInsightsRecordSearches: searches from the search page (at / and /search) and the
// API are recorded folded, with the engine, the count, the language and the kind of reader;
// a search without text, the ticket list and suggestions are not.
func TestSearchInsightsRecordSearches(t *testing.T) {
	t.Parallel()
	e := newInsightsEnv(t)
	anon := e.browser()
	alice := e.browser()
	alice.login("alice")
	agent := e.browser()
	agent.lang = "en"
	agent.login("agent")
	cases := []struct {
		name string
		do   func() int
		want eventRow
	}{
		{"anonymous page, accents and spaces folded", func() int {
			return anon.do("GET", "/search?q="+url.QueryEscape("  Configuración   de la VPN "), nil).status
		},
			eventRow{Query: "configuracion de la vpn", Engine: "postgres", Lang: "es", Reader: "anonymous", Source: "page", Results: 1}},
		{"home page search", func() int { return anon.do("GET", "/?q=IMPRESORA", nil).status },
			eventRow{Query: "impresora", Engine: "postgres", Lang: "es", Reader: "anonymous", Source: "page", Results: 0}},
		{"client page search", func() int { return alice.do("GET", "/search?q=impresora", nil).status },
			eventRow{Query: "impresora", Engine: "postgres", Lang: "es", Reader: "client", Source: "page", Results: 1}},
		{"staff in English", func() int { return agent.do("GET", "/search?q=printer", nil).status },
			eventRow{Query: "printer", Engine: "postgres", Lang: "en", Reader: "staff", Source: "page", Results: 1}},
		{"api", func() int {
			return callAPI(t, e.app, e.token("bob"), "GET", "/api/v1/search?q=Printer%20%20Offline", "").status
		}, eventRow{Query: "printer offline", Engine: "postgres", Lang: "es", Reader: "client", Source: "api", Results: 1}},
	}
	for _, c := range cases {
		if status := c.do(); status != http.StatusOK {
			t.Fatalf("%s: status %d", c.name, status)
		}
	}
	// Not searches to learn from: no text, the ticket list, suggestions while typing.
	for _, path := range []string{"/", "/search?q=", "/search?type=kb", "/tickets?q=impresora", "/suggest?q=vpn"} {
		if r := alice.do("GET", path, nil); r.status != http.StatusOK {
			t.Fatalf("%s: %d", path, r.status)
		}
	}
	// The buffer and its outcomes are on /metrics, dropped at 0 from the start.
	if r := anon.do("GET", "/metrics", nil); !strings.Contains(r.body, `portal_search_insights_total{outcome="dropped"} 0`) {
		t.Errorf("/metrics lacks the insights counter:\n%s", r.body)
	}
	e.flushInsights()
	if r := anon.do("GET", "/metrics", nil); !strings.Contains(r.body, fmt.Sprintf(`portal_search_insights_total{outcome="written"} %d`, len(cases))) {
		t.Errorf("/metrics does not count the searches written")
	}
	got := e.searchEvents()
	if len(got) != len(cases) {
		t.Fatalf("recorded %d searches, want %d: %+v", len(got), len(cases), got)
	}
	seen := map[string]bool{}
	for i, c := range cases {
		g := got[i]
		if seen[g.ID] || len(g.ID) != 36 {
			t.Errorf("%s: event id %q is not a fresh UUID", c.name, g.ID)
		}
		seen[g.ID] = true
		g.ID = ""
		if g != c.want {
			t.Errorf("%s: recorded %+v, want %+v", c.name, g, c.want)
		}
	}
}

// TestSearchInsightsClicks: result links go through /search/go, which records the result and
// its position across pages and redirects to the document's own address; bad input is a 400,
// a document the reader may not see a 404, and neither is recorded.
func TestSearchInsightsClicks(t *testing.T) {
	t.Parallel()
	e := newInsightsEnv(t)
	agent := e.browser()
	agent.login("agent")
	// Staff find both VPN articles: one a page, so the second is on page 2.
	first := agent.do("GET", "/search?q=vpn&type=kb&per_page=1", nil)
	links := hitLinks(first.body)
	if len(links) != 1 || !strings.HasPrefix(links[0], "/search/go?") {
		t.Fatalf("page 1 links: %v", links)
	}
	next := regexp.MustCompile(`href="([^"]+)" rel="next"`).FindStringSubmatch(first.body)
	if next == nil {
		t.Fatal("no next page")
	}
	second := agent.do("GET", html.UnescapeString(next[1]), nil)
	links = append(links, hitLinks(second.body)...)
	if len(links) != 2 {
		t.Fatalf("links: %v", links)
	}
	var targets []string
	for i, l := range links {
		u, _ := url.Parse(l)
		if u.Query().Get("p") != fmt.Sprint(i+1) {
			t.Errorf("link %d: position %q, want %d", i, u.Query().Get("p"), i+1)
		}
		r := agent.do("GET", l, nil)
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/kb/") {
			t.Fatalf("click %s: %d %q", l, r.status, r.header.Get("Location"))
		}
		targets = append(targets, r.header.Get("Location"))
	}
	// Anyone may try the address; the redirect is never theirs to choose.
	anon := e.browser()
	alice := e.browser()
	alice.login("alice")
	u, _ := url.Parse(links[0])
	event := u.Query().Get("e")
	var internalID int64
	if err := e.st.Pool().QueryRow(context.Background(), `SELECT id FROM kb_articles WHERE audience = 'internal'`).Scan(&internalID); err != nil {
		t.Fatal(err)
	}
	click := func(p, typ, id string) string {
		return "/search/go?" + url.Values{"e": {event}, "p": {p}, "t": {typ}, "id": {id}, "next": {"https://evil.example/"}}.Encode()
	}
	for _, c := range []struct {
		name   string
		b      *browser
		path   string
		status int
	}{
		{"negative position", agent, click("-1", "kb", "1"), http.StatusBadRequest},
		{"position zero", agent, click("0", "kb", "1"), http.StatusBadRequest},
		{"position not a number", agent, click("uno", "kb", "1"), http.StatusBadRequest},
		{"huge position", agent, click("99999999999999999999", "kb", "1"), http.StatusBadRequest},
		{"huge id", agent, click("1", "kb", "99999999999999999999"), http.StatusBadRequest},
		{"negative id", agent, click("1", "ticket", "-5"), http.StatusBadRequest},
		{"unknown type", agent, click("1", "user", "1"), http.StatusBadRequest},
		{"bad event", agent, "/search/go?e=1%27%20OR%201=1&p=1&t=kb&id=1", http.StatusBadRequest},
		{"nothing", agent, "/search/go", http.StatusBadRequest},
		{"missing article", agent, click("1", "kb", "999999"), http.StatusNotFound},
		{"internal article, anonymous", anon, click("1", "kb", fmt.Sprint(internalID)), http.StatusNotFound},
		{"ticket, anonymous", anon, click("1", "ticket", fmt.Sprint(e.ids["aliceTicket"])), http.StatusNotFound},
		{"another company's ticket", alice, click("1", "ticket", fmt.Sprint(e.ids["bobTicket"])), http.StatusNotFound},
		{"missing ticket", alice, click("1", "ticket", "99999999"), http.StatusNotFound},
	} {
		r := c.b.do("GET", c.path, nil)
		if r.status != c.status || r.header.Get("Location") != "" {
			t.Errorf("%s: %d (Location %q), want %d", c.name, r.status, r.header.Get("Location"), c.status)
		}
	}
	// Her own company's ticket: to its canonical page, whatever else the URL says.
	r := alice.do("GET", click("3", "ticket", fmt.Sprint(e.ids["aliceTicket"])), nil)
	if want := fmt.Sprintf("/tickets/%d", e.ids["aliceTicket"]); r.status != http.StatusSeeOther || r.header.Get("Location") != want {
		t.Errorf("own ticket: %d %q, want 303 to %s", r.status, r.header.Get("Location"), want)
	}

	e.flushInsights()
	events := e.searchEvents()
	if len(events) != 1 || events[0].ID != event || events[0].Results != 2 {
		t.Fatalf("page 2 of a search is the same search: %+v", events)
	}
	actions := e.searchActions()
	if len(actions) != 3 {
		t.Fatalf("actions: %+v", actions)
	}
	for i, a := range actions[:2] {
		if a.EventID != event || a.Kind != "click" || a.DocType != "kb" || a.Position == nil || *a.Position != int32(i+1) {
			t.Errorf("click %d: %+v", i, a)
		}
	}
	if a := actions[2]; a.DocType != "ticket" || *a.DocID != e.ids["aliceTicket"] || *a.Position != 3 {
		t.Errorf("ticket click: %+v", a)
	}
	if len(targets) != 2 || targets[0] == targets[1] {
		t.Errorf("targets: %v", targets)
	}
}

// TestSearchInsightsTicketFollowUp: a ticket opened in the session within 30 minutes of a
// search is that search's follow-up, once; later than that it is not.
func TestSearchInsightsTicketFollowUp(t *testing.T) {
	t.Parallel()
	e := newInsightsEnv(t)
	ctx := context.Background()
	open := func(b *browser, title string) {
		t.Helper()
		token := b.csrf("/tickets/new")
		r := b.do("POST", "/tickets", url.Values{"_csrf": {token}, "title": {title}, "priority": {"medium"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("open ticket: %d\n%s", r.status, r.body)
		}
	}
	alice := e.browser()
	alice.login("alice")
	alice.do("GET", "/search?q=impresora+atascada", nil)
	open(alice, "La impresora sigue atascada")
	open(alice, "Otra cosa") // no search since: no second follow-up

	bob := e.browser()
	bob.login("bob")
	bob.do("GET", "/search?q=printer", nil)
	// Bob's search was 31 minutes ago.
	key := "sess:" + bob.cookies["hd_session"]
	raw, err := e.rdb.Get(ctx, key).Bytes()
	if err != nil {
		t.Fatal(err)
	}
	var data map[string]any
	if err := json.Unmarshal(raw, &data); err != nil || data["se"] == nil {
		t.Fatalf("the session does not remember the search: %s", raw)
	}
	data["sat"] = time.Now().Add(-31 * time.Minute).Unix()
	raw, _ = json.Marshal(data)
	if err := e.rdb.Set(ctx, key, raw, time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	open(bob, "Printer still offline")

	e.flushInsights()
	events := e.searchEvents()
	if len(events) != 2 {
		t.Fatalf("events: %+v", events)
	}
	actions := e.searchActions()
	if len(actions) != 1 || actions[0].Kind != "ticket" || actions[0].EventID != events[0].ID || actions[0].Position != nil {
		t.Errorf("follow-ups: %+v (alice's search %s)", actions, events[0].ID)
	}
}

// TestSearchInsightsHoldNoIdentity: what is stored of a signed-in client's searches, clicks
// and ticket names no person: no user id, email, address, session or company, in any column.
func TestSearchInsightsHoldNoIdentity(t *testing.T) {
	t.Parallel()
	e := newInsightsEnv(t)
	base := e.serve(e.app)
	alice := e.browserFrom(base, "127.0.0.77")
	alice.login("alice")
	r := alice.do("GET", "/search?q=impresora", nil)
	links := hitLinks(r.body)
	if len(links) == 0 {
		t.Fatalf("no results:\n%s", r.body)
	}
	if r := alice.do("GET", links[0], nil); r.status != http.StatusSeeOther {
		t.Fatalf("click: %d", r.status)
	}
	token := csrfField.FindStringSubmatch(alice.do("GET", "/tickets/new", nil).body)[1]
	if r := alice.do("POST", "/tickets", url.Values{"_csrf": {token}, "title": {"Sigue sin imprimir"}, "priority": {"medium"}}); r.status != http.StatusSeeOther {
		t.Fatalf("ticket: %d", r.status)
	}
	callAPI(t, e.app, e.token("alice"), "GET", "/api/v1/search?q=impresora", "")
	e.flushInsights()

	ctx := context.Background()
	// The columns are exactly these: none can hold a person.
	for table, want := range map[string][]string{
		"search_events":  {"at", "engine", "id", "lang", "query", "reader", "results", "source"},
		"search_actions": {"at", "doc_id", "doc_type", "event_id", "kind", "position"},
	} {
		rows, err := e.st.Pool().Query(ctx, `SELECT column_name::text FROM information_schema.columns WHERE table_name = $1 ORDER BY 1`, table)
		if err != nil {
			t.Fatal(err)
		}
		var cols []string
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				t.Fatal(err)
			}
			cols = append(cols, c)
		}
		rows.Close()
		if !slices.Equal(cols, want) {
			t.Errorf("%s columns %v, want %v", table, cols, want)
		}
	}
	var dump string
	if err := e.st.Pool().QueryRow(ctx, `SELECT coalesce((SELECT json_agg(e)::text FROM search_events e), '') || ' ' ||
		coalesce((SELECT json_agg(a)::text FROM search_actions a), '')`).Scan(&dump); err != nil {
		t.Fatal(err)
	}
	if strings.Count(dump, `"reader":"client"`) != 2 || !strings.Contains(dump, `"kind":"ticket"`) || !strings.Contains(dump, `"kind":"click"`) {
		t.Fatalf("not everything was recorded: %s", dump)
	}
	session := alice.cookies["hd_session"]
	for what, secret := range map[string]string{"email": e.emails["alice"], "address": "127.0.0.77", "session id": session,
		"company": "Acme", "name": "Alice"} {
		if secret == "" || strings.Contains(strings.ToLower(dump), strings.ToLower(secret)) {
			t.Errorf("the stored insights hold the %s (%q): %s", what, secret, dump)
		}
	}
}

// TestInsightsPageAndAPI: staff see the aggregates of a period, with links to write the
// missing article and to add a synonym; clients and anonymous visitors do not; bad periods
// are 400s.
func TestInsightsPageAndAPI(t *testing.T) {
	t.Parallel()
	e := newInsightsEnv(t)
	ctx := context.Background()
	now := time.Now()
	var events []store.SearchEvent
	for i, q := range []string{"impresora atascada", "impresora atascada", "vpn"} {
		var results int64
		if q == "vpn" {
			results = 1
		}
		events = append(events, store.SearchEvent{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1), At: now.Add(-time.Hour),
			Query: q, Engine: "elasticsearch", Results: results, Lang: "es", Reader: store.ReaderClient, Source: store.SearchFromPage})
	}
	actions := []store.SearchAction{{EventID: events[2].ID, At: now, Kind: store.ActionClick, Position: 1, DocType: "kb", DocID: 1}}
	if err := e.st.RecordSearchInsights(ctx, events, actions); err != nil {
		t.Fatal(err)
	}
	agent := e.browser()
	agent.login("agent")
	r := agent.do("GET", "/admin/insights?days=7", nil)
	for _, want := range []string{`href="/admin/insights"`, `aria-current="page" class="on">7 días`, "impresora atascada",
		`href="/kb/new?title=impresora&#43;atascada"`, `href="/synonyms?line=impresora&#43;atascada&amp;try=impresora&#43;atascada"`,
		"Crear artículo", "Añadir sinónimo", "33,3 %"} {
		if r.status != http.StatusOK || !strings.Contains(r.body, want) {
			t.Errorf("insights page: %d, want %q in\n%s", r.status, want, r.body)
		}
	}
	agent.lang = "en"
	if r := agent.do("GET", "/admin/insights", nil); !strings.Contains(r.body, "Create article") || !strings.Contains(r.body, "Searches with no result") {
		t.Errorf("English page:\n%s", r.body)
	}
	// The links land on forms already filled in.
	if r := agent.do("GET", "/kb/new?title=impresora+atascada", nil); !strings.Contains(r.body, `value="impresora atascada"`) {
		t.Errorf("the KB editor does not take the title:\n%s", r.body)
	}
	if r := agent.do("GET", "/synonyms?line=impresora+atascada&try=impresora+atascada", nil); !strings.Contains(r.body, `id="line" name="line" type="text" required maxlength="4000" value="impresora atascada"`) {
		t.Errorf("the synonyms form does not take the line:\n%s", r.body)
	}

	alice := e.browser()
	alice.login("alice")
	if r := alice.do("GET", "/", nil); strings.Contains(r.body, "/admin/insights") {
		t.Error("a client is shown the insights link")
	}
	staff, client := e.token("admin"), e.token("alice")
	for _, c := range []struct {
		name   string
		do     func() int
		status int
	}{
		{"page, client", func() int { return alice.do("GET", "/admin/insights", nil).status }, http.StatusForbidden},
		{"page, anonymous", func() int { return e.browser().do("GET", "/admin/insights", nil).status }, http.StatusSeeOther},
		{"page, days=abc", func() int { return agent.do("GET", "/admin/insights?days=abc", nil).status }, http.StatusBadRequest},
		{"page, days=5", func() int { return agent.do("GET", "/admin/insights?days=5", nil).status }, http.StatusBadRequest},
		{"page, days huge", func() int { return agent.do("GET", "/admin/insights?days=99999999999999999999", nil).status }, http.StatusBadRequest},
		{"api, client", func() int { return callAPI(t, e.app, client, "GET", "/api/v1/insights", "").status }, http.StatusForbidden},
		{"api, no token", func() int { return callAPI(t, e.app, "", "GET", "/api/v1/insights", "").status }, http.StatusUnauthorized},
		{"api, days=abc", func() int { return callAPI(t, e.app, staff, "GET", "/api/v1/insights?days=abc", "").status }, http.StatusBadRequest},
		{"api, days=0", func() int { return callAPI(t, e.app, staff, "GET", "/api/v1/insights?days=0", "").status }, http.StatusBadRequest},
		{"api, days=-1", func() int { return callAPI(t, e.app, staff, "GET", "/api/v1/insights?days=-1", "").status }, http.StatusBadRequest},
		{"api, days huge", func() int {
			return callAPI(t, e.app, staff, "GET", "/api/v1/insights?days=99999999999999999999", "").status
		}, http.StatusBadRequest},
		{"api, days empty", func() int { return callAPI(t, e.app, staff, "GET", "/api/v1/insights?days=", "").status }, http.StatusBadRequest},
		{"api, POST", func() int { return callAPI(t, e.app, staff, "POST", "/api/v1/insights", "{}").status }, http.StatusMethodNotAllowed},
	} {
		if got := c.do(); got != c.status {
			t.Errorf("%s: %d, want %d", c.name, got, c.status)
		}
	}
	res := callAPI(t, e.app, staff, "GET", "/api/v1/insights?days=14", "")
	var in store.Insights
	if err := json.Unmarshal([]byte(res.raw), &in); err != nil || res.status != http.StatusOK {
		t.Fatalf("api: %d %v\n%s", res.status, err, res.raw)
	}
	if in.Days != 14 || in.Searches != 3 || in.NoResult != 2 || len(in.NoResults) != 1 || in.NoResults[0].Query != "impresora atascada" ||
		in.NoResults[0].Searches != 2 || in.ClickThrough == nil || len(in.NoClicks) != 0 || in.DeflectionRate == nil {
		t.Errorf("api insights: %s", res.raw)
	}
	for _, field := range []string{`"deflection_rate":0.333`, `"no_clicks":[]`} {
		if !strings.Contains(res.raw, field) {
			t.Errorf("api insights: want %s in %s", field, res.raw)
		}
	}
}

// TestSearchInsightsOff: with SEARCH_INSIGHTS_DAYS=0 nothing is recorded, result links go
// straight to the documents, and the page says recording is off.
func TestSearchInsightsOff(t *testing.T) {
	t.Parallel()
	e := newEnv(t) // records nothing
	agent := e.browser()
	agent.login("agent")
	r := agent.do("GET", "/search?q=vpn", nil)
	for _, l := range hitLinks(r.body) {
		if !strings.HasPrefix(l, "/kb/") {
			t.Errorf("link %q goes through the click recorder", l)
		}
	}
	if r := agent.do("GET", "/admin/insights", nil); r.status != http.StatusOK || !strings.Contains(r.body, "SEARCH_INSIGHTS_DAYS=0") {
		t.Errorf("insights page when off: %d", r.status)
	}
	e.flushInsights()
	if got := e.searchEvents(); len(got) != 0 {
		t.Errorf("recorded while off: %+v", got)
	}
}
