// Package config reads the process configuration from the environment, in one place.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // REPORT_TZ names a zone on machines (and images) without zoneinfo too

	"github.com/redis/go-redis/v9"
)

// Defaults for settings that have one.
const (
	DefaultSearchIndexPrefix  = "portal"
	DefaultPortalAddr         = "127.0.0.1:8080"
	DefaultIndexerAddr        = "127.0.0.1:9108"
	DefaultWorkerAddr         = "127.0.0.1:9109"
	DefaultPortalURL          = "http://localhost:8080"
	DefaultLogLevel           = "info"
	DefaultSearchInsightsDays = 90
	// One node: one shard, and no replica (it could never be assigned).
	DefaultSearchShards   = 1
	DefaultSearchReplicas = 0
)

// Config is the whole configuration of the portal, the indexer and portalctl.
type Config struct {
	DatabaseURL string // required
	// ReplicaURLs are streaming replicas of it: the portal's reads that tolerate lag and the
	// worker's exports go there, those of a replica that lags at most ReplicaMaxLag.
	ReplicaURLs   []string
	ReplicaMaxLag time.Duration
	RedisURL      string // optional: without it sessions, cache and limits stay in memory
	// ElasticsearchURLs are the cluster's nodes (ELASTICSEARCH_URL, comma-separated): the
	// client spreads requests over them and retries another when one fails. Empty: search
	// uses Postgres. ElasticsearchURL is the first, for tools that talk to one node.
	ElasticsearchURLs []string
	ElasticsearchURL  string
	SearchIndexPrefix string // every index and alias name starts with it
	// SearchShards and SearchReplicas shape every index created (EnsureIndices, reindex):
	// 1 and 0 suit one node; a cluster wants replicas >= 1 to lose a node without a blink.
	SearchShards, SearchReplicas int
	// The Postgres search's share of the database: its own connections, at most this many,
	// and how long one search may take (waiting for a connection included), so that an
	// Elasticsearch outage never queues ticket pages and writes behind searches.
	SearchPGConns   int32
	SearchPGTimeout time.Duration
	PortalAddr      string
	IndexerAddr     string // the indexer's /metrics and /healthz
	SecureCookies   bool   // cookies only over HTTPS: set PORTAL_SECURE_COOKIES=true behind TLS
	// API limits as requests per window ("300/5m"), and addresses refused outright on every
	// route, pages included, besides the blocklist table (portalctl block).
	APIRateLimitIP    RateLimit
	APIRateLimitToken RateLimit
	APIBlocklist      []netip.Prefix
	// TrustedProxies are the load balancers in front of the portals: only from them is the
	// client's address read from X-Forwarded-For (PORTAL_TRUSTED_PROXIES).
	TrustedProxies []netip.Prefix
	// SMTP for the worker's mails; without SMTP_ADDR they are only logged.
	SMTPAddr, SMTPFrom, SMTPUsername, SMTPPassword string
	LogLevel                                       slog.Level
	// The worker: its /metrics and /healthz, workers per queue (WORKER_QUEUE_CRITICAL, …;
	// zero takes the default), the team chat's Slack-compatible webhook and language, the
	// portal's public address for links in messages, and the daily report's time zone.
	WorkerAddr     string
	QueueSizes     map[string]int
	ChatWebhookURL string
	ChatLang       string
	PortalURL      string
	ReportTZ       *time.Location
	// StaticURL is where browsers fetch the assets from (a CDN in front of the portals,
	// e.g. https://cdn.example.com); empty: the portal's own /static.
	StaticURL string
	// OTLPEndpoint receives traces over OTLP/HTTP (OTEL_EXPORTER_OTLP_ENDPOINT, a base URL);
	// empty: no tracing.
	OTLPEndpoint string
	// SearchInsightsDays is how many days searches are kept for the insights page
	// (SEARCH_INSIGHTS_DAYS); 0 records none at all.
	SearchInsightsDays int
	// Redis is RedisURL read (one server, a Sentinel group or a Cluster); nil without it.
	Redis *redis.UniversalOptions
}

