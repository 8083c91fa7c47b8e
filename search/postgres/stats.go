package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"
)

// A term weighs by its rarity, as BM25 has it: ln(1 + (N - n + 0.5) / (n + 0.5)) among N
// documents of which n match. In a small table both are counted; in a large one counting the
// matches of a common word is most of a search's work, so they are the planner's estimates
// (its statistics of the vectors' most common lexemes), kept a few minutes: what a rarity
// needs is its order of magnitude.

// exactBelow is the table size under which rarities are counted.
const exactBelow = 5_000

// statsTTL is how long an estimate is kept.
const statsTTL = 5 * time.Minute

// maxStats bounds the estimates kept; past it they are forgotten at once.
const maxStats = 50_000

type statsCache struct {
	mu      sync.Mutex
	entries map[string]estimate
}

type estimate struct {
	value float64
	at    time.Time
}

func newStatsCache() *statsCache { return &statsCache{entries: map[string]estimate{}} }

func (c *statsCache) get(key string, now time.Time) (float64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || now.Sub(e.at) > statsTTL {
		return 0, false
	}
	return e.value, true
}

func (c *statsCache) put(key string, v float64, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= maxStats {
		clear(c.entries)
	}
	c.entries[key] = estimate{v, now}
}

func idf(n, df float64) float64 {
	df = min(max(df, 0), n)
	return math.Log(1 + (n-df+0.5)/(df+0.5))
}

// idfs returns the rarity of each term among the documents of a kind, and how many documents
// the kind holds.
func (b *Backend) idfs(ctx context.Context, k *kind, terms []termQuery) (idfs []float64, n float64, err error) {
	n, err = b.tableSize(ctx, k)
	if err != nil || len(terms) == 0 {
		return nil, n, err
	}
	var dfs []float64
	if n < exactBelow {
		n, dfs, err = b.countMatches(ctx, k, terms)
	} else {
		dfs, err = b.estimateMatches(ctx, k, terms)
	}
	if err != nil {
		return nil, 0, err
	}
	idfs = make([]float64, len(terms))
	for i, df := range dfs {
		idfs[i] = idf(n, df)
	}
	return idfs, n, nil
}

// tableSize is the planner's count of a table's rows: -1 before the table was ever analysed.
func (b *Backend) tableSize(ctx context.Context, k *kind) (float64, error) {
	key := "n\x00" + k.table
	if n, ok := b.stats.get(key, time.Now()); ok && n >= exactBelow {
		return n, nil
	}
	var n float64
	// A partitioned table's rows are its partitions' (autovacuum analyses those, not it).
	if err := b.pool.QueryRow(ctx, `SELECT CASE WHEN count(*) FILTER (WHERE reltuples >= 0) = 0 THEN -1 ELSE sum(greatest(reltuples, 0)) END
		FROM pg_class WHERE relkind = 'r' AND oid IN (SELECT $1::regclass UNION ALL SELECT relid FROM pg_partition_tree($1::regclass))`,
		k.table).Scan(&n); err != nil {
		return 0, queryError(ctx, err)
	}
	b.stats.put(key, n, time.Now())
	return n, nil
}

// countMatches counts a small table's documents and those matching each term.
func (b *Backend) countMatches(ctx context.Context, k *kind, terms []termQuery) (float64, []float64, error) {
	var bld builder
	cols := []string{"(SELECT count(*) FROM " + k.table + ")"}
	for _, t := range terms {
		cols = append(cols, fmt.Sprintf("(SELECT count(*) FROM %s WHERE match_vec @@ %s)", k.table, bld.tsq(t.loose)))
	}
	counts := make([]int64, len(cols))
	dest := make([]any, len(cols))
	for i := range counts {
		dest[i] = &counts[i]
	}
	if err := b.pool.QueryRow(ctx, "SELECT "+strings.Join(cols, ", "), bld.args...).Scan(dest...); err != nil {
		return 0, nil, queryError(ctx, err)
	}
	dfs := make([]float64, len(terms))
	for i := range dfs {
		dfs[i] = float64(counts[i+1])
	}
	return float64(counts[0]), dfs, nil
}

// estimateMatches asks the planner how many documents of a large table match each term.
func (b *Backend) estimateMatches(ctx context.Context, k *kind, terms []termQuery) ([]float64, error) {
	dfs := make([]float64, len(terms))
	for i, t := range terms {
		var err error
		if dfs[i], err = b.estimate(ctx, `SELECT 1 FROM `+k.table+` WHERE match_vec @@ $1::tsquery`, t.loose.text); err != nil {
			return nil, err
		}
	}
	return dfs, nil
}

// estimate is the planner's count of the rows a query returns, kept with the others.
func (b *Backend) estimate(ctx context.Context, sql string, args ...any) (float64, error) {
	now := time.Now()
	key := fmt.Sprint("rows\x00", sql, args)
	if rows, ok := b.stats.get(key, now); ok {
		return rows, nil
	}
	var plan []byte
	if err := b.pool.QueryRow(ctx, `EXPLAIN (FORMAT JSON) `+sql, args...).Scan(&plan); err != nil {
		return 0, queryError(ctx, err)
	}
	var explained []struct {
		Plan struct {
			Rows float64 `json:"Plan Rows"`
		} `json:"Plan"`
	}
	if err := json.Unmarshal(plan, &explained); err != nil || len(explained) == 0 {
		return 0, fmt.Errorf("postgres search: read the planner's estimate: %w", err)
	}
	rows := explained[0].Plan.Rows
	b.stats.put(key, rows, now)
	return rows, nil
}
