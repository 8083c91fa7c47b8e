package portal

import (
	"errors"
	"html/template"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"helpdesk/i18n"
	"helpdesk/search"
	"helpdesk/store"
)

type facetValueView struct {
	Label    string
	Count    string
	URL      string
	Selected bool
}

type facetView struct {
	Title  string
	Values []facetValueView
}

type chip struct{ Label, RemoveURL string }

type hitView struct {
	search.Hit
	TypeLabel, StatusLabel, PriorityLabel, Updated, UpdatedISO string
	Href                                                       string // through /search/go when the search was recorded
	TitleHTML                                                  template.HTML
	Snippets                                                   []template.HTML
}

type option struct {
	Value, Label string
	Selected     bool
}

type hidden struct{ Name, Value string }

// facetParams maps facet names to the URL parameter that filters by them.
var facetParams = map[string]string{"status": "status", "priority": "priority", "client": "client",
	"category": "category", "assignee": "assignee", "tags": "tag", "age": "age"}

// searchPage is the search box for everyone: KB answers, and tickets for those who may see them.
func (s *Server) searchPage(c *fiber.Ctx) error {
	return s.searchView(c, "/search", nil)
}

// searchView runs the search of the request and renders it; types limits the document types
// (nil: all the viewer may see).
func (s *Server) searchView(c *fiber.Ctx, action string, types []string) error {
	params, err := queryParams(c)
	if err != nil {
		return err
	}
	// e carries a recorded search to its next pages, so that a click there counts for it;
	// no other link keeps it (a new query or filter is a new search).
	carried := params.Get("e")
	params.Del("e")
	data := map[string]any{"Action": action, "Query": params.Get("q")}
	if action == "/tickets" {
		data["Heading"] = i18n.T(lang(c), "nav.tickets")
	}
	q, err := parseSearchQuery(params)
	if err != nil {
		return badRequest(err)
	}
	if params.Get("q") == "" && len(filterParams(params)) == 0 && types == nil {
		return s.render(c, "search", page{Data: data}) // the search box alone
	}
	if types != nil && len(q.Types) == 0 {
		q.Types = types
	}
	u := currentUser(c)
	q.Viewer, q.Suggest = viewer(u), true
	res, err := s.search.Search(c.UserContext(), q)
	if errors.Is(err, search.ErrBadQuery) {
		return badRequest(err)
	}
	if err != nil {
		return err
	}
	l := lang(c)
	event := ""
	if action == "/search" { // the search page's searches, not the ticket list's
		if q.Page > 1 && validEventID(carried) {
			event = carried
		} else {
			event = s.recordSearch(c, store.SearchFromPage, q, res)
		}
	}
	data["Result"] = res
	data["ShowEngineNotice"] = true
	data["Hits"] = s.hitViews(l, res.Hits, event, (q.Page-1)*q.PerPage)
	data["Facets"], data["Selected"] = s.facetViews(l, action, params, res)
	data["ClearURL"] = action + "?" + encode(url.Values{"q": {q.Text}})
	if res.Suggestion != "" {
		alt := cloneValues(params)
		alt.Del("page")
		alt.Set("q", res.Suggestion)
		data["SuggestURL"] = action + "?" + encode(alt)
	}
	if res.Total == 1 {
		data["TotalText"] = i18n.T(l, "search.result_one")
	} else {
		data["TotalText"] = i18n.T(l, "search.results", countText(l, res))
	}
	data["Page"] = q.Page
	if q.Page > 1 {
		data["PrevURL"] = pageURL(action, params, q.Page-1, event)
	}
	if int64(q.Page*q.PerPage) < res.Total && (q.Page+1)*q.PerPage <= search.MaxWindow {
		data["NextURL"] = pageURL(action, params, q.Page+1, event)
	}
	var sorts []option
	for _, so := range []search.Sort{search.SortRelevance, search.SortNewest, search.SortPriority, search.SortSLA} {
		if (so == search.SortPriority || so == search.SortSLA) && (u == nil || !u.IsStaff()) {
			continue
		}
		sorts = append(sorts, option{Value: string(so), Label: i18n.T(l, "sort."+string(so)), Selected: so == q.Sort})
	}
	data["Sorts"] = sorts
	data["SortHidden"] = hiddenFields(params, "sort", "page")
	data["Hidden"] = hiddenFields(params, "q", "page")
	data["CanOpenTicket"] = u != nil && !u.IsStaff()
	if action == "/tickets" && u != nil && u.IsStaff() {
		data["Saved"] = s.savedSearches(c, u)
		current := cloneValues(params)
		current.Del("page")
		data["CurrentQuery"] = encode(current)
	}
	title := q.Text
	return s.render(c, "search", page{Title: title, Data: data})
}

func filterParams(v url.Values) []string {
	var out []string
	for _, p := range []string{"status", "priority", "client", "category", "assignee", "tag", "from", "to", "type", "age"} {
		if len(v[p]) > 0 {
			out = append(out, p)
		}
	}
	return out
}

