// Package portal is the web portal: pages, the JSON API, health and metrics endpoints. It holds
// no state of its own: sessions, cache and limits live in Redis (or memory without Redis).
package portal

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/requestid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/redis/go-redis/v9"

	"helpdesk/config"
	"helpdesk/search"
	"helpdesk/session"
	"helpdesk/store"
)

// Deps are what the portal needs from the outside.
type Deps struct {
	Store    *store.Store
	Search   search.Searcher
	Sessions session.Store
	Redis    *redis.Client // optional: login throttling and cache; nil keeps them in memory
	// KeyPrefix starts the portal's Redis keys, so installations (and tests) can share a Redis.
	KeyPrefix string
	// IPLimit and TokenLimit bound API requests; zero values take config.DefaultRateLimits.
	IPLimit, TokenLimit config.RateLimit
	// Now is the clock of the rate limits' windows; nil is time.Now (tests hold it still).
	Now func() time.Time
	// Blocklist holds client addresses the API refuses with 403.
	Blocklist []netip.Prefix
	Logger    *slog.Logger
	// SecureCookies marks cookies Secure: set it when the portal is served over HTTPS.
	SecureCookies bool
	// SynonymsRefresh is how often the portal looks for changes to the synonym table that
	// others made (it loads it at start and after its own changes); zero never looks.
	SynonymsRefresh time.Duration
}

// Server holds the portal's dependencies; its methods are the handlers.
type Server struct {
	store      *store.Store
	search     search.Searcher
	sessions   session.Store
	throttle   *throttle
	log        *slog.Logger
	metrics    *metrics
	reg        *prometheus.Registry
	secure     bool
	views      *views
	cache      *cache
	limiter    *limiter
	ipLimit    config.RateLimit
	tokenLimit config.RateLimit
	now        func() time.Time
	blocklist  []netip.Prefix

	synonymsMu     sync.Mutex
	synonymsSeen   atomic.Int64
	synonymsLoaded atomic.Bool
}

// New builds the fiber app with every route.
func New(d Deps) (*fiber.App, error) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	v, err := newViews()
	if err != nil {
		return nil, err
	}
	s := &Server{store: d.Store, search: d.Search, sessions: d.Sessions, log: d.Logger,
		metrics: newMetrics(reg), reg: reg, secure: d.SecureCookies, views: v, throttle: newThrottle(d.Redis, d.KeyPrefix), cache: newCache(d.Redis, d.KeyPrefix),
		limiter: newLimiter(d.Redis, d.KeyPrefix, d.Logger), ipLimit: d.IPLimit, tokenLimit: d.TokenLimit, blocklist: d.Blocklist, now: d.Now}
	if s.now == nil {
		s.now = time.Now
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
	cancel()
	if err != nil {
		return nil, fmt.Errorf("load synonyms: %w", err)
	}
	app := fiber.New(fiber.Config{
		AppName:               "helpdesk-portal",
		DisableStartupMessage: true,
		ReadTimeout:           15 * time.Second,
		WriteTimeout:          30 * time.Second,
		IdleTimeout:           60 * time.Second,
		BodyLimit:             1 << 20,
		ErrorHandler:          s.handleError,
	})
	if d.SynonymsRefresh > 0 {
		ctx, stop := context.WithCancel(context.Background())
		go s.watchSynonyms(ctx, d.SynonymsRefresh)
		app.Hooks().OnShutdown(func() error { stop(); return nil })
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

func requestID(c *fiber.Ctx) string {
	id, _ := c.Locals(requestid.ConfigDefault.ContextKey).(string)
	return id
}
