// Package elasticsearch is the primary search engine: documents folded in Go and indexed
// behind aliases, queries built from terms (never from query syntax), highlights made by the
// search package. The index uses only what Elasticsearch's core offers (the standard analyzer,
// index_prefixes, fuzziness), so it runs on the integ-test distribution and the full image.
package elasticsearch

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	elastic "github.com/elastic/go-elasticsearch/v8"
	"github.com/elastic/go-elasticsearch/v8/esapi"
	"go.opentelemetry.io/otel/trace"

	"helpdesk/search"
	"helpdesk/search/analysis"
)

// mappingVersion changes whenever the mapping does.
const mappingVersion = 2

// IndexVersion says what an index holds: its mapping, and the analysis its text went through
// (a change to either needs a reindex). Physical index names carry it.
const IndexVersion = mappingVersion*100 + analysis.Version

// Kinds of index: one per document type.
var Kinds = []string{search.TypeTicket, search.TypeKB}

// Backend talks to one Elasticsearch cluster under one name prefix.
type Backend struct {
	es     *elastic.Client
	prefix string
	an     *analysis.Analyzer
	// The shape of every index it creates (SEARCH_SHARDS, SEARCH_REPLICAS).
	shards, replicas int
	// A client per node (hosts names them): a search's hedged try goes to a node it has not
	// reached yet (hedge.go).
	node  []*elastic.Client
	hosts []string
}

var _ search.Searcher = (*Backend)(nil)

// Option tunes the backend New makes.
type Option func(*options)

type options struct {
	client           elastic.Config
	shards, replicas int
}

// WithTracing makes a span of each request to the cluster.
func WithTracing(tp trace.TracerProvider) Option {
	return func(o *options) { o.client.Instrumentation = elastic.NewOpenTelemetryInstrumentation(tp, false) }
}

// WithShape sets the primary shards and replicas of the indices the backend creates; the
// default, 1 and 0, suits one node.
func WithShape(shards, replicas int) Option {
	return func(o *options) { o.shards, o.replicas = shards, replicas }
}

// New returns a backend for the cluster whose nodes are at urls; every index and alias name
// starts with prefix. It analyses documents and queries with an.
func New(urls []string, prefix string, an *analysis.Analyzer, opts ...Option) (*Backend, error) {
	if len(urls) == 0 {
		return nil, fmt.Errorf("elasticsearch client: no node address")
	}
	o := options{shards: 1, client: elastic.Config{
		Addresses:               urls,
		EnableCompatibilityMode: false,
		Transport: recordNodes{&http.Transport{
			MaxIdleConnsPerHost:   32,
			ResponseHeaderTimeout: 30 * time.Second,
			IdleConnTimeout:       90 * time.Second,
			// Elasticsearch sits next to the portal: gzip would cost CPU on both sides (a
			// search reply carries whole texts for highlighting) and save nothing on the wire.
			DisableCompression: true,
		}},
	}}
	retryOtherNodes(&o.client, len(urls))
	for _, opt := range opts {
		opt(&o)
	}
	es, err := elastic.NewClient(o.client)
	if err != nil {
		return nil, fmt.Errorf("elasticsearch client: %w", err)
	}
	node, hosts, err := nodeClients(urls, o.client)
	if err != nil {
		return nil, err
	}
	return &Backend{es: es, prefix: prefix, an: an, shards: o.shards, replicas: o.replicas, node: node, hosts: hosts}, nil
}

// Alias is the name searches read through for a kind of document.
func (b *Backend) Alias(kind string) string { return b.prefix + "_" + kindName(kind) }

// pendingAlias points at an index being built by a reindex: the indexer writes to it too.
func (b *Backend) pendingAlias(kind string) string { return b.Alias(kind) + "_pending" }

func kindName(kind string) string {
	if kind == search.TypeTicket {
		return "tickets"
	}
	return "kb"
}

// newIndexName returns a fresh physical index name for kind.
func (b *Backend) newIndexName(kind string) string {
	return fmt.Sprintf("%s_v%d_%d", b.Alias(kind), IndexVersion, time.Now().UnixNano())
}

