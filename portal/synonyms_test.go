package portal_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestSynonymsPage: staff keep the synonym table from a page; a change applies to the next
// search at once; clients and visitors never see it.
func TestSynonymsPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if r := e.browser().do("GET", "/synonyms", nil); r.status != http.StatusSeeOther {
		t.Errorf("anonymous: %d", r.status)
	}
	client := e.browser()
	client.login("bob")
	if r := client.do("GET", "/synonyms", nil); r.status != http.StatusForbidden {
		t.Errorf("client: %d", r.status)
	}
	// Before the group: a search for "wrong printer" finds nothing for bob... and then it does.
	if r := client.do("GET", "/search?q=tiskárna", nil); strings.Contains(r.body, "Printer offline") {
		t.Fatal("found before the synonym exists")
	}
	agent := e.browser()
	agent.login("agent")
	token := agent.csrf("/synonyms")
	r := agent.do("POST", "/synonyms", url.Values{"_csrf": {token}, "line": {"Tiskárna, printer"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("add: %d\n%s", r.status, r.body)
	}
	page := agent.do("GET", "/synonyms", nil)
	if !strings.Contains(page.body, `value="tiskárna, printer"`) || !strings.Contains(page.body, "Sinónimos guardados") {
		t.Errorf("the new group is not listed:\n%s", page.body)
	}
	if r := client.do("GET", "/search?q=tiskárna", nil); !strings.Contains(r.body, "<mark>Printer</mark> offline") {
		t.Errorf("the synonym does not apply to the next search:\n%s", r.body)
	}
	if r := agent.do("POST", "/synonyms", url.Values{"_csrf": {token}, "line": {"solo"}}); r.status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.body, "no es válido") || !strings.Contains(r.body, `value="solo"`) {
		t.Errorf("a bad line: %d", r.status)
	}
	try := agent.do("GET", "/synonyms?try="+url.QueryEscape("the printers do not print"), nil)
	for _, want := range []string{"<strong>printers</strong>", "tiskarna", "print"} {
		if !strings.Contains(try.body, want) {
			t.Errorf("the query reading lacks %q", want)
		}
	}
	id := regexpFind(t, page.body, `action="/synonyms/(\d+)/delete"`)
	if r := agent.do("POST", "/synonyms/"+id+"/delete", url.Values{"_csrf": {token}}); r.status != http.StatusSeeOther {
		t.Fatalf("delete: %d", r.status)
	}
	if r := client.do("GET", "/search?q=tiskárna", nil); strings.Contains(r.body, "Printer offline") {
		t.Error("a deleted synonym still applies")
	}
	if r := agent.do("POST", "/synonyms", url.Values{"line": {"a, b"}}); r.status != http.StatusForbidden {
		t.Errorf("a form without its CSRF token: %d", r.status)
	}
}

// TestSynonymsAPI: staff manage the table through the API with the usual errors; clients get
// 403 and learn nothing of it.
func TestSynonymsAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	agent, client := e.token("agent"), e.token("bob")
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/api/v1/synonyms", ""}, {"POST", "/api/v1/synonyms", `{"terms":["a","b"]}`},
		{"PATCH", "/api/v1/synonyms/1", `{"terms":["a","b"]}`}, {"DELETE", "/api/v1/synonyms/1", ""},
	} {
		if r := callAPI(t, e.app, client, c.method, c.path, c.body); r.status != 403 {
			t.Errorf("client %s %s: %d %s", c.method, c.path, r.status, r.raw)
		}
	}
	r := callAPI(t, e.app, agent, "POST", "/api/v1/synonyms", `{"terms":["Tiskárna","printer"]}`)
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.raw)
	}
	id := fmt.Sprint(r.body["id"])
	if s := callAPI(t, e.app, client, "GET", "/api/v1/search?q=tisk%C3%A1rna", ""); !strings.Contains(s.raw, "Printer offline") {
		t.Errorf("the new synonym does not apply: %s", s.raw)
	}
	for _, c := range []struct {
		body   string
		status int
	}{
		{`{"terms":["solo"]}`, 422}, {`{"terms":["a"],"expansions":[]}`, 422}, {`{}`, 422},
		{`{"terms":"a, b"}`, 400}, {`{"terms":["a","b"],"extra":1}`, 400}, {`{"terms":["` + strings.Repeat("x", 101) + `","b"]}`, 422},
		{`{"terms":["a\u0000b","c"]}`, 422}, // text cannot hold NUL: a refusal, not a 503 (found by schemathesis)
	} {
		if r := callAPI(t, e.app, agent, "POST", "/api/v1/synonyms", c.body); r.status != c.status {
			t.Errorf("%s: %d %s, want %d", c.body, r.status, r.raw, c.status)
		}
	}
	if r := callAPI(t, e.app, agent, "PATCH", "/api/v1/synonyms/"+id, `{"terms":["ad"],"expansions":["active directory"]}`); r.status != 200 ||
		fmt.Sprint(r.body["expansions"]) != "[active directory]" {
		t.Errorf("update: %d %s", r.status, r.raw)
	}
	if r := callAPI(t, e.app, agent, "PATCH", "/api/v1/synonyms/999999", `{"terms":["a","b"]}`); r.status != 404 {
		t.Errorf("update a missing group: %d", r.status)
	}
	if r := callAPI(t, e.app, agent, "GET", "/api/v1/synonyms", ""); r.status != 200 || fmt.Sprint(r.body["total"]) != "1" {
		t.Errorf("list: %d %s", r.status, r.raw)
	}
	if r := callAPI(t, e.app, agent, "DELETE", "/api/v1/synonyms/"+id, ""); r.status != 204 {
		t.Errorf("delete: %d", r.status)
	}
	if r := callAPI(t, e.app, agent, "DELETE", "/api/v1/synonyms/"+id, ""); r.status != 404 {
		t.Errorf("delete again: %d", r.status)
	}
}

// TestDidYouMean: a search that finds nothing offers, as one link, the query spelled with the
// words of documents the person may read; the API carries it as suggestion.
func TestDidYouMean(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	r := b.do("GET", "/search?q=configurasion+vpm", nil)
	if !strings.Contains(r.body, `¿Quisiste decir <a href="/search?q=configuraci%C3%B3n&#43;vpn" rel="nofollow"><strong>configuración vpn</strong></a>?`) {
		t.Errorf("no suggestion on the page:\n%s", r.body)
	}
	a := callAPI(t, e.app, e.token("bob"), "GET", "/api/v1/search?q=vpm", "")
	if a.body["suggestion"] != "vpn" || fmt.Sprint(a.body["total"]) != "0" {
		t.Errorf("API suggestion: %s", a.raw)
	}
	if a = callAPI(t, e.app, e.token("bob"), "GET", "/api/v1/search?q=vpn", ""); strings.Contains(a.raw, `"suggestion"`) {
		t.Errorf("a suggestion for a query that finds: %s", a.raw)
	}
	// Alice may not read Bob's ticket: its words are never offered to her.
	a = callAPI(t, e.app, e.token("alice"), "GET", "/api/v1/search?q=londom", "")
	if strings.Contains(a.raw, "london") {
		t.Errorf("another company's word suggested: %s", a.raw)
	}
}

func regexpFind(t *testing.T, s, pattern string) string {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no %s in the page", pattern)
	}
	return m[1]
}
