package portal

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"hash/fnv"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"helpdesk/store"
)

// Public pages are the KB pages as an anonymous reader gets them: the same for every such
// reader of a language, so they are rendered once, compressed once and kept in memory until
// the knowledge base changes (its change count, polled like the synonyms, and read again right
// after this portal's own KB writes). Browsers, nginx and CDNs may keep them for publicMaxAge
// and revalidate with the ETag or Last-Modified; every other page is private and never stored.

const (
	publicMaxAge = 60 * time.Second
	// publicCacheControl lets a shared cache serve a page up to a minute old, and a stale one
	// while it fetches the new one in the background.
	publicCacheControl = "public, max-age=60, stale-while-revalidate=300"
	// privateCacheControl is every other page's: it may hold a person's name or a CSRF token.
	privateCacheControl = "private, no-store"
	// publicVary: the language comes from the lang cookie or Accept-Language.
	publicVary = "Accept-Language, Cookie, Accept-Encoding"
	// publicPagesMaxBytes bounds the memory the kept pages take (their three encodings).
	publicPagesMaxBytes = 64 << 20
)

// publicKey marks, in a request's locals, that the handler's page is public.
const publicKey = "public-page"

// publicPages holds the rendered public pages of one KB state.
type publicPages struct {
	state atomic.Pointer[store.KBState] // nil until first read
	// perRequest: with no poll to rely on, each anonymous KB request reads the change count.
	perRequest bool
	started    time.Time // a new build may render every page differently

	mu      sync.RWMutex
	entries map[string]*publicPage
	bytes   int
}

// publicPage is one page in every encoding it is sent in.
type publicPage struct {
	changes      int64
	cacheControl string
	vary         string
	contentType  string
	body         []byte
	levels       levels
	gzip, br     encoded // made at the first request that takes them
	etag         string  // of the content, whatever its encoding
	modified     time.Time
}

func newPublicPages(perRequest bool) *publicPages {
	return &publicPages{perRequest: perRequest, started: time.Now().Truncate(time.Second), entries: map[string]*publicPage{}}
}

func (p *publicPages) get(key string, changes int64) *publicPage {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if e := p.entries[key]; e != nil && e.changes == changes {
		return e
	}
	return nil
}

func (p *publicPages) put(key string, e *publicPage) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if old := p.entries[key]; old != nil {
		p.bytes -= old.size()
	}
	if p.bytes+e.size() > publicPagesMaxBytes {
		// Bounded and simple: start over. Pages of an older KB state go first anyway.
		p.entries, p.bytes = map[string]*publicPage{}, 0
	}
	p.entries[key] = e
	p.bytes += e.size()
}

// size is what the page takes in memory, its encodings counted at a generous ratio.
func (e *publicPage) size() int { return len(e.body)*3/2 + 256 }

// encoded is a page compressed in one encoding, once.
type encoded struct {
	once sync.Once
	b    []byte
}

func (x *encoded) get(compress func() []byte) []byte {
	x.once.Do(func() { x.b = compress() })
	return x.b
}

// Compression levels of what is compressed once and sent many times: pages at the default
// levels (brotli's best takes milliseconds a page, which a cold KB would pay on every first
// view), assets, compressed at start, at the best.
type levels struct{ gzip, br int }

var (
	pageLevels  = levels{fasthttp.CompressDefaultCompression, fasthttp.CompressBrotliDefaultCompression}
	assetLevels = levels{fasthttp.CompressBestCompression, fasthttp.CompressBrotliBestCompression}
)

// newPublicPage keeps body, to be compressed once in each encoding asked for.
func newPublicPage(body []byte, contentType string, changes int64, modified time.Time, l levels) *publicPage {
	return &publicPage{changes: changes, cacheControl: publicCacheControl, vary: publicVary, contentType: contentType, body: body, modified: modified,
		levels: l,
		etag:   etagOf(body)}
}

// kbState returns the KB state pages are rendered at.
func (s *Server) kbState(ctx context.Context) (*store.KBState, error) {
	if st := s.pages.state.Load(); st != nil && !s.pages.perRequest {
		return st, nil
	}
	if err := s.syncKB(ctx); err != nil {
		return nil, err
	}
	return s.pages.state.Load(), nil
}

// syncKB reads the KB's change count: by the poll, and after this portal's own KB writes.
func (s *Server) syncKB(ctx context.Context) error {
	st, err := s.store.KBState(ctx)
	if err != nil {
		return err
	}
	s.pages.state.Store(&st)
	return nil
}

// kbChanged puts this portal's KB change in force for its next request.
func (s *Server) kbChanged(c *fiber.Ctx) {
	if err := s.syncKB(c.UserContext()); err != nil {
		s.log.Warn("reload kb state", "request_id", requestID(c), "err", err)
	}
}

