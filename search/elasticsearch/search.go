package elasticsearch

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"helpdesk/search"
)

// Search runs q against the aliases of the types the viewer may see.
func (b *Backend) Search(ctx context.Context, q search.Query) (*search.Result, error) {
	start := time.Now()
	q, err := q.Normalize()
	if err != nil {
		return nil, err
	}
	res := search.NewResult(search.EngineElasticsearch, q)
	terms := search.Terms(q.Text)
	indices, body := b.request(q, terms)
	if len(indices) == 0 { // an anonymous visitor asking for tickets: nothing to look at
		return res, nil
	}
	resp, err := b.es.Search(b.es.Search.WithContext(ctx), b.es.Search.WithIndex(indices...),
		b.es.Search.WithBody(jsonBody(body)), b.es.Search.WithIgnoreUnavailable(true),
		b.es.Search.WithAllowNoIndices(true))
	if err != nil {
		return nil, fmt.Errorf("%w: search: %v", search.ErrUnavailable, err)
	}
	defer drain(resp)
	if resp.IsError() {
		return nil, responseError(resp, "search")
	}
	var reply searchReply
	if err := json.NewDecoder(resp.Body).Decode(&reply); err != nil {
		return nil, fmt.Errorf("%w: search reply: %v", search.ErrUnavailable, err)
	}
	if reply.Shards.Failed > 0 {
		return nil, fmt.Errorf("%w: search: %d shards failed", search.ErrUnavailable, reply.Shards.Failed)
	}
	res.Total = reply.Hits.Total.Value
	for _, h := range reply.Hits.Hits {
		res.Hits = append(res.Hits, toHit(h, terms, q.Viewer.IsStaff()))
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
			if len(bk.Label.Buckets) > 0 {
				f.Label = keyString(bk.Label.Buckets[0].Key)
			}
			facets = append(facets, f)
		}
		if facets != nil {
			res.Facets[name] = facets
		}
	}
	res.TookMS = time.Since(start).Milliseconds()
	return res, nil
}

// request is the indices and the body Search sends for a normalised query and its terms.
func (b *Backend) request(q search.Query, terms []string) ([]string, obj) {
	var indices []string
	for _, t := range q.VisibleTypes() {
		indices = append(indices, b.Alias(t))
	}
	return indices, buildQuery(q, terms, phraseOf(q.Text))
}

// SearchRequest returns what Search would send to Elasticsearch for q: the indices (empty when
// the viewer may see none) and the JSON body. The benchmark sends it straight to _search to
// measure the portal against Elasticsearch itself.
func (b *Backend) SearchRequest(q search.Query) (indices []string, body []byte, err error) {
	q, err = q.Normalize()
	if err != nil {
		return nil, nil, err
	}
	indices, o := b.request(q, search.Terms(q.Text))
	body, err = json.Marshal(o)
	return indices, body, err
}

type searchReply struct {
	Shards struct {
		Failed int `json:"failed"`
	} `json:"_shards"`
	Hits struct {
		Total struct {
			Value int64 `json:"value"`
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
			Label    struct {
				Buckets []struct {
					Key any `json:"key"`
				} `json:"buckets"`
			} `json:"label"`
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

func toHit(h rawHit, terms []string, staff bool) search.Hit {
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
	hit.Highlights = search.Highlights(s.Display.Title, s.Display.Body, s.Display.Comments, internal, terms)
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
