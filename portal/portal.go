// Package portal is the web portal: pages, the JSON API, health and metrics endpoints. It holds
// no state of its own: sessions, cache and limits live in Redis (or memory without Redis).
package portal

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/requestid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/redis/go-redis/v9"
	"go.opentelemetry.io/otel/trace"

	"helpdesk/config"
	"helpdesk/search"
	"helpdesk/session"
	"helpdesk/store"
	"helpdesk/tracing"
)

// Deps are what the portal needs from the outside.
type Deps struct {
	Store    *store.Store
	Search   search.Searcher
	Sessions session.Store
	Redis    redis.UniversalClient // optional: login throttling and cache; nil keeps them in memory
	// KeyPrefix starts the portal's Redis keys, so installations (and tests) can share a Redis.
	KeyPrefix string
	// IPLimit and TokenLimit bound API requests; zero values take config.DefaultRateLimits.
	IPLimit, TokenLimit config.RateLimit
	// Now is the clock of the rate limits' windows and of the login waits; nil is time.Now
	// (tests hold it still, or move it).
	Now func() time.Time
	// Blocklist holds client addresses refused with 403 (API_BLOCKLIST), besides the entries
	// of the blocklist table.
	Blocklist []netip.Prefix
	Logger    *slog.Logger
	// SecureCookies marks cookies Secure: set it when the portal is served over HTTPS.
	SecureCookies bool
	// StaticURL is where pages point browsers for the assets (STATIC_URL); empty: here.
	StaticURL string
	// TrustedProxies are the load balancers whose X-Forwarded-For is believed.
	TrustedProxies []netip.Prefix
	// SynonymsRefresh is how often the portal looks for changes to the synonym and category
	// tables and the knowledge base that others made (it loads them at start and after its own
	// changes); zero never looks, and then reads the KB's change count on every anonymous KB
	// page instead.
	SynonymsRefresh time.Duration
	// BlocklistRefresh is the same for the blocklist table.
	BlocklistRefresh time.Duration
	// Collectors are more metrics for /metrics, such as the search pool's statistics.
	Collectors []prometheus.Collector
	// SearchInsightsDays is how long search insights are kept (the worker deletes older
	// ones); 0 records no searches at all.
	SearchInsightsDays int
	// Tracing, when enabled, makes spans of requests and Redis commands (the store and the
	// search engines trace their own calls).
	Tracing *tracing.Provider
}

// Server holds the portal's dependencies; its methods are the handlers.
type Server struct {
	store          *store.Store
	search         search.Searcher
	sessions       session.Store
	throttle       *throttle
	log            *slog.Logger
	metrics        *metrics
	reg            *prometheus.Registry
	secure         bool
	views          *views
	cache          *cache
	limiter        *limiter
	ipLimit        config.RateLimit
	tokenLimit     config.RateLimit
	now            func() time.Time
	blocks         *blocklist
	redis          redis.UniversalClient // nil without Redis
	pages          *publicPages
	assets         assets
	staticURL      string         // asset URLs start with it
	trustedProxies []netip.Prefix // load balancers whose X-Forwarded-For is believed
	csp            string         // Content-Security-Policy of every page
	health         healthReporter // nil when the searcher cannot tell
	tracer         trace.Tracer   // nil without tracing
	insights       *recorder      // nil when search insights are off

	categories     atomic.Pointer[categorySet]
	synonymsMu     sync.Mutex
	synonymsSeen   atomic.Int64
	synonymsLoaded atomic.Bool
}

