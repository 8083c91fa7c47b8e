// Command relevance measures search ranking on a real bilingual corpus against judged queries
// and two baselines, and writes a markdown report (and its data as JSON) under bench/results/.
// `make relevance` runs it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"helpdesk/cli"
	"helpdesk/config"
	"helpdesk/relevance"
)

func main() { cli.Main(cli.Tool("relevance", run)) }

func run(ctx context.Context, env cli.Env, args []string) error {
	fs := flag.NewFlagSet("relevance", flag.ContinueOnError)
	fs.SetOutput(env.Stdout)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: relevance [flags]

Imports Debian Reference (Spanish and English, one KB article per section) through the API of a
fresh installation (its own database and index prefix, real portal and indexer processes from
--bin), runs the judged queries through Elasticsearch, through the Postgres engine and through
two baselines on the same documents, and writes nDCG@10, success@3 and MRR overall, by kind of
query and by language. Services come from DATABASE_URL and ELASTICSEARCH_URL
(eval "$(scripts/services env)"); the corpus from Debian's debian-reference-es and
debian-reference-en packages.

Flags:
`)
		fs.PrintDefaults()
	}
	corpus := fs.String("corpus", relevance.DefaultCorpusDir, "directory of the book's HTML (chNN.LOCALE.html)")
	queries := fs.String("queries", "", "judged queries as JSON (default: the project's own, relevance/queries.json)")
	file := fs.String("corpus-file", "", "a corpus and its judged queries in one JSON file {articles, queries}, instead of --corpus and --queries")
	bin := fs.String("bin", "bin", "directory with the portal, indexer and portalctl binaries")
	out := fs.String("out", "bench/results", "directory of the report")
	keep := fs.Bool("keep", false, "keep the database and indices afterwards (to look at them)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	cfg, err := config.Load(env.Getenv)
	if err != nil {
		return err
	}
	if cfg.ElasticsearchURL == "" {
		return errors.New("ELASTICSEARCH_URL must be set: the harness scores both engines")
	}
	rc := relevance.Config{DatabaseURL: cfg.DatabaseURL, ElasticsearchURL: cfg.ElasticsearchURL, Bin: *bin,
		Name: fmt.Sprintf("relevance_%d", time.Now().Unix()), Keep: *keep, Log: env.Stderr}
	if *file != "" {
		c, err := relevance.ReadCorpus(*file)
		if err != nil {
			return err
		}
		rc.Articles, rc.Queries, rc.Corpus = c.Articles, c.Queries, *file
	} else {
		articles, err := relevance.LoadDocBook(*corpus, []string{"es", "en"})
		if err != nil {
			return fmt.Errorf("%w (install debian-reference-es and debian-reference-en)", err)
		}
		rc.Articles = relevance.OnlyIn(articles, relevance.DebianReferenceParts)
		rc.Corpus = "Debian Reference (debian-reference-es, debian-reference-en), one article per section; " +
			"GUI System only in Spanish, Data conversion only in English"
		if rc.Queries, err = relevance.DefaultQueries(); err != nil {
			return err
		}
		if *queries != "" {
			f, err := os.Open(*queries)
			if err != nil {
				return err
			}
			rc.Queries, err = relevance.ReadQueries(f)
			f.Close()
			if err != nil {
				return err
			}
		}
	}
	rep, err := relevance.Run(ctx, rc)
	if err != nil {
		return err
	}
	path, err := rep.WriteFiles(*out)
	if err != nil {
		return err
	}
	if err := rep.Markdown(env.Stdout); err != nil {
		return err
	}
	fmt.Fprintln(env.Stderr, "relevance: report written to", path)
	return nil
}
