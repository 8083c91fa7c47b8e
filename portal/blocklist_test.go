package portal_test

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"helpdesk/config"
	"helpdesk/store"
)

// TestAPIBlocklist: admins list, add and remove entries; others may not; bad input is a 4xx
// naming the field.
func TestAPIBlocklist(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin, agent, alice := e.token("admin"), e.token("agent"), e.token("alice")
	for _, tok := range []string{agent, alice} {
		if r := callAPI(t, e.app, tok, "GET", "/api/v1/blocklist", ""); r.status != 403 {
			t.Errorf("list by a non-admin: %d", r.status)
		}
		if r := callAPI(t, e.app, tok, "POST", "/api/v1/blocklist", `{"address": "203.0.113.0/24"}`); r.status != 403 {
			t.Errorf("add by a non-admin: %d", r.status)
		}
	}
	if r := callAPI(t, e.app, admin, "GET", "/api/v1/blocklist", ""); r.status != 200 || r.body["total"] != float64(0) {
		t.Fatalf("empty list: %d %s", r.status, r.raw)
	}
	soon := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	for _, c := range []struct {
		name, body string
		status     int
		field      string // in the message
	}{
		{"no address", `{"reason": "x"}`, 422, "address"},
		{"not an address", `{"address": "203.0.113.300"}`, 422, "address"},
		{"a host name", `{"address": "example.com"}`, 422, "address"},
		{"every address", `{"address": "::/0"}`, 422, "address"},
		{"the admin's own address", `{"address": "0.0.0.0/8"}`, 422, "own address"}, // app.Test asks from 0.0.0.0
		{"past expiry", `{"address": "203.0.113.0/24", "expires_at": "2020-01-01T00:00:00Z"}`, 422, "expires_at"},
		{"not a time", `{"address": "203.0.113.0/24", "expires_at": "tomorrow"}`, 422, "expires_at"},
		{"long reason", `{"address": "203.0.113.0/24", "reason": "` + strings.Repeat("x", store.MaxBlockReason+1) + `"}`, 422, "reason"},
		{"NUL in the reason", `{"address": "203.0.113.0/24", "reason": "a\u0000b"}`, 422, ""},
		{"unknown field", `{"address": "203.0.113.0/24", "until": "never"}`, 400, "until"},
		{"address of the wrong type", `{"address": 42}`, 400, "address"},
	} {
		r := callAPI(t, e.app, admin, "POST", "/api/v1/blocklist", c.body)
		e, _ := r.body["error"].(map[string]any)
		msg, _ := e["message"].(string)
		if r.status != c.status || !strings.Contains(msg, c.field) {
			t.Errorf("%s: %d %s, want %d naming %q", c.name, r.status, r.raw, c.status, c.field)
		}
	}
	r := callAPI(t, e.app, admin, "POST", "/api/v1/blocklist", `{"address": "203.0.113.77/24", "reason": "credential stuffing", "expires_at": "`+soon+`"}`)
	if r.status != 201 || r.body["address"] != "203.0.113.0/24" || r.body["reason"] != "credential stuffing" ||
		r.body["created_by"] != float64(e.ids["admin"]) || r.body["expires_at"] == nil {
		t.Fatalf("add: %d %s", r.status, r.raw)
	}
	path := fmt.Sprintf("/api/v1/blocklist/%v", r.body["id"])
	if r.header.Get("Location") != path {
		t.Errorf("Location %q, want %q", r.header.Get("Location"), path)
	}
	if r := callAPI(t, e.app, admin, "POST", "/api/v1/blocklist", `{"address": "203.0.113.0/24"}`); r.status != 409 {
		t.Errorf("blocked twice: %d %s", r.status, r.raw)
	}
	r = callAPI(t, e.app, admin, "POST", "/api/v1/blocklist", `{"address": "2001:db8::1", "reason": null, "expires_at": null}`)
	if r.status != 201 || r.body["address"] != "2001:db8::1/128" || r.body["reason"] != nil || r.body["expires_at"] != nil {
		t.Fatalf("add with nulls: %d %s", r.status, r.raw)
	}
	if r := callAPI(t, e.app, admin, "GET", "/api/v1/blocklist", ""); r.status != 200 || r.body["total"] != float64(2) {
		t.Errorf("list: %d %s", r.status, r.raw)
	}
	if r := callAPI(t, e.app, agent, "DELETE", path, ""); r.status != 403 {
		t.Errorf("remove by an agent: %d", r.status)
	}
	if r := callAPI(t, e.app, admin, "DELETE", path, ""); r.status != 204 {
		t.Fatalf("remove: %d %s", r.status, r.raw)
	}
	for _, p := range []string{path, "/api/v1/blocklist/abc"} {
		if r := callAPI(t, e.app, admin, "DELETE", p, ""); r.status != 404 {
			t.Errorf("remove %s: %d", p, r.status)
		}
	}
}

// TestBlocklistAppliesEverywhere: a change made on one portal applies there at once and on
// another within 5 seconds, to pages and API alike (but health and metrics), without a
// restart; an expired entry stops applying by itself; API_BLOCKLIST's addresses are refused
// on pages too.
func TestBlocklistAppliesEverywhere(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	e.blocklistRefresh = 200 * time.Millisecond
	one, other := e.serve(e.newApp(config.RateLimit{})), e.serve(e.newApp(config.RateLimit{}, netip.MustParsePrefix("127.0.0.4/32")))
	admin := e.token("admin")
	bad := func(base string) *browser { return e.browserFrom(base, "127.0.0.2") }

	// refused reports whether the portal at base refuses 127.0.0.2 on a page and the API
	// alike (settled: a reload may come between the two requests); when every is set and it is
	// refused, it checks every kind of route too: only while waiting for a block to apply,
	// never while one may end (a removal or an expiry coming in the middle of the check).
	refused := func(base string, every bool) (blocked, settled bool) {
		t.Helper()
		b := bad(base)
		page, api := b.do("GET", "/kb", nil), b.do("GET", "/api/v1/search?q=vpn", nil)
		switch {
		case (page.status == 403) != (api.status == 403):
			return false, false
		case page.status == 403 && api.status == 403:
			if !strings.Contains(page.body, "Las peticiones desde tu dirección están bloqueadas") || !strings.Contains(api.body, `"blocked"`) {
				t.Fatalf("refusals:\n%s\n%s", page.body, api.body)
			}
			if !every {
				return true, true
			}
			for _, path := range []string{"/", "/login", "/tickets/new", "/static/app.css", "/api/v1/openapi.json", "/API/v1/tickets"} {
				if r := b.do("GET", path, nil); r.status != 403 {
					t.Errorf("%s from a blocked address: %d", path, r.status)
				}
			}
			for _, path := range []string{"/healthz", "/readyz", "/metrics", "/healthz/"} {
				if r := b.do("GET", path, nil); r.status != 200 {
					t.Errorf("%s from a blocked address: %d", path, r.status)
				}
			}
			return true, true
		case page.status == 200 && api.status == 401: // no token: served, not refused
			return false, true
		}
		t.Fatalf("page %d, API %d", page.status, api.status)
		return false, false
	}
	thorough := true
	within := func(what string, d time.Duration, want bool, base string) {
		t.Helper()
		for deadline := time.Now().Add(d); ; time.Sleep(50 * time.Millisecond) {
			if blocked, settled := refused(base, thorough && want); settled && blocked == want {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: not in force after %v", what, d)
			}
		}
	}
	within("before", 0, false, one)

	r := callAPI(t, e.app, admin, "POST", "/api/v1/blocklist", `{"address": "127.0.0.2"}`)
	if r.status != 201 {
		t.Fatalf("add: %d %s", r.status, r.raw)
	}
	// e.app made the change, not one: one learns it by polling, as other does.
	within("added, on one", 5*time.Second, true, one)
	within("added, on other", 5*time.Second, true, other)
	if b := e.browserFrom(other, "127.0.0.3"); b.do("GET", "/kb", nil).status != 200 {
		t.Error("a neighbouring address is refused")
	}

	// Removed from the command line (the store, as portalctl block remove does).
	if _, err := e.st.RemoveBlockAddress(ctx, netip.MustParsePrefix("127.0.0.2/32")); err != nil {
		t.Fatal(err)
	}
	within("removed, on other", 5*time.Second, false, other)

	// An entry that expires stops applying without anyone touching the table.
	thorough = false
	soon := time.Now().Add(3 * time.Second)
	if _, err := e.st.AddBlock(ctx, store.NewBlock{Address: netip.MustParsePrefix("127.0.0.0/30"), ExpiresAt: &soon}); err != nil {
		t.Fatal(err)
	}
	within("expiring, on other", 5*time.Second, true, other)
	within("expired, on other", time.Until(soon)+2*time.Second, false, other)

	// API_BLOCKLIST's addresses are refused on pages too.
	b := e.browserFrom(other, "127.0.0.4")
	if r := b.do("GET", "/kb", nil); r.status != 403 {
		t.Errorf("API_BLOCKLIST on a page: %d", r.status)
	}
}

