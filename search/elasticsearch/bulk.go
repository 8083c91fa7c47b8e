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
	"helpdesk/search/analysis"
	"helpdesk/ticket"
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

// sourceDoc is the JSON an index holds for a document. Fields of one type only are pointers,
// left out for the other type; a struct encodes several times faster than a map.
type sourceDoc struct {
	DocType       string        `json:"doc_type"`
	ID            int64         `json:"id"`
	Version       int64         `json:"version"`
	TitleF        string        `json:"title_f"`
	TitleS        string        `json:"title_s"`
	BodyF         string        `json:"body_f"`
	BodyS         string        `json:"body_s"`
	Tags          []string      `json:"tags"`
	CreatedAt     string        `json:"created_at"`
	UpdatedAt     string        `json:"updated_at"`
	Display       sourceDisplay `json:"display"`
	Category      string        `json:"category,omitempty"` // no category: no facet bucket for ""
	CommentsF     *[]string     `json:"comments_f,omitempty"`
	CommentsS     *[]string     `json:"comments_s,omitempty"`
	InternalF     *[]string     `json:"internal_f,omitempty"`
	InternalS     *[]string     `json:"internal_s,omitempty"`
	Status        *string       `json:"status,omitempty"`
	Priority      *string       `json:"priority,omitempty"`
	PriorityRank  *int          `json:"priority_rank,omitempty"`
	SLADue        *string       `json:"sla_due,omitempty"`
	ClientID      *int64        `json:"client_id,omitempty"`
	ClientName    *string       `json:"client_name,omitempty"`
	ClientFacet   *string       `json:"client_facet,omitempty"`
	AssigneeID    *int64        `json:"assignee_id,omitempty"`
	AssigneeName  *string       `json:"assignee_name,omitempty"`
	AssigneeFacet *string       `json:"assignee_facet,omitempty"`
	Slug          *string       `json:"slug,omitempty"`
	Locale        *string       `json:"locale,omitempty"`
	Audience      *string       `json:"audience,omitempty"`
	Published     *bool         `json:"published,omitempty"`
}

type sourceDisplay struct {
	Title      string    `json:"title"`
	Body       string    `json:"body"`
	Comments   *[]string `json:"comments,omitempty"`
	Internal   *[]string `json:"internal,omitempty"`
	ClientName *string   `json:"client_name,omitempty"`
}

// source is the JSON an index holds for a document: its text analysed, its facets, and the
// originals for display.
func (b *Backend) source(d *search.Document) *sourceDoc {
	var title, body analysis.Field
	if d.Type == search.TypeTicket {
		title, body = b.an.TicketText(d.Title, d.Body)
	} else {
		title, body = b.an.ArticleText(d.Title, d.Body, d.Locale)
	}
	src := &sourceDoc{
		DocType: d.Type, ID: d.ID, Version: d.Version,
		TitleF: title.Text(), TitleS: title.StemText(), BodyF: body.Text(), BodyS: body.StemText(),
		Tags:      nonNil(d.Tags),
		CreatedAt: d.CreatedAt.UTC().Format(time.RFC3339Nano), UpdatedAt: d.UpdatedAt.UTC().Format(time.RFC3339Nano),
		Display:  sourceDisplay{Title: d.Title, Body: d.Body},
		Category: d.Category,
	}
	if d.Type == search.TypeTicket {
		comments, internal := nonNil(d.Comments), nonNil(d.Internal)
		commentsF, internalF := b.commentWords(d.Comments), b.commentWords(d.Internal)
		rank := ticket.PriorityRank(d.Priority)
		src.Display.Comments, src.Display.Internal, src.Display.ClientName = &comments, &internal, &d.ClientName
		src.CommentsF, src.InternalF = &commentsF, &internalF
		src.Status, src.Priority, src.PriorityRank = &d.Status, &d.Priority, &rank
		if d.SLADue != nil {
			due := d.SLADue.UTC().Format(time.RFC3339Nano)
			src.SLADue = &due
		}
		cf := facetKey(d.ClientID, d.ClientName)
		src.ClientID, src.ClientName, src.ClientFacet = &d.ClientID, &d.ClientName, &cf
		if d.AssigneeID != 0 {
			af := facetKey(d.AssigneeID, d.AssigneeName)
			src.AssigneeID, src.AssigneeName, src.AssigneeFacet = &d.AssigneeID, &d.AssigneeName, &af
		}
	} else {
		src.Slug, src.Locale, src.Audience, src.Published = &d.Slug, &d.Locale, &d.Audience, &d.Published
	}
	return src
}

// commentWords analyses comments one by one: their words.
func (b *Backend) commentWords(texts []string) []string {
	out := make([]string, len(texts))
	for i, t := range texts {
		out[i] = b.an.Comment(t).Text()
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
				if err := enc.Encode(b.source(op.Doc)); err != nil {
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

// A facet of ids with names (clients, assignees) aggregates one keyword holding both: the id,
// zero-padded so that keys sort as numbers do, and the name. One terms aggregation then gives
// each bucket its label, with no sub-aggregation per bucket.
func facetKey(id int64, name string) string { return fmt.Sprintf("%019d\x1f%s", id, name) }

func parseFacetKey(key string) (id, label string, ok bool) {
	id, label, ok = strings.Cut(key, "\x1f")
	if !ok {
		return "", "", false
	}
	if id = strings.TrimLeft(id, "0"); id == "" {
		id = "0"
	}
	return id, label, true
}
