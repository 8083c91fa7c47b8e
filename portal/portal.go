// Package portal is the web portal: pages, the JSON API, health and metrics endpoints. It holds
// no state of its own: sessions, cache and limits live in Redis (or memory without Redis).
package portal

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
	"github.com/gofiber/fiber/v2/middleware/requestid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/redis/go-redis/v9"

	"helpdesk/config"
	"helpdesk/markdown"
	"helpdesk/search"
	"helpdesk/session"
	"helpdesk/static"
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
	app.Use(requestid.New())
	app.Use(s.observe)
	highlightCSS := markdown.HighlightCSS()
	app.Get("/static/highlight.css", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
		c.Type("css", "utf-8")
		return c.SendString(highlightCSS)
	})
	app.Use("/static", func(c *fiber.Ctx) error {
		// Asset URLs carry a version, so browsers may keep them.
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
		return c.Next()
	}, filesystem.New(filesystem.Config{Root: http.FS(static.FS)}))

	app.Get("/healthz", s.healthz)
	app.Get("/readyz", s.readyz)
	app.Get("/metrics", s.metricsHandler())

	app.Get("/api/v1/openapi.json", s.openAPIDoc)
	api := app.Group("/api/v1", s.apiAuth)
	api.Get("/search", s.apiSearch)
	api.Get("/tickets", s.apiListTickets)
	api.Post("/tickets", s.apiCreateTicket)
	api.Get("/tickets/:id", s.apiGetTicket)
	api.Patch("/tickets/:id", s.apiUpdateTicket)
	api.Post("/tickets/:id/comments", s.apiAddComment)
	api.Get("/clients", s.apiClients)
	api.Get("/alerts", s.apiAlerts)
	api.Get("/kb_articles", s.apiListArticles)
	api.Post("/kb_articles", s.apiStaffOnly, s.apiCreateArticle)
	api.Get("/kb_articles/:id", s.apiGetArticle)
	api.Patch("/kb_articles/:id", s.apiStaffOnly, s.apiUpdateArticle)
	api.Delete("/kb_articles/:id", s.apiStaffOnly, s.apiDeleteArticle)
	api.Get("/synonyms", s.apiStaffOnly, s.apiListSynonyms)
	api.Post("/synonyms", s.apiStaffOnly, s.apiCreateSynonym)
	api.Patch("/synonyms/:id", s.apiStaffOnly, s.apiUpdateSynonym)
	api.Delete("/synonyms/:id", s.apiStaffOnly, s.apiDeleteSynonym)
	api.Use(func(c *fiber.Ctx) error { return apiError(fiber.StatusNotFound, "not_found", "no such API route") })

	pages := app.Group("", s.loadSession, s.checkCSRF, s.securityHeaders)
	pages.Get("/", s.searchPage)
	pages.Get("/search", s.searchPage)
	pages.Get("/suggest", s.suggest)
	pages.Get("/lang", s.switchLanguage)
	pages.Get("/login", s.loginPage)
	pages.Post("/login", s.login)
	pages.Post("/logout", s.logout)
	pages.Get("/kb", s.kbIndex)
	pages.Get("/kb/new", s.requireStaff, s.kbEditor)
	pages.Post("/kb", s.requireStaff, s.kbSave)
	pages.Get("/kb/:slug", s.kbArticle)
	pages.Get("/kb/:slug/edit", s.requireStaff, s.kbEditor)
	pages.Post("/kb/:slug", s.requireStaff, s.kbSave)
	pages.Get("/dashboard", s.requireStaff, s.dashboard)
	pages.Get("/synonyms", s.requireStaff, s.synonymsPage)
	pages.Post("/synonyms", s.requireStaff, s.saveSynonym)
	pages.Post("/synonyms/:id<int>", s.requireStaff, s.saveSynonym)
	pages.Post("/synonyms/:id<int>/delete", s.requireStaff, s.deleteSynonym)
	pages.Get("/tickets", s.requireUser, s.ticketList)
	pages.Post("/tickets/saved", s.requireStaff, s.saveSearch)
	pages.Post("/tickets/saved/:id<int>/delete", s.requireStaff, s.deleteSavedSearch)
	pages.Get("/tickets/new", s.requireUser, s.newTicketPage)
	pages.Post("/tickets", s.requireUser, s.createTicket)
	pages.Get("/tickets/:id<int>", s.requireUser, s.ticketPage)
	pages.Post("/tickets/:id<int>", s.requireStaff, s.updateTicket)
	pages.Post("/tickets/:id<int>/comments", s.requireUser, s.addComment)
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
