package portal

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"helpdesk/i18n"
	"helpdesk/session"
	"helpdesk/store"
)

const (
	sessionCookie = "hd_session"
	langCookie    = "hd_lang"
	userKey       = "user"
	langKey       = "lang"
	sessKey       = "session"
)

// sessionState is the request's view of its session.
type sessionState struct {
	id   string
	data *session.Data
}

// loadSession reads the session cookie, loads the session and its user, and picks the
// language. Without a working session store the visitor is simply anonymous.
func (s *Server) loadSession(c *fiber.Ctx) error {
	c.Locals(langKey, pickLanguage(c))
	id := c.Cookies(sessionCookie)
	if id == "" {
		return c.Next()
	}
	d, err := s.sessions.Get(c.UserContext(), id)
	if err != nil {
		if !errors.Is(err, session.ErrNotFound) {
			s.log.Warn("session store unavailable; serving anonymously", "request_id", requestID(c), "err", err)
		}
		return c.Next()
	}
	c.Locals(sessKey, &sessionState{id: id, data: d})
	if d.UserID != 0 {
		u, err := s.store.User(c.UserContext(), d.UserID)
		switch {
		case err == nil:
			c.Locals(userKey, u)
		case errors.Is(err, store.ErrNotFound): // the user was deleted: the session means nothing
		default:
			return err
		}
	}
	return c.Next()
}

func pickLanguage(c *fiber.Ctx) string {
	if l := i18n.Canonical(c.Cookies(langCookie)); l != "" {
		return l
	}
	return i18n.Negotiate(c.Get(fiber.HeaderAcceptLanguage))
}

// ensureSession returns the request's session, starting one when there is none.
func (s *Server) ensureSession(c *fiber.Ctx) (*sessionState, error) {
	if st, ok := c.Locals(sessKey).(*sessionState); ok {
		return st, nil
	}
	st := &sessionState{id: session.NewID(), data: &session.Data{CSRF: session.NewCSRF()}}
	if err := s.sessions.Save(c.UserContext(), st.id, st.data); err != nil {
		return nil, err
	}
	s.setSessionCookie(c, st.id)
	c.Locals(sessKey, st)
	return st, nil
}

func (s *Server) setSessionCookie(c *fiber.Ctx, id string) {
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: id, Path: "/", HTTPOnly: true, Secure: s.secure,
		SameSite: fiber.CookieSameSiteLaxMode, Expires: time.Now().Add(session.TTL)})
}

// csrfToken returns the token forms must send back; empty when no session can be kept (the
// forms then fail their check, which is the safe way round).
func (s *Server) csrfToken(c *fiber.Ctx) string {
	st, err := s.ensureSession(c)
	if err != nil {
		return ""
	}
	return st.data.CSRF
}

// checkCSRF refuses state-changing requests whose token does not match the session's.
func (s *Server) checkCSRF(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	st, ok := c.Locals(sessKey).(*sessionState)
	sent := c.FormValue("_csrf")
	if sent == "" {
		sent = c.Get("X-CSRF-Token")
	}
	if !ok || sent == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(st.data.CSRF)) != 1 {
		p := newProblem(fiber.StatusForbidden, "csrf", "the form expired")
		p.Key = "error.csrf"
		return p
	}
	return c.Next()
}

// startUserSession rotates the session at login: a new id and CSRF token, so that a session id
// planted before login is worth nothing after it.
func (s *Server) startUserSession(c *fiber.Ctx, u *store.User) error {
	if old, ok := c.Locals(sessKey).(*sessionState); ok {
		_ = s.sessions.Delete(c.UserContext(), old.id)
	}
	st := &sessionState{id: session.NewID(), data: &session.Data{UserID: u.ID, CSRF: session.NewCSRF()}}
	if err := s.sessions.Save(c.UserContext(), st.id, st.data); err != nil {
		return err
	}
	s.setSessionCookie(c, st.id)
	c.Locals(sessKey, st)
	c.Locals(userKey, u)
	return nil
}

// flash stores a one-time message for the next page.
func (s *Server) flash(c *fiber.Ctx, msg string) {
	st, err := s.ensureSession(c)
	if err != nil {
		return
	}
	st.data.Flash = msg
	_ = s.sessions.Save(c.UserContext(), st.id, st.data)
}

func (s *Server) takeFlash(c *fiber.Ctx) string {
	st, ok := c.Locals(sessKey).(*sessionState)
	if !ok || st.data.Flash == "" {
		return ""
	}
	msg := st.data.Flash
	st.data.Flash = ""
	_ = s.sessions.Save(c.UserContext(), st.id, st.data)
	return msg
}

// securityHeaders keep pages from being framed or sniffed, and scripts to our own.
func (s *Server) securityHeaders(c *fiber.Ctx) error {
	c.Set("Content-Security-Policy", s.csp)
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Referrer-Policy", "same-origin")
	c.Set("X-Frame-Options", "DENY")
	c.Set(fiber.HeaderCacheControl, privateCacheControl) // public pages say so themselves
	return c.Next()
}

// contentSecurityPolicy allows scripts, styles and images from the portal itself and from
// the assets' origin when they come from elsewhere (STATIC_URL), nothing else.
func contentSecurityPolicy(staticURL string) string {
	src := "'self'"
	if u, err := url.Parse(staticURL); err == nil && u.Host != "" {
		src += " " + u.Scheme + "://" + u.Host
	}
	return fmt.Sprintf("default-src 'self'; img-src %[1]s data:; style-src %[1]s; script-src %[1]s; font-src %[1]s; "+
		"frame-ancestors 'none'; base-uri 'none'; form-action 'self'", src)
}

// safeNext keeps redirects after login on this site.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || next == "" || u.IsAbs() || u.Host != "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }
