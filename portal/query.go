package portal

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"helpdesk/search"
)

// parseSearchQuery reads a search from URL parameters, shared by the pages and the API:
// q, type, status, priority, client, category, assignee, tag (all repeatable where it makes
// sense), from, to (dates or RFC 3339 times), age (1d, 7d, 30d), sort, page, per_page.
func parseSearchQuery(v url.Values) (search.Query, error) {
	q := search.Query{Text: strings.TrimSpace(v.Get("q")), Types: v["type"], Sort: search.Sort(v.Get("sort"))}
	var err error
	if q.Filters, err = parseFilters(v); err != nil {
		return q, err
	}
	for _, p := range []struct {
		name string
		dst  **time.Time
	}{{"from", &q.Filters.CreatedFrom}, {"to", &q.Filters.CreatedTo}} {
		if s := v.Get(p.name); s != "" {
			t, err := parseTime(s)
			if err != nil {
				return q, search.BadQuery("%s must be a date (2026-01-31) or an RFC 3339 time", p.name)
			}
			*p.dst = &t
		}
	}
	if a := v.Get("age"); a != "" {
		span, ok := search.AgeSpan(a)
		if !ok {
			return q, search.BadQuery("age must be 1d, 7d or 30d")
		}
		q.Now = time.Now()
		from := q.Now.Add(-span)
		if q.Filters.CreatedFrom == nil || q.Filters.CreatedFrom.Before(from) {
			q.Filters.CreatedFrom = &from
		}
	}
	for _, p := range []struct {
		name string
		dst  *int
	}{{"page", &q.Page}, {"per_page", &q.PerPage}} {
		if v.Has(p.name) { // present and empty is a mistake, not the default
			n, err := strconv.Atoi(v.Get(p.name))
			if err != nil || n < 1 { // 0 would read as "the default" further on
				return q, search.BadQuery("%s must be a whole number from 1", p.name)
			}
			*p.dst = n
		}
	}
	return q.Normalize()
}

// parseFilters reads the filters of a search or of a ticket list: status, priority, category,
// tag, client and assignee, each repeatable.
func parseFilters(v url.Values) (search.Filters, error) {
	f := search.Filters{Status: v["status"], Priority: v["priority"], Categories: v["category"], Tags: v["tag"]}
	var err error
	if f.ClientIDs, err = ids(v["client"], "client"); err != nil {
		return f, err
	}
	if f.AssigneeIDs, err = ids(v["assignee"], "assignee"); err != nil {
		return f, err
	}
	return f, nil
}

// queryParams reads the request's URL parameters, the one way every handler reads them. A
// value holding NUL is refused here: no text column can hold it.
func queryParams(c *fiber.Ctx) (url.Values, error) {
	v, err := url.ParseQuery(string(c.Request().URI().QueryString()))
	if err != nil {
		return nil, newProblem(fiber.StatusBadRequest, "bad_request", "malformed query string")
	}
	for name, values := range v {
		for _, value := range values {
			if strings.ContainsRune(value, 0) {
				return nil, newProblem(fiber.StatusBadRequest, "bad_request", fmt.Sprintf("parameter %q holds the character NUL", name))
			}
		}
	}
	return v, nil
}

// pageParams reads page and per_page, within the bounds a search has.
func pageParams(v url.Values) (page, perPage int, err error) {
	page, perPage = 1, search.DefaultPerPage
	if v.Has("page") { // present and empty is a mistake, not the default
		if page, err = strconv.Atoi(v.Get("page")); err != nil || page < 1 || page > search.MaxPage {
			return 0, 0, apiError(fiber.StatusBadRequest, "bad_request", fmt.Sprintf("page must be between 1 and %d", search.MaxPage))
		}
	}
	if v.Has("per_page") {
		if perPage, err = strconv.Atoi(v.Get("per_page")); err != nil || perPage < 1 || perPage > search.MaxPerPage {
			return 0, 0, apiError(fiber.StatusBadRequest, "bad_request", fmt.Sprintf("per_page must be between 1 and %d", search.MaxPerPage))
		}
	}
	return page, perPage, nil
}

func ids(vals []string, name string) ([]int64, error) {
	var out []int64
	for _, s := range vals {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return nil, search.BadQuery("%s must be a positive id", name)
		}
		out = append(out, n)
	}
	return out, nil
}

func parseTime(s string) (time.Time, error) {
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	return time.Parse(time.RFC3339, s)
}
