package portal

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/template/html/v2"

	"helpdesk/i18n"
	"helpdesk/store"
	"helpdesk/templates"
)

// views renders the embedded templates, parsed once at start.
type views struct {
	engine *html.Engine
	// version is in asset URLs, so that new assets are fetched fresh despite a year's caching:
	// a digest of them, the same on every portal of a build.
	version string
}

// newViews parses the templates; categoryLabel names ticket categories, which are data, and
// assetVersion goes in the assets' URLs.
func newViews(categoryLabel func(lang, slug string) string, assetVersion string) (*views, error) {
	e := html.NewFileSystem(http.FS(templates.FS), ".html")
	e.AddFuncMap(template.FuncMap{
		"t":      i18n.T,
		"date":   i18n.Date,
		"num":    i18n.Number,
		"pct":    i18n.Percent,
		"status": func(lang, s string) string { return i18n.T(lang, "status."+s) },
		"prio":   func(lang, p string) string { return i18n.T(lang, "priority."+p) },
		"cat":    categoryLabel,
		"deref":  func(p *int64) int64 { return *p },
		"list":   func(xs ...string) []string { return xs },
	})
	if err := e.Load(); err != nil {
		return nil, fmt.Errorf("parse templates: %w", err)
	}
	return &views{engine: e, version: assetVersion}, nil
}

// page is what a handler hands to render: a title, a description and the page's own data.
type page struct {
	Title string
	// Description is the page's meta description, plain text; the site's own when empty.
	Description string
	Data        map[string]any
}

// render writes a page inside the layout, with what every page needs: language, user, CSRF
// token, flash message.
func (s *Server) render(c *fiber.Ctx, name string, p page) error {
	if p.Description == "" {
		p.Description = s.t(c, "meta.description")
	}
	data := map[string]any{
		"Lang":         lang(c),
		"Title":        p.Title,
		"Description":  p.Description,
		"User":         currentUser(c),
		"CSRF":         s.pageCSRF(c, name),
		"Path":         c.OriginalURL(),
		"Flash":        s.takeFlash(c),
		"AssetVersion": s.views.version,
		"Static":       s.staticURL,
	}
	for k, v := range p.Data {
		data[k] = v
	}
	c.Type("html", "utf-8")
	// Render fully before sending: a template error then becomes an error page, not half a
	// page. The page first, then the layout around it: the engine's own {{embed}} would print a
	// page's error into the layout as text, with a 200.
	var body, buf bytes.Buffer
	if err := s.views.engine.Render(&body, name, data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	data["Page"] = template.HTML(body.String()) // our own template's output
	if err := s.views.engine.Render(&buf, "layout", data); err != nil {
		return fmt.Errorf("render layout of %s: %w", name, err)
	}
	return c.Send(buf.Bytes())
}

// pageCSRF is the token for the page's forms. Signed-in people have a session already; an
// anonymous visitor only meets a form on the login page, so only that page starts a session:
// browsing the KB costs no session write and sets no cookie.
func (s *Server) pageCSRF(c *fiber.Ctx, name string) string {
	if st, ok := c.Locals(sessKey).(*sessionState); ok {
		return st.data.CSRF
	}
	if name == "login" {
		return s.csrfToken(c)
	}
	return ""
}

func (s *Server) t(c *fiber.Ctx, key string, args ...any) string {
	return i18n.T(lang(c), key, args...)
}

func currentUser(c *fiber.Ctx) *store.User {
	u, _ := c.Locals(userKey).(*store.User)
	return u
}

func lang(c *fiber.Ctx) string {
	if l, ok := c.Locals(langKey).(string); ok {
		return l
	}
	return i18n.Negotiate(c.Get(fiber.HeaderAcceptLanguage))
}
