package elasticsearch

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"helpdesk/search"
)

// Op is one change for the index: a document to write, or a tombstone.
type Op struct {
	Kind    string // search.TypeTicket or search.TypeKB
	ID      int64
	Version int64
	Doc     *search.Document // nil: delete
}

// OpResult says how an op fared. Stale ops (a newer version is already indexed) count as done.
type OpResult struct {
	Err error // nil when the op is applied or superseded
}

// source is the JSON an index holds for a document.
func source(d *search.Document) map[string]any {
	display := map[string]any{"title": d.Title, "body": d.Body}
	src := map[string]any{
		"doc_type":   d.Type,
		"id":         d.ID,
		"version":    d.Version,
		"title_f":    foldWords(d.Title),
		"body_f":     foldWords(d.Body),
		"tags":       nonNil(d.Tags),
		"created_at": d.CreatedAt.UTC().Format(time.RFC3339Nano),
		"updated_at": d.UpdatedAt.UTC().Format(time.RFC3339Nano),
		"display":    display,
	}
	if d.Category != "" { // no category: no facet bucket for ""
		src["category"] = d.Category
	}
	if d.Type == search.TypeTicket {
		display["comments"] = nonNil(d.Comments)
		display["internal"] = nonNil(d.Internal)
		display["client_name"] = d.ClientName
		src["comments_f"] = foldAll(d.Comments)
		src["internal_f"] = foldAll(d.Internal)
		src["status"] = d.Status
		src["priority"] = d.Priority
		src["priority_rank"] = search.PriorityRank(d.Priority)
		if d.SLADue != nil {
			src["sla_due"] = d.SLADue.UTC().Format(time.RFC3339Nano)
		}
		src["client_id"] = d.ClientID
		src["client_name"] = d.ClientName
		if d.AssigneeID != 0 {
			src["assignee_id"] = d.AssigneeID
			src["assignee_name"] = d.AssigneeName
		}
	} else {
		src["slug"] = d.Slug
		src["locale"] = d.Locale
		src["audience"] = d.Audience
		src["published"] = d.Published
	}
	return src
}

// foldWords folds text and splits it into words exactly as queries are, so Elasticsearch's
// standard tokenizer sees the same words the search package matches.
func foldWords(s string) string { return strings.Join(search.Words(search.Fold(s)), " ") }

func foldAll(xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = foldWords(x)
	}
	return out
}

func nonNil(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

// Apply writes ops to every target index of their kind in one _bulk request, with external
// versions so that a replayed or out-of-order op never overwrites a newer one. The error is
// for the request as a whole (Elasticsearch unreachable); per-op failures are in the results.
func (b *Backend) Apply(ctx context.Context, ops []Op) ([]OpResult, error) {
	results := make([]OpResult, len(ops))
	if len(ops) == 0 {
		return results, nil
	}
	targets := map[string][]string{}
	for _, kind := range Kinds {
		t, err := b.WriteTargets(ctx, kind)
		if err != nil {
			return nil, err
		}
		if len(t) == 0 {
			return nil, fmt.Errorf("%w: no index behind alias %s (run portalctl reindex or start the indexer once)", search.ErrUnavailable, b.Alias(kind))
		}
		targets[kind] = t
	}
	var buf bytes.Buffer
	var owner []int // bulk item -> op index
	enc := json.NewEncoder(&buf)
	for i, op := range ops {
		for _, index := range targets[op.Kind] {
			meta := map[string]any{"_index": index, "_id": strconv.FormatInt(op.ID, 10),
				"version": op.Version, "version_type": "external_gte"}
			action := "index"
			if op.Doc == nil {
				action = "delete"
			}
			if err := enc.Encode(map[string]any{action: meta}); err != nil {
				return nil, err
			}
			if op.Doc != nil {
				if err := enc.Encode(source(op.Doc)); err != nil {
					return nil, err
				}
			}
			owner = append(owner, i)
		}
	}
	res, err := b.es.Bulk(bytes.NewReader(buf.Bytes()), b.es.Bulk.WithContext(ctx), b.es.Bulk.WithRequireAlias(true))
	if err != nil {
		return nil, fmt.Errorf("%w: bulk: %v", search.ErrUnavailable, err)
	}
	defer drain(res)
	if res.IsError() {
		return nil, responseError(res, "bulk")
	}
	var reply struct {
		Items []map[string]struct {
			Status int `json:"status"`
			Error  *struct {
				Type   string `json:"type"`
				Reason string `json:"reason"`
			} `json:"error"`
		} `json:"items"`
	}
	if err := json.NewDecoder(bufio.NewReader(res.Body)).Decode(&reply); err != nil {
		return nil, fmt.Errorf("%w: bulk reply: %v", search.ErrUnavailable, err)
	}
	if len(reply.Items) != len(owner) {
		return nil, fmt.Errorf("%w: bulk reply has %d items for %d actions", search.ErrUnavailable, len(reply.Items), len(owner))
	}
	for k, item := range reply.Items {
		for _, r := range item {
			switch {
			case r.Status < 300:
			case r.Status == http.StatusConflict:
				// version_conflict_engine_exception: the index already holds a newer version.
			case r.Status == http.StatusNotFound && ops[owner[k]].Doc == nil:
				// Deleting what is not there is done.
			default:
				reason := ""
				if r.Error != nil {
					reason = r.Error.Type + ": " + r.Error.Reason
				}
				results[owner[k]].Err = fmt.Errorf("bulk item %s %d: status %d %s", ops[owner[k]].Kind, ops[owner[k]].ID, r.Status, reason)
			}
		}
	}
	return results, nil
}
