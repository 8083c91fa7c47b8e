// Package relevance measures how well search ranks: it imports a real bilingual corpus as KB
// articles through the API of a fresh installation, runs judged queries through both of the
// product's engines and through two baselines on the same documents, and scores every ranking
// (nDCG@10, success@3, MRR), overall, by kind of query and by language. `make relevance` runs
// it on Debian Reference and writes its report under bench/results/.
package relevance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"helpdesk/internal/procs"
	"helpdesk/store"
)

// The engines a report scores.
const (
	EngineElasticsearch = "elasticsearch"
	EnginePostgres      = "postgres"
	BaselineES          = "es-default"
	BaselinePG          = "pg-fulltext"
)

// Engines lists them in report order.
var Engines = []string{EngineElasticsearch, EnginePostgres, BaselineES, BaselinePG}

// Config says what to measure and with what.
type Config struct {
	DatabaseURL      string // a server where the harness creates (and drops) its own database
	ElasticsearchURL string
	Bin              string // the portal, indexer and portalctl binaries
	Name             string // the database name and index prefix of the run
	Articles         []Article
	Queries          []Query
	Corpus           string // what the articles are, for the report
	Keep             bool   // keep the database and indices afterwards
	Log              io.Writer
}

// Run imports the articles, runs the queries on every engine and scores them.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	logf := func(format string, args ...any) { fmt.Fprintf(cfg.Log, "relevance: "+format+"\n", args...) }
	if err := checkJudgments(cfg.Articles, cfg.Queries); err != nil {
		return nil, err
	}
	dbURL, err := freshDatabase(ctx, cfg.DatabaseURL, cfg.Name)
	if err != nil {
		return nil, err
	}
	h := &harness{cfg: cfg, logf: logf, dbURL: dbURL, client: &http.Client{Timeout: time.Minute}}
	defer h.close(ctx)
	h.env = []string{"DATABASE_URL=" + dbURL, "SEARCH_INDEX_PREFIX=" + cfg.Name, "ELASTICSEARCH_URL=" + cfg.ElasticsearchURL,
		"REDIS_URL=", "API_RATE_LIMIT_IP=1000000000/1m", "API_RATE_LIMIT_TOKEN=1000000000/1m"}
	if err := h.setup(ctx); err != nil {
		return nil, err
	}
	logf("importing %d articles through the API", len(cfg.Articles))
	start := time.Now()
	if err := h.importArticles(ctx); err != nil {
		return nil, err
	}
	if err := h.waitIndexed(ctx); err != nil {
		return nil, err
	}
	logf("imported and indexed in %s", time.Since(start).Round(time.Millisecond))
	if err := h.buildBaselines(ctx); err != nil {
		return nil, err
	}
	rep := newReport(cfg)
	logf("running %d queries on %d engines", len(cfg.Queries), len(Engines))
	for _, q := range cfg.Queries {
		qr := QueryResult{ID: q.ID, Lang: q.Lang, Kind: q.Kind, Text: q.Text, Engines: map[string]EngineResult{}}
		for _, e := range Engines {
			keys, err := h.rank(ctx, e, q.Text)
			if err != nil {
				return nil, fmt.Errorf("%s: query %s: %w", e, q.ID, err)
			}
			qr.Engines[e] = EngineResult{Scores: Score(keys, q.Judgments), Top: keys[:min(5, len(keys))]}
		}
		rep.Queries = append(rep.Queries, qr)
	}
	rep.summarise(cfg.Queries)
	return rep, nil
}

// checkJudgments refuses judgments of articles the corpus does not have: they would count as
// answers no engine could ever give.
func checkJudgments(articles []Article, queries []Query) error {
	keys := map[string]bool{}
	for _, a := range articles {
		keys[a.Key] = true
	}
	for _, q := range queries {
		answerable := false
		for k, g := range q.Judgments {
			if !keys[k] {
				return fmt.Errorf("query %s judges %s, which the corpus does not hold", q.ID, k)
			}
			answerable = answerable || g >= Relevant
		}
		if !answerable {
			return fmt.Errorf("query %s has no article graded %d or more", q.ID, Relevant)
		}
	}
	return nil
}

type harness struct {
	cfg      Config
	logf     func(string, ...any)
	dbURL    string
	env      []string
	client   *http.Client
	token    string
	indexer  *procs.Process
	esPortal *procs.Process
	pgPortal *procs.Process
	st       *store.Store
	slugs    map[string]string // slug -> article key
}

func freshDatabase(ctx context.Context, serverURL, name string) (string, error) {
	if err := store.DropDatabase(ctx, serverURL, name); err != nil {
		return "", err
	}
	u, _, err := store.EnsureDatabase(ctx, serverURL, name)
	return u, err
}

func (h *harness) setup(ctx context.Context) error {
	if _, err := procs.RunTool(ctx, h.cfg.Bin, h.env, h.cfg.Log, "migrate"); err != nil {
		return err
	}
	email := "relevance@harness.example"
	if _, err := procs.RunTool(ctx, h.cfg.Bin, h.env, io.Discard, "user", "create", "--email", email,
		"--role", "admin", "--password", "relevance-harness-password"); err != nil {
		return err
	}
	var out bytes.Buffer
	if _, err := procs.RunTool(ctx, h.cfg.Bin, h.env, &out, "token", "create", "--user", email); err != nil {
		return err
	}
	h.token = tokenPattern.FindString(out.String())
	if h.token == "" {
		return fmt.Errorf("portalctl token create printed no token: %q", out.String())
	}
	var err error
	if h.st, err = store.Open(ctx, h.dbURL); err != nil {
		return err
	}
	if h.indexer, err = procs.Start(ctx, h.cfg.Bin, "indexer", "INDEXER_ADDR", "/healthz", h.env); err != nil {
		return err
	}
	if h.esPortal, err = procs.Start(ctx, h.cfg.Bin, "portal", "PORTAL_ADDR", "/readyz", h.env); err != nil {
		return err
	}
	// The fallback engine alone: the same database, no Elasticsearch.
	h.pgPortal, err = procs.Start(ctx, h.cfg.Bin, "portal", "PORTAL_ADDR", "/readyz", append(h.env, "ELASTICSEARCH_URL="))
	return err
}

