// Package portal is the web portal: pages, the JSON API, health and metrics endpoints.
package portal

import (
	"context"
	"errors"
	"html/template"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/requestid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"helpdesk/store"
)

// Deps are what the portal needs from the outside.
type Deps struct {
	Store  *store.Store
	Logger *slog.Logger
}

// Server holds the portal's dependencies; its methods are the handlers.
type Server struct {
	store   *store.Store
	log     *slog.Logger
	metrics *metrics
	reg     *prometheus.Registry
}

// New builds the fiber app with every route.
func New(d Deps) *fiber.App {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s := &Server{store: d.Store, log: d.Logger, metrics: newMetrics(reg), reg: reg}
	app := fiber.New(fiber.Config{
		AppName:               "helpdesk-portal",
		DisableStartupMessage: true,
		ReadTimeout:           15 * time.Second,
		WriteTimeout:          30 * time.Second,
		IdleTimeout:           60 * time.Second,
		BodyLimit:             1 << 20,
		ErrorHandler:          s.handleError,
	})
	app.Use(requestid.New())
	app.Use(s.observe)

	app.Get("/healthz", s.healthz)
	app.Get("/readyz", s.readyz)
	app.Get("/metrics", s.metricsHandler())
	app.Get("/", s.home)
	return app
}

// handleError turns errors into responses; an unexpected error is logged once, here.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	status := fiber.StatusInternalServerError
	var fe *fiber.Error
	switch {
	case errors.As(err, &fe):
		status = fe.Code
	case errors.Is(err, store.ErrNotFound):
		status = fiber.StatusNotFound
	case errors.Is(err, context.DeadlineExceeded):
		status = fiber.StatusServiceUnavailable
	}
	if status >= 500 {
		s.log.Error("request failed", "request_id", requestID(c), "path", c.Path(), "err", err)
	}
	return c.Status(status).SendString(fiber.ErrInternalServerError.Message)
}

func requestID(c *fiber.Ctx) string {
	id, _ := c.Locals(requestid.ConfigDefault.ContextKey).(string)
	return id
}

var homePage = template.Must(template.New("home").Parse(`<!doctype html>
<html lang="es"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Centro de ayuda</title></head>
<body><main><h1>Centro de ayuda</h1>
<p>{{len .}} artículos recientes de la base de conocimiento.</p>
<ul>{{range .}}<li>{{.Title}} <small>({{.Category}})</small></li>{{end}}</ul>
</main></body></html>`))

// home lists the newest public KB articles; the search page replaces it with the search issue.
func (s *Server) home(c *fiber.Ctx) error {
	articles, err := s.store.PublishedArticles(c.UserContext(), []string{"public"}, 20)
	if err != nil {
		return err
	}
	c.Type("html", "utf-8")
	return homePage.Execute(c.Response().BodyWriter(), articles)
}