// anonymousReader reports whether the request sees what every anonymous reader sees: no one
// signed in, and no one-time message waiting in its session.
func anonymousReader(c *fiber.Ctx) bool {
	if currentUser(c) != nil {
		return false
	}
	st, ok := c.Locals(sessKey).(*sessionState)
	return !ok || st.data.Flash == ""
}

// publicPage serves the route's page from the kept ones when it can, and keeps what the
// handler renders when the handler says it is public. Pages are private unless it says so.
func (s *Server) publicPage(c *fiber.Ctx) error {
	if !anonymousReader(c) {
		return c.Next()
	}
	state, err := s.kbState(c.UserContext())
	if err != nil {
		s.log.Warn("kb state unavailable; rendering", "request_id", requestID(c), "err", err)
		return c.Next()
	}
	changes, changedAt := state.Changes, state.ChangedAt
	// Rendered from a replica, the page must show this state: one that has replayed it.
	c.SetUserContext(store.ReplicaReads(c.UserContext(), state.LSN))
	// A query string does not change these pages but would be printed in them (the language
	// link returns to it): such requests are rendered and not kept.
	keep := len(c.Request().URI().QueryString()) == 0
	key := lang(c) + " " + c.Path()
	if keep {
		if e := s.pages.get(key, changes); e != nil {
			s.metrics.cache.WithLabelValues("kb_page", "hit").Inc()
			return e.send(c)
		}
		s.metrics.cache.WithLabelValues("kb_page", "miss").Inc()
	}
	if err := c.Next(); err != nil {
		return err
	}
	if c.Locals(publicKey) == nil || c.Response().StatusCode() != fiber.StatusOK {
		return nil
	}
	modified := changedAt
	if modified.Before(s.pages.started) {
		modified = s.pages.started
	}
	e := newPublicPage(append([]byte(nil), c.Response().Body()...), string(c.Response().Header.ContentType()), changes, modified, pageLevels)
	if keep {
		s.pages.put(key, e)
	}
	return e.send(c)
}

// markPublic says the page the handler renders is the same for every anonymous reader.
func markPublic(c *fiber.Ctx) {
	if anonymousReader(c) {
		c.Locals(publicKey, true)
	}
}

// send writes the page, or 304 when the reader's copy is current, in the encoding it takes.
func (e *publicPage) send(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, e.cacheControl)
	c.Set(fiber.HeaderVary, e.vary)
	c.Set(fiber.HeaderLastModified, e.modified.UTC().Format(http.TimeFormat))
	c.Set(fiber.HeaderContentType, e.contentType)
	etag, body, encoding := e.etag, e.body, ""
	switch {
	case c.Request().Header.HasAcceptEncoding("br"):
		etag, encoding = strings.TrimSuffix(e.etag, `"`)+`-br"`, "br"
	case c.Request().Header.HasAcceptEncoding("gzip"):
		etag, encoding = strings.TrimSuffix(e.etag, `"`)+`-gz"`, "gzip"
	}
	c.Set(fiber.HeaderETag, etag)
	if e.notModified(c) {
		c.Response().ResetBody()
		return c.SendStatus(fiber.StatusNotModified)
	}
	switch encoding {
	case "br":
		body = e.br.get(func() []byte { return fasthttp.AppendBrotliBytesLevel(nil, e.body, e.levels.br) })
	case "gzip":
		body = e.gzip.get(func() []byte { return fasthttp.AppendGzipBytesLevel(nil, e.body, e.levels.gzip) })
	}
	if encoding != "" {
		c.Set(fiber.HeaderContentEncoding, encoding)
	}
	c.Status(fiber.StatusOK)
	return c.Send(body)
}

// notModified applies If-None-Match (any encoding of the same content matches), else
// If-Modified-Since.
func (e *publicPage) notModified(c *fiber.Ctx) bool {
	if inm := c.Get(fiber.HeaderIfNoneMatch); inm != "" {
		content := strings.TrimSuffix(e.etag, `"`)
		for _, tag := range strings.Split(inm, ",") {
			tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
			if tag == "*" || tag == e.etag || tag == content+`-br"` || tag == content+`-gz"` {
				return true
			}
		}
		return false
	}
	if ims := c.Get(fiber.HeaderIfModifiedSince); ims != "" {
		t, err := http.ParseTime(ims)
		return err == nil && !e.modified.Truncate(time.Second).After(t)
	}
	return false
}

// etagOf is the strong validator of content: a hash of its bytes.
func etagOf(b []byte) string {
	h := fnv.New64a()
	h.Write(b)
	var sum [8]byte
	binary.BigEndian.PutUint64(sum[:], h.Sum64())
	return `"` + hex.EncodeToString(sum[:]) + `"`
}
