package portal

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"helpdesk/markdown"
	"helpdesk/search"
	"helpdesk/store"
)

// kbIndex lists the categories with their newest articles.
func (s *Server) kbIndex(c *fiber.Ctx) error {
	u := currentUser(c)
	v := viewer(u)
	cats, err := s.store.KBIndex(c.UserContext(), v.KBAudiences(), v.IsStaff(), 8)
	if err != nil {
		return err
	}
	markPublic(c)
	return s.render(c, "kb_index", page{Title: s.t(c, "nav.kb"), Description: s.t(c, "meta.kb"), Data: map[string]any{"Categories": cats}})
}

// readable reports whether the viewer may read the article.
func readable(v search.Viewer, a *store.Article) bool {
	return v.MayRead(a.Audience, a.Status == "published")
}

// kbArticle shows an article as sanitised HTML, rendered once per version and cached.
func (s *Server) kbArticle(c *fiber.Ctx) error {
	a, err := s.store.ArticleBySlug(c.UserContext(), c.Params("slug"))
	if errors.Is(err, store.ErrNotFound) {
		return notFound()
	}
	if err != nil {
		return err
	}
	v := viewer(currentUser(c))
	if !readable(v, a) {
		return notFound() // drafts and other audiences' articles do not exist for this reader
	}
	r := s.renderArticle(c, a)
	markPublic(c)
	return s.render(c, "kb_article", page{Title: a.Title, Description: r.Summary, Data: map[string]any{
		"Article": a, "Body": r.HTML, "TOC": r.TOC, "Related": s.relatedArticles(c, a, v), "CanEdit": v.IsStaff()}})
}

// relatedArticles are the engine's answer to the article's title, minus the article itself,
// among what the viewer's audiences may read: searched once per version of the article and
// set of audiences, then kept an hour (a newer article joins the list within that hour).
func (s *Server) relatedArticles(c *fiber.Ctx, a *store.Article, v search.Viewer) []search.Hit {
	key := fmt.Sprintf("related:%d:%d:%s", a.ID, a.Version, strings.Join(v.KBAudiences(), ","))
	var related []search.Hit
	if raw, ok := s.cache.get(c.UserContext(), key); ok && json.Unmarshal(raw, &related) == nil {
		s.metrics.cache.WithLabelValues("kb_related", "hit").Inc()
		return related
	}
	s.metrics.cache.WithLabelValues("kb_related", "miss").Inc()
	res, err := s.search.Search(c.UserContext(), search.Query{Text: a.Title, Types: []string{search.TypeKB}, PerPage: 6, Viewer: v})
	if err != nil {
		return nil // the page stands without them; the next view asks again
	}
	related = []search.Hit{}
	for _, h := range res.Hits {
		if h.ID != a.ID && h.Title != a.Title && len(related) < 5 {
			related = append(related, search.Hit{Type: h.Type, ID: h.ID, Title: h.Title, URL: h.URL})
		}
	}
	if raw, err := json.Marshal(related); err == nil {
		s.cache.set(c.UserContext(), key, raw, time.Hour)
	}
	return related
}

// renderArticle renders the markdown, keyed by id and version: an edit makes a new version,
// so a stale rendering is never served and nothing needs invalidating by hand. The key's last
// part is the shape of markdown.Rendered (2: with its Summary), so renderings cached before
// that shape are not served without it.
func (s *Server) renderArticle(c *fiber.Ctx, a *store.Article) markdown.Rendered {
	key := fmt.Sprintf("kb:%d:%d:2", a.ID, a.Version)
	if raw, ok := s.cache.get(c.UserContext(), key); ok {
		var r markdown.Rendered
		if json.Unmarshal(raw, &r) == nil {
			s.metrics.cache.WithLabelValues("kb_render", "hit").Inc()
			return r
		}
	}
	s.metrics.cache.WithLabelValues("kb_render", "miss").Inc()
	r := markdown.Render(withoutTitleHeading(a.Body, a.Title))
	if raw, err := json.Marshal(r); err == nil {
		s.cache.set(c.UserContext(), key, raw, 24*time.Hour)
	}
	return r
}

// kbEditor shows the form for a new article or an edit, with a preview when asked.
func (s *Server) kbEditor(c *fiber.Ctx) error {
	// ?title= prefills a new article's title (the search insights link queries no article answers).
	form := map[string]string{"locale": lang(c), "audience": "public", "status": "draft", "title": strings.TrimSpace(c.Query("title"))}
	data := map[string]any{"Form": form, "Action": "/kb"}
	if slug := c.Params("slug"); slug != "" {
		a, err := s.store.ArticleBySlug(c.UserContext(), slug)
		if errors.Is(err, store.ErrNotFound) {
			return notFound()
		}
		if err != nil {
			return err
		}
		for k, v := range map[string]string{"title": a.Title, "body": a.Body, "category": a.Category, "tags": strings.Join(a.Tags, ", "),
			"locale": a.Locale, "audience": a.Audience, "status": a.Status, "slug": a.Slug, "version": fmt.Sprint(a.Version)} {
			form[k] = v
		}
		data["Action"] = "/kb/" + a.Slug
	}
	return s.renderEditor(c, fiber.StatusOK, data)
}