func (h *harness) close(ctx context.Context) {
	for _, p := range []*procs.Process{h.esPortal, h.pgPortal, h.indexer} {
		p.Stop()
	}
	if h.st != nil {
		h.st.Close()
	}
	if h.cfg.Keep {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	if err := h.deleteIndices(ctx); err != nil {
		h.logf("cleanup: %v", err)
	}
	if err := store.DropDatabase(ctx, h.cfg.DatabaseURL, h.cfg.Name); err != nil {
		h.logf("cleanup: %v", err)
	}
}

var (
	nonSlug      = regexp.MustCompile(`[^a-z0-9]+`)
	tokenPattern = regexp.MustCompile(`hdp_[A-Za-z0-9_-]+`)
)

// slugOf names an article's page after its key: "es:_good_password" is dr-es-good-password-
// and a short hash of the key, which keeps long keys cut to fit apart.
func slugOf(key string) string {
	s := strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(key), "-"), "-")
	if len(s) > 80 {
		s = strings.TrimRight(s[:80], "-")
	}
	h := fnv.New32a()
	h.Write([]byte(key))
	return fmt.Sprintf("dr-%s-%08x", s, h.Sum32())
}

func (h *harness) importArticles(ctx context.Context) error {
	h.slugs = map[string]string{}
	for _, a := range h.cfg.Articles {
		h.slugs[slugOf(a.Key)] = a.Key
	}
	work := make(chan Article)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for a := range work {
				body := map[string]any{"slug": slugOf(a.Key), "title": a.Title, "body": a.Body, "category": a.Chapter,
					"tags": []string{}, "locale": a.Locale, "audience": "public", "status": "published"}
				if err := h.api(ctx, h.esPortal, "POST", "/api/v1/kb_articles", body, nil); err != nil {
					select {
					case errs <- fmt.Errorf("import %s: %w", a.Key, err):
					default:
					}
				}
			}
		}()
	}
	for _, a := range h.cfg.Articles {
		work <- a
	}
	close(work)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

// waitIndexed waits until the indexer has drained the outbox and Elasticsearch returns every
// article.
func (h *harness) waitIndexed(ctx context.Context) error {
	deadline := time.Now().Add(10 * time.Minute)
	for {
		ob, err := h.st.OutboxStats(ctx)
		if err != nil {
			return err
		}
		var res searchReply
		if err := h.api(ctx, h.esPortal, "GET", "/api/v1/search?type=kb&per_page=1", nil, &res); err != nil {
			return err
		}
		if ob.Pending == 0 && res.Engine == EngineElasticsearch && res.Total == int64(len(h.cfg.Articles)) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("index holds %d of %d articles after 10 minutes (outbox %d)", res.Total, len(h.cfg.Articles), ob.Pending)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}

type searchReply struct {
	Engine string `json:"engine"`
	Total  int64  `json:"total"`
	Hits   []struct {
		URL string `json:"url"`
	} `json:"hits"`
}

// rank returns the keys of the first ten articles an engine ranks for text.
func (h *harness) rank(ctx context.Context, engine, text string) ([]string, error) {
	switch engine {
	case BaselineES:
		return h.rankESDefault(ctx, text)
	case BaselinePG:
		return h.rankPGFullText(ctx, text)
	}
	p := h.esPortal
	if engine == EnginePostgres {
		p = h.pgPortal
	}
	var res searchReply
	if err := h.api(ctx, p, "GET", "/api/v1/search?type=kb&per_page=10&q="+url.QueryEscape(text), nil, &res); err != nil {
		return nil, err
	}
	if res.Engine != engine {
		return nil, fmt.Errorf("answered by %s", res.Engine)
	}
	keys := make([]string, 0, len(res.Hits))
	for _, hit := range res.Hits {
		key, ok := h.slugs[strings.TrimPrefix(hit.URL, "/kb/")]
		if !ok {
			return nil, fmt.Errorf("a hit that was not imported: %s", hit.URL)
		}
		keys = append(keys, key)
	}
	return keys, nil
}

// api calls the portal with the harness's token; body is sent as JSON, out, when given,
// receives the JSON answer.
func (h *harness) api(ctx context.Context, p *procs.Process, method, path string, body, out any) error {
	var raw []byte
	if body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			return err
		}
	}
	return h.call(ctx, method, p.URL(path), "application/json", h.token, raw, out)
}

// call sends one HTTP request (with a bearer token, when given) and decodes a JSON answer into
// out, when given; an answer that is not a success is an error that quotes it.
func (h *harness) call(ctx context.Context, method, url, contentType, token string, body []byte, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", contentType)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := h.client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %d %s", method, url, res.StatusCode, bytes.TrimSpace(b))
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

// BuildBinaries builds the portal, indexer and portalctl into dir from the module at root:
// for tests, which cannot count on `make build`.
func BuildBinaries(root, dir string) error {
	cmd := exec.Command("go", "build", "-o", dir+string(filepath.Separator), "./cmd/portal", "./cmd/indexer", "./cmd/portalctl", "./cmd/worker")
	cmd.Dir = root
	cmd.Env = os.Environ()
	if out, err := cmd.CombinedOutput(); err != nil {
		return errors.Join(err, errors.New(string(out)))
	}
	return nil
}
