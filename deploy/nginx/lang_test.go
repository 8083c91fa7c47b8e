package nginx

import (
	"io"
	"net"
	"net/http"
	"testing"

	"github.com/gofiber/fiber/v2"

	"helpdesk/i18n"
)

// langPortal answers, public for a minute, the language a portal would pick for the request:
// portal/session.go's pickLanguage, read by fiber as the portal reads it.
func langPortal() *fiber.App {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/kb/lang", func(c *fiber.Ctx) error {
		lang := c.Cookies("hd_lang")
		if !i18n.Supported(lang) {
			lang = i18n.Negotiate(c.Get(fiber.HeaderAcceptLanguage))
		}
		c.Set("Cache-Control", "public, max-age=60")
		c.Set("Vary", "Accept-Language, Cookie")
		return c.SendString("page-lang=" + lang)
	})
	return app
}

// TestLanguagesNeverMix asks one cached page with many Accept-Language headers and language
// cookies, plain and odd, each twice in turn: every answer through nginx must be in the
// language the portal picks for that request alone.
func TestLanguagesNeverMix(t *testing.T) {
	app := langPortal()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	defer app.Shutdown()
	ng := startNginx(t, ln.Addr().String())

	languages := []string{"", "es", "en", "EN-us", "en-US,en;q=0.9", "es-ES,es;q=0.9,en;q=0.8", "en;q=0.8, es;q=0.9",
		"en;q=0.1, es", "fr", "fr, en;q=0.5", "de-DE, es;q=0.3", "english", "en_US", "en.US", " en ", "en;q=-1",
		"en;q=nan", "es;q=-2, en;q=0.1", "*", "x;q=1,en", ";en", "en-", "es\t,en", "\u00a0en", "en;q=0", "es;q=0, en;q=0",
		"es;q=0.5,en;q=0.5", "en;q=0.5,es;q=0.5", "nan, en"}
	cookies := []string{"", "hd_lang=en", "hd_lang=es", "hd_lang=EN", `hd_lang="en"`, "a=1; hd_lang=en; b=2", "hd_lang=fr",
		"hd_lang=en; hd_lang=es", "hd_lang= en", "xhd_lang=en", "HD_LANG=en", "hd_lang="}
	want := func(cookie, al string) string {
		req, _ := http.NewRequest("GET", "/kb/lang", nil)
		req.Header.Set("Accept-Language", al)
		req.Header.Set("Cookie", cookie)
		res, err := app.Test(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return string(b)
	}
	hits := 0
	for round := range 2 {
		for _, cookie := range cookies {
			for _, al := range languages {
				a := do(t, "GET", ng.URL("/kb/lang"), map[string]string{"Accept-Language": al, "Cookie": cookie}, "")
				if w := want(cookie, al); a.body != w {
					t.Errorf("round %d, Cookie %q, Accept-Language %q: %q (%s), the portal says %q", round+1, cookie, al, a.body, a.header.Get("X-Cache-Status"), w)
				}
				if a.header.Get("X-Cache-Status") == "HIT" {
					hits++
				}
			}
		}
	}
	// Plain requests share the two languages' entries (the odd cookies above are bypassed).
	if total := 2 * len(cookies) * len(languages); hits < total/3 {
		t.Errorf("%d hits in %d requests", hits, total)
	}
}
