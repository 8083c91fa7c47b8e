package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"helpdesk/relevance"
)

// TestRelevanceSmall runs the relevance harness (`make relevance`) end to end on a tiny
// bilingual corpus whose queries each exercise one rule of the text analysis: every engine is
// scored, and the product's engines must find what those rules are for.
func TestRelevanceSmall(t *testing.T) {
	dbURL, esURL := os.Getenv("DATABASE_URL"), os.Getenv("ELASTICSEARCH_URL")
	if dbURL == "" || esURL == "" {
		t.Fatal("DATABASE_URL and ELASTICSEARCH_URL must name the services: eval \"$(scripts/services env)\"")
	}
	c, err := relevance.ReadCorpus("../relevance/testdata/tiny.json")
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	var log strings.Builder
	rep, err := relevance.Run(context.Background(), relevance.Config{DatabaseURL: dbURL, ElasticsearchURL: esURL,
		Bin: binaries(t), Name: "rt" + hex.EncodeToString(b), Articles: c.Articles, Queries: c.Queries, Corpus: "tiny", Log: &log})
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if len(rep.Queries) != len(c.Queries) || len(rep.Engines) != len(relevance.Engines) {
		t.Fatalf("%d queries and %d engines reported", len(rep.Queries), len(rep.Engines))
	}
	for _, e := range rep.Engines {
		if o := e.Overall; o.NDCG10 < 0 || o.NDCG10 > 1 || o.Success3 < 0 || o.Success3 > 1 || len(e.ByKind) == 0 {
			t.Errorf("%s: %+v", e.Name, e)
		}
	}
	// Every query here has its answer within one rule's reach: stems, synonyms, typos, word
	// starts, accents, stop words, the other language. The product's engines answer them all.
	for _, name := range []string{relevance.EngineElasticsearch, relevance.EnginePostgres} {
		for _, q := range rep.Queries {
			if s := q.Engines[name]; s.Success3 != 1 {
				t.Errorf("%s: %s %q: no answer in the first three: %v", name, q.ID, q.Text, s.Top)
			}
		}
	}
	var md strings.Builder
	if err := rep.Markdown(&md); err != nil || !strings.Contains(md.String(), "| elasticsearch |") {
		t.Errorf("markdown report: %v\n%s", err, md.String())
	}
}