func (s *Server) renderEditor(c *fiber.Ctx, status int, data map[string]any) error {
	cats, err := s.store.Categories(c.UserContext())
	if err != nil {
		return err
	}
	data["Categories"] = cats
	c.Status(status)
	return s.render(c, "kb_edit", page{Title: s.t(c, "kb.edit"), Data: data})
}

// kbSave creates or updates an article; with preview=1 it only shows the rendering.
func (s *Server) kbSave(c *fiber.Ctx) error {
	form := map[string]string{}
	for _, k := range []string{"title", "body", "category", "tags", "locale", "audience", "status", "version"} {
		form[k] = strings.TrimSpace(c.FormValue(k))
	}
	slug := c.Params("slug")
	action := "/kb"
	if slug != "" {
		action = "/kb/" + slug
	}
	data := map[string]any{"Form": form, "Action": action}
	var problems []string
	if !store.ValidTitle(form["title"]) {
		problems = append(problems, s.t(c, "kb.title_required"))
	}
	if store.TooLong(form["body"], store.MaxArticleBody) {
		problems = append(problems, s.t(c, "kb.body_too_long"))
	}
	if !slices.Contains([]string{"es", "en"}, form["locale"]) || !slices.Contains([]string{"public", "clients", "internal"}, form["audience"]) ||
		!slices.Contains([]string{"draft", "published"}, form["status"]) {
		problems = append(problems, s.t(c, "error.bad_request"))
	}
	if c.FormValue("preview") != "" || len(problems) > 0 {
		data["Problems"] = problems
		data["Preview"] = markdown.Render(form["body"]).HTML
		status := fiber.StatusOK
		if len(problems) > 0 {
			status = fiber.StatusUnprocessableEntity
		}
		return s.renderEditor(c, status, data)
	}
	tags := splitTags(form["tags"])
	u := currentUser(c)
	var a *store.Article
	var err error
	if slug == "" {
		a, err = s.store.CreateArticle(c.UserContext(), store.NewArticle{Title: form["title"], Body: form["body"], Category: form["category"],
			Tags: tags, Locale: form["locale"], Audience: form["audience"], Status: form["status"], AuthorID: &u.ID})
	} else {
		cur, lerr := s.store.ArticleBySlug(c.UserContext(), slug)
		if errors.Is(lerr, store.ErrNotFound) {
			return notFound()
		}
		if lerr != nil {
			return lerr
		}
		p := store.ArticlePatch{Title: ptr(form["title"]), Body: ptr(form["body"]), Category: ptr(form["category"]), Tags: &tags,
			Locale: ptr(form["locale"]), Audience: ptr(form["audience"]), Status: ptr(form["status"])}
		var ver int64
		if _, perr := fmt.Sscan(form["version"], &ver); perr == nil {
			p.IfVersion = &ver
		}
		a, err = s.store.UpdateArticle(c.UserContext(), cur.ID, p)
	}
	switch {
	case errors.Is(err, store.ErrConflict):
		data["Problems"] = []string{s.t(c, "kb.conflict")}
		return s.renderEditor(c, fiber.StatusConflict, data)
	case errors.Is(err, store.ErrInvalid):
		data["Problems"] = []string{s.t(c, "error.bad_request")}
		return s.renderEditor(c, fiber.StatusUnprocessableEntity, data)
	case err != nil:
		return err
	}
	s.kbChanged(c)
	s.flash(c, s.t(c, "kb.saved"))
	return c.Redirect("/kb/"+a.Slug, fiber.StatusSeeOther)
}

// withoutTitleHeading drops an opening "# Title" line that repeats the title the page shows.
func withoutTitleHeading(body, title string) string {
	trimmed := strings.TrimLeft(body, " \t\r\n")
	first, rest, _ := strings.Cut(trimmed, "\n")
	if h, ok := strings.CutPrefix(strings.TrimSpace(first), "# "); ok && strings.TrimSpace(h) == strings.TrimSpace(title) {
		return rest
	}
	return body
}

func splitTags(s string) []string {
	out := []string{}
	for _, t := range strings.Split(s, ",") {
		if t = strings.ToLower(strings.TrimSpace(t)); t != "" && !slices.Contains(out, t) && len(t) <= 40 {
			out = append(out, t)
		}
	}
	return out
}

func ptr(s string) *string { return &s }
