package portal_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"helpdesk/auth"
	"helpdesk/config"
	"helpdesk/internal/logcheck"
	"helpdesk/search"
	"helpdesk/store"
	"helpdesk/ticket"
)

// token makes an API token for one of the env's users.
func (e *env) token(who string) string {
	e.t.Helper()
	tok, hash, prefix, err := auth.NewToken()
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.st.CreateToken(context.Background(), e.ids[who], "test", hash, prefix); err != nil {
		e.t.Fatal(err)
	}
	return tok
}

type apiResponse struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

func callAPI(t *testing.T, app *fiber.App, token, method, path, body string) apiResponse {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, r)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := app.Test(req, 10000)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := apiResponse{status: res.StatusCode, header: res.Header, raw: string(raw)}
	_ = json.Unmarshal(raw, &out.body)
	return out
}

func (r apiResponse) errCode() string {
	e, _ := r.body["error"].(map[string]any)
	code, _ := e["code"].(string)
	return code
}

func TestAPIAuthentication(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for name, tok := range map[string]string{"no token": "", "unknown token": "hdp_nope"} {
		r := callAPI(t, e.app, tok, "GET", "/api/v1/tickets", "")
		if r.status != 401 || r.errCode() != "unauthorized" || r.header.Get("WWW-Authenticate") == "" {
			t.Errorf("%s: %d %s", name, r.status, r.raw)
		}
	}
	tok := e.token("alice")
	if r := callAPI(t, e.app, tok, "GET", "/api/v1/tickets", ""); r.status != 200 {
		t.Fatalf("valid token: %d %s", r.status, r.raw)
	}
	if err := e.st.RevokeTokenByHash(context.Background(), auth.HashToken(tok)); err != nil {
		t.Fatal(err)
	}
	if r := callAPI(t, e.app, tok, "GET", "/api/v1/tickets", ""); r.status != 401 {
		t.Fatalf("revoked token: %d", r.status)
	}
	if r := callAPI(t, e.app, e.token("agent"), "GET", "/api/v1/nothing-here", ""); r.status != 404 || r.errCode() != "not_found" {
		t.Fatalf("unknown route: %d %s", r.status, r.raw)
	}
}

func TestAPICrossCompany(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alice, bob := e.token("alice"), e.token("bob")
	own := fmt.Sprintf("/api/v1/tickets/%d", e.ids["aliceTicket"])
	if r := callAPI(t, e.app, alice, "GET", own, ""); r.status != 200 || strings.Contains(r.raw, "NOTA-INTERNA") {
		t.Fatalf("own ticket: %d (internal comments must not show)", r.status)
	}
	for _, req := range []struct{ method, path, body string }{
		{"GET", own, ""},
		{"PATCH", own, `{"title": "mío"}`},
		{"POST", own + "/comments", `{"body": "hola"}`},
	} {
		if r := callAPI(t, e.app, bob, req.method, req.path, req.body); r.status != 404 {
			t.Errorf("bob %s %s: %d, want 404", req.method, req.path, r.status)
		}
	}
	r := callAPI(t, e.app, bob, "GET", "/api/v1/tickets?per_page=100", "")
	if r.body["total"].(float64) != 1 || strings.Contains(r.raw, "impresora") {
		t.Errorf("bob's list: %s", r.raw)
	}
	r = callAPI(t, e.app, bob, "GET", "/api/v1/search?q=impresora", "")
	if r.status != 200 || r.body["engine"] != "postgres" || strings.Contains(r.raw, "impresora no imprime") {
		t.Errorf("bob's search leaks: %s", r.raw)
	}
	if r := callAPI(t, e.app, bob, "GET", "/api/v1/clients", ""); r.body["total"].(float64) != 1 || strings.Contains(r.raw, "Acme") {
		t.Errorf("bob's clients: %s", r.raw)
	}
}

func TestAPITicketWritesAndBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alice, agent := e.token("alice"), e.token("agent")
	count := func() int {
		var n int
		if err := e.st.Pool().QueryRow(context.Background(), `SELECT count(*) FROM tickets`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	bad := []struct {
		name, body string
		status     int
	}{
		{"not json", `{"title": `, 400},
		{"unknown field", `{"title": "x", "owner": 1}`, 400},
		{"wrong type", `{"title": 5}`, 400},
		{"two objects", `{"title": "x"} {}`, 400},
		{"empty body", ``, 400},
		{"empty title", `{"title": "  "}`, 422},
		{"bad priority", `{"title": "x", "priority": "p0"}`, 422},
		{"bad category", `{"title": "x", "category": "misc stuff"}`, 422},
		{"other company", fmt.Sprintf(`{"title": "x", "client_id": %d}`, e.ids["globex"]), 403},
		{"client sets status", `{"title": "x", "status": "closed"}`, 403},
		{"too large", `{"title": "` + strings.Repeat("a", 300<<10) + `"}`, 413},
		{"title of 301 characters", `{"title": "` + strings.Repeat("é", 301) + `"}`, 422},
		{"NUL in the title", `{"title": "a\u0000b"}`, 422},
		{"NUL in the description", `{"title": "x", "description": "a\u0000b"}`, 422},
	}
	for _, b := range bad {
		if r := callAPI(t, e.app, alice, "POST", "/api/v1/tickets", b.body); r.status != b.status || r.errCode() == "" {
			t.Errorf("%s: %d %s, want %d with an error code", b.name, r.status, r.raw[:min(len(r.raw), 200)], b.status)
		}
	}
	if n := count(); n != before {
		t.Fatalf("bad requests wrote %d tickets", n-before)
	}
	// The limit counts characters, as the schema does: 300 accented ones are 600 bytes.
	accented := strings.Repeat("é", 300)
	if r := callAPI(t, e.app, alice, "POST", "/api/v1/tickets", `{"title": "`+accented+`"}`); r.status != 201 || r.body["title"] != accented {
		t.Errorf("a title of 300 accented characters: %d %s", r.status, r.raw[:min(len(r.raw), 200)])
	}
	r := callAPI(t, e.app, alice, "POST", "/api/v1/tickets", `{"title": "Sin VPN", "priority": "urgent", "category": "vpn", "tags": ["vpn"]}`)
	if r.status != 201 || r.body["client_id"].(float64) != float64(e.ids["acme"]) || r.body["created_by"].(float64) != float64(e.ids["alice"]) {
		t.Fatalf("create: %d %s", r.status, r.raw)
	}
	id, version := int64(r.body["id"].(float64)), int64(r.body["version"].(float64))
	path := fmt.Sprintf("/api/v1/tickets/%d", id)
	if r := callAPI(t, e.app, alice, "PATCH", path, `{"status": "closed"}`); r.status != 403 {
		t.Errorf("client closing: %d", r.status)
	}
	r = callAPI(t, e.app, agent, "PATCH", path, fmt.Sprintf(`{"status": "in_progress", "assignee_id": %d, "version": %d}`, e.ids["agent"], version))
	if r.status != 200 || r.body["status"] != "in_progress" {
		t.Fatalf("staff update: %d %s", r.status, r.raw)
	}
	if r := callAPI(t, e.app, agent, "PATCH", path, fmt.Sprintf(`{"status": "closed", "version": %d}`, version)); r.status != 409 || r.errCode() != "conflict" {
		t.Fatalf("stale version: %d %s", r.status, r.raw)
	}
	if r := callAPI(t, e.app, agent, "PATCH", path, fmt.Sprintf(`{"assignee_id": %d}`, e.ids["bob"])); r.status != 422 {
		t.Fatalf("assign to a client user: %d %s", r.status, r.raw)
	}
	if r := callAPI(t, e.app, alice, "POST", path+"/comments", `{"body": "x", "internal": true}`); r.status != 403 {
		t.Errorf("client internal comment: %d", r.status)
	}
	if r := callAPI(t, e.app, agent, "POST", path+"/comments", `{"body": "Mirando", "internal": true}`); r.status != 201 || r.body["internal"] != true {
		t.Errorf("staff internal comment: %d %s", r.status, r.raw)
	}
	if r := callAPI(t, e.app, alice, "GET", path, ""); strings.Contains(r.raw, "Mirando") {
		t.Error("client sees the internal comment")
	}
	if r := callAPI(t, e.app, agent, "GET", "/api/v1/tickets?status=lost", ""); r.status != 400 {
		t.Errorf("bad filter: %d", r.status)
	}
	// No text column holds NUL: a refusal wherever it comes (found by schemathesis as 503s).
	for _, path := range []string{"/api/v1/tickets?category=vpn%00", "/api/v1/kb_articles?category=a%00b", "/api/v1/search?q=a%00b", "/api/v1/search?tag=%00"} {
		if r := callAPI(t, e.app, agent, "GET", path, ""); r.status != 400 || r.errCode() != "bad_request" {
			t.Errorf("%s: %d %s", path, r.status, r.raw)
		}
	}
	if r := callAPI(t, e.app, agent, "GET", "/api/v1/search?per_page=1000", ""); r.status != 400 || r.errCode() != "bad_request" {
		t.Errorf("search page size: %d %s", r.status, r.raw)
	}
	// Each parameter as the document allows, together refused for what they mean: 422.
	for _, path := range []string{"/api/v1/search?page=20&per_page=100", "/api/v1/search?from=2026-02-01&to=2026-01-01"} {
		if r := callAPI(t, e.app, agent, "GET", path, ""); r.status != 422 || r.errCode() != "invalid" {
			t.Errorf("%s: %d %s", path, r.status, r.raw)
		}
	}
	for _, path := range []string{"/api/v1/search?per_page=0", "/api/v1/search?page=0", "/api/v1/search?page=", "/api/v1/kb_articles?page=", "/api/v1/search?category=" + strings.Repeat("x", 101),
		"/api/v1/kb_articles?category=" + strings.Repeat("x", 101), "/api/v1/search?" + strings.Repeat("type=kb&", search.MaxFilterValues+1),
		"/api/v1/search?" + strings.Repeat("status=open&", search.MaxFilterValues+1)} {
		if r := callAPI(t, e.app, agent, "GET", path, ""); r.status != 400 {
			t.Errorf("%.60s: %d %s", path, r.status, r.raw)
		}
	}
	if r := callAPI(t, e.app, agent, "POST", "/api/v1/tickets", fmt.Sprintf(`{"client_id": %d, "title": "x", "category": " "}`, e.ids["acme"])); r.status != 422 {
		t.Errorf("an empty category: %d %s", r.status, r.raw)
	}
	if r := callAPI(t, e.app, agent, "GET", "/api/v1/alerts?state=closed", ""); r.status != 400 {
		t.Errorf("unknown alert state: %d %s", r.status, r.raw)
	}
	if r := callAPI(t, e.app, agent, "PATCH", path, "null"); r.status != 400 {
		t.Errorf("a null body: %d %s", r.status, r.raw)
	}
	// assignee_id: a number assigns, null unassigns, absent leaves it.
	if r := callAPI(t, e.app, agent, "PATCH", path, fmt.Sprintf(`{"assignee_id": %d}`, e.ids["agent"])); r.status != 200 || r.body["assignee_id"] != float64(e.ids["agent"]) {
		t.Errorf("assign: %d %s", r.status, r.raw)
	}
	if r := callAPI(t, e.app, agent, "PATCH", path, `{"priority": "low"}`); r.status != 200 || r.body["assignee_id"] != float64(e.ids["agent"]) {
		t.Errorf("another change kept the assignee? %d %s", r.status, r.raw)
	}
	if r := callAPI(t, e.app, agent, "PATCH", path, `{"assignee_id": null}`); r.status != 200 || r.body["assignee_id"] != nil {
		t.Errorf("unassign: %d %s", r.status, r.raw)
	}
	if r := callAPI(t, e.app, agent, "PATCH", path, `{"assignee_id": 0}`); r.status != 422 {
		t.Errorf("assignee 0: %d %s", r.status, r.raw)
	}
}

func TestAPIRateLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// A clock that stands still: 301 requests straddling a window's end would start afresh.
	still := time.Now()
	e.now = func() time.Time { return still }
	app := e.newApp(config.RateLimit{}) // the defaults: 300 per 5 minutes per address
	tok := e.token("agent")
	for i := 1; i <= 300; i++ {
		r := callAPI(t, app, tok, "GET", "/api/v1/clients", "")
		if r.status != 200 || r.header.Get("RateLimit-Remaining") != fmt.Sprint(300-i) || r.header.Get("RateLimit-Limit") != "300" {
			t.Fatalf("request %d: %d remaining %q", i, r.status, r.header.Get("RateLimit-Remaining"))
		}
	}
	r := callAPI(t, app, tok, "GET", "/api/v1/clients", "")
	if r.status != 429 || r.errCode() != "rate_limited" || r.header.Get("Retry-After") == "" {
		t.Fatalf("301st request: %d %s retry-after %q", r.status, r.raw, r.header.Get("Retry-After"))
	}
	if _, err := time.ParseDuration(r.header.Get("Retry-After") + "s"); err != nil {
		t.Errorf("Retry-After %q is not seconds", r.header.Get("Retry-After"))
	}
	blocked := e.newApp(config.RateLimit{}, netip.MustParsePrefix("0.0.0.0/8"))
	if r := callAPI(t, blocked, tok, "GET", "/api/v1/clients", ""); r.status != 403 || r.errCode() != "blocked" {
		t.Fatalf("blocklisted address: %d %s", r.status, r.raw)
	}
	// Without credentials the address limit still applies first.
	if r := callAPI(t, app, "", "GET", "/api/v1/clients", ""); r.status != 429 {
		t.Fatalf("anonymous over the limit: %d", r.status)
	}
	if n := metricValue(t, app, `portal_refused_requests_total{reason="rate_limited"}`); n != 2 {
		t.Errorf("rate_limited counted %v times, want 2", n)
	}
	if n := metricValue(t, blocked, `portal_refused_requests_total{reason="blocked"}`); n != 1 {
		t.Errorf("blocked counted %v times, want 1", n)
	}
}

