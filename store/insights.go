package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Search insights: what readers searched, what they clicked and whether a ticket followed,
// without who they are (migration 018). Portals write them in batches; the worker deletes
// them after the retention period.

// Kinds of reader an insight names: a role, never a person.
const (
	ReaderAnonymous = "anonymous"
	ReaderClient    = "client"
	ReaderStaff     = "staff"
)

// Where a search was made: the search page (whose results can be clicked) or the API.
const (
	SearchFromPage = "page"
	SearchFromAPI  = "api"
)

// What followed a search.
const (
	ActionClick  = "click"
	ActionTicket = "ticket"
)

// MaxInsightQuery bounds a recorded query, in characters (the schema says the same).
const MaxInsightQuery = 500

// SearchEvent is one search as insights keep it. ID is random (the portal makes it before the
// row is written, to name it in result links and the session).
type SearchEvent struct {
	ID      string
	At      time.Time
	Query   string // folded: lowercase, no accents, single spaces
	Engine  string
	Results int64
	Lang    string
	Reader  string
	Source  string
}

// SearchAction is what followed a search: a click on a result (with its 1-based position
// across pages and the document) or a ticket opened in the same session.
type SearchAction struct {
	EventID  string
	At       time.Time
	Kind     string
	Position int32  // clicks only
	DocType  string // clicks only
	DocID    int64  // clicks only
}

// RecordSearchInsights writes a batch of searches and actions in one statement. An action
// whose search is neither in the batch nor stored (a forged or expired event id) is dropped.
func (s *Store) RecordSearchInsights(ctx context.Context, events []SearchEvent, actions []SearchAction) error {
	if len(events) == 0 && len(actions) == 0 {
		return nil
	}
	var (
		ids, queries, engines, langs, readers, sources []string
		ats                                            []time.Time
		results                                        []int64
	)
	for _, e := range events {
		ids, ats, queries, engines = append(ids, e.ID), append(ats, e.At), append(queries, e.Query), append(engines, e.Engine)
		results, langs, readers, sources = append(results, e.Results), append(langs, e.Lang), append(readers, e.Reader), append(sources, e.Source)
	}
	var (
		aIDs, kinds, docTypes []*string
		aAts                  []time.Time
		positions             []*int32
		docIDs                []*int64
	)
	for _, a := range actions {
		aIDs, aAts, kinds = append(aIDs, &a.EventID), append(aAts, a.At), append(kinds, &a.Kind)
		if a.Kind == ActionClick {
			positions, docTypes, docIDs = append(positions, &a.Position), append(docTypes, &a.DocType), append(docIDs, &a.DocID)
		} else {
			positions, docTypes, docIDs = append(positions, nil), append(docTypes, nil), append(docIDs, nil)
		}
	}
	// One statement: the CTE's rows are not visible to the outer INSERT's EXISTS, so events of
	// this very batch are matched through its RETURNING.
	_, err := s.db.Exec(ctx, `WITH ev AS (
		INSERT INTO search_events (id, at, query, engine, results, lang, reader, source)
		SELECT id::uuid, at, query, engine, results, lang, reader, source
		FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::text[])
			AS e(id, at, query, engine, results, lang, reader, source)
		ON CONFLICT (id) DO NOTHING
		RETURNING id)
	INSERT INTO search_actions (event_id, at, kind, position, doc_type, doc_id)
	SELECT a.event_id::uuid, a.at, a.kind, a.position, a.doc_type, a.doc_id
	FROM unnest($9::text[], $10::timestamptz[], $11::text[], $12::integer[], $13::text[], $14::bigint[])
		AS a(event_id, at, kind, position, doc_type, doc_id)
	WHERE a.event_id::uuid IN (SELECT id FROM ev)
		OR EXISTS (SELECT 1 FROM search_events s WHERE s.id = a.event_id::uuid)`,
		ids, ats, queries, engines, results, langs, readers, sources,
		aIDs, aAts, kinds, positions, docTypes, docIDs)
	if err != nil {
		return fmt.Errorf("record search insights (%d searches, %d actions): %w", len(events), len(actions), classify(err))
	}
	return nil
}

// QueryStat is one folded query over a period: how often it was searched, how much it found
// on average and the share of its page searches with a click (nil without page searches).
type QueryStat struct {
	Query        string   `db:"query" json:"query"`
	Searches     int64    `db:"searches" json:"searches"`
	AvgResults   float64  `db:"avg_results" json:"avg_results"`
	ClickThrough *float64 `db:"click_through" json:"click_through"`
}

// Insights are the aggregates of a period. Rates are over page searches (API searches have
// no results to click), nil when there were none.
type Insights struct {
	Days           int         `json:"days"`
	From           time.Time   `json:"from"`
	To             time.Time   `json:"to"`
	Searches       int64       `json:"searches"`
	PageSearches   int64       `json:"page_searches"`
	NoResult       int64       `json:"no_result"`
	Clicked        int64       `json:"clicked"`
	Tickets        int64       `json:"tickets"`
	Deflected      int64       `json:"deflected"`
	ClickThrough   *float64    `json:"click_through"`
	DeflectionRate *float64    `json:"deflection_rate"`
	Top            []QueryStat `json:"top"`
	NoResults      []QueryStat `json:"no_results"`
	NoClicks       []QueryStat `json:"no_clicks"`
}

