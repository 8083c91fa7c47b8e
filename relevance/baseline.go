package relevance

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"helpdesk/markdown"
)

// The baselines are what doing nothing special gives, on the same documents (the text the
// product indexes: the title, and the body without markdown):
//
//   - es-default: an Elasticsearch index with default mappings, queried with multi_match
//     (best_fields, title^2, fuzziness AUTO);
//   - pg-fulltext: Postgres full-text search, each document in its language's configuration
//     over unaccented text, queried with websearch_to_tsquery in both and ranked by ts_rank_cd.
//
// Their SQL and requests live here, not in the product: they are the yardstick.

func (h *harness) baselineIndex() string { return h.cfg.Name + "_baseline" }

func (h *harness) buildBaselines(ctx context.Context) error {
	if err := h.es(ctx, "PUT", "/"+h.baselineIndex(), `{"settings":{"number_of_shards":1,"number_of_replicas":0}}`, nil); err != nil {
		return err
	}
	var bulk bytes.Buffer
	enc := json.NewEncoder(&bulk)
	for _, a := range h.cfg.Articles {
		_ = enc.Encode(map[string]any{"index": map[string]any{"_id": a.Key}})
		_ = enc.Encode(map[string]any{"title": a.Title, "body": markdown.PlainText(a.Body)})
	}
	var reply struct {
		Errors bool `json:"errors"`
	}
	if err := h.es(ctx, "POST", "/"+h.baselineIndex()+"/_bulk?refresh=true", bulk.String(), &reply); err != nil {
		return err
	}
	if reply.Errors {
		return fmt.Errorf("baseline index: bulk load reported errors")
	}
	if _, err := h.st.Pool().Exec(ctx, `CREATE TABLE relevance_baseline (key text PRIMARY KEY, vec tsvector NOT NULL);
		CREATE INDEX ON relevance_baseline USING gin (vec)`); err != nil {
		return fmt.Errorf("baseline table: %w", err)
	}
	var keys, configs, titles, bodies []string
	for _, a := range h.cfg.Articles {
		keys, configs = append(keys, a.Key), append(configs, langConfig(a.Locale))
		titles, bodies = append(titles, a.Title), append(bodies, markdown.PlainText(a.Body))
	}
	_, err := h.st.Pool().Exec(ctx, `INSERT INTO relevance_baseline (key, vec)
		SELECT k, setweight(to_tsvector(c::regconfig, unaccent(t)), 'A') || setweight(to_tsvector(c::regconfig, unaccent(b)), 'B')
		FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(k, c, t, b)`, keys, configs, titles, bodies)
	if err != nil {
		return fmt.Errorf("baseline table: %w", err)
	}
	return nil
}

func langConfig(locale string) string {
	if locale == "en" {
		return "english"
	}
	return "spanish"
}

func (h *harness) rankESDefault(ctx context.Context, text string) ([]string, error) {
	q, _ := json.Marshal(map[string]any{"size": 10, "_source": false, "query": map[string]any{"multi_match": map[string]any{
		"query": text, "type": "best_fields", "fields": []string{"title^2", "body"}, "fuzziness": "AUTO"}}})
	var reply struct {
		Hits struct {
			Hits []struct {
				ID string `json:"_id"`
			} `json:"hits"`
		} `json:"hits"`
	}
	if err := h.es(ctx, "POST", "/"+h.baselineIndex()+"/_search", string(q), &reply); err != nil {
		return nil, err
	}
	out := make([]string, 0, len(reply.Hits.Hits))
	for _, hit := range reply.Hits.Hits {
		out = append(out, hit.ID)
	}
	return out, nil
}

func (h *harness) rankPGFullText(ctx context.Context, text string) ([]string, error) {
	rows, err := h.st.Pool().Query(ctx, `SELECT key FROM relevance_baseline,
			(SELECT websearch_to_tsquery('spanish', unaccent($1)) || websearch_to_tsquery('english', unaccent($1)) AS q) x
		WHERE vec @@ q ORDER BY ts_rank_cd(vec, q) DESC, key LIMIT 10`, text)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// es sends a request to the Elasticsearch cluster; out, when given, receives the answer.
func (h *harness) es(ctx context.Context, method, path, body string, out any) error {
	ct := "application/json"
	if strings.Contains(path, "_bulk") {
		ct = "application/x-ndjson"
	}
	return h.call(ctx, method, h.cfg.ElasticsearchURL+path, ct, "", []byte(body), out)
}

// deleteIndices drops every index of the run: the product's and the baseline.
func (h *harness) deleteIndices(ctx context.Context) error {
	var byName map[string]any
	if err := h.es(ctx, "GET", "/"+h.cfg.Name+"_*?expand_wildcards=all&allow_no_indices=true", "", &byName); err != nil {
		return err
	}
	for name := range byName {
		if err := h.es(ctx, "DELETE", "/"+name, "", nil); err != nil {
			return err
		}
	}
	return nil
}
