package config

import (
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestLoad(t *testing.T) {
	base := map[string]string{"DATABASE_URL": "postgres://u:p@127.0.0.1:5432/db"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	cases := []struct {
		name    string
		env     map[string]string
		wantErr string
		check   func(t *testing.T, c Config)
	}{
		{"defaults", base, "", func(t *testing.T, c Config) {
			if c.SearchIndexPrefix != "portal" || c.PortalAddr != "127.0.0.1:8080" || c.LogLevel != slog.LevelInfo || c.ElasticsearchURL != "" ||
				c.SearchPGConns != 4 || c.SearchPGTimeout != 5*time.Second || c.SearchInsightsDays != 90 {
				t.Errorf("defaults: %+v", c)
			}
		}},
		{"all set", with("REDIS_URL", "redis://127.0.0.1:6379/0", "ELASTICSEARCH_URL", "http://127.0.0.1:9200/",
			"SEARCH_INDEX_PREFIX", "test_1", "PORTAL_ADDR", ":9090", "LOG_LEVEL", "debug"), "", func(t *testing.T, c Config) {
			if c.ElasticsearchURL != "http://127.0.0.1:9200" || c.SearchIndexPrefix != "test_1" || c.LogLevel != slog.LevelDebug {
				t.Errorf("parsed: %+v", c)
			}
		}},
		{"missing database", map[string]string{}, "DATABASE_URL is required", nil},
		{"wrong scheme", with("DATABASE_URL", "mysql://x"), "postgres://", nil},
		{"bad redis", with("REDIS_URL", "http://x"), "REDIS_URL", nil},
		{"bad elasticsearch", with("ELASTICSEARCH_URL", "localhost:9200"), "ELASTICSEARCH_URL", nil},
		{"bad prefix", with("SEARCH_INDEX_PREFIX", "Portal*"), "SEARCH_INDEX_PREFIX", nil},
		{"bad addr", with("PORTAL_ADDR", "8080"), "PORTAL_ADDR", nil},
		{"bad level", with("LOG_LEVEL", "chatty"), "LOG_LEVEL", nil},
		{"bad otlp endpoint", with("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318"), "OTEL_EXPORTER_OTLP_ENDPOINT", nil},
		{"otlp endpoint", with("OTEL_EXPORTER_OTLP_ENDPOINT", " http://collector:4318 "), "", func(t *testing.T, c Config) {
			if c.OTLPEndpoint != "http://collector:4318" {
				t.Errorf("OTLPEndpoint %q", c.OTLPEndpoint)
			}
		}},
		{"api limits and blocklist", with("API_RATE_LIMIT_IP", "10/1m", "API_BLOCKLIST", "10.0.0.0/8, 192.0.2.7,2001:db8::/32"), "", func(t *testing.T, c Config) {
			if c.APIRateLimitIP.Requests != 10 || c.APIRateLimitIP.Window.Minutes() != 1 || c.APIRateLimitToken.Requests != 1000 {
				t.Errorf("limits %+v %+v", c.APIRateLimitIP, c.APIRateLimitToken)
			}
			if len(c.APIBlocklist) != 3 || c.APIBlocklist[1].String() != "192.0.2.7/32" {
				t.Errorf("blocklist %v", c.APIBlocklist)
			}
		}},
		{"search share of postgres", with("SEARCH_PG_CONNS", "8", "SEARCH_PG_TIMEOUT", "750ms"), "", func(t *testing.T, c Config) {
			if c.SearchPGConns != 8 || c.SearchPGTimeout != 750*time.Millisecond {
				t.Errorf("search pool %d %v", c.SearchPGConns, c.SearchPGTimeout)
			}
		}},
		{"static url", with("STATIC_URL", "https://cdn.example.com/"), "", func(t *testing.T, c Config) {
			if c.StaticURL != "https://cdn.example.com" {
				t.Errorf("StaticURL %q", c.StaticURL)
			}
		}},
		{"bad static url", with("STATIC_URL", "cdn.example.com"), "STATIC_URL", nil},
		{"static url with a query", with("STATIC_URL", "https://cdn.example.com/?x=1"), "STATIC_URL", nil},
		{"insights off", with("SEARCH_INSIGHTS_DAYS", "0"), "", func(t *testing.T, c Config) {
			if c.SearchInsightsDays != 0 {
				t.Errorf("SearchInsightsDays %d", c.SearchInsightsDays)
			}
		}},
		{"insights days", with("SEARCH_INSIGHTS_DAYS", "30"), "", func(t *testing.T, c Config) {
			if c.SearchInsightsDays != 30 {
				t.Errorf("SearchInsightsDays %d", c.SearchInsightsDays)
			}
		}},
		{"bad insights days", with("SEARCH_INSIGHTS_DAYS", "-1"), "SEARCH_INSIGHTS_DAYS", nil},
		{"insights days not a number", with("SEARCH_INSIGHTS_DAYS", "ninety"), "SEARCH_INSIGHTS_DAYS", nil},
		{"bad search conns", with("SEARCH_PG_CONNS", "0"), "SEARCH_PG_CONNS", nil},
		{"bad search timeout", with("SEARCH_PG_TIMEOUT", "5"), "SEARCH_PG_TIMEOUT", nil},
		{"bad limit", with("API_RATE_LIMIT_TOKEN", "lots"), "API_RATE_LIMIT_TOKEN", nil},
		{"bad blocklist", with("API_BLOCKLIST", "10.0.0.0/99"), "API_BLOCKLIST", nil},
		{"trusted proxies", with("PORTAL_TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.10"), "", func(t *testing.T, c Config) {
			if len(c.TrustedProxies) != 2 || c.TrustedProxies[1].String() != "192.0.2.10/32" {
				t.Errorf("TrustedProxies %v", c.TrustedProxies)
			}
		}},
		{"bad trusted proxies", with("PORTAL_TRUSTED_PROXIES", "nginx"), "PORTAL_TRUSTED_PROXIES", nil},
		{"several errors on one line", with("LOG_LEVEL", "chatty", "PORTAL_ADDR", "x"), "LOG_LEVEL", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(func(k string) string { return tc.env[k] })
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || strings.Contains(err.Error(), "\n") {
					t.Fatalf("error = %v, want one line containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, c)
		})
	}
}

// TestDefaultRateLimits: the portal's limits when it is given none are the environment's
// defaults, from one place.
func TestDefaultRateLimits(t *testing.T) {
	cfg, err := Load(func(k string) string {
		if k == "DATABASE_URL" {
			return "postgres://localhost/x"
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	ip, token := DefaultRateLimits()
	if cfg.APIRateLimitIP != ip || cfg.APIRateLimitToken != token || ip.Requests != 300 || token.Window != time.Hour {
		t.Errorf("defaults %+v %+v, loaded %+v %+v", ip, token, cfg.APIRateLimitIP, cfg.APIRateLimitToken)
	}
}
