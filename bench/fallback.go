package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"helpdesk/internal/procs"
	"helpdesk/search/analysis"
)

// FallbackQuery is one query of the mix answered by the Postgres engine: what it found beside
// what Elasticsearch found (the same rules: the same numbers, "10,000+" past the cap), and its
// latency alone at concurrency 1.
type FallbackQuery struct {
	Name                 string
	Total, ESTotal       int64
	Relation, ESRelation string
	P50                  time.Duration
}

// fallback runs the mix through a portal with no Elasticsearch configured: each query alone,
// then every level but the last, each cfg.Runs times.
func (r *runner) fallback(ctx context.Context, d *dataset, mix []prepared, res *SearchResult) error {
	pg, err := procs.Start(ctx, r.cfg.Bin, "portal", "PORTAL_ADDR", "/readyz", append(append(d.env, unthrottled...), "ELASTICSEARCH_URL="))
	if err != nil {
		return err
	}
	defer pg.Stop()
	for i, p := range mix {
		f, err := r.portalTotal(ctx, p, pg.URL(""))
		if err != nil {
			return err
		}
		if f.Total == 0 {
			return fmt.Errorf("%s found nothing", p.Name)
		}
		s, err := r.mixLoad(ctx, []prepared{p}, 1, r.cfg.Duration/4, pg.URL(""), false)
		if err != nil {
			return err
		}
		es := res.Queries[i]
		res.FallbackQueries = append(res.FallbackQueries, FallbackQuery{Name: p.Name, Total: f.Total, Relation: f.Relation,
			ESTotal: es.Total, ESRelation: es.Relation, P50: s.P50})
	}
	for _, c := range r.cfg.Concurrency[:min(2, len(r.cfg.Concurrency))] {
		var runs []Stats
		for range r.cfg.Runs {
			s, err := r.mixLoad(ctx, mix, c, r.cfg.Duration, pg.URL(""), false)
			if err != nil {
				return err
			}
			runs = append(runs, s)
		}
		l := LevelResult{Concurrency: c, Portal: medianStats(runs)}
		r.logf("fallback c=%d: p50 %s p99 %s %.0f/s", c, ms(l.Portal.P50), ms(l.Portal.P99), l.Portal.RPS)
		res.Fallback = append(res.Fallback, l)
	}
	return nil
}

// TableSize is the room one table takes on disk.
type TableSize struct {
	Name                        string
	Rows                        int64
	Heap, Toast, Indexes, Total int64 // bytes
}

// StorageResult is the room search takes in each engine.
type StorageResult struct {
	Tables []TableSize
	// ESBytes is the Elasticsearch indices' store size (primaries).
	ESBytes int64
}

// storageTables are the canonical tables and the fallback engine's.
var storageTables = []string{"tickets", "comments", "kb_articles", "ticket_search", "kb_search", "search_words"}

func (r *runner) storage(ctx context.Context, d *dataset) (*StorageResult, error) {
	out := &StorageResult{}
	for _, t := range storageTables {
		ts := TableSize{Name: t}
		// A partitioned table's sizes are its partitions'.
		err := d.st.Pool().QueryRow(ctx, `SELECT sum(greatest(c.reltuples, 0))::bigint, sum(pg_relation_size(c.oid))::bigint,
				sum(pg_table_size(c.oid) - pg_relation_size(c.oid))::bigint, sum(pg_indexes_size(c.oid))::bigint,
				sum(pg_total_relation_size(c.oid))::bigint
			FROM pg_class c WHERE c.relkind = 'r' AND c.oid IN (SELECT $1::regclass UNION ALL SELECT relid FROM pg_partition_tree($1::regclass))`,
			t).Scan(&ts.Rows, &ts.Heap, &ts.Toast, &ts.Indexes, &ts.Total)
		if err != nil {
			return nil, fmt.Errorf("size of %s: %w", t, err)
		}
		out.Tables = append(out.Tables, ts)
	}
	var stats struct {
		Primaries struct {
			Store struct {
				Bytes int64 `json:"size_in_bytes"`
			} `json:"store"`
		} `json:"primaries"`
	}
	aliases := d.es.Alias("ticket") + "," + d.es.Alias("kb")
	var reply struct {
		All json.RawMessage `json:"_all"`
	}
	req, err := http.NewRequestWithContext(ctx, "GET", strings.TrimRight(r.cfg.ElasticsearchURL, "/")+"/"+aliases+"/_stats/store", nil)
	if err != nil {
		return nil, err
	}
	if _, err := r.fetchJSON(req, &reply); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(reply.All, &stats); err != nil {
		return nil, err
	}
	out.ESBytes = stats.Primaries.Store.Bytes
	return out, nil
}

// WriteCost is what keeping the fallback's search rows costs a write, measured through the API
// with the search rows' triggers on and off in alternating blocks.
type WriteCost struct {
	Ticket, TicketWithout   Stats
	Comment, CommentWithout Stats
	TicketExtra             float64 // p50 with / p50 without - 1
	CommentExtra            float64
	// The analysis of the text (words, stems, the vector) happens in the portal process before
	// the write, with or without the triggers: its time per write, measured here alone.
	AnalysisTicket, AnalysisComment time.Duration
}

