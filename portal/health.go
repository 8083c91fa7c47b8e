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
	}
	body["ready"] = status == fiber.StatusOK
	return c.Status(status).JSON(body)
}
