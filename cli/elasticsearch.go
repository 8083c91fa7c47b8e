package cli

import (
	"helpdesk/config"
	"helpdesk/search/analysis"
	"helpdesk/search/elasticsearch"
)

// openElasticsearch is the backend every command uses: all of ELASTICSEARCH_URL's nodes, and
// the index shape of SEARCH_SHARDS and SEARCH_REPLICAS for whichever process creates an index
// (the indexer at start, portalctl reindex).
func openElasticsearch(cfg config.Config, an *analysis.Analyzer, opts ...elasticsearch.Option) (*elasticsearch.Backend, error) {
	opts = append([]elasticsearch.Option{elasticsearch.WithShape(cfg.SearchShards, cfg.SearchReplicas)}, opts...)
	return elasticsearch.New(cfg.ElasticsearchURLs, cfg.SearchIndexPrefix, an, opts...)
}