// searchTriggers keep the search rows and the typo vocabulary: what the write cost measures.
var searchTriggers = map[string][]string{
	"tickets":  {"tickets_search_sync", "tickets_search_words", "tickets_search_words_update"},
	"comments": {"comments_search_words", "comments_search_words_update"},
}

// writesPerBlock is how many tickets, then comments, one block writes.
const writesPerBlock = 150

func (r *runner) writeCost(ctx context.Context, d *dataset) (*WriteCost, error) {
	portal, err := procs.Start(ctx, r.cfg.Bin, "portal", "PORTAL_ADDR", "/readyz", append(d.env, unthrottled...))
	if err != nil {
		return nil, err
	}
	defer portal.Stop()
	_, client, token, _, err := viewers(ctx, d.st)
	if err != nil {
		return nil, err
	}
	var written []int64
	triggers := func(enable bool) error {
		verb := "DISABLE"
		if enable {
			verb = "ENABLE"
		}
		for table, names := range searchTriggers {
			var parts []string
			for _, n := range names {
				parts = append(parts, verb+" TRIGGER "+n)
			}
			if _, err := d.st.Pool().Exec(ctx, "ALTER TABLE "+table+" "+strings.Join(parts, ", ")); err != nil {
				return err
			}
		}
		return nil
	}
	defer func() {
		bg := context.WithoutCancel(ctx)
		if err := triggers(true); err != nil {
			r.logf("write cost: enable the search triggers again: %v", err)
		}
		// Through the outbox like any delete: the next indexer to run works them off.
		for _, id := range written {
			_ = d.st.DeleteTicket(bg, id)
		}
	}()
	post := func(path string, body map[string]any) (int64, time.Duration, error) {
		raw, _ := json.Marshal(body)
		req, err := http.NewRequestWithContext(ctx, "POST", portal.URL(path), bytes.NewReader(raw))
		if err != nil {
			return 0, 0, err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		var reply struct {
			ID int64 `json:"id"`
		}
		t0 := time.Now()
		_, err = r.fetchJSON(req, &reply)
		return reply.ID, time.Since(t0), err
	}
	rng := rand.New(rand.NewPCG(7, 7))
	word := func() string { return outageWords[rng.IntN(len(outageWords))] }
	title := func(i int) string { return fmt.Sprintf("Coste %s %s %d", word(), word(), i) }
	description := func() string {
		return "La " + word() + " de la oficina falla desde esta mañana; probamos con " + word() + " y " + word() + " sin éxito."
	}
	comment := func() string {
		return "Revisamos " + word() + " y " + word() + "; seguimos investigando el problema con el usuario."
	}
	lat := map[bool]map[string][]time.Duration{true: {}, false: {}}
	for run := range r.cfg.Runs {
		for _, on := range []bool{run%2 == 0, run%2 == 1} {
			if err := triggers(on); err != nil {
				return nil, err
			}
			var ids []int64
			for i := range writesPerBlock {
				id, took, err := post("/api/v1/tickets", map[string]any{"client_id": client.ClientID, "title": title(i), "description": description()})
				if err != nil {
					return nil, err
				}
				ids, written = append(ids, id), append(written, id)
				lat[on]["ticket"] = append(lat[on]["ticket"], took)
			}
			for i := range writesPerBlock {
				_, took, err := post(fmt.Sprintf("/api/v1/tickets/%d/comments", ids[i%len(ids)]), map[string]any{"body": comment()})
				if err != nil {
					return nil, err
				}
				lat[on]["comment"] = append(lat[on]["comment"], took)
			}
		}
	}
	if err := triggers(true); err != nil {
		return nil, err
	}
	sequential := func(lat []time.Duration) Stats { // one write after the other: req/s is 1 / mean latency
		var sum time.Duration
		for _, l := range lat {
			sum += l
		}
		return summarise(lat, 0, sum)
	}
	wc := &WriteCost{
		Ticket: sequential(lat[true]["ticket"]), TicketWithout: sequential(lat[false]["ticket"]),
		Comment: sequential(lat[true]["comment"]), CommentWithout: sequential(lat[false]["comment"]),
	}
	wc.TicketExtra = float64(wc.Ticket.P50)/float64(wc.TicketWithout.P50) - 1
	wc.CommentExtra = float64(wc.Comment.P50)/float64(wc.CommentWithout.P50) - 1
	an := analysis.New()
	const n = 2000
	t0 := time.Now()
	for i := range n {
		an.TicketText(title(i), description())
	}
	wc.AnalysisTicket = time.Since(t0) / n
	t0 = time.Now()
	for range n {
		an.Comment(comment())
	}
	wc.AnalysisComment = time.Since(t0) / n
	r.logf("write cost: ticket p50 %s (without search rows %s, %+.0f%%), comment p50 %s (without %s, %+.0f%%); analysis %s / %s",
		ms(wc.Ticket.P50), ms(wc.TicketWithout.P50), wc.TicketExtra*100, ms(wc.Comment.P50), ms(wc.CommentWithout.P50), wc.CommentExtra*100,
		wc.AnalysisTicket, wc.AnalysisComment)
	return wc, nil
}