func TestAPIKnowledgeBase(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alice, agent := e.token("alice"), e.token("agent")
	r := callAPI(t, e.app, alice, "GET", "/api/v1/kb_articles", "")
	if r.status != 200 || r.body["total"].(float64) != 1 || strings.Contains(r.raw, "Runbook interno") {
		t.Fatalf("client list: %s", r.raw)
	}
	if r := callAPI(t, e.app, alice, "POST", "/api/v1/kb_articles", `{"title": "x"}`); r.status != 403 {
		t.Errorf("client write: %d", r.status)
	}
	r = callAPI(t, e.app, agent, "POST", "/api/v1/kb_articles", `{"title": "Impresora HP en red", "body": "## Pasos", "category": "Impresoras nuevas", "status": "published", "audience": "clients"}`)
	if r.status != 201 || r.body["category"] != "Impresoras nuevas" || r.body["slug"] != "impresora-hp-en-red" {
		t.Fatalf("create: %d %s", r.status, r.raw)
	}
	path := fmt.Sprintf("/api/v1/kb_articles/%d", int64(r.body["id"].(float64)))
	version := int64(r.body["version"].(float64))
	if r := callAPI(t, e.app, alice, "GET", path, ""); r.status != 200 {
		t.Errorf("client reads a clients article: %d", r.status)
	}
	if r := callAPI(t, e.app, agent, "PATCH", path, `{"audience": "internal", "version": `+fmt.Sprint(version)+`}`); r.status != 200 {
		t.Fatalf("patch: %d %s", r.status, r.raw)
	}
	if r := callAPI(t, e.app, alice, "GET", path, ""); r.status != 404 {
		t.Errorf("client reads an internal article: %d", r.status)
	}
	if r := callAPI(t, e.app, agent, "PATCH", path, `{"title": "x", "version": `+fmt.Sprint(version)+`}`); r.status != 409 {
		t.Errorf("stale patch: %d", r.status)
	}
	for name, body := range map[string]string{"bad slug": `{"title": "x", "slug": "Mi Slug"}`, "bad audience": `{"title": "x", "audience": "world"}`} {
		if r := callAPI(t, e.app, agent, "POST", "/api/v1/kb_articles", body); r.status != 422 {
			t.Errorf("%s: %d", name, r.status)
		}
	}
	if r := callAPI(t, e.app, agent, "POST", "/api/v1/kb_articles", `{"title": "Impresora HP en red"}`); r.status != 409 {
		t.Errorf("duplicate slug: %d %s", r.status, r.raw)
	}
	if r := callAPI(t, e.app, agent, "DELETE", path, ""); r.status != 204 {
		t.Fatalf("delete: %d", r.status)
	}
	if r := callAPI(t, e.app, agent, "GET", path, ""); r.status != 404 {
		t.Errorf("after delete: %d", r.status)
	}
	if r := callAPI(t, e.app, alice, "GET", "/api/v1/alerts", ""); r.status != 403 {
		t.Errorf("client alerts: %d", r.status)
	}
	if r := callAPI(t, e.app, agent, "GET", "/api/v1/alerts", ""); r.status != 200 || r.body["total"].(float64) != 0 {
		t.Errorf("alerts: %d %s", r.status, r.raw)
	}
}

