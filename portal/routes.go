package portal

import (
	"regexp"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"
	"github.com/gofiber/fiber/v2/middleware/requestid"
)

// routes lists every route the portal serves: the middleware they share (blocked addresses
// are refused first, on every route but health and metrics), the JSON API under /api/v1
// (token or session, JSON problems) and the pages (session, CSRF, security headers).
func (s *Server) routes(app *fiber.App) {
	app.Use(requestid.New())
	app.Use(carryRequestID)
	if s.tracer != nil {
		app.Use(traceRequests(s.tracer))
	}
	app.Use(s.observe)
	app.Use(s.refuseBlocked)
	// Responses are compressed (brotli or gzip, at the fastest levels: most are sent once);
	// assets and public pages come compressed already, at the best levels, and pass through.
	app.Use(compress.New(compress.Config{Level: compress.LevelBestSpeed}))
	app.Get("/static/*", s.assets.serve)
	app.Get("/favicon.ico", s.assets.serveFavicon)

	app.Get("/healthz", s.healthz)
	app.Get("/readyz", s.readyz)
	app.Get("/metrics", s.metricsHandler())

	app.Get("/api/v1/openapi.json", s.openAPIDoc)
	api := app.Group("/api/v1", s.apiAuth, s.readYourWrites)
	api.Get("/search", s.apiSearch)
	api.Get("/tickets", s.apiListTickets)
	api.Post("/tickets", s.apiCreateTicket)
	api.Get("/tickets/:id", s.apiGetTicket)
	api.Patch("/tickets/:id", s.apiUpdateTicket)
	api.Post("/tickets/:id/comments", s.apiAddComment)
	api.Get("/clients", s.apiClients)
	api.Post("/clients", s.apiAdminOnly, s.apiCreateClient)
	api.Get("/clients/:id", s.apiGetClient)
	api.Patch("/clients/:id", s.apiAdminOnly, s.apiUpdateClient)
	api.Get("/categories", s.apiListCategories)
	api.Post("/categories", s.apiStaffOnly, s.apiCreateCategory)
	api.Patch("/categories/:slug", s.apiStaffOnly, s.apiUpdateCategory)
	api.Get("/alerts", s.apiAlerts)
	api.Patch("/alerts/:id", s.apiStaffOnly, s.apiUpdateAlert)
	api.Post("/reports", s.apiCreateReport)
	api.Get("/reports/:id", s.apiGetReport)
	api.Get("/reports/:id/download", s.downloadReport)
	api.Get("/kb_articles", s.apiListArticles)
	api.Post("/kb_articles", s.apiStaffOnly, s.apiCreateArticle)
	api.Get("/kb_articles/:id", s.apiGetArticle)
	api.Patch("/kb_articles/:id", s.apiStaffOnly, s.apiUpdateArticle)
	api.Delete("/kb_articles/:id", s.apiStaffOnly, s.apiDeleteArticle)
	api.Get("/synonyms", s.apiStaffOnly, s.apiListSynonyms)
	api.Post("/synonyms", s.apiStaffOnly, s.apiCreateSynonym)
	api.Patch("/synonyms/:id", s.apiStaffOnly, s.apiUpdateSynonym)
	api.Delete("/synonyms/:id", s.apiStaffOnly, s.apiDeleteSynonym)
	api.Get("/insights", s.apiInsights)
	api.Get("/blocklist", s.apiAdminOnly, s.apiBlocklist)
	api.Post("/blocklist", s.apiAdminOnly, s.apiAddBlock)
	api.Delete("/blocklist/:id", s.apiAdminOnly, s.apiRemoveBlock)
	var served []route // filled once every route is registered, below
	api.Use(func(c *fiber.Ctx) error {
		if allow := allowedMethods(served, c.Path()); allow != "" {
			c.Set(fiber.HeaderAllow, allow)
			return apiError(fiber.StatusMethodNotAllowed, "method_not_allowed", c.Method()+" is not served here; "+allow+" are")
		}
		return apiError(fiber.StatusNotFound, "not_found", "no such API route")
	})

	pages := app.Group("", s.loadSession, s.checkCSRF, s.securityHeaders, s.readYourWrites)
	pages.Get("/", s.searchPage)
	pages.Get("/search", s.searchPage)
	pages.Get("/search/go", s.searchClick)
	pages.Get("/suggest", s.suggest)
	pages.Get("/lang", s.switchLanguage)
	pages.Get("/login", s.loginPage)
	pages.Post("/login", s.login)
	pages.Post("/logout", s.logout)
	pages.Get("/kb", s.publicPage, s.kbIndex)
	pages.Get("/kb/new", s.requireStaff, s.kbEditor)
	pages.Post("/kb", s.requireStaff, s.kbSave)
	pages.Get("/kb/:slug", s.publicPage, s.kbArticle)
	pages.Get("/kb/:slug/edit", s.requireStaff, s.kbEditor)
	pages.Post("/kb/:slug", s.requireStaff, s.kbSave)
	pages.Get("/dashboard", s.requireStaff, s.dashboard)
	pages.Post("/dashboard/alerts/:id<int>", s.requireStaff, s.handleAlert)
	pages.Get("/admin/jobs", s.requireStaff, s.jobsPage)
	pages.Get("/admin/insights", s.requireStaff, s.insightsPage)
	pages.Get("/admin/categories", s.requireStaff, s.categoriesPage)
	pages.Post("/admin/categories", s.requireStaff, s.saveCategory)
	pages.Post("/admin/categories/:slug", s.requireStaff, s.saveCategory)
	pages.Get("/admin/clients", s.requireStaff, s.clientsPage)
	pages.Post("/admin/clients", s.requireStaff, s.requireAdmin, s.saveClient)
	pages.Get("/admin/clients/:id<int>", s.requireStaff, s.requireAdmin, s.clientEditor)
	pages.Post("/admin/clients/:id<int>", s.requireStaff, s.requireAdmin, s.saveClient)
	pages.Get("/admin/blocklist", s.requireStaff, s.requireAdmin, s.blocklistPage)
	pages.Post("/admin/blocklist", s.requireStaff, s.requireAdmin, s.addBlock)
	pages.Post("/admin/blocklist/:id<int>/delete", s.requireStaff, s.requireAdmin, s.removeBlock)
	pages.Get("/reports", s.requireUser, s.reportsPage)
	pages.Post("/reports", s.requireUser, s.createReport)
	pages.Get("/reports/:id<int>/download", s.requireUser, s.downloadReport)
	pages.Post("/admin/jobs/:id<int>/retry", s.requireStaff, s.retryJob)
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

	served = routesOf(app)
}

// route is a served path pattern and its method, to answer a known path asked with another
// method 405 with Allow rather than 404.
type route struct {
	method  string
	pattern *regexp.Regexp
}

var paramSegment = regexp.MustCompile(`:[A-Za-z_]+(<[^>]*>)?`)

func routesOf(app *fiber.App) []route {
	var out []route
	for _, r := range app.GetRoutes(true) {
		parts := paramSegment.Split(r.Path, -1)
		for i := range parts {
			parts[i] = regexp.QuoteMeta(parts[i])
		}
		out = append(out, route{r.Method, regexp.MustCompile("^" + strings.Join(parts, "[^/]+") + "/?$")})
	}
	return out
}

// allowedMethods lists the methods served at path, "" when none is.
func allowedMethods(routes []route, path string) string {
	var methods []string
	for _, r := range routes {
		if r.pattern.MatchString(path) && !slices.Contains(methods, r.method) {
			methods = append(methods, r.method)
		}
	}
	slices.Sort(methods)
	return strings.Join(methods, ", ")
}
