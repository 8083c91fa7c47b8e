// Package postgres is the fallback search engine: the same queries answered from Postgres,
// over tsvectors of text analysed by the same Go code as the Elasticsearch index (the store
// writes them with the text), in narrow search tables behind GIN indexes (ticket_search,
// partitioned by id, and kb_search). The same access rules sit inside the SQL, facets are
// computed in SQL, highlights are the search package's.
//
// It holds at a million tickets by bounding the work of each search: the index finds the
// matching documents without reading their vectors (the queries carry no weights, and "k of n
// terms" is itself a tsquery); at most Cap of them, the newest, are counted, faceted and ranked
// (the total then reads "10,000+", as Elasticsearch's does); they are ranked first by their
// titles, which sit in the rows, and the best of them by their whole text.
package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"helpdesk/search"
	"helpdesk/search/analysis"
)

// Backend searches the search tables.
type Backend struct {
	pool    *pgxpool.Pool
	an      *analysis.Analyzer
	stats   *statsCache
	timeout time.Duration // of a whole search; 0: the caller's context decides
	own     bool          // the pool is the backend's, closed with it
	// replicas are pools of the backend's own to the primary's replicas, in the order route
	// numbers them.
	replicas []*pgxpool.Pool
	route    Router
	// banded is the table size from which searches look among the newest ids first, span
	// how many ids the first band holds (tests band small tables).
	banded float64
	span   func(expected, n float64) float64
}

var _ search.Searcher = (*Backend)(nil)

// New returns a backend on pool that analyses queries with an.
func New(pool *pgxpool.Pool, an *analysis.Analyzer) *Backend {
	return &Backend{pool: pool, an: an, stats: newStatsCache(), banded: 2 * window, span: firstSpan}
}

// Share bounds what searches may take of the database.
type Share struct {
	Conns   int32           // connections of the backend's own pool
	Timeout time.Duration   // of a whole search: waiting for a connection, and each statement
	Tracer  pgx.QueryTracer // optional: traces the statements
}

// Router picks where a read may run: a replica fit for the reads of ctx (its place in the
// list of replicas) or the primary (-1), and runs fn there, again on the primary when the
// replica cannot be reached. The store routes its own reads the same way.
type Router interface {
	ReadOn(ctx context.Context, fn func(replica int) error) error
}

// Replicas are streaming replicas searches may read instead of the primary, with Route to
// choose among them for each search (nil URLs: the primary answers every search).
type Replicas struct {
	URLs  []string
	Route Router
}

// Open returns a backend with pools of its own to the database at url and to its replicas:
// at most share.Conns connections each, whose statements stop at share.Timeout. When
// Elasticsearch is away every search lands here; bounded this way they queue among
// themselves and fail fast, while ticket pages, writes and the API keep the main pool. Close
// releases them.
func Open(ctx context.Context, url string, an *analysis.Analyzer, share Share, replicas Replicas) (*Backend, error) {
	pool, err := openPool(ctx, url, share)
	if err != nil {
		return nil, fmt.Errorf("postgres search: %w", err)
	}
	b := New(pool, an)
	b.timeout, b.own = share.Timeout, true
	if len(replicas.URLs) > 0 {
		if replicas.Route == nil {
			b.Close()
			return nil, errors.New("postgres search: replicas without a router")
		}
		b.route = replicas.Route
	}
	for _, u := range replicas.URLs {
		rp, err := openPool(ctx, u, share)
		if err != nil {
			b.Close()
			return nil, fmt.Errorf("postgres search: replica: %w", err)
		}
		b.replicas = append(b.replicas, rp)
	}
	return b, nil
}

func openPool(ctx context.Context, url string, share Share) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse the database URL: %w", err)
	}
	cfg.MaxConns = share.Conns
	cfg.ConnConfig.RuntimeParams["statement_timeout"] = strconv.FormatInt(share.Timeout.Milliseconds(), 10)
	// Compiling a plan costs more than a search that reads a bounded number of rows.
	cfg.ConnConfig.RuntimeParams["jit"] = "off"
	cfg.ConnConfig.RuntimeParams["application_name"] = "portal-search"
	cfg.ConnConfig.Tracer = share.Tracer
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	return pool, nil
}

