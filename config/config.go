// Package config reads the process configuration from the environment, in one place.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"regexp"
	"strings"
)

// Defaults for settings that have one.
const (
	DefaultSearchIndexPrefix = "portal"
	DefaultPortalAddr        = "127.0.0.1:8080"
	DefaultIndexerAddr       = "127.0.0.1:9108"
	DefaultLogLevel          = "info"
)

// Config is the whole configuration of the portal, the indexer and portalctl.
type Config struct {
	DatabaseURL       string // required
	RedisURL          string // optional: without it sessions, cache and limits stay in memory
	ElasticsearchURL  string // optional: without it search uses Postgres
	SearchIndexPrefix string // every index and alias name starts with it
	PortalAddr        string
	IndexerAddr       string // the indexer's /metrics and /healthz
	SessionSecret     string
	SecureCookies     bool // cookies only over HTTPS: set PORTAL_SECURE_COOKIES=true behind TLS
	LogLevel          slog.Level
}

var indexPrefix = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,40}$`)

// Load reads the configuration through getenv (os.Getenv in production). Invalid values are
// errors, never silently replaced by defaults.
func Load(getenv func(string) string) (Config, error) {
	var errs []string
	c := Config{
		DatabaseURL:       strings.TrimSpace(getenv("DATABASE_URL")),
		RedisURL:          strings.TrimSpace(getenv("REDIS_URL")),
		ElasticsearchURL:  strings.TrimRight(strings.TrimSpace(getenv("ELASTICSEARCH_URL")), "/"),
		SearchIndexPrefix: orDefault(getenv("SEARCH_INDEX_PREFIX"), DefaultSearchIndexPrefix),
		PortalAddr:        orDefault(getenv("PORTAL_ADDR"), DefaultPortalAddr),
		IndexerAddr:       orDefault(getenv("INDEXER_ADDR"), DefaultIndexerAddr),
		SessionSecret:     getenv("SESSION_SECRET"),
	}
	switch v := strings.ToLower(strings.TrimSpace(getenv("PORTAL_SECURE_COOKIES"))); v {
	case "", "false", "0", "no":
	case "true", "1", "yes":
		c.SecureCookies = true
	default:
		errs = append(errs, "PORTAL_SECURE_COOKIES must be true or false")
	}
	if c.DatabaseURL == "" {
		errs = append(errs, ("DATABASE_URL is required (e.g. postgres://user:pass@127.0.0.1:5432/portal)"))
	} else if u, err := url.Parse(c.DatabaseURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		errs = append(errs, ("DATABASE_URL must be a postgres:// URL"))
	}
	if c.RedisURL != "" {
		if u, err := url.Parse(c.RedisURL); err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") {
			errs = append(errs, ("REDIS_URL must be a redis:// URL"))
		}
	}
	if c.ElasticsearchURL != "" {
		if u, err := url.Parse(c.ElasticsearchURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, ("ELASTICSEARCH_URL must be an http:// or https:// URL"))
		}
	}
	if !indexPrefix.MatchString(c.SearchIndexPrefix) {
		errs = append(errs, fmt.Sprintf("SEARCH_INDEX_PREFIX %q must be lowercase letters, digits, '-' or '_' (at most 41)", c.SearchIndexPrefix))
	}
	for name, addr := range map[string]string{"PORTAL_ADDR": c.PortalAddr, "INDEXER_ADDR": c.IndexerAddr} {
		if _, _, err := net.SplitHostPort(addr); err != nil {
			errs = append(errs, fmt.Sprintf("%s %q must be host:port", name, addr))
		}
	}
	if err := c.LogLevel.UnmarshalText([]byte(orDefault(getenv("LOG_LEVEL"), DefaultLogLevel))); err != nil {
		errs = append(errs, "LOG_LEVEL must be debug, info, warn or error")
	}
	if len(errs) > 0 {
		// One line, so that a CLI can print it as its single error line.
		return Config{}, errors.New("configuration: " + strings.Join(errs, "; "))
	}
	return c, nil
}

func orDefault(v, def string) string {
	if v = strings.TrimSpace(v); v != "" {
		return v
	}
	return def
}