// insightsSQL computes the insights of the period [$1, $2) in one statement, reading the
// period's searches and actions once: totals as an object, and the three lists ($3 queries
// each) as arrays, in JSON. Actions come after their search, so those of the period's searches
// are all at $1 or later.
const insightsSQL = `WITH acts AS (
	SELECT event_id, bool_or(kind = 'click') AS clicked, bool_or(kind = 'click' AND doc_type = 'kb') AS read_kb,
		bool_or(kind = 'ticket') AS ticket
	FROM search_actions WHERE at >= $1 GROUP BY event_id),
ev AS MATERIALIZED (
	SELECT e.query, e.results, e.source = 'page' AS page, coalesce(a.clicked, false) AS clicked,
		coalesce(a.read_kb, false) AS read_kb, coalesce(a.ticket, false) AS ticket
	FROM search_events e LEFT JOIN acts a ON a.event_id = e.id
	WHERE e.at >= $1 AND e.at < $2),
q AS MATERIALIZED (
	SELECT query, count(*) AS searches, avg(results)::float8 AS avg_results,
		count(*) FILTER (WHERE clicked) AS clicks, count(*) FILTER (WHERE page) AS pages,
		count(*) FILTER (WHERE results = 0) AS zero, count(*) FILTER (WHERE results = 0 AND clicked) AS zero_clicks,
		count(*) FILTER (WHERE results = 0 AND page) AS zero_pages,
		count(*) FILTER (WHERE results > 0 AND page) AS found, avg(results) FILTER (WHERE results > 0 AND page)::float8 AS found_avg,
		coalesce(bool_or(clicked) FILTER (WHERE results > 0 AND page), false) AS found_clicked
	FROM ev GROUP BY query)
SELECT
	(SELECT json_build_object('searches', count(*), 'page_searches', count(*) FILTER (WHERE page),
		'no_result', count(*) FILTER (WHERE results = 0), 'clicked', count(*) FILTER (WHERE clicked),
		'tickets', count(*) FILTER (WHERE ticket), 'deflected', count(*) FILTER (WHERE page AND read_kb AND NOT ticket)) FROM ev),
	(SELECT coalesce(json_agg(t ORDER BY t.searches DESC, t.query), '[]') FROM (
		SELECT query, searches, avg_results, clicks::float8 / nullif(pages, 0) AS click_through
		FROM q ORDER BY searches DESC, query LIMIT $3) t),
	(SELECT coalesce(json_agg(t ORDER BY t.searches DESC, t.query), '[]') FROM (
		SELECT query, zero AS searches, 0::float8 AS avg_results, zero_clicks::float8 / nullif(zero_pages, 0) AS click_through
		FROM q WHERE zero > 0 ORDER BY zero DESC, query LIMIT $3) t),
	(SELECT coalesce(json_agg(t ORDER BY t.searches DESC, t.query), '[]') FROM (
		SELECT query, found AS searches, found_avg AS avg_results, 0::float8 AS click_through
		FROM q WHERE found > 0 AND NOT found_clicked ORDER BY found DESC, query LIMIT $3) t)`

// SearchInsights aggregates the days before now: totals, deflection (page searches followed
// by a KB article view and no ticket), and the limit most frequent queries overall, without
// results, and with results none of whose page searches was clicked.
func (s *Store) SearchInsights(ctx context.Context, now time.Time, days, limit int) (*Insights, error) {
	in := &Insights{Days: days, From: now.Add(-time.Duration(days) * 24 * time.Hour), To: now}
	var totals, top, none, unclicked []byte
	if err := s.db.QueryRow(ctx, insightsSQL, in.From, in.To, limit).Scan(&totals, &top, &none, &unclicked); err != nil {
		return nil, fmt.Errorf("search insights of %d days: %w", days, err)
	}
	for _, part := range []struct {
		raw []byte
		dst any
	}{{totals, in}, {top, &in.Top}, {none, &in.NoResults}, {unclicked, &in.NoClicks}} {
		if err := json.Unmarshal(part.raw, part.dst); err != nil {
			return nil, fmt.Errorf("search insights of %d days: decode: %w", days, err)
		}
	}
	if in.PageSearches > 0 {
		ct, dr := float64(in.Clicked)/float64(in.PageSearches), float64(in.Deflected)/float64(in.PageSearches)
		in.ClickThrough, in.DeflectionRate = &ct, &dr
	}
	return in, nil
}

// DeleteSearchInsightsBefore deletes the searches and actions older than before, batch rows
// a statement, so that a large backlog never holds long locks; it returns how many rows went.
func (s *Store) DeleteSearchInsightsBefore(ctx context.Context, before time.Time, batch int) (int64, error) {
	var total int64
	for _, stmt := range []string{
		`DELETE FROM search_actions WHERE ctid = ANY (ARRAY(SELECT ctid FROM search_actions WHERE at < $1 LIMIT $2))`,
		`DELETE FROM search_events WHERE id = ANY (ARRAY(SELECT id FROM search_events WHERE at < $1 LIMIT $2))`,
	} {
		for {
			tag, err := s.db.Exec(ctx, stmt, before, batch)
			if err != nil {
				return total, fmt.Errorf("delete search insights before %s: %w", before.Format(time.RFC3339), err)
			}
			total += tag.RowsAffected()
			if tag.RowsAffected() < int64(batch) {
				break
			}
		}
	}
	return total, nil
}