// Pool is the pool searches run on the primary (the backend's own after Open), for its
// statistics.
func (b *Backend) Pool() *pgxpool.Pool { return b.pool }

// ReplicaPools are the backend's pools to the replicas, in the order of Replicas.URLs.
func (b *Backend) ReplicaPools() []*pgxpool.Pool { return b.replicas }

// Close releases the backend's own pools, if it has any.
func (b *Backend) Close() {
	for _, p := range b.replicas {
		p.Close()
	}
	if b.own {
		b.pool.Close()
	}
}

// Bounds of the work of one search.
const (
	// Cap is how many matching documents of each type a search counts, facets and ranks: the
	// newest. Past it the total reads as a lower bound, as Elasticsearch's track_total_hits.
	Cap = search.TotalCap
	// rescored is how many documents, ranked by their titles, are ranked again by their whole
	// text; deeper pages follow in title order.
	rescored = 200
	// window is the fewest of the newest ids a search of a large table looks among first
	// (tables of less than twice as many are read whole): reading the newest matches of a
	// common word this way costs a fraction of reading them all.
	window = 100_000
)

// Search answers q from Postgres.
func (b *Backend) Search(ctx context.Context, q search.Query) (*search.Result, error) {
	if b.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, b.timeout)
		defer cancel()
	}
	if b.route == nil {
		return search.Run(ctx, b, b.an, q)
	}
	// Every statement of a search on one database: its statistics, estimates and passes.
	var res *search.Result
	err := b.route.ReadOn(ctx, func(replica int) error {
		on := b
		if replica >= 0 {
			c := *b
			c.pool = b.replicas[replica]
			on = &c
		}
		var err error
		res, err = search.Run(ctx, on, b.an, q)
		return err
	})
	return res, err
}

// Pass runs one pass of a normalised query.
func (b *Backend) Pass(ctx context.Context, q search.Query, aq analysis.Query, p search.Pass) (*search.Result, error) {
	staff := q.Viewer.IsStaff()
	tqs := make([]termQuery, 0, len(aq.Terms))
	for _, t := range aq.Terms {
		var exp []string
		if !t.IsPhrase() && t.Edits > 0 {
			var err error
			if exp, err = b.expand(ctx, t.Words[0], t.Edits); err != nil {
				return nil, err
			}
		}
		tqs = append(tqs, termQueryOf(t, exp, staff, p.Typos))
	}
	r := run{terms: tqs, required: p.Required, bonus: p.Bonus, typos: p.Typos}
	if len(aq.Words) > 1 {
		r.phrase = phrase(aq.Words, "")
	}
	res, err := b.run(ctx, q, aq, r)
	if err != nil {
		return nil, err
	}
	return res.Result, nil
}

// Nearby returns the visible text of documents holding words within the typos a suggestion
// allows of the query's.
func (b *Backend) Nearby(ctx context.Context, q search.Query, aq analysis.Query) ([]string, error) {
	staff := q.Viewer.IsStaff()
	var alts []tsq
	for _, t := range aq.Terms {
		edits := t.SuggestEdits()
		if edits == 0 {
			continue
		}
		exp, err := b.expand(ctx, t.Words[0], edits)
		if err != nil {
			return nil, err
		}
		for _, e := range append(exp, t.Words[0]) { // the word too: a document holding it says it is no typo
			alts = append(alts, lexeme(e))
			if staff {
				alts = append(alts, lexeme(analysis.InternalMark+e))
			}
		}
	}
	any := or(alts...)
	if any.empty() {
		return nil, nil
	}
	near := q
	near.Page, near.PerPage, near.Sort = 1, search.NearbyDocs, search.SortRelevance
	tq := termQuery{match: any, loose: any, classes: []class{{any, 1}}}
	res, err := b.run(ctx, near, aq, run{terms: []termQuery{tq}, required: 1, texts: true})
	if err != nil {
		return nil, err
	}
	return res.texts, nil
}

// run is what one query asks of the database.
type run struct {
	terms    []termQuery
	required int
	bonus    int
	typos    bool // typos read in every field, not only in titles
	phrase   tsq  // the query's words in order
	texts    bool // keep the hits' texts (for Nearby)
}

// result is a search result and, when asked for, the texts of its hits.
type result struct {
	*search.Result
	texts []string
}

func (b *Backend) run(ctx context.Context, q search.Query, aq analysis.Query, r run) (*result, error) {
	res := &result{Result: search.NewResult(search.EnginePostgres, q)}
	var kinds []*kind
	for _, t := range q.VisibleTypes() {
		k := kindOf(t)
		if !k.filterable(q.Filters) {
			continue // filters by ticket fields: no article has them
		}
		kinds = append(kinds, k)
	}
	if len(kinds) == 0 {
		return res, nil
	}
	idfs := make([][]float64, len(kinds))
	bounds := make([][]int64, len(kinds))
	for i, k := range kinds {
		var err error
		var n float64
		if idfs[i], n, err = b.idfs(ctx, k, r.terms); err != nil {
			return nil, err
		}
		if n < b.banded || (k.typ == search.TypeTicket && !q.Viewer.IsStaff()) {
			continue // small enough to look at all at once, or a client's share of it
		}
		newest, err := b.maxID(ctx, k)
		if err != nil {
			return nil, err
		}
		var bld builder
		expected, err := b.estimate(ctx, bld.matches(q, r, k), bld.args...)
		if err != nil {
			return nil, err
		}
		bounds[i] = bands(newest, b.span(expected, n))
	}
	var bld builder
	sql := bld.query(q, r, kinds, idfs, bounds)
	var (
		total  int64
		capped bool
		hitsJS []byte
		facJS  []byte
	)
	err := pgx.BeginTxFunc(ctx, b.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, plannerSettings, len(r.terms) == 0); err != nil {
			return err
		}
		return tx.QueryRow(ctx, sql, bld.args...).Scan(&total, &capped, &hitsJS, &facJS)
	})
	if err != nil {
		return nil, queryError(ctx, err)
	}
	res.Total = total
	if capped || total > Cap { // as Elasticsearch counts: up to Cap in all
		res.Total, res.TotalRelation = Cap, search.RelationAtLeast
	}
	if err := b.decode(res, aq, r, q.Viewer.IsStaff(), hitsJS, facJS); err != nil {
		return nil, err
	}
	return res, nil
}

func (b *Backend) decode(res *result, aq analysis.Query, r run, staff bool, hitsJS, facJS []byte) error {
	var rows []hitRow
	if err := json.Unmarshal(hitsJS, &rows); err != nil {
		return fmt.Errorf("postgres search: decode hits: %w", err)
	}
	m := b.an.Matcher(aq)
	if !r.typos {
		m = m.TitleTyposOnly()
	}
	for _, row := range rows {
		res.Hits = append(res.Hits, row.hit(m, staff))
		if r.texts {
			res.texts = append(res.texts, row.Title, row.Body)
			res.texts = append(res.texts, row.Comments...)
			if staff {
				res.texts = append(res.texts, row.Internal...)
			}
		}
	}
	var facets map[string][]search.Facet
	if err := json.Unmarshal(facJS, &facets); err != nil {
		return fmt.Errorf("postgres search: decode facets: %w", err)
	}
	for name, f := range facets {
		if len(f) > 0 {
			res.Facets[name] = f
		}
	}
	return nil
}

// queryError says whether the database could not answer (unavailable: failover and the API
// treat it as such) or refused the query.
func queryError(ctx context.Context, err error) error {
	var pgErr *pgconn.PgError
	if ctx.Err() != nil || !errors.As(err, &pgErr) || pgErr.Code == "57014" { // 57014: statement timeout
		return fmt.Errorf("%w: postgres search: %w", search.ErrUnavailable, err)
	}
	return fmt.Errorf("postgres search: %w", err)
}

