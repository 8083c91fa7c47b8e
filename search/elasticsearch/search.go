package elasticsearch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	elastic "github.com/elastic/go-elasticsearch/v8"
	"github.com/elastic/go-elasticsearch/v8/esapi"
	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"helpdesk/search"
	"helpdesk/search/analysis"
	"helpdesk/tracing"
)

// Search runs q against the aliases of the types the viewer may see.
func (b *Backend) Search(ctx context.Context, q search.Query) (*search.Result, error) {
	return search.Run(ctx, b, b.an, q)
}

// Pass runs one pass of a normalised query.
func (b *Backend) Pass(ctx context.Context, q search.Query, aq analysis.Query, p search.Pass) (*search.Result, error) {
	res := search.NewResult(search.EngineElasticsearch, q)
	indices := b.indices(q)
	if len(indices) == 0 { // an anonymous visitor asking for tickets: nothing to look at
		return res, nil
	}
	var reply searchReply
	if err := b.search(ctx, indices, buildQuery(q, aq, p), &reply); err != nil {
		return nil, err
	}
	res.Total = reply.Hits.Total.Value
	if reply.Hits.Total.Relation == search.RelationAtLeast {
		res.TotalRelation = search.RelationAtLeast
	}
	m := b.an.Matcher(aq)
	if !p.Typos {
		m = m.TitleTyposOnly()
	}
	for _, h := range reply.Hits.Hits {
		res.Hits = append(res.Hits, toHit(h, m, q.Viewer.IsStaff()))
	}
	for name, agg := range reply.Aggregations {
		var facets []search.Facet
		if name == "age" {
			for _, b := range search.AgeBuckets {
				if n := agg.Within.Buckets[b.Value].DocCount; n > 0 {
					facets = append(facets, search.Facet{Value: b.Value, Count: n})
				}
			}
		}
		for _, bk := range agg.Buckets {
			f := search.Facet{Value: keyString(bk.Key), Count: bk.DocCount}
			if id, label, ok := parseFacetKey(f.Value); ok {
				f.Value, f.Label = id, label
			}
			facets = append(facets, f)
		}
		if facets != nil {
			res.Facets[name] = facets
		}
	}
	return res, nil
}

// Nearby returns the visible text of the documents closest to the query's words, within the
// typos a suggestion allows.
func (b *Backend) Nearby(ctx context.Context, q search.Query, aq analysis.Query) ([]string, error) {
	indices := b.indices(q)
	if len(indices) == 0 {
		return nil, nil
	}
	staff := q.Viewer.IsStaff()
	var should []any
	for _, t := range aq.Terms {
		edits := t.SuggestEdits()
		if edits == 0 {
			continue
		}
		for _, f := range fields(staff) {
			should = append(should, obj{"fuzzy": obj{f.name + "_f": obj{"value": t.Words[0], "fuzziness": edits,
				"transpositions": true, "max_expansions": fuzzyExpansions}}})
		}
	}
	if len(should) == 0 {
		return nil, nil
	}
	filter := append([]any{accessFilter(q)}, filters(q.Filters)...)
	body := obj{"query": obj{"bool": obj{"filter": filter, "should": should, "minimum_should_match": 1}},
		"size": search.NearbyDocs, "_source": []string{"display"}}
	var reply searchReply
	if err := b.search(ctx, indices, body, &reply); err != nil {
		return nil, err
	}
	var texts []string
	for _, h := range reply.Hits.Hits {
		d := h.Source.Display
		texts = append(texts, d.Title, d.Body)
		texts = append(texts, d.Comments...)
		if staff {
			texts = append(texts, d.Internal...)
		}
	}
	return texts, nil
}

func (b *Backend) indices(q search.Query) []string {
	var out []string
	for _, t := range q.VisibleTypes() {
		out = append(out, b.Alias(t))
	}
	return out
}

// searchShards is the part of every search reply that says whether all shards answered.
type searchShards struct {
	Shards struct {
		Failed int `json:"failed"`
	} `json:"_shards"`
}