// TestBlocklistChangeAppliesAtOnce: the portal that takes a change applies it on the next
// request, without waiting for its poll.
func TestBlocklistChangeAppliesAtOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t) // no polling: BlocklistRefresh is 0
	base := e.serve(e.app)
	admin := e.token("admin")
	b := e.browserFrom(base, "127.0.0.2")
	if r := b.do("GET", "/kb", nil); r.status != 200 {
		t.Fatalf("before: %d", r.status)
	}
	r := callAPI(t, e.app, admin, "POST", "/api/v1/blocklist", `{"address": "127.0.0.0/30"}`)
	if r.status != 201 {
		t.Fatalf("add: %d %s", r.status, r.raw)
	}
	if r := b.do("GET", "/kb", nil); r.status != 403 {
		t.Fatalf("just after the add: %d", r.status)
	}
	if r := callAPI(t, e.app, admin, "DELETE", fmt.Sprintf("/api/v1/blocklist/%v", r.body["id"]), ""); r.status != 204 {
		t.Fatalf("remove: %d", r.status)
	}
	if r := b.do("GET", "/kb", nil); r.status != 200 {
		t.Fatalf("just after the removal: %d", r.status)
	}
}

// TestBlocklistPage: admins keep the blocklist from a page, in their language; agents and
// clients may not see it.
func TestBlocklistPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	for _, who := range []string{"agent", "bob"} {
		b := e.browser()
		b.login(who)
		if r := b.do("GET", "/admin/blocklist", nil); r.status != http.StatusForbidden {
			t.Errorf("%s: %d", who, r.status)
		}
	}
	admin := e.browser()
	admin.login("admin")
	r := admin.do("GET", "/admin/blocklist", nil)
	if r.status != 200 || !strings.Contains(r.body, "No hay ninguna dirección bloqueada") || !strings.Contains(r.body, `href="/admin/blocklist"`) {
		t.Fatalf("empty page: %d\n%s", r.status, r.body)
	}
	token := admin.csrf("/admin/blocklist")
	for _, c := range []struct {
		form    url.Values
		status  int
		message string
	}{
		{url.Values{"address": {"not an address"}}, 422, "No es una dirección IP ni una red CIDR válida"},
		{url.Values{"address": {"0.0.0.0/16"}}, 422, "contiene tu propia dirección"},
		{url.Values{"address": {"198.51.100.7"}, "expires": {"forever"}}, 400, ""},
	} {
		c.form.Set("_csrf", token)
		r := admin.do("POST", "/admin/blocklist", c.form)
		if r.status != c.status || !strings.Contains(r.body, c.message) {
			t.Errorf("%v: %d, want %d with %q\n%s", c.form, r.status, c.status, c.message, r.body)
		}
	}
	if r := admin.do("POST", "/admin/blocklist", url.Values{"_csrf": {token}, "address": {"198.51.100.7"}, "reason": {"escaneos"}, "expires": {"24h"}}); r.status != http.StatusSeeOther {
		t.Fatalf("add: %d\n%s", r.status, r.body)
	}
	if r := admin.do("POST", "/admin/blocklist", url.Values{"_csrf": {token}, "address": {"198.51.100.7/32"}}); r.status != 409 || !strings.Contains(r.body, "ya está bloqueada") {
		t.Errorf("twice: %d", r.status)
	}
	blocks, err := e.st.Blocks(ctx)
	if err != nil || len(blocks) != 1 || *blocks[0].CreatedBy != e.ids["admin"] || blocks[0].ExpiresAt == nil ||
		time.Until(*blocks[0].ExpiresAt) < 23*time.Hour {
		t.Fatalf("after the form: %+v %v", blocks, err)
	}
	admin.lang = "en"
	if r := admin.do("GET", "/admin/blocklist", nil); !strings.Contains(r.body, "198.51.100.7/32") || !strings.Contains(r.body, "escaneos") || !strings.Contains(r.body, "Blocked addresses") {
		t.Errorf("the list, in English:\n%s", r.body)
	}
	if r := admin.do("POST", fmt.Sprintf("/admin/blocklist/%d/delete", blocks[0].ID), url.Values{"_csrf": {token}}); r.status != http.StatusSeeOther {
		t.Fatalf("remove: %d", r.status)
	}
	if blocks, err := e.st.Blocks(ctx); err != nil || len(blocks) != 0 {
		t.Errorf("after removing: %+v %v", blocks, err)
	}
}