type hitRow struct {
	Type       string    `json:"type"`
	ID         int64     `json:"id"`
	Title      string    `json:"title"`
	Body       string    `json:"body"`
	Status     string    `json:"status"`
	Priority   string    `json:"priority"`
	Category   string    `json:"category"`
	ClientName string    `json:"client_name"`
	Slug       string    `json:"slug"`
	UpdatedAt  time.Time `json:"updated_at"`
	Score      float64   `json:"score"`
	Comments   []string  `json:"comments"`
	Internal   []string  `json:"internal"`
}

func (r hitRow) hit(m *analysis.Matcher, staff bool) search.Hit {
	var internal []string
	if staff {
		internal = r.Internal
	}
	return search.Hit{
		Type: r.Type, ID: r.ID, Title: r.Title, URL: search.DocURL(r.Type, r.ID, r.Slug), Score: r.Score,
		Highlights: search.Highlights(r.Title, r.Body, r.Comments, internal, m),
		Status:     r.Status, Priority: r.Priority, Client: r.ClientName, Category: r.Category, UpdatedAt: r.UpdatedAt.UTC(),
	}
}

// plannerSettings holds for one search's transaction. The vectors a search matches live out
// of line (TOAST), which the planner does not cost: a sequential scan, or for a text query an
// index scan in id order, would read and decompress a vector for every row it passes, where
// the GIN index answers alone and no vector is read. Without text ($1), the newest rows come
// best from the primary key in order. Candidate sets of ten thousand rows sort in memory. No
// parallel workers: the bands of ids must be read in order, and when Elasticsearch is away
// searches come many at a time, where workers only add to the load. Always a plan for the
// values at hand: a generic one knows neither which partitions a band covers nor how common
// a word is, and chose plans twice as slow for filtered searches.
const plannerSettings = `SELECT set_config('enable_seqscan', 'off', true),
	set_config('enable_indexscan', CASE WHEN $1::bool THEN 'on' ELSE 'off' END, true),
	set_config('work_mem', '16MB', true), set_config('max_parallel_workers_per_gather', '0', true),
	set_config('plan_cache_mode', 'force_custom_plan', true)`

// A search of a large table looks among the newest ids first: in a band of them that should
// hold Cap matches and some, then in one as wide, then in bands twice as wide down to the
// oldest, all in one query that reads a band only when those before it fell short. A common
// word stops in the first band, a rare one costs little in each: ticket_search is partitioned
// by id, and a band reads the indexes of the partitions it covers.

// firstSpan is how many of the newest ids, among n, should hold Cap matches and some, when
// the planner expects that many in all: at least window. Its counts are good to well under
// spanMargin, and the next band makes up for the rest.
func firstSpan(expected, n float64) float64 {
	return max(window, spanMargin*Cap*n/max(expected, 1))
}

// spanMargin is how many times Cap matches the first band should hold by the planner's count.
const spanMargin = 3

// bands returns the lower bounds (exclusive) of the bands of ids below newest, the first span
// wide, the second as wide, each next twice the one before, the last open.
func bands(newest int64, span float64) []int64 {
	var bounds []int64
	for i, lo := 0, float64(newest)-span; lo > 0; i++ {
		bounds = append(bounds, int64(lo))
		if i > 0 {
			span *= 2
		}
		lo -= span
	}
	return bounds
}

// maxID is the newest id of a kind's search rows, kept with the estimates: an older one only
// widens the first band (id > maxID - span), which never misses a newer row.
func (b *Backend) maxID(ctx context.Context, k *kind) (int64, error) {
	key := "max\x00" + k.table
	if id, ok := b.stats.get(key, time.Now()); ok {
		return int64(id), nil
	}
	var id int64
	if err := b.pool.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM `+k.table).Scan(&id); err != nil {
		return 0, queryError(ctx, err)
	}
	b.stats.put(key, float64(id), time.Now())
	return id, nil
}