func (s searchShards) failedShards() int { return s.Shards.Failed }

// search sends one search, and tries again on another node when the first try failed in a
// way another try may not: a node can die under a search in two ways the client cannot see.
//   - Shards failed: Elasticsearch retries a shard on another copy in the query phase but not
//     in the fetch phase, so a node dying between the two fails shards that the same search a
//     moment later finds on the surviving copies.
//   - No answer: a SIGKILLed node keeps its sockets open while the kernel frees its memory
//     (a second or two for a JVM on busy cores; a crashed machine keeps them open for good),
//     so a search sent to it, or waiting on a shard there, hangs without an error to retry
//     on. With several nodes, a search that has not answered in half of the time left is
//     hedged: the same search goes to a node none of its tries has reached while the earlier
//     tries may still answer, and so on at half of what is left then, once per node. The
//     first good reply wins (the others are cancelled).
//
// A try that fails outright (a node refusing, or a 5xx after the client's own retries) is
// sent at once to a node not yet reached, if there is one; with one node, failed shards are
// asked once more. When every try has failed, the last error is the answer (the caller falls
// back).
func (b *Backend) search(ctx context.Context, indices []string, body obj, reply *searchReply) error {
	type outcome struct {
		reply *searchReply
		err   error
	}
	tctx, seen := withReached(ctx)
	tries, cancel := context.WithCancel(tctx)
	defer cancel() // the other tries, if any, are not waited for
	done := make(chan outcome, len(b.node)+2)
	pending, sent := 0, 0
	send := func(es *elastic.Client) {
		pending++
		sent++
		go func() {
			var r searchReply
			err := b.searchOnce(tries, es, indices, body, &r)
			done <- outcome{&r, err}
		}()
	}
	elsewhere := func() bool {
		i, ok := seen.next(b.hosts)
		if ok {
			send(b.node[i])
		}
		return ok
	}
	send(b.es)
	var hedge <-chan time.Time
	var timer *time.Timer
	deadline, hasDeadline := ctx.Deadline()
	rearm := func() {
		if hasDeadline && len(b.node) > 1 {
			timer = time.NewTimer(time.Until(deadline) / 2)
			hedge = timer.C
		}
	}
	rearm()
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		select {
		case <-hedge:
			hedge = nil
			if elsewhere() {
				rearm()
			}
		case o := <-done:
			pending--
			if o.err == nil {
				*reply = *o.reply
				return nil
			}
			if ctx.Err() == nil && errors.Is(o.err, search.ErrUnavailable) {
				if elsewhere() {
					continue
				}
				// Failed shards are worth asking again at once, even of the only node.
				if sent == 1 && errors.Is(o.err, errShardsFailed) {
					send(b.es)
					continue
				}
			}
			if pending == 0 {
				return o.err
			}
		}
	}
}

// preference has a cluster's node answer a search from its own copies of the shards when it
// holds them (every node does with one shard and SEARCH_REPLICAS at nodes − 1, the layout of
// docs/capacity.md): no hop to another node, and each node's caches serve the searches that
// reach it. A node without a copy passes the search on, as without it.
const preference = "_local"

// errShardsFailed marks a reply in which some shards failed.
var errShardsFailed = errors.New("shards failed")