// TestOpenAPIVocabulary: the document's lists of ticket statuses, priorities and categories
// are the ones the API accepts, and its limits the store's.
func TestOpenAPIVocabulary(t *testing.T) {
	t.Parallel()
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct {
					Enum      []string `json:"enum"`
					MaxLength int      `json:"maxLength"`
				} `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	r := callAPI(t, newEnv(t).app, "", "GET", "/api/v1/openapi.json", "")
	if err := json.Unmarshal([]byte(r.raw), &doc); err != nil {
		t.Fatal(err)
	}
	for _, schema := range []string{"TicketInput", "TicketPatch"} {
		in := doc.Components.Schemas[schema].Properties
		for name, want := range map[string][]string{"status": ticket.Statuses, "priority": ticket.Priorities} {
			// null (nullable: as if absent) reads as "" here
			if got := slices.DeleteFunc(slices.Clone(in[name].Enum), func(v string) bool { return v == "" }); !slices.Equal(got, want) {
				t.Errorf("%s.%s: %v, the API takes %v", schema, name, in[name].Enum, want)
			}
		}
		if in["category"].Enum != nil {
			t.Errorf("%s.category is an enum: categories are data (GET /api/v1/categories)", schema)
		}
	}
	for schema, limits := range map[string]map[string]int{
		"TicketInput":  {"title": store.MaxTitle, "description": store.MaxDescription},
		"CommentInput": {"body": store.MaxComment},
		"ArticleInput": {"title": store.MaxTitle, "body": store.MaxArticleBody},
	} {
		for field, want := range limits {
			if got := doc.Components.Schemas[schema].Properties[field].MaxLength; got != want {
				t.Errorf("%s.%s: maxLength %d, the store's limit %d", schema, field, got, want)
			}
		}
	}
}

// TestOpenAPIMatchesRoutes: every API route is documented, and every documented one exists.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := callAPI(t, e.app, "", "GET", "/api/v1/openapi.json", "")
	if r.status != 200 || r.body["openapi"] != "3.0.3" {
		t.Fatalf("document: %d", r.status)
	}
	documented := map[string]bool{}
	for path, ops := range r.body["paths"].(map[string]any) {
		for method := range ops.(map[string]any) {
			documented[strings.ToUpper(method)+" /api/v1"+path] = true
		}
	}
	served := map[string]bool{}
	param := regexp.MustCompile(`:([a-z]+)(<[^>]+>)?`)
	for _, rt := range e.app.GetRoutes(true) {
		if !strings.HasPrefix(rt.Path, "/api/v1/") || rt.Method == "HEAD" || rt.Method == "USE" {
			continue
		}
		served[rt.Method+" "+param.ReplaceAllString(rt.Path, "{$1}")] = true
	}
	for k := range served {
		if !documented[k] {
			t.Errorf("served but not documented: %s", k)
		}
	}
	for k := range documented {
		if !served[k] {
			t.Errorf("documented but not served: %s", k)
		}
	}
	if len(served) < 12 {
		t.Errorf("only %d API routes found: %v", len(served), served)
	}
}

// TestAPIReports: an export is 202 with its id; its state is readable, its download a 409
// until built, and both are the asker's (and admins') only; bad input is a 4xx and queues no
// job; a client naming another company gets 404.
func TestAPIReports(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	alice, bob, agent := e.token("alice"), e.token("bob"), e.token("agent")
	jobsBefore, err := e.st.ListJobs(ctx, store.JobFilter{Kind: "export"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, token, body string
		status            int
	}{
		{"unknown kind", alice, `{"kind": "everything", "from": "2026-01-01", "to": "2026-01-31"}`, 422},
		{"unknown format", alice, `{"kind": "tickets", "format": "pdf", "from": "2026-01-01", "to": "2026-01-31"}`, 422},
		{"over a year", agent, `{"kind": "tickets", "from": "2025-01-01", "to": "2026-01-31"}`, 422},
		{"backwards", agent, `{"kind": "sla", "from": "2026-02-01", "to": "2026-01-31"}`, 422},
		{"not a date", agent, `{"kind": "sla", "from": "yesterday", "to": "2026-01-31"}`, 422},
		{"missing to", agent, `{"kind": "sla", "from": "2026-01-01"}`, 422},
		{"unknown field", agent, `{"kind": "sla", "from": "2026-01-01", "to": "2026-01-02", "sql": "1"}`, 400},
		{"another company", alice, fmt.Sprintf(`{"kind": "tickets", "from": "2026-01-01", "to": "2026-01-31", "client": %d}`, e.ids["globex"]), 404},
		{"unknown client", agent, `{"kind": "tickets", "from": "2026-01-01", "to": "2026-01-31", "client": 999999}`, 422},
	} {
		if r := callAPI(t, e.app, c.token, "POST", "/api/v1/reports", c.body); r.status != c.status {
			t.Errorf("%s: %d %s, want %d", c.name, r.status, r.raw, c.status)
		}
	}
	if after, _ := e.st.ListJobs(ctx, store.JobFilter{Kind: "export"}); len(after) != len(jobsBefore) {
		t.Fatalf("refused requests queued %d export jobs", len(after)-len(jobsBefore))
	}
	r := callAPI(t, e.app, alice, "POST", "/api/v1/reports", `{"kind": "tickets", "format": "xlsx", "from": "2026-01-01", "to": "2026-12-31"}`)
	if r.status != 202 || r.body["state"] != "pending" || r.body["client_id"] != float64(e.ids["acme"]) {
		t.Fatalf("create: %d %s", r.status, r.raw)
	}
	path := fmt.Sprintf("/api/v1/reports/%v", r.body["id"])
	if r.header.Get("Location") != path {
		t.Errorf("Location %q, want %q", r.header.Get("Location"), path)
	}
	if r := callAPI(t, e.app, alice, "GET", path, ""); r.status != 200 || r.body["kind"] != "tickets" {
		t.Errorf("state: %d %s", r.status, r.raw)
	}
	if r := callAPI(t, e.app, alice, "GET", path+"/download", ""); r.status != 409 {
		t.Errorf("download before it is built: %d %s", r.status, r.raw)
	}
	for _, other := range []string{bob, agent} {
		for _, p := range []string{path, path + "/download"} {
			if r := callAPI(t, e.app, other, "GET", p, ""); r.status != 404 {
				t.Errorf("GET %s by another: %d", p, r.status)
			}
		}
	}
	if after, _ := e.st.ListJobs(ctx, store.JobFilter{Kind: "export"}); len(after) != len(jobsBefore)+1 {
		t.Errorf("%d export jobs queued, want one", len(after)-len(jobsBefore))
	}
}

// TestAPIClients: admins onboard and change client companies; agents and clients may not; a
// client reads only their own; an inactive company opens no tickets; bad input is a 4xx.
func TestAPIClients(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin, agent, alice := e.token("admin"), e.token("agent"), e.token("alice")
	for _, c := range []struct {
		name, token, body string
		status            int
	}{
		{"agent", agent, `{"name": "Initech", "sla_response_minutes": 60}`, 403},
		{"client", alice, `{"name": "Initech", "sla_response_minutes": 60}`, 403},
		{"no sla", admin, `{"name": "Initech"}`, 422},
		{"sla too long", admin, `{"name": "Initech", "sla_response_minutes": 20000}`, 422},
		{"blank name", admin, `{"name": "  ", "sla_response_minutes": 60}`, 422},
		{"bad date", admin, `{"name": "Initech", "sla_response_minutes": 60, "contract_end": "soon"}`, 422},
		{"taken name", admin, `{"name": "ACME IBÉRICA S.L.", "sla_response_minutes": 60}`, 409},
	} {
		if r := callAPI(t, e.app, c.token, "POST", "/api/v1/clients", c.body); r.status != c.status {
			t.Errorf("%s: %d %s, want %d", c.name, r.status, r.raw, c.status)
		}
	}
	r := callAPI(t, e.app, admin, "POST", "/api/v1/clients", `{"name": "Initech", "sla_response_minutes": 90, "contract_end": "2027-06-30"}`)
	if r.status != 201 || r.body["active"] != true || r.body["contract_end"] == nil {
		t.Fatalf("create: %d %s", r.status, r.raw)
	}
	path := fmt.Sprintf("/api/v1/clients/%v", r.body["id"])
	if r := callAPI(t, e.app, alice, "GET", path, ""); r.status != 404 {
		t.Errorf("another company read by a client: %d", r.status)
	}
	if r := callAPI(t, e.app, alice, "GET", fmt.Sprintf("/api/v1/clients/%d", e.ids["acme"]), ""); r.status != 200 {
		t.Errorf("her own company: %d", r.status)
	}
	if r := callAPI(t, e.app, agent, "PATCH", path, `{"active": false}`); r.status != 403 {
		t.Errorf("agent update: %d", r.status)
	}
	r = callAPI(t, e.app, admin, "PATCH", path, `{"active": false, "sla_response_minutes": 30, "contract_end": null}`)
	if r.status != 200 || r.body["active"] != false || r.body["sla_response_minutes"] != float64(30) || r.body["contract_end"] != nil {
		t.Fatalf("update: %d %s", r.status, r.raw)
	}
	if r := callAPI(t, e.app, admin, "PATCH", path, `{"version": 1, "name": "Stale"}`); r.status != 409 {
		t.Errorf("stale update: %d", r.status)
	}
	id := int64(r.body["id"].(float64))
	if r := callAPI(t, e.app, agent, "POST", "/api/v1/tickets", fmt.Sprintf(`{"client_id": %d, "title": "Hola"}`, id)); r.status != 422 || !strings.Contains(r.raw, "inactive") {
		t.Errorf("ticket for an inactive client: %d %s", r.status, r.raw)
	}
	if r := callAPI(t, e.app, admin, "PATCH", "/api/v1/clients/999999", `{"active": true}`); r.status != 404 {
		t.Errorf("unknown client: %d", r.status)
	}
}

// TestAPIMethodNotAllowed: a known path asked with a method it does not serve is 405 with the
// methods it does serve in Allow; an unknown path stays 404.
func TestAPIMethodNotAllowed(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	agent := e.token("agent")
	for _, c := range []struct {
		method, path string
		status       int
		allow        string
	}{
		{"DELETE", "/api/v1/tickets", 405, "GET, HEAD, POST"},
		{"PUT", fmt.Sprintf("/api/v1/tickets/%d", e.ids["aliceTicket"]), 405, "GET, HEAD, PATCH"},
		{"GET", "/api/v1/tickets/1/comments", 405, "POST"},
		{"POST", "/api/v1/search", 405, "GET, HEAD"},
		{"DELETE", "/api/v1/clients/7", 405, "GET, HEAD, PATCH"},
		{"QUERY", "/api/v1/synonyms", 405, "GET, HEAD, POST"},
		{"PATCH", "/api/v1/blocklist/7", 405, "DELETE"},
		{"PUT", "/api/v1/blocklist", 405, "GET, HEAD, POST"},
		{"GET", "/api/v1/nothing", 404, ""},
		{"GET", "/api/v1/tickets/1/nothing", 404, ""},
	} {
		r := callAPI(t, e.app, agent, c.method, c.path, "")
		if r.status != c.status || r.header.Get("Allow") != c.allow {
			t.Errorf("%s %s: %d Allow %q, want %d %q (%s)", c.method, c.path, r.status, r.header.Get("Allow"), c.status, c.allow, r.raw)
		}
		if c.status == 405 && r.errCode() != "method_not_allowed" {
			t.Errorf("%s %s: code %q", c.method, c.path, r.errCode())
		}
	}
}

// TestRequestLog: one JSON line a request, each key once, with who asked and from where.
func TestRequestLog(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if r := callAPI(t, e.app, e.token("alice"), "GET", "/api/v1/tickets", ""); r.status != 200 {
		t.Fatalf("tickets: %d", r.status)
	}
	if n, err := logcheck.Lines(strings.NewReader(e.logs.String())); err != nil || n == 0 {
		t.Fatalf("%d lines: %v", n, err)
	}
	var found bool
	for _, line := range strings.Split(e.logs.String(), "\n") {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) != nil || rec["msg"] != "request" || rec["path"] != "/api/v1/tickets" {
			continue
		}
		found = true
		if rec["user_id"] != float64(e.ids["alice"]) || rec["remote_ip"] != "0.0.0.0" || rec["request_id"] == "" {
			t.Errorf("request line: %v", rec)
		}
	}
	if !found {
		t.Fatalf("no request line in:\n%s", e.logs.String())
	}
	// The jobs a request queues name it.
	r := callAPI(t, e.app, e.token("alice"), "POST", "/api/v1/tickets", `{"title": "La VPN se corta"}`)
	id := r.header.Get("X-Request-Id")
	if r.status != 201 || id == "" {
		t.Fatalf("create: %d %q %s", r.status, id, r.raw)
	}
	jobs, err := e.st.ListJobs(context.Background(), store.JobFilter{Kind: "event", Limit: 1})
	if err != nil || len(jobs) != 1 || jobs[0].RequestID != id {
		t.Errorf("the ticket's event job: %+v %v, want request id %s", jobs, err, id)
	}
}

// TestAlertHandling: staff acknowledge and resolve alerts through the API and the dashboard's
// buttons; clients may not; bad states are 422 with the valid ones named.
func TestAlertHandling(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	warn, _, err := e.st.RaiseAlert(ctx, e.ids["aliceTicket"], store.EventSLAWarning, "warning", "Quedan 15 minutos")
	if err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/api/v1/alerts/%d", warn.ID)
	agent := e.token("agent")
	for _, c := range []struct {
		name, token, path, body string
		status                  int
	}{
		{"client", e.token("alice"), path, `{"state": "acknowledged"}`, 403},
		{"unknown state", agent, path, `{"state": "closed"}`, 422},
		{"no state", agent, path, `{}`, 422},
		{"unknown alert", agent, "/api/v1/alerts/99999999", `{"state": "resolved"}`, 404},
	} {
		if r := callAPI(t, e.app, c.token, "PATCH", c.path, c.body); r.status != c.status {
			t.Errorf("%s: %d %s, want %d", c.name, r.status, r.raw, c.status)
		}
	}
	r := callAPI(t, e.app, agent, "PATCH", path, `{"state": "acknowledged"}`)
	if r.status != 200 || r.body["acknowledged_by"] != float64(e.ids["agent"]) || r.body["resolved_at"] != nil {
		t.Fatalf("acknowledge: %d %s", r.status, r.raw)
	}
	// The dashboard shows it acknowledged, with a button to resolve it.
	b := e.browser()
	b.login("agent")
	page := b.do("GET", "/dashboard", nil)
	if page.status != 200 || !strings.Contains(page.body, "Quedan 15 minutos") || !strings.Contains(page.body, `value="resolved"`) || strings.Contains(page.body, `value="acknowledged"`) {
		t.Fatalf("dashboard: %d\n%s", page.status, page.body)
	}
	token := b.csrf("/dashboard")
	if r := b.do("POST", fmt.Sprintf("/dashboard/alerts/%d", warn.ID), url.Values{"_csrf": {token}, "state": {"resolved"}}); r.status != http.StatusSeeOther {
		t.Fatalf("resolve from the dashboard: %d", r.status)
	}
	if got, err := e.st.Alert(ctx, warn.ID); err != nil || got.ResolvedBy == nil || *got.ResolvedBy != e.ids["agent"] {
		t.Errorf("after the button: %+v %v", got, err)
	}
	if page := b.do("GET", "/dashboard", nil); strings.Contains(page.body, "Quedan 15 minutos") {
		t.Error("a resolved alert is still on the dashboard")
	}
	if r := b.do("POST", fmt.Sprintf("/dashboard/alerts/%d", warn.ID), url.Values{"_csrf": {token}, "state": {"gone"}}); r.status != http.StatusBadRequest && r.status != http.StatusUnprocessableEntity {
		t.Errorf("a bad state from the form: %d", r.status)
	}
}

// TestAPICategories: categories are data staff manage; tickets name them by slug or name in
// any case; an unknown one is 422 with the valid ones; clients see the active ones only.
func TestAPICategories(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	agent, alice := e.token("agent"), e.token("alice")
	for _, c := range []struct {
		name, token, body string
		status            int
	}{
		{"client", alice, `{"slug": "telefonia", "name_es": "Telefonía", "name_en": "Phones"}`, 403},
		{"no names", agent, `{"slug": "telefonia"}`, 422},
		{"bad slug", agent, `{"slug": "Tele Fonía", "name_es": "Telefonía", "name_en": "Phones"}`, 422},
		{"taken name", agent, `{"slug": "impresion", "name_es": "impresoras", "name_en": "Printing"}`, 409},
	} {
		if r := callAPI(t, e.app, c.token, "POST", "/api/v1/categories", c.body); r.status != c.status {
			t.Errorf("%s: %d %s, want %d", c.name, r.status, r.raw, c.status)
		}
	}
	if r := callAPI(t, e.app, agent, "POST", "/api/v1/categories", `{"slug": "telefonia", "name_es": "Telefonía", "name_en": "Phones", "position": 20}`); r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.raw)
	}
	r := callAPI(t, e.app, alice, "POST", "/api/v1/tickets", `{"title": "El teléfono no suena", "category": "PHONES"}`)
	if r.status != 201 || r.body["category"] != "telefonia" {
		t.Fatalf("a ticket by the category's English name: %d %s", r.status, r.raw)
	}
	ticketID := int64(r.body["id"].(float64))
	if r := callAPI(t, e.app, alice, "POST", "/api/v1/tickets", `{"title": "x", "category": "Hardware stuff"}`); r.status != 422 || !strings.Contains(r.raw, "telefonia") {
		t.Errorf("unknown category: %d %s", r.status, r.raw)
	}
	if r := callAPI(t, e.app, agent, "PATCH", "/api/v1/categories/telefonia", `{"active": false, "name_en": "Telephony"}`); r.status != 200 || r.body["name_en"] != "Telephony" {
		t.Fatalf("retire: %d %s", r.status, r.raw)
	}
	if r := callAPI(t, e.app, agent, "PATCH", "/api/v1/categories/telefonia", `{"slug": "phones"}`); r.status != 422 {
		t.Errorf("a slug change: %d %s", r.status, r.raw)
	}
	if r := callAPI(t, e.app, agent, "PATCH", "/api/v1/categories/nada", `{"active": true}`); r.status != 404 {
		t.Errorf("unknown slug: %d %s", r.status, r.raw)
	}
	count := func(token string) (n int, retired bool) {
		r := callAPI(t, e.app, token, "GET", "/api/v1/categories", "")
		items, _ := r.body["items"].([]any)
		for _, it := range items {
			if it.(map[string]any)["slug"] == "telefonia" {
				retired = true
			}
		}
		return len(items), retired
	}
	if n, seen := count(alice); seen || n != 11 {
		t.Errorf("a client sees %d categories, the retired one %t", n, seen)
	}
	if n, seen := count(agent); !seen || n != 12 {
		t.Errorf("staff see %d categories, the retired one %t", n, seen)
	}
	// Pages name categories in the reader's language, from the table.
	b := e.browser()
	b.login("agent")
	page := b.do("GET", fmt.Sprintf("/tickets/%d", ticketID), nil)
	if !strings.Contains(page.body, "Telefonía") {
		t.Errorf("the ticket page does not name its category in Spanish:\n%s", page.body)
	}
}