// hitViews shows hits; with the search's insights event, their links record the click of the
// result at its position across pages (offset hits come before these).
func (s *Server) hitViews(l string, hits []search.Hit, event string, offset int) []hitView {
	out := make([]hitView, 0, len(hits))
	for i, h := range hits {
		v := hitView{Hit: h, TypeLabel: i18n.T(l, "type."+h.Type), Updated: i18n.Date(l, h.UpdatedAt),
			UpdatedISO: h.UpdatedAt.UTC().Format(time.RFC3339), Href: h.URL}
		if event != "" {
			v.Href = clickURL(event, offset+i+1, h)
		}
		if h.Status != "" {
			v.StatusLabel = i18n.T(l, "status."+h.Status)
		}
		if h.Priority != "" {
			v.PriorityLabel = i18n.T(l, "priority."+h.Priority)
		}
		v.Category = s.categoryLabel(l, h.Category)
		// Highlights are escaped text with only <mark> added, made by the search package.
		if t := h.Highlights["title"]; len(t) > 0 {
			v.TitleHTML = template.HTML(t[0])
		} else {
			v.TitleHTML = template.HTML(template.HTMLEscapeString(h.Title))
		}
		for _, field := range []string{"body", "comments", "internal"} {
			for _, frag := range h.Highlights[field] {
				v.Snippets = append(v.Snippets, template.HTML(frag))
			}
		}
		if len(v.Snippets) > 2 {
			v.Snippets = v.Snippets[:2]
		}
		out = append(out, v)
	}
	return out
}

// facetViews lists each facet's values as links that add or remove that filter, and the
// selected filters as removable chips.
func (s *Server) facetViews(l, action string, params url.Values, res *search.Result) ([]facetView, []chip) {
	var views []facetView
	var chips []chip
	for _, name := range search.FacetNames {
		param := facetParams[name]
		fv := facetView{Title: i18n.T(l, "facet."+name)}
		for _, f := range res.Facets[name] {
			label := s.facetLabel(l, name, f)
			selected := slices.Contains(params[param], f.Value)
			fv.Values = append(fv.Values, facetValueView{Label: label, Count: i18n.Number(l, f.Count),
				URL: toggleURL(action, params, param, f.Value), Selected: selected})
		}
		views = append(views, fv)
	}
	for _, name := range search.FacetNames {
		param := facetParams[name]
		for _, v := range params[param] {
			label := v
			for _, f := range res.Facets[name] {
				if f.Value == v {
					label = s.facetLabel(l, name, f)
				}
			}
			chips = append(chips, chip{Label: i18n.T(l, "facet."+name) + ": " + label, RemoveURL: toggleURL(action, params, param, v)})
		}
	}
	return views, chips
}

func (s *Server) facetLabel(l, name string, f search.Facet) string {
	switch name {
	case "status":
		return i18n.T(l, "status."+f.Value)
	case "priority":
		return i18n.T(l, "priority."+f.Value)
	case "category":
		return s.categoryLabel(l, f.Value)
	case "age":
		return i18n.T(l, "age."+f.Value)
	}
	if f.Label != "" {
		return f.Label
	}
	return f.Value
}

// toggleURL returns the URL with value added to or removed from param, back on page 1.
func toggleURL(action string, params url.Values, param, value string) string {
	v := cloneValues(params)
	v.Del("page")
	if slices.Contains(v[param], value) {
		v[param] = slices.DeleteFunc(slices.Clone(v[param]), func(x string) bool { return x == value })
		if len(v[param]) == 0 {
			v.Del(param)
		}
	} else {
		v.Add(param, value)
	}
	return action + "?" + encode(v)
}

// pageURL is the link to another page of the search, carrying its insights event (if any).
func pageURL(action string, params url.Values, page int, event string) string {
	v := cloneValues(params)
	v.Set("page", strconv.Itoa(page))
	if event != "" {
		v.Set("e", event)
	}
	return action + "?" + encode(v)
}

func withParam(action string, params url.Values, name, value string) string {
	v := cloneValues(params)
	v.Set(name, value)
	return action + "?" + encode(v)
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vals := range v {
		out[k] = slices.Clone(vals)
	}
	return out
}

func encode(v url.Values) string {
	for k, vals := range v {
		if len(vals) == 1 && vals[0] == "" {
			delete(v, k)
		}
	}
	return v.Encode()
}

// hiddenFields carries the current filters through a form that changes other parameters.
func hiddenFields(params url.Values, skip ...string) []hidden {
	var out []hidden
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if slices.Contains(skip, k) {
			continue
		}
		for _, v := range params[k] {
			out = append(out, hidden{Name: k, Value: v})
		}
	}
	return out
}

// suggest returns KB titles matching what the person is typing, for the search box.
func (s *Server) suggest(c *fiber.Ctx) error {
	text := strings.TrimSpace(c.Query("q"))
	items := []fiber.Map{}
	if len(text) >= 2 && len(text) <= search.MaxTextLength {
		res, err := s.search.Search(c.UserContext(), search.Query{Text: text, Types: []string{search.TypeKB},
			PerPage: 6, Viewer: viewer(currentUser(c))})
		if err != nil && !errors.Is(err, search.ErrBadQuery) {
			return err
		}
		if res != nil {
			for _, h := range res.Hits {
				items = append(items, fiber.Map{"title": h.Title, "url": h.URL})
			}
		}
	}
	c.Set(fiber.HeaderCacheControl, "private, max-age=30")
	return c.JSON(fiber.Map{"items": items})
}

// countText is how many documents a result found, as a person reads it: "10.000+" when more
// than search.TotalCap match (every engine counts that far, no further).
func countText(l string, res *search.Result) string {
	n := i18n.Number(l, res.Total)
	if res.TotalRelation == search.RelationAtLeast {
		n += "+"
	}
	return n
}