var indexPrefix = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,40}$`)

// Load reads the configuration through getenv (os.Getenv in production). Invalid values are
// errors, never silently replaced by defaults.
func Load(getenv func(string) string) (Config, error) {
	var errs []string
	c := Config{
		DatabaseURL:       strings.TrimSpace(getenv("DATABASE_URL")),
		RedisURL:          strings.TrimSpace(getenv("REDIS_URL")),
		SearchIndexPrefix: orDefault(getenv("SEARCH_INDEX_PREFIX"), DefaultSearchIndexPrefix),
		PortalAddr:        orDefault(getenv("PORTAL_ADDR"), DefaultPortalAddr),
		IndexerAddr:       orDefault(getenv("INDEXER_ADDR"), DefaultIndexerAddr),
		OTLPEndpoint:      strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_ENDPOINT")),
	}
	if c.OTLPEndpoint != "" {
		if u, err := url.Parse(c.OTLPEndpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Sprintf("OTEL_EXPORTER_OTLP_ENDPOINT %q must be an http(s) URL, such as http://127.0.0.1:4318", c.OTLPEndpoint))
		}
	}
	c.SMTPAddr, c.SMTPFrom = strings.TrimSpace(getenv("SMTP_ADDR")), orDefault(getenv("SMTP_FROM"), "helpdesk@localhost")
	c.SMTPUsername, c.SMTPPassword = getenv("SMTP_USERNAME"), getenv("SMTP_PASSWORD")
	if c.SMTPAddr != "" {
		if _, _, err := net.SplitHostPort(c.SMTPAddr); err != nil {
			errs = append(errs, fmt.Sprintf("SMTP_ADDR %q must be host:port", c.SMTPAddr))
		}
	}
	var err error
	c.WorkerAddr = orDefault(getenv("WORKER_ADDR"), DefaultWorkerAddr)
	c.QueueSizes = map[string]int{}
	for _, q := range []string{"critical", "default", "low"} {
		name := "WORKER_QUEUE_" + strings.ToUpper(q)
		if v := strings.TrimSpace(getenv(name)); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 1000 {
				errs = append(errs, name+" must be a number of workers from 1 to 1000")
			}
			c.QueueSizes[q] = n
		}
	}
	c.ChatWebhookURL = strings.TrimSpace(getenv("CHAT_WEBHOOK_URL"))
	if c.ChatWebhookURL != "" {
		if u, err := url.Parse(c.ChatWebhookURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, "CHAT_WEBHOOK_URL must be an http:// or https:// URL")
		}
	}
	if c.ChatLang = orDefault(getenv("CHAT_LANG"), "es"); c.ChatLang != "es" && c.ChatLang != "en" {
		errs = append(errs, "CHAT_LANG must be es or en")
	}
	c.PortalURL = strings.TrimRight(orDefault(getenv("PORTAL_URL"), DefaultPortalURL), "/")
	if u, err := url.Parse(c.PortalURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, "PORTAL_URL must be an http:// or https:// URL (the portal's public address)")
	}
	if c.StaticURL = strings.TrimRight(getenv("STATIC_URL"), "/"); c.StaticURL != "" {
		if u, err := url.Parse(c.StaticURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			errs = append(errs, "STATIC_URL must be an http:// or https:// URL (where browsers fetch the assets: a CDN origin)")
		}
	}
	if c.ReportTZ, err = time.LoadLocation(orDefault(getenv("REPORT_TZ"), "UTC")); err != nil {
		errs = append(errs, fmt.Sprintf("REPORT_TZ %q is not a time zone (e.g. Europe/Madrid)", getenv("REPORT_TZ")))
	}
	if c.APIRateLimitIP, err = parseRateLimit(orDefault(getenv("API_RATE_LIMIT_IP"), defaultRateLimitIP)); err != nil {
		errs = append(errs, "API_RATE_LIMIT_IP "+err.Error())
	}
	if c.APIRateLimitToken, err = parseRateLimit(orDefault(getenv("API_RATE_LIMIT_TOKEN"), defaultRateLimitToken)); err != nil {
		errs = append(errs, "API_RATE_LIMIT_TOKEN "+err.Error())
	}
	for _, name := range []string{"API_BLOCKLIST", "PORTAL_TRUSTED_PROXIES"} {
		list, err := parsePrefixes(getenv(name))
		if err != nil {
			errs = append(errs, name+" "+err.Error())
		}
		if name == "API_BLOCKLIST" {
			c.APIBlocklist = list
		} else {
			c.TrustedProxies = list
		}
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
	for _, r := range strings.Split(getenv("DATABASE_REPLICA_URLS"), ",") {
		if r = strings.TrimSpace(r); r == "" {
			continue
		}
		if u, err := url.Parse(r); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
			errs = append(errs, "DATABASE_REPLICA_URLS must be postgres:// URLs, comma-separated")
			break
		}
		c.ReplicaURLs = append(c.ReplicaURLs, r)
	}
	if c.ReplicaMaxLag, err = time.ParseDuration(orDefault(getenv("DATABASE_REPLICA_MAX_LAG"), "5s")); err != nil || c.ReplicaMaxLag < 100*time.Millisecond || c.ReplicaMaxLag > time.Hour {
		errs = append(errs, "DATABASE_REPLICA_MAX_LAG must be a duration from 100ms to 1h (e.g. 5s)")
	}
	if c.RedisURL != "" {
		if c.Redis, err = ParseRedisURL(c.RedisURL); err != nil {
			errs = append(errs, fmt.Sprintf("REDIS_URL: %v (forms: %s)", err, RedisForms))
		}
	}
	if c.ElasticsearchURLs, err = parseURLList(getenv("ELASTICSEARCH_URL")); err != nil {
		errs = append(errs, "ELASTICSEARCH_URL "+err.Error())
	} else if len(c.ElasticsearchURLs) > 0 {
		c.ElasticsearchURL = c.ElasticsearchURLs[0]
	}
	if c.SearchShards, err = intInRange(getenv("SEARCH_SHARDS"), DefaultSearchShards, 1, 64); err != nil {
		errs = append(errs, "SEARCH_SHARDS must be a number of primary shards from 1 to 64")
	}
	if c.SearchReplicas, err = intInRange(getenv("SEARCH_REPLICAS"), DefaultSearchReplicas, 0, 5); err != nil {
		errs = append(errs, "SEARCH_REPLICAS must be a number of replicas from 0 to 5")
	}
	if !indexPrefix.MatchString(c.SearchIndexPrefix) {
		errs = append(errs, fmt.Sprintf("SEARCH_INDEX_PREFIX %q must be lowercase letters, digits, '-' or '_' (at most 41)", c.SearchIndexPrefix))
	}
	for name, addr := range map[string]string{"PORTAL_ADDR": c.PortalAddr, "INDEXER_ADDR": c.IndexerAddr, "WORKER_ADDR": c.WorkerAddr} {
		if _, _, err := net.SplitHostPort(addr); err != nil {
			errs = append(errs, fmt.Sprintf("%s %q must be host:port", name, addr))
		}
	}
	conns, err := strconv.ParseInt(orDefault(getenv("SEARCH_PG_CONNS"), "4"), 10, 32)
	if err != nil || conns < 1 || conns > 100 {
		errs = append(errs, "SEARCH_PG_CONNS must be a number of connections from 1 to 100")
	}
	c.SearchPGConns = int32(conns)
	if c.SearchPGTimeout, err = time.ParseDuration(orDefault(getenv("SEARCH_PG_TIMEOUT"), "5s")); err != nil ||
		c.SearchPGTimeout < 100*time.Millisecond || c.SearchPGTimeout > 10*time.Minute {
		errs = append(errs, "SEARCH_PG_TIMEOUT must be a duration from 100ms to 10m (e.g. 5s)")
	}
	days, err := strconv.Atoi(orDefault(getenv("SEARCH_INSIGHTS_DAYS"), strconv.Itoa(DefaultSearchInsightsDays)))
	if err != nil || days < 0 || days > 3650 {
		errs = append(errs, "SEARCH_INSIGHTS_DAYS must be a number of days from 0 (record no searches) to 3650")
	}
	c.SearchInsightsDays = days
	if err := c.LogLevel.UnmarshalText([]byte(orDefault(getenv("LOG_LEVEL"), DefaultLogLevel))); err != nil {
		errs = append(errs, "LOG_LEVEL must be debug, info, warn or error")
	}
	if len(errs) > 0 {
		// One line, so that a CLI can print it as its single error line.
		return Config{}, errors.New("configuration: " + strings.Join(errs, "; "))
	}
	return c, nil
}

// RateLimit is a number of requests per window.
type RateLimit struct {
	Requests int
	Window   time.Duration
}

// The API's limits when the environment sets none: per client address, per token.
const (
	defaultRateLimitIP    = "300/5m"
	defaultRateLimitToken = "1000/1h"
)

// DefaultRateLimits returns the API's limits when the environment sets none: per client
// address and per token.
func DefaultRateLimits() (ip, token RateLimit) {
	ip, _ = parseRateLimit(defaultRateLimitIP)
	token, _ = parseRateLimit(defaultRateLimitToken)
	return ip, token
}

// parseRateLimit reads "N/duration", e.g. "300/5m".
func parseRateLimit(s string) (RateLimit, error) {
	n, w, ok := strings.Cut(s, "/")
	req, err := strconv.Atoi(strings.TrimSpace(n))
	if !ok || err != nil || req < 1 {
		return RateLimit{}, fmt.Errorf("%q must look like 300/5m", s)
	}
	win, err := time.ParseDuration(strings.TrimSpace(w))
	if err != nil || win < time.Second {
		return RateLimit{}, fmt.Errorf("%q must look like 300/5m", s)
	}
	return RateLimit{Requests: req, Window: win}, nil
}

func orDefault(v, def string) string {
	if v = strings.TrimSpace(v); v != "" {
		return v
	}
	return def
}

// parsePrefixes reads a comma-separated list of addresses and CIDR networks; an address is
// its own /32 or /128.
func parsePrefixes(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	var bad []string
	for _, item := range strings.Split(list, ",") {
		if item = strings.TrimSpace(item); item == "" {
			continue
		}
		if !strings.Contains(item, "/") {
			if a, err := netip.ParseAddr(item); err == nil {
				item = netip.PrefixFrom(a, a.BitLen()).String()
			}
		}
		p, err := netip.ParsePrefix(item)
		if err != nil {
			bad = append(bad, fmt.Sprintf("%q", item))
			continue
		}
		out = append(out, p.Masked())
	}
	if len(bad) > 0 {
		return out, fmt.Errorf("entries %s are not IP addresses or CIDRs", strings.Join(bad, ", "))
	}
	return out, nil
}
