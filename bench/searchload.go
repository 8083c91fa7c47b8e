package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"helpdesk/auth"
	"helpdesk/internal/procs"
	"helpdesk/search"
	"helpdesk/store"
)

// mixQuery is one query of the realistic mix, asked by an agent or by a client user.
type mixQuery struct {
	Name   string
	Client bool // asked by a client user: tickets of their company only
	Q      search.Query
}

// queryMix is what agents and clients type: words, a phrase, a typo, facet filters, a deep page.
func queryMix() []mixQuery {
	return []mixQuery{
		{Name: "one word", Q: search.Query{Text: "impresora"}},
		{Name: "two words", Q: search.Query{Text: "outlook contraseña"}},
		{Name: "phrase", Q: search.Query{Text: `"no funciona"`}},
		{Name: "misspelled", Q: search.Query{Text: "impresra"}},
		{Name: "one facet", Q: search.Query{Text: "vpn", Filters: search.Filters{Priority: []string{"high"}}}},
		{Name: "two facets", Q: search.Query{Text: "correo", Filters: search.Filters{Status: []string{"closed"}, Priority: []string{"high"}}}},
		{Name: "deep page", Q: search.Query{Text: "error", Page: 40, PerPage: 25}},
		{Name: "client, one word", Client: true, Q: search.Query{Text: "vpn"}},
	}
}

// apiParams are the URL parameters of /api/v1/search that ask for q.
func apiParams(q search.Query) url.Values {
	v := url.Values{}
	v.Set("q", q.Text)
	for _, s := range q.Filters.Status {
		v.Add("status", s)
	}
	for _, p := range q.Filters.Priority {
		v.Add("priority", p)
	}
	for _, t := range q.Types {
		v.Add("type", t)
	}
	if q.Page > 0 {
		v.Set("page", strconv.Itoa(q.Page))
	}
	if q.PerPage > 0 {
		v.Set("per_page", strconv.Itoa(q.PerPage))
	}
	return v
}

// LevelResult is one concurrency level: the portal's API and the raw query, and their ratio.
type LevelResult struct {
	Concurrency int
	Portal, Raw Stats
	Ratio       float64 // Portal.P50 / Raw.P50
}

// SearchResult holds the search figures of a data set.
type SearchResult struct {
	Queries  []QueryCheck
	Levels   []LevelResult
	Fallback []LevelResult // Portal only: the portal answering from Postgres
	// FallbackQueries are the mix's queries answered by Postgres, one by one.
	FallbackQueries []FallbackQuery
}

// QueryCheck is one query of the mix with the hits both paths found: equal, or the run fails.
type QueryCheck struct {
	Name      string
	Params    string
	Total     int64
	Relation  string // search.RelationAtLeast past search.TotalCap
	RawBytes  int
	PortalP50 time.Duration // concurrency 1
	RawP50    time.Duration
}

// prepared is a mix query ready to send both ways.
type prepared struct {
	mixQuery
	path    string // /api/v1/search?...
	token   string
	rawPath string // /<aliases>/_search?..., as the backend sends it
	rawBody []byte
}

// viewers makes (or finds) an agent and a client user with API tokens on the data set.
func viewers(ctx context.Context, st *store.Store) (agent, client search.Viewer, agentToken, clientToken string, err error) {
	clients, err := st.Clients(ctx)
	if err != nil {
		return
	}
	if len(clients) == 0 {
		err = errors.New("the data set has no clients")
		return
	}
	mk := func(email string, role auth.Role, clientID *int64) (search.Viewer, string, error) {
		u, err := st.UserByEmail(ctx, email)
		if errors.Is(err, store.ErrNotFound) {
			u, err = st.CreateUser(ctx, store.NewUser{Email: email, Name: "Bench " + string(role), Role: role, ClientID: clientID, PasswordHash: "!"})
		}
		if err != nil {
			return search.Viewer{}, "", err
		}
		token, hash, display, err := auth.NewToken()
		if err != nil {
			return search.Viewer{}, "", err
		}
		if _, err := st.CreateToken(ctx, u.ID, "bench", hash, display); err != nil {
			return search.Viewer{}, "", err
		}
		v := search.Viewer{Role: role, UserID: u.ID}
		if clientID != nil {
			v.ClientID = *clientID
		}
		return v, token, nil
	}
	if agent, agentToken, err = mk("bench-agent@bench.example", auth.Agent, nil); err != nil {
		return
	}
	client, clientToken, err = mk("bench-client@bench.example", auth.Client, &clients[0].ID)
	return
}

