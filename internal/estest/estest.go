// Package estest gives each test its own indices on the Elasticsearch server named by
// ELASTICSEARCH_URL, under a unique prefix removed when the test ends. Without a server the
// test fails: `make test` starts one.
package estest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	"helpdesk/search/analysis"
	"helpdesk/search/elasticsearch"
)

// URL returns the server's URL or fails the test.
func URL(t testing.TB) string {
	t.Helper()
	url := os.Getenv("ELASTICSEARCH_URL")
	if url == "" {
		t.Fatal("ELASTICSEARCH_URL is not set: run the tests with `make test`, which starts Elasticsearch")
	}
	return url
}

// URLs returns the server's node addresses (ELASTICSEARCH_URL may name several) or fails the
// test.
func URLs(t testing.TB) []string {
	t.Helper()
	return strings.Split(URL(t), ",")
}

// Prefix returns a fresh index prefix for a test.
func Prefix() string {
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	return "test_" + hex.EncodeToString(b)
}

// New returns a backend with its indices created under a fresh prefix, deleted at cleanup;
// it analyses with an (a store's, so that both engines share one synonym table).
func New(t testing.TB, an *analysis.Analyzer) *elasticsearch.Backend {
	t.Helper()
	return NewWithPrefix(t, Prefix(), an)
}

// NewWithPrefix is New with a chosen prefix, for tests that start processes sharing it.
func NewWithPrefix(t testing.TB, prefix string, an *analysis.Analyzer) *elasticsearch.Backend {
	t.Helper()
	return NewAt(t, URLs(t), prefix, an)
}

// NewAt is NewWithPrefix on a chosen cluster (the drills' 3-node one), with options such as
// the index shape.
func NewAt(t testing.TB, urls []string, prefix string, an *analysis.Analyzer, opts ...elasticsearch.Option) *elasticsearch.Backend {
	t.Helper()
	b, err := elasticsearch.New(urls, prefix, an, opts...)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := b.EnsureIndices(ctx); err != nil {
		t.Fatalf("estest: create indices: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := b.DeleteAll(ctx); err != nil {
			t.Logf("estest: delete indices: %v", err)
		}
	})
	return b
}