// Text fields hold words analysed in Go (analysis), joined by single spaces, so the standard
// analyzer only has to split them: "_f" fields the folded words as written, "_s" fields
// their stems, word for word. An exact word thus outranks its stem, in both engines.
var (
	textField   = map[string]any{"type": "text", "analyzer": "standard"}
	prefixField = map[string]any{"type": "text", "analyzer": "standard",
		"index_prefixes": map[string]any{"min_chars": analysis.MinPrefix, "max_chars": 19}}
)

func mapping(kind string) map[string]any {
	props := map[string]any{
		"doc_type":   map[string]any{"type": "keyword"},
		"id":         map[string]any{"type": "long"},
		"version":    map[string]any{"type": "long"},
		"title_f":    prefixField,
		"title_s":    textField,
		"body_f":     textField,
		"body_s":     textField,
		"category":   map[string]any{"type": "keyword"},
		"tags":       map[string]any{"type": "keyword"},
		"created_at": map[string]any{"type": "date"},
		"updated_at": map[string]any{"type": "date"},
		// The originals, for display and highlighting only: kept in _source, not indexed.
		"display": map[string]any{"type": "object", "enabled": false},
	}
	if kind == search.TypeTicket {
		for k, v := range map[string]any{
			"comments_f":    textField,
			"internal_f":    textField,
			"status":        map[string]any{"type": "keyword"},
			"priority":      map[string]any{"type": "keyword"},
			"priority_rank": map[string]any{"type": "byte"},
			"sla_due":       map[string]any{"type": "date"},
			"client_id":     map[string]any{"type": "long"},
			"client_name":   map[string]any{"type": "keyword"},
			"assignee_id":   map[string]any{"type": "long"},
			"assignee_name": map[string]any{"type": "keyword"},
			// Facets: id and name in one keyword (facetKey).
			"client_facet":   map[string]any{"type": "keyword"},
			"assignee_facet": map[string]any{"type": "keyword"},
		} {
			props[k] = v
		}
	} else {
		for k, v := range map[string]any{
			"slug":      map[string]any{"type": "keyword"},
			"locale":    map[string]any{"type": "keyword"},
			"audience":  map[string]any{"type": "keyword"},
			"published": map[string]any{"type": "boolean"},
		} {
			props[k] = v
		}
	}
	return map[string]any{"dynamic": "strict", "properties": props}
}

func (b *Backend) indexBody(kind string, aliases map[string]any) map[string]any {
	body := map[string]any{
		"settings": map[string]any{
			"number_of_shards":   b.shards,
			"number_of_replicas": b.replicas,
			// Tombstones of deletes outlive any batch in flight (the indexer bounds a batch
			// well below this), so a stale write can never resurrect a deleted document.
			"index.gc_deletes":        "10m",
			"index.max_result_window": search.MaxWindow,
		},
		"mappings": mapping(kind),
	}
	if aliases != nil {
		body["aliases"] = aliases
	}
	return body
}

// EnsureIndices creates an index behind each read alias that has none. Safe to call from
// several processes at once.
func (b *Backend) EnsureIndices(ctx context.Context) error {
	for _, kind := range Kinds {
		exists, err := b.aliasExists(ctx, b.Alias(kind))
		if err != nil {
			return err
		}
		if exists {
			// Mappings only grow between versions: adding the new fields keeps an existing
			// index writable (documents gain them as they are re-indexed or on a reindex).
			res, err := b.es.Indices.PutMapping([]string{b.Alias(kind)}, jsonBody(mapping(kind)), b.es.Indices.PutMapping.WithContext(ctx))
			if err := check(res, err, "update mapping of "+b.Alias(kind)); err != nil {
				return err
			}
			continue
		}
		name := b.newIndexName(kind)
		err = b.createIndex(ctx, name, b.indexBody(kind, map[string]any{b.Alias(kind): map[string]any{}}))
		if err != nil {
			// Another process may have won the race; the alias decides.
			if ok, aerr := b.aliasExists(ctx, b.Alias(kind)); aerr == nil && ok {
				_ = b.deleteIndex(ctx, name)
				continue
			}
			return err
		}
	}
	return nil
}

