package portal

import (
	"context"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"helpdesk/auth"
	"helpdesk/i18n"
	"helpdesk/search"
	"helpdesk/store"
)

// dummyHash makes a login for an unknown email cost as much as one for a known email, so
// timing does not tell which emails exist.
var dummyHash, _ = auth.HashPassword("not-a-real-password")

func (s *Server) loginPage(c *fiber.Ctx) error {
	if currentUser(c) != nil {
		return c.Redirect(safeNext(c.Query("next")), fiber.StatusSeeOther)
	}
	return s.render(c, "login", page{Title: s.t(c, "login.title"), Data: map[string]any{"Next": safeNext(c.Query("next"))}})
}

func (s *Server) login(c *fiber.Ctx) error {
	ctx := c.UserContext()
	email := strings.TrimSpace(c.FormValue("email"))
	password := c.FormValue("password")
	next := safeNext(c.FormValue("next"))
	again := func(status int, message string) error {
		c.Status(status)
		return s.render(c, "login", page{Title: s.t(c, "login.title"), Data: map[string]any{
			"Error": message, "Email": email, "Next": next}})
	}
	// Everything below treats an unknown email as a known one (counts, delays, the answer),
	// so that no answer tells which emails exist.
	at, wait, emailFailures := s.throttle.admit(ctx, email, c.IP(), s.now())
	if wait > 0 {
		secs := int(math.Ceil(wait.Seconds()))
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(secs))
		s.metrics.refused.WithLabelValues("login_throttled").Inc()
		return again(fiber.StatusTooManyRequests, s.t(c, "login.wait", secs))
	}
	if emailFailures > emailSlowAfter {
		pause(ctx, emailSlowdown)
	}
	u, err := s.store.UserByEmail(ctx, email)
	switch {
	case errors.Is(err, store.ErrNotFound):
		auth.CheckPassword(dummyHash, password)
	case err != nil:
		s.throttle.release(ctx, at, false)
		return err
	}
	if u == nil || !auth.CheckPassword(u.PasswordHash, password) {
		// Slow down guessing a little more, whoever asks.
		pause(ctx, 200*time.Millisecond)
		return again(fiber.StatusUnauthorized, s.t(c, "login.failed"))
	}
	s.throttle.release(ctx, at, true)
	if err := s.startUserSession(c, u); err != nil {
		return err
	}
	if err := s.store.RecordLogin(ctx, u.ID); err != nil {
		s.log.Warn("record login", "err", err)
	}
	if next == "/" && u.IsStaff() {
		next = "/tickets"
	}
	return c.Redirect(next, fiber.StatusSeeOther)
}

// pause waits d, or less when ctx ends first.
func pause(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

func (s *Server) logout(c *fiber.Ctx) error {
	if st, ok := c.Locals(sessKey).(*sessionState); ok {
		if err := s.sessions.Delete(c.UserContext(), st.id); err != nil {
			return err
		}
	}
	c.ClearCookie(sessionCookie)
	return c.Redirect("/", fiber.StatusSeeOther)
}

// switchLanguage remembers the chosen language in a cookie and goes back.
func (s *Server) switchLanguage(c *fiber.Ctx) error {
	to := c.Query("to")
	if !i18n.Supported(to) {
		return badRequest(errors.New("unknown language"))
	}
	c.Cookie(&fiber.Cookie{Name: langCookie, Value: to, Path: "/", Secure: s.secure, HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode, Expires: time.Now().AddDate(1, 0, 0)})
	return c.Redirect(safeNext(c.Query("back")), fiber.StatusSeeOther)
}

// viewer is the search viewer of the request's user.
func viewer(u *store.User) search.Viewer {
	if u == nil {
		return search.Viewer{}
	}
	v := search.Viewer{Role: u.Role, UserID: u.ID}
	if u.ClientID != nil {
		v.ClientID = *u.ClientID
	}
	return v
}
