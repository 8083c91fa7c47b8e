package config

import (
	"slices"
	"strings"
	"testing"
)

// TestElasticsearchCluster covers ELASTICSEARCH_URL as a list of nodes, and the shape of the
// indices (SEARCH_SHARDS, SEARCH_REPLICAS).
func TestElasticsearchCluster(t *testing.T) {
	cases := []struct {
		name             string
		env              map[string]string
		wantErr          string
		urls             []string
		shards, replicas int
	}{
		{"defaults: no cluster, one node's shape", nil, "", nil, 1, 0},
		{"one node", map[string]string{"ELASTICSEARCH_URL": "http://127.0.0.1:9200/"}, "", []string{"http://127.0.0.1:9200"}, 1, 0},
		{"three nodes, spaces and a trailing comma", map[string]string{"ELASTICSEARCH_URL": " http://a:9200, http://b:9200/ ,https://c:9200,"},
			"", []string{"http://a:9200", "http://b:9200", "https://c:9200"}, 1, 0},
		{"shape for a cluster", map[string]string{"ELASTICSEARCH_URL": "http://a:9200,http://b:9200", "SEARCH_SHARDS": "2", "SEARCH_REPLICAS": "1"},
			"", []string{"http://a:9200", "http://b:9200"}, 2, 1},
		{"limits", map[string]string{"SEARCH_SHARDS": "64", "SEARCH_REPLICAS": "5"}, "", nil, 64, 5},
		{"one bad node", map[string]string{"ELASTICSEARCH_URL": "http://a:9200,b:9200"}, "ELASTICSEARCH_URL", nil, 0, 0},
		{"a node twice", map[string]string{"ELASTICSEARCH_URL": "http://a:9200,http://a:9200/"}, "twice", nil, 0, 0},
		{"a query string", map[string]string{"ELASTICSEARCH_URL": "http://a:9200?x=1"}, "ELASTICSEARCH_URL", nil, 0, 0},
		{"no shards", map[string]string{"SEARCH_SHARDS": "0"}, "SEARCH_SHARDS", nil, 0, 0},
		{"too many shards", map[string]string{"SEARCH_SHARDS": "65"}, "SEARCH_SHARDS", nil, 0, 0},
		{"shards not a number", map[string]string{"SEARCH_SHARDS": "two"}, "SEARCH_SHARDS", nil, 0, 0},
		{"negative replicas", map[string]string{"SEARCH_REPLICAS": "-1"}, "SEARCH_REPLICAS", nil, 0, 0},
		{"too many replicas", map[string]string{"SEARCH_REPLICAS": "6"}, "SEARCH_REPLICAS", nil, 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"DATABASE_URL": "postgres://u:p@127.0.0.1:5432/db"}
			for k, v := range tc.env {
				env[k] = v
			}
			c, err := Load(func(k string) string { return env[k] })
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one about %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(c.ElasticsearchURLs, tc.urls) || c.SearchShards != tc.shards || c.SearchReplicas != tc.replicas {
				t.Errorf("urls %q shards %d replicas %d, want %q %d %d", c.ElasticsearchURLs, c.SearchShards, c.SearchReplicas, tc.urls, tc.shards, tc.replicas)
			}
			if first := ""; len(tc.urls) > 0 && c.ElasticsearchURL != tc.urls[0] || len(tc.urls) == 0 && c.ElasticsearchURL != first {
				t.Errorf("ElasticsearchURL %q, want the first node", c.ElasticsearchURL)
			}
		})
	}
}
