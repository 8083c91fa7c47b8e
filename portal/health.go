package portal

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
)

// healthz says the process is alive; it checks nothing else on purpose.
func (s *Server) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

// workerStale is how long a worker may stay silent (it beats every 10 s) before it counts as gone.
const workerStale = time.Minute

// readyz says whether the portal can serve: 503 when Postgres is unreachable.
func (s *Server) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	body := fiber.Map{}
	status := fiber.StatusOK
	if err := s.store.Ping(ctx); err != nil {
		body["database"] = fiber.Map{"ok": false, "error": "unreachable"}
		status = fiber.StatusServiceUnavailable
	} else {
		body["database"] = fiber.Map{"ok": true}
		if ob, err := s.store.OutboxStats(ctx); err == nil {
			body["indexer"] = fiber.Map{"backlog": ob.Pending, "oldest_seconds": ob.OldestAge.Seconds()}
		}
		// The worker does not serve pages, so its absence is reported, not a reason to take
		// this portal out of a load balancer.
		if ws, err := s.store.Workers(ctx); err == nil {
			alive := 0
			for _, w := range ws {
				if w.Age() < workerStale {
					alive++
				}
			}
			worker := fiber.Map{"ok": alive > 0, "alive": alive}
			if len(ws) > 0 {
				worker["last_seen_seconds"] = ws[0].AgeSeconds
			}
			body["worker"] = worker
		}
	}
	body["ready"] = status == fiber.StatusOK
	return c.Status(status).JSON(body)
}
