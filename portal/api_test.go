package portal_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"helpdesk/auth"
	"helpdesk/config"
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
	in := doc.Components.Schemas["TicketInput"].Properties
	for name, want := range map[string][]string{"status": ticket.Statuses, "priority": ticket.Priorities, "category": store.TicketCategories} {
		if !slices.Equal(in[name].Enum, want) {
			t.Errorf("TicketInput.%s: %v, the API takes %v", name, in[name].Enum, want)
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