// New builds the fiber app with every route.
func New(d Deps) (*fiber.App, error) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s := &Server{store: d.Store, search: d.Search, sessions: d.Sessions, log: d.Logger,
		metrics: newMetrics(reg), reg: reg, secure: d.SecureCookies, throttle: newThrottle(d.Redis, d.KeyPrefix, d.Logger), cache: newCache(d.Redis, d.KeyPrefix),
		limiter: newLimiter(d.Redis, d.KeyPrefix, d.Logger), ipLimit: d.IPLimit, tokenLimit: d.TokenLimit, blocks: newBlocklist(d.Blocklist), now: d.Now, redis: d.Redis}
	if s.now == nil {
		s.now = time.Now
	}
	var err error
	if s.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	if s.views, err = newViews(s.categoryLabel, s.assets.version()); err != nil {
		return nil, err
	}
	s.pages = newPublicPages(d.SynonymsRefresh <= 0)
	s.staticURL, s.csp = d.StaticURL, contentSecurityPolicy(d.StaticURL)
	s.trustedProxies = d.TrustedProxies
	reg.MustRegister(store.PoolCollector("store", d.Store.Pool()))
	if d.Store.HasReplicas() {
		reg.MustRegister(store.ReplicaCollector(d.Store))
	}
	reg.MustRegister(d.Collectors...)
	reg.MustRegister(readinessCollector{s})
	s.health, _ = d.Search.(healthReporter)
	hasFallback := false
	if br, ok := d.Search.(breakerReporter); ok {
		registerBreaker(reg, br)
		hasFallback = br.Breaker() != search.BreakerNone
	}
	s.search = measuredSearch{inner: d.Search, m: s.metrics, hasFallback: hasFallback}
	if d.Redis != nil {
		d.Redis.AddHook(redisErrorHook{s.metrics.redisErrors})
	}
	if d.Tracing != nil && d.Tracing.Enabled {
		s.tracer = tracing.Tracer(d.Tracing)
		if d.Redis != nil {
			d.Redis.AddHook(tracing.RedisHook(d.Tracing))
		}
	}
	defaultIP, defaultToken := config.DefaultRateLimits()
	if s.ipLimit.Requests <= 0 {
		s.ipLimit = defaultIP
	}
	if s.tokenLimit.Requests <= 0 {
		s.tokenLimit = defaultToken
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	err = s.syncSynonyms(ctx)
	if err == nil {
		err = s.syncCategories(ctx)
	}
	if err == nil {
		err = s.syncBlocklist(ctx)
	}
	if err == nil {
		err = s.syncKB(ctx)
	}
	cancel()
	if err != nil {
		return nil, fmt.Errorf("load synonyms, categories, blocklist and KB state: %w", err)
	}
	if d.SearchInsightsDays > 0 {
		s.insights = newRecorder(d.Store, reg, s.log, insightsBuffer, insightsBatch, insightsFlushEvery)
	}
	app := fiber.New(fiber.Config{
		AppName:               "helpdesk-portal",
		DisableStartupMessage: true,
		ReadTimeout:           15 * time.Second,
		WriteTimeout:          30 * time.Second,
		IdleTimeout:           60 * time.Second,
		BodyLimit:             1 << 20,
		// A search's URL may name 20 values of each filter: room for it in the request line.
		ReadBufferSize: 64 << 10,
		ErrorHandler:   s.handleError,
		// QUERY (a safe method with a body, being standardised) is known, so that asking a
		// path with it is 405 with Allow like any other method the path does not serve.
		RequestMethods: append(slices.Clone(fiber.DefaultMethods), "QUERY"),
	})
	for _, w := range []struct {
		what  string
		every time.Duration
		sync  func(context.Context) error
	}{{"synonyms", d.SynonymsRefresh, s.syncSynonyms}, {"ticket categories", d.SynonymsRefresh, s.syncCategories},
		{"kb state", d.SynonymsRefresh, s.syncKB},
		{"blocklist", d.BlocklistRefresh, s.syncBlocklist}} {
		if w.every > 0 {
			ctx, stop := context.WithCancel(context.Background())
			go s.watch(ctx, w.every, w.what, w.sync)
			app.Hooks().OnShutdown(func() error { stop(); return nil })
		}
	}
	if s.insights != nil {
		// Shutdown hooks run once the server has stopped taking requests: nothing is recorded
		// after the last batch is written.
		app.Hooks().OnShutdown(func() error { s.insights.close(5 * time.Second); return nil })
	}
	s.routes(app)
	return app, nil
}

// handleError turns errors into responses in one place; an unexpected error is logged once,
// here, and the person sees a friendly page, never the error itself.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	if strings.HasPrefix(c.Path(), "/api/") {
		return s.apiErrorBody(c, err)
	}
	p, failure := problemOf(err)
	if failure {
		s.log.Error("request failed", "request_id", requestID(c), "path", c.Path(), "err", err)
	}
	c.Status(p.Status)
	return s.render(c, "error", page{Title: "Error", Data: map[string]any{"Message": s.t(c, p.Key)}})
}

// watch keeps what sync reloads (the synonyms, the blocklist) in step with the database,
// every so often, until ctx ends.
func (s *Server) watch(ctx context.Context, every time.Duration, what string, sync func(context.Context) error) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := sync(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("reload "+what, "err", err)
			}
		}
	}
}

func requestID(c *fiber.Ctx) string {
	id, _ := c.Locals(requestid.ConfigDefault.ContextKey).(string)
	return id
}