func (r *runner) prepare(ctx context.Context, d *dataset) ([]prepared, error) {
	agent, client, agentToken, clientToken, err := viewers(ctx, d.st)
	if err != nil {
		return nil, err
	}
	// The raw query must be the one the portal sends: with the same synonyms.
	groups, _, err := d.st.SynonymGroups(ctx)
	if err != nil {
		return nil, err
	}
	d.st.Analyzer().SetSynonyms(groups)
	var out []prepared
	for _, m := range queryMix() {
		p := prepared{mixQuery: m, path: "/api/v1/search?" + apiParams(m.Q).Encode(), token: agentToken}
		q := m.Q
		q.Viewer = agent
		if m.Client {
			q.Viewer, p.token = client, clientToken
		}
		if p.rawPath, p.rawBody, err = d.es.SearchRequest(q); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func (p prepared) portalRequest(ctx context.Context, base string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", base+p.path, nil)
	if err == nil {
		req.Header.Set("Authorization", "Bearer "+p.token)
	}
	return req, err
}

func (p prepared) rawRequest(ctx context.Context, base string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, "POST", base+p.rawPath, bytes.NewReader(p.rawBody))
	if err == nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, err
}

// searchLoad runs the mix through a portal process and straight to Elasticsearch at each
// concurrency, alternating the two in every round, then through a portal answering from
// Postgres.
func (r *runner) searchLoad(ctx context.Context, d *dataset) (*SearchResult, error) {
	mix, err := r.prepare(ctx, d)
	if err != nil {
		return nil, err
	}
	portal, err := procs.Start(ctx, r.cfg.Bin, "portal", "PORTAL_ADDR", "/readyz", append(d.env, unthrottled...))
	if err != nil {
		return nil, err
	}
	defer portal.Stop()
	esBase := strings.TrimRight(r.cfg.ElasticsearchURL, "/")
	res := &SearchResult{}
	// Both paths must find the same: otherwise the comparison compares different work.
	for _, p := range mix {
		f, err := r.portalTotal(ctx, p, portal.URL(""))
		if err != nil {
			return nil, err
		}
		rawTotal, n, err := r.rawTotal(ctx, p, esBase)
		if err != nil {
			return nil, err
		}
		if f.Total != rawTotal {
			return nil, fmt.Errorf("%s: the portal found %d, the raw query %d", p.Name, f.Total, rawTotal)
		}
		if f.Total == 0 {
			return nil, fmt.Errorf("%s (%s): no hits on this data set; the mix needs a query that finds something", p.Name, p.path)
		}
		res.Queries = append(res.Queries, QueryCheck{Name: p.Name, Params: strings.TrimPrefix(p.path, "/api/v1/search?"), Total: f.Total,
			Relation: f.Relation, RawBytes: n})
	}
	// Per query at concurrency 1: where the time goes.
	for i, p := range mix {
		one := []prepared{p}
		ps, err := r.mixLoad(ctx, one, 1, r.cfg.Duration/4, portal.URL(""), false)
		if err != nil {
			return nil, err
		}
		rs, err := r.mixLoad(ctx, one, 1, r.cfg.Duration/4, esBase, true)
		if err != nil {
			return nil, err
		}
		res.Queries[i].PortalP50, res.Queries[i].RawP50 = ps.P50, rs.P50
	}
	for _, c := range r.cfg.Concurrency {
		var ps, rs []Stats
		for run := range r.cfg.Runs {
			for _, raw := range []bool{run%2 == 1, run%2 == 0} { // alternate which goes first
				base := portal.URL("")
				if raw {
					base = esBase
				}
				s, err := r.mixLoad(ctx, mix, c, r.cfg.Duration, base, raw)
				if err != nil {
					return nil, err
				}
				if raw {
					rs = append(rs, s)
				} else {
					ps = append(ps, s)
				}
			}
		}
		l := LevelResult{Concurrency: c, Portal: medianStats(ps), Raw: medianStats(rs)}
		l.Ratio = float64(l.Portal.P50) / float64(l.Raw.P50)
		r.logf("search c=%d: portal p50 %s p99 %s %.0f/s; raw p50 %s p99 %s %.0f/s; ratio %.2f", c,
			ms(l.Portal.P50), ms(l.Portal.P99), l.Portal.RPS, ms(l.Raw.P50), ms(l.Raw.P99), l.Raw.RPS, l.Ratio)
		res.Levels = append(res.Levels, l)
	}
	portal.Stop()
	if err := r.fallback(ctx, d, mix, res); err != nil {
		return nil, fmt.Errorf("fallback: %w", err)
	}
	return res, nil
}

// unthrottled lifts the API limits: the benchmark is one address with one token.
var unthrottled = []string{"API_RATE_LIMIT_IP=1000000000/1m", "API_RATE_LIMIT_TOKEN=1000000000/1m"}

// mixLoad sends the mix round-robin at concurrency c for d, to the portal or straight to
// Elasticsearch. Every answer must be a 2xx: errors fail the run.
func (r *runner) mixLoad(ctx context.Context, mix []prepared, c int, d time.Duration, base string, raw bool) (Stats, error) {
	s, err := closedLoop(ctx, r.client, c, d, len(mix), 0, func(ctx context.Context, i int) (*http.Request, error) {
		p := mix[i%len(mix)]
		if raw {
			return p.rawRequest(ctx, base)
		}
		return p.portalRequest(ctx, base)
	})
	if err == nil && s.Errors > 0 {
		err = fmt.Errorf("%d of %d requests failed", s.Errors, s.N+s.Errors)
	}
	return s, err
}

// found is how many documents a search found, as the API says it.
type found struct {
	Total    int64  `json:"total"`
	Relation string `json:"total_relation"`
}

func (f found) String() string {
	if f.Relation == search.RelationAtLeast {
		return fmt.Sprintf("%d+", f.Total)
	}
	return fmt.Sprint(f.Total)
}

func (r *runner) portalTotal(ctx context.Context, p prepared, base string) (found, error) {
	req, err := p.portalRequest(ctx, base)
	if err != nil {
		return found{}, err
	}
	var reply found
	_, err = r.fetchJSON(req, &reply)
	return reply, err
}

func (r *runner) rawTotal(ctx context.Context, p prepared, base string) (int64, int, error) {
	req, err := p.rawRequest(ctx, base)
	if err != nil {
		return 0, 0, err
	}
	var reply struct {
		Hits struct {
			Total struct {
				Value int64 `json:"value"`
			} `json:"total"`
		} `json:"hits"`
	}
	n, err := r.fetchJSON(req, &reply)
	return reply.Hits.Total.Value, n, err
}

// fetchJSON sends req, expects a 2xx, decodes the answer into v and returns its size.
func (r *runner) fetchJSON(req *http.Request, v any) (int, error) {
	res, err := r.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, err
	}
	if res.StatusCode/100 != 2 {
		return 0, fmt.Errorf("%s %s: status %d: %.300s", req.Method, req.URL, res.StatusCode, b)
	}
	return len(b), json.Unmarshal(b, v)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }
