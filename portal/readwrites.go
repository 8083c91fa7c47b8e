package portal

import (
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"helpdesk/store"
)

// readYourWrites sends the reads of GET requests that tolerate lag to the replicas (when there
// are any), but never to one that has not replayed the reader's own last write: after a
// signed-in person's successful write the primary's WAL position is kept, in the shared cache
// (every portal reads it), for as long as a replica may lag. Other requests read from the
// primary, so that a write and what it reads back stay together.
func (s *Server) readYourWrites(c *fiber.Ctx) error {
	if !s.store.HasReplicas() {
		return c.Next()
	}
	ctx := c.UserContext()
	key := ""
	if u := currentUser(c); u != nil {
		key = fmt.Sprintf("written:%d", u.ID)
	}
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead:
		var after store.LSN
		if key != "" {
			if raw, ok := s.cache.get(ctx, key); ok {
				after, _ = store.ParseLSN(string(raw)) // unreadable: 0, as good as no write
			}
		}
		c.SetUserContext(store.ReplicaReads(ctx, after))
		return c.Next()
	}
	err := c.Next()
	if key == "" || err != nil || c.Response().StatusCode() >= 400 {
		return err
	}
	lsn, lerr := s.store.WriteLSN(ctx)
	if lerr != nil {
		// Without it this person's next reads may miss the write for a moment: say so.
		s.log.Warn("read-your-writes position", "request_id", requestID(c), "err", lerr)
		return nil
	}
	s.cache.set(ctx, key, []byte(lsn.String()), 2*s.store.ReplicaMaxLag()+time.Minute)
	return nil
}
