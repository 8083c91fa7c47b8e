package store

import (
	"context"
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

// insightEvents is each search of the period [$1, $2) with what followed it.
const insightEvents = `WITH ev AS (
	SELECT e.query, e.results, e.source = 'page' AS page,
		EXISTS (SELECT 1 FROM search_actions a WHERE a.event_id = e.id AND a.kind = 'click') AS clicked,
		EXISTS (SELECT 1 FROM search_actions a WHERE a.event_id = e.id AND a.kind = 'click' AND a.doc_type = 'kb') AS read_kb,
		EXISTS (SELECT 1 FROM search_actions a WHERE a.event_id = e.id AND a.kind = 'ticket') AS ticket
	FROM search_events e WHERE e.at >= $1 AND e.at < $2)
`

const queryStatColumns = `query, count(*) AS searches, coalesce(avg(results), 0)::float8 AS avg_results,
	(count(*) FILTER (WHERE clicked))::float8 / nullif(count(*) FILTER (WHERE page), 0) AS click_through`

// SearchInsights aggregates the days before now: totals, deflection (page searches followed
// by a KB article view and no ticket), and the limit most frequent queries overall, without
// results, and with results none of whose page searches was clicked.
func (s *Store) SearchInsights(ctx context.Context, now time.Time, days, limit int) (*Insights, error) {
	in := &Insights{Days: days, From: now.Add(-time.Duration(days) * 24 * time.Hour), To: now}
	err := s.db.QueryRow(ctx, insightEvents+`SELECT count(*), count(*) FILTER (WHERE page), count(*) FILTER (WHERE results = 0),
		count(*) FILTER (WHERE clicked), count(*) FILTER (WHERE ticket), count(*) FILTER (WHERE page AND read_kb AND NOT ticket)
		FROM ev`, in.From, in.To).Scan(&in.Searches, &in.PageSearches, &in.NoResult, &in.Clicked, &in.Tickets, &in.Deflected)
	if err != nil {
		return nil, fmt.Errorf("search insights: totals: %w", err)
	}
	if in.PageSearches > 0 {
		ct, dr := float64(in.Clicked)/float64(in.PageSearches), float64(in.Deflected)/float64(in.PageSearches)
		in.ClickThrough, in.DeflectionRate = &ct, &dr
	}
	for _, l := range []struct {
		dst   *[]QueryStat
		where string
		what  string
	}{
		{&in.Top, `SELECT ` + queryStatColumns + ` FROM ev GROUP BY query`, "top"},
		{&in.NoResults, `SELECT ` + queryStatColumns + ` FROM ev WHERE results = 0 GROUP BY query`, "no results"},
		{&in.NoClicks, `SELECT ` + queryStatColumns + ` FROM ev WHERE results > 0 AND page GROUP BY query HAVING NOT bool_or(clicked)`, "no clicks"},
	} {
		rows, err := s.db.Query(ctx, insightEvents+l.where+` ORDER BY searches DESC, query LIMIT $3`, in.From, in.To, limit)
		if *l.dst, err = all[QueryStat](rows, err, "search insights: "+l.what); err != nil {
			return nil, err
		}
		if *l.dst == nil {
			*l.dst = []QueryStat{}
		}
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