func (b *Backend) createIndex(ctx context.Context, name string, body map[string]any) error {
	res, err := b.es.Indices.Create(name, b.es.Indices.Create.WithContext(ctx),
		b.es.Indices.Create.WithBody(jsonBody(body)), b.es.Indices.Create.WithWaitForActiveShards("1"))
	return check(res, err, "create index "+name)
}

func (b *Backend) deleteIndex(ctx context.Context, name string) error {
	res, err := b.es.Indices.Delete([]string{name}, b.es.Indices.Delete.WithContext(ctx))
	return check(res, err, "delete index "+name)
}

func (b *Backend) aliasExists(ctx context.Context, alias string) (bool, error) {
	res, err := b.es.Indices.ExistsAlias([]string{alias}, b.es.Indices.ExistsAlias.WithContext(ctx))
	if err != nil {
		return false, fmt.Errorf("%w: alias %s: %v", search.ErrUnavailable, alias, err)
	}
	defer drain(res)
	switch res.StatusCode {
	case http.StatusOK:
		return true, nil
	case http.StatusNotFound:
		return false, nil
	}
	return false, fmt.Errorf("%w: alias %s: status %d", search.ErrUnavailable, alias, res.StatusCode)
}

// indicesOf returns the physical indices behind an alias (none when it does not exist).
func (b *Backend) indicesOf(ctx context.Context, alias string) ([]string, error) {
	res, err := b.es.Indices.GetAlias(b.es.Indices.GetAlias.WithContext(ctx), b.es.Indices.GetAlias.WithName(alias))
	if err != nil {
		return nil, fmt.Errorf("%w: get alias %s: %v", search.ErrUnavailable, alias, err)
	}
	defer drain(res)
	if res.StatusCode == http.StatusNotFound {
		return nil, nil
	}
	if res.IsError() {
		return nil, responseError(res, "get alias "+alias)
	}
	var byIndex map[string]any
	if err := json.NewDecoder(res.Body).Decode(&byIndex); err != nil {
		return nil, fmt.Errorf("get alias %s: %w", alias, err)
	}
	out := make([]string, 0, len(byIndex))
	for name := range byIndex {
		out = append(out, name)
	}
	return out, nil
}

// WriteTargets returns the aliases a change of kind must be written through: the live one and,
// while a reindex runs, the pending one. Writing through aliases (with require_alias) means a
// write racing an alias swap lands in whichever index is live when it arrives, and a write to
// an index just dropped fails and is retried instead of creating a stray index. A delete is
// the exception (Elasticsearch creates the index it names, require_alias or not): one racing
// the pending alias's removal leaves an index of that name, which the next BeginReindex drops
// and which nothing reads or writes meanwhile (aliases are looked up as aliases only).
func (b *Backend) WriteTargets(ctx context.Context, kind string) ([]string, error) {
	live, err := b.indicesOf(ctx, b.Alias(kind))
	if err != nil {
		return nil, err
	}
	if len(live) == 0 {
		return nil, nil
	}
	targets := []string{b.Alias(kind)}
	pending, err := b.indicesOf(ctx, b.pendingAlias(kind))
	if err != nil {
		return nil, err
	}
	if len(pending) > 0 {
		targets = append(targets, b.pendingAlias(kind))
	}
	return targets, nil
}

// Ping reports whether the cluster answers.
func (b *Backend) Ping(ctx context.Context) error {
	res, err := b.es.Cluster.Health(b.es.Cluster.Health.WithContext(ctx))
	return check(res, err, "cluster health")
}

