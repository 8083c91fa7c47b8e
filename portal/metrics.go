package portal

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/redis/go-redis/v9"

	"helpdesk/search"
)

type metrics struct {
	requests      *prometheus.HistogramVec
	cache         *prometheus.CounterVec
	searches      *prometheus.CounterVec
	searchSeconds *prometheus.HistogramVec
	fallbacks     prometheus.Counter
	redisErrors   *prometheus.CounterVec
	refused       *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "portal_http_request_duration_seconds",
			Help:    "HTTP request latency by route and status.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
		}, []string{"method", "route", "status"}),
	}
	m.cache = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "portal_cache_requests_total",
		Help: "Cache lookups by cache and result."}, []string{"cache", "result"})
	m.searches = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "portal_search_requests_total",
		Help: "Searches by the engine that answered (none when none did) and outcome (ok, bad_query, error)."}, []string{"engine", "outcome"})
	m.searchSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "portal_search_duration_seconds",
		Help: "Search latency by the engine that answered, failover included.", Buckets: prometheus.ExponentialBuckets(0.001, 2, 14)},
		[]string{"engine"})
	m.fallbacks = prometheus.NewCounter(prometheus.CounterOpts{Name: "portal_search_fallbacks_total",
		Help: "Searches Postgres answered although Elasticsearch is configured: it failed, or the breaker is open."})
	m.redisErrors = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "portal_redis_errors_total",
		Help: "Redis commands that failed (a missing key is not a failure), by command."}, []string{"command"})
	m.refused = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "portal_refused_requests_total",
		Help: "Requests refused before their work: a blocked address (blocked), an API rate limit (rate_limited), a login that must wait (login_throttled)."},
		[]string{"reason"})
	for _, r := range []string{"blocked", "rate_limited", "login_throttled"} {
		m.refused.WithLabelValues(r) // at 0 from the start, so that rate() sees the first one
	}
	reg.MustRegister(m.requests, m.cache, m.searches, m.searchSeconds, m.fallbacks, m.redisErrors, m.refused)
	return m
}

// breakerReporter is a searcher with a circuit breaker (search.Failover).
type breakerReporter interface {
	Breaker() string
}

// registerBreaker exports the breaker's state as a gauge: 1 while searches skip
// Elasticsearch (open, or one probe in flight), else 0.
func registerBreaker(reg prometheus.Registerer, b breakerReporter) {
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "portal_search_breaker_open",
		Help: "1 while the search breaker is open or half-open (Postgres answers), 0 while closed or without Elasticsearch."},
		func() float64 {
			if s := b.Breaker(); s == search.BreakerOpen || s == search.BreakerHalfOpen {
				return 1
			}
			return 0
		}))
}

// measuredSearch counts and times every search the portal makes, by the engine that answered.
type measuredSearch struct {
	inner       search.Searcher
	m           *metrics
	hasFallback bool // Elasticsearch is configured: a Postgres answer is a fallback
}

func (ms measuredSearch) Search(ctx context.Context, q search.Query) (*search.Result, error) {
	start := time.Now()
	r, err := ms.inner.Search(ctx, q)
	engine, outcome := "none", "ok"
	switch {
	case errors.Is(err, search.ErrBadQuery):
		outcome = "bad_query"
	case err != nil:
		outcome = "error"
	default:
		engine = r.Engine
		if ms.hasFallback && engine == search.EnginePostgres {
			ms.m.fallbacks.Inc()
		}
	}
	ms.m.searches.WithLabelValues(engine, outcome).Inc()
	ms.m.searchSeconds.WithLabelValues(engine).Observe(time.Since(start).Seconds())
	return r, err
}

// redisErrorHook counts failed Redis commands.
type redisErrorHook struct{ errors *prometheus.CounterVec }

func (redisErrorHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h redisErrorHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		if err != nil && !errors.Is(err, redis.Nil) {
			h.errors.WithLabelValues(cmd.Name()).Inc()
		}
		return err
	}
}

func (h redisErrorHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		err := next(ctx, cmds)
		if err != nil && !errors.Is(err, redis.Nil) {
			h.errors.WithLabelValues("pipeline").Inc()
		}
		return err
	}
}

func (s *Server) metricsHandler() fiber.Handler {
	return adaptor.HTTPHandler(promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{}))
}

// observe logs each request as one JSON line with its request id and records its latency.
func (s *Server) observe(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if err != nil {
		// Let the error handler write the response now, so the status logged is the real one.
		if herr := c.App().ErrorHandler(c, err); herr != nil {
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
	}
	status := c.Response().StatusCode()
	route := c.Route().Path
	elapsed := time.Since(start)
	// c.Method() shares fasthttp's request buffer, which the connection's next request
	// overwrites ("POST" became "GETT"): the vector keeps its labels, so they must be copies.
	s.metrics.requests.WithLabelValues(strings.Clone(c.Method()), route, strconv.Itoa(status)).Observe(elapsed.Seconds())
	attrs := []any{"request_id", requestID(c), "method", c.Method(), "path", c.Path(), "status", status,
		"duration_ms", float64(elapsed.Microseconds()) / 1000, "remote_ip", s.clientIP(c)}
	if u := currentUser(c); u != nil {
		attrs = append(attrs, "user_id", u.ID)
	}
	s.log.Info("request", attrs...)
	return nil
}
