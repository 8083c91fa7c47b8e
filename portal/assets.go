package portal

import (
	"fmt"
	"io/fs"
	"maps"
	"mime"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"helpdesk/markdown"
	"helpdesk/static"
)

// assets are the static files, compressed once (gzip and brotli at their best levels, when
// first asked for) and sent in the encoding the browser takes, with a validator. Their URLs carry the
// build's version, so browsers and CDNs keep them for a year.
type assets map[string]*publicPage

const assetCacheControl = "public, max-age=31536000, immutable"

func loadAssets() (assets, error) {
	a := assets{}
	started := time.Now()
	add := func(name string, body []byte) {
		e := newPublicPage(body, mime.TypeByExtension(path.Ext(name)), 0, started, assetLevels)
		e.cacheControl, e.vary = assetCacheControl, fiber.HeaderAcceptEncoding
		a["/static/"+name] = e
	}
	err := fs.WalkDir(static.FS, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(static.FS, name)
		if err != nil {
			return err
		}
		add(name, body)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load static assets: %w", err)
	}
	add("highlight.css", []byte(markdown.HighlightCSS()))
	// Browsers and tools ask for /favicon.ico whatever a page links; its URL carries no
	// version, so it is kept a month rather than for ever.
	ico := newPublicPage(static.Favicon, "image/x-icon", 0, started, assetLevels)
	ico.cacheControl, ico.vary = "public, max-age=2592000", fiber.HeaderAcceptEncoding
	a["/favicon.ico"] = ico
	return a, nil
}

// serve answers GET and HEAD of an asset; anything else under /static is not found.
func (a assets) serve(c *fiber.Ctx) error {
	e := a[c.Path()]
	if e == nil || !strings.HasPrefix(c.Path(), "/static/") {
		return fiber.ErrNotFound
	}
	return e.send(c)
}

func (a assets) serveFavicon(c *fiber.Ctx) error { return a["/favicon.ico"].send(c) }

// version is a digest of every asset: it changes when one does, and only then.
func (a assets) version() string {
	names := slices.Sorted(maps.Keys(a))
	var all []byte
	for _, n := range names {
		all = append(all, n...)
		all = append(all, a[n].etag...)
	}
	return strings.Trim(etagOf(all), `"`)[:12]
}
