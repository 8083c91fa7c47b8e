package portal

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"

	"helpdesk/search"
)

// healthz says the process is alive; it checks nothing else on purpose.
func (s *Server) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

const (
	// workerStale is how long a worker may stay silent (it beats every 10 s) before it counts
	// as gone.
	workerStale = time.Minute
	// indexerLagging is how old the oldest change waiting for the index may be before search
	// counts as behind.
	indexerLagging = time.Minute
)

// healthReporter is a searcher that can tell how its engines are (search.Failover).
type healthReporter interface {
	Health(ctx context.Context) search.Health
}

// readyz reports each dependency as ok, degraded or down, and the portal as ready (200) while
// it can serve, degraded included: only without Postgres is it 503, to be taken out of a load
// balancer. Without Redis sessions are lost, without Elasticsearch Postgres answers searches,
// without a worker notifications wait: all degrade the portal, none stops it.
func (s *Server) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	body, overall := s.readiness(ctx)
	if overall == search.StatusDown {
		return c.Status(fiber.StatusServiceUnavailable).JSON(body)
	}
	return c.JSON(body)
}

// readiness checks every dependency: the body of /readyz and the overall status.
func (s *Server) readiness(ctx context.Context) (fiber.Map, string) {
	body := fiber.Map{}
	overall := search.StatusOK
	note := func(name, status string, entry fiber.Map) {
		entry["status"] = status
		entry["ok"] = status == search.StatusOK
		body[name] = entry
		if status != search.StatusOK && overall == search.StatusOK {
			overall = search.StatusDegraded
		}
	}
	if err := s.store.Ping(ctx); err != nil {
		body["database"] = fiber.Map{"status": search.StatusDown, "ok": false, "error": "unreachable"}
		overall = search.StatusDown
	} else {
		body["database"] = fiber.Map{"status": search.StatusOK, "ok": true}
	}
	if s.redis != nil {
		if err := s.redis.Ping(ctx).Err(); err != nil {
			note("redis", search.StatusDown, fiber.Map{"error": "unreachable"})
		} else {
			note("redis", search.StatusOK, fiber.Map{})
		}
	}
	var withIndex bool
	if s.health != nil {
		h := s.health.Health(ctx)
		withIndex = h.Breaker != search.BreakerNone
		entry := fiber.Map{"engine": h.Engine, "breaker": h.Breaker}
		if h.Cluster != "" {
			entry["cluster"] = h.Cluster
		}
		if h.Error != "" {
			entry["error"] = h.Error
		}
		name := "elasticsearch"
		if !withIndex {
			name = "search" // Postgres answers every search by design: nothing to degrade
		}
		note(name, h.Status, entry)
	}
	if overall != search.StatusDown {
		s.readyStore(ctx, withIndex, note)
	}
	body["status"] = overall
	body["ready"] = overall != search.StatusDown
	return body, overall
}

// readinessCollector exports the readiness verdict at scrape time, so an alert can tell a
// portal that serves degraded: portal_degraded (1 while any dependency is not ok) and
// portal_dependency_ok per dependency.
type readinessCollector struct{ s *Server }

var (
	degradedDesc   = prometheus.NewDesc("portal_degraded", "1 while a dependency is degraded or down (see /readyz), else 0.", nil, nil)
	dependencyDesc = prometheus.NewDesc("portal_dependency_ok", "1 while the dependency is ok, else 0.", []string{"dependency"}, nil)
)

func (readinessCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- degradedDesc
	ch <- dependencyDesc
}

func (r readinessCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	body, overall := r.s.readiness(ctx)
	degraded := 0.0
	if overall != search.StatusOK {
		degraded = 1
	}
	ch <- prometheus.MustNewConstMetric(degradedDesc, prometheus.GaugeValue, degraded)
	for name, v := range body {
		entry, ok := v.(fiber.Map)
		if !ok {
			continue
		}
		up := 0.0
		if entry["status"] == search.StatusOK {
			up = 1
		}
		ch <- prometheus.MustNewConstMetric(dependencyDesc, prometheus.GaugeValue, up, name)
	}
}

// readyStore adds what Postgres knows of the other processes: the indexer's lag (with an
// index to keep) and the workers' heartbeats.
func (s *Server) readyStore(ctx context.Context, withIndex bool, note func(string, string, fiber.Map)) {
	if withIndex {
		if ob, err := s.store.OutboxStats(ctx); err == nil {
			status := search.StatusOK
			if ob.OldestAge > indexerLagging {
				status = search.StatusDegraded
			}
			note("indexer", status, fiber.Map{"backlog": ob.Pending, "oldest_seconds": ob.OldestAge.Seconds()})
		}
	}
	// The worker does not serve pages: without one, notifications and SLA alerts wait, which
	// degrades the help desk but is no reason to take this portal out of a load balancer.
	if ws, err := s.store.Workers(ctx); err == nil {
		alive := 0
		for _, w := range ws {
			if w.Age() < workerStale {
				alive++
			}
		}
		entry := fiber.Map{"alive": alive}
		if len(ws) > 0 {
			entry["last_seen_seconds"] = ws[0].AgeSeconds
		}
		status := search.StatusOK
		if alive == 0 {
			status = search.StatusDown
		}
		note("worker", status, entry)
	}
}
