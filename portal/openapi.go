package portal

import (
	_ "embed"

	"github.com/gofiber/fiber/v2"
)

// openAPI describes /api/v1; a test checks it against the routes actually served.
//
//go:embed openapi.json
var openAPI []byte

func (s *Server) openAPIDoc(c *fiber.Ctx) error {
	c.Type("json", "utf-8")
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.Send(openAPI)
}