func (b *Backend) searchOnce(ctx context.Context, es *elastic.Client, indices []string, body obj, reply interface{ failedShards() int }) error {
	opts := []func(*esapi.SearchRequest){es.Search.WithContext(ctx), es.Search.WithIndex(indices...),
		es.Search.WithBody(jsonBody(body)), es.Search.WithIgnoreUnavailable(true),
		es.Search.WithAllowNoIndices(true), es.Search.WithPreference(preference)}
	if id := tracing.RequestID(ctx); id != "" {
		// Elasticsearch names the request in its slow log and tasks with it.
		opts = append(opts, es.Search.WithOpaqueID(id))
	}
	resp, err := es.Search(opts...)
	if err != nil {
		return fmt.Errorf("%w: search: %v", search.ErrUnavailable, err)
	}
	defer drain(resp)
	if resp.IsError() {
		return responseError(resp, "search")
	}
	// A reply carries the whole display text of every hit: encoding/json/v2's decoder reads it
	// in well under half the time (and a third of the memory) of encoding/json's; text that is
	// not UTF-8 is taken as encoding/json takes it, not refused.
	if err := jsonv2.UnmarshalRead(resp.Body, reply, jsontext.AllowInvalidUTF8(true)); err != nil {
		return fmt.Errorf("%w: search reply: %v", search.ErrUnavailable, err)
	}
	if n := reply.failedShards(); n > 0 {
		return fmt.Errorf("%w: search: %d %w", search.ErrUnavailable, n, errShardsFailed)
	}
	return nil
}

// SearchRequest returns what Search sends to Elasticsearch for q in its strict pass: the path
// and query of the _search request (naming no index when the viewer may see none) and the
// JSON body. The benchmark sends it straight to Elasticsearch to measure the portal against
// Elasticsearch itself.
func (b *Backend) SearchRequest(q search.Query) (path string, body []byte, err error) {
	q, err = q.Normalize()
	if err != nil {
		return "", nil, err
	}
	aq := b.an.Query(q.Text)
	body, err = json.Marshal(buildQuery(q, aq, search.Pass{Required: analysis.Required(len(aq.Terms))}))
	return "/" + strings.Join(b.indices(q), ",") + "/_search?allow_no_indices=true&ignore_unavailable=true&preference=" + preference, body, err
}

type searchReply struct {
	searchShards
	Hits struct {
		Total struct {
			Value    int64  `json:"value"`
			Relation string `json:"relation"`
		} `json:"total"`
		Hits []rawHit `json:"hits"`
	} `json:"hits"`
	Aggregations map[string]struct {
		// The age facet: a filter aggregation holding keyed filters.
		Within struct {
			Buckets map[string]struct {
				DocCount int64 `json:"doc_count"`
			} `json:"buckets"`
		} `json:"within"`
		Buckets []struct {
			Key      any   `json:"key"`
			DocCount int64 `json:"doc_count"`
		} `json:"buckets"`
	} `json:"aggregations"`
}

type rawHit struct {
	Score  *float64 `json:"_score"`
	Source struct {
		DocType    string    `json:"doc_type"`
		ID         int64     `json:"id"`
		Status     string    `json:"status"`
		Priority   string    `json:"priority"`
		ClientName string    `json:"client_name"`
		Category   string    `json:"category"`
		Slug       string    `json:"slug"`
		UpdatedAt  time.Time `json:"updated_at"`
		Display    struct {
			Title    string   `json:"title"`
			Body     string   `json:"body"`
			Comments []string `json:"comments"`
			Internal []string `json:"internal"`
		} `json:"display"`
	} `json:"_source"`
}

func toHit(h rawHit, m *analysis.Matcher, staff bool) search.Hit {
	s := h.Source
	hit := search.Hit{
		Type: s.DocType, ID: s.ID, Title: s.Display.Title, URL: search.DocURL(s.DocType, s.ID, s.Slug),
		Status: s.Status, Priority: s.Priority, Client: s.ClientName, Category: s.Category, UpdatedAt: s.UpdatedAt,
	}
	if s.DocType == search.TypeKB {
		hit.Status = ""
	}
	if h.Score != nil {
		hit.Score = *h.Score
	}
	var internal []string
	if staff {
		internal = s.Display.Internal
	}
	hit.Highlights = search.Highlights(s.Display.Title, s.Display.Body, s.Display.Comments, internal, m)
	return hit
}

// keyString renders an aggregation key: numbers come back as JSON numbers.
func keyString(k any) string {
	switch v := k.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatInt(int64(v), 10)
	case json.Number:
		return v.String()
	}
	return strings.TrimSpace(fmt.Sprint(k))
}