// ClusterHealth returns the status of this backend's indices in the cluster: green, yellow or
// red (another application's index without its replicas is not search's trouble).
func (b *Backend) ClusterHealth(ctx context.Context) (string, error) {
	res, err := b.es.Cluster.Health(b.es.Cluster.Health.WithContext(ctx), b.es.Cluster.Health.WithIndex(b.prefix+"_*"))
	if err != nil {
		return "", fmt.Errorf("%w: cluster health: %v", search.ErrUnavailable, err)
	}
	defer drain(res)
	if res.IsError() {
		return "", responseError(res, "cluster health")
	}
	var h struct {
		Status string `json:"status"`
	}
	if err := decode(res.Body, &h); err != nil {
		return "", fmt.Errorf("%w: cluster health: %v", search.ErrUnavailable, err)
	}
	return h.Status, nil
}

// Refresh makes every write so far visible to search (tests and reindex use it).
func (b *Backend) Refresh(ctx context.Context) error {
	res, err := b.es.Indices.Refresh(b.es.Indices.Refresh.WithContext(ctx),
		b.es.Indices.Refresh.WithIndex(b.prefix+"_*"), b.es.Indices.Refresh.WithAllowNoIndices(true))
	return check(res, err, "refresh")
}

// DeleteAll removes every index under the prefix: for tests. Indices are named one by one,
// since clusters refuse wildcard deletes by default.
func (b *Backend) DeleteAll(ctx context.Context) error {
	res, err := b.es.Indices.Get([]string{b.prefix + "_*"}, b.es.Indices.Get.WithContext(ctx),
		b.es.Indices.Get.WithAllowNoIndices(true), b.es.Indices.Get.WithExpandWildcards("all"))
	if err != nil {
		return fmt.Errorf("%w: list indices: %v", search.ErrUnavailable, err)
	}
	defer drain(res)
	if res.IsError() {
		return responseError(res, "list indices")
	}
	var byName map[string]any
	if err := decode(res.Body, &byName); err != nil {
		return err
	}
	for name := range byName {
		if err := b.deleteIndex(ctx, name); err != nil {
			return err
		}
	}
	return nil
}

func jsonBody(v any) io.Reader {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		panic(fmt.Sprintf("encode request: %v", err)) // only our own maps reach here
	}
	return &buf
}

// check turns a transport error or an error status into an error, and closes the body.
func check(res *esapi.Response, err error, what string) error {
	if err != nil {
		return fmt.Errorf("%w: %s: %v", search.ErrUnavailable, what, err)
	}
	defer drain(res)
	if res.IsError() {
		return responseError(res, what)
	}
	return nil
}

func responseError(res *esapi.Response, what string) error {
	body, _ := io.ReadAll(io.LimitReader(res.Body, 2048))
	msg := strings.TrimSpace(string(body))
	var e struct {
		Error struct {
			Type   string `json:"type"`
			Reason string `json:"reason"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &e) == nil && e.Error.Type != "" {
		msg = e.Error.Type + ": " + e.Error.Reason
	}
	err := fmt.Errorf("%s: status %d: %s", what, res.StatusCode, msg)
	if res.StatusCode >= 500 || res.StatusCode == http.StatusTooManyRequests {
		return fmt.Errorf("%w: %w", search.ErrUnavailable, err)
	}
	return err
}

func drain(res *esapi.Response) {
	if res != nil && res.Body != nil {
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
}

func decode(r io.Reader, v any) error {
	if err := json.NewDecoder(r).Decode(v); err != nil {
		return fmt.Errorf("%w: decode reply: %v", search.ErrUnavailable, err)
	}
	return nil
}

// LiveIndexVersion is the IndexVersion of the index a kind's searches read (from its name), 0
// when it has none: an older index lacks fields or words this version searches, until
// `portalctl reindex` rebuilds it.
func (b *Backend) LiveIndexVersion(ctx context.Context, kind string) (int, error) {
	names, err := b.indicesOf(ctx, b.Alias(kind))
	if err != nil || len(names) == 0 {
		return 0, err
	}
	var v int
	if _, err := fmt.Sscanf(strings.TrimPrefix(names[0], b.Alias(kind)+"_v"), "%d_", &v); err != nil {
		return 0, fmt.Errorf("index %s: no version in its name", names[0])
	}
	return v, nil
}
