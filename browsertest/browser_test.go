// Package browsertest drives the portal in headless Chromium as people use it: a client finds
// an answer with a misspelled query and opens a ticket, an agent triages with facets, and a
// client tries another company's ticket. Screenshots go to artifacts/ (git-ignored).
package browsertest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/prometheus/client_golang/prometheus"

	"helpdesk/auth"
	"helpdesk/config"
	"helpdesk/indexer"
	"helpdesk/internal/estest"
	"helpdesk/internal/pgtest"
	"helpdesk/jobs"
	"helpdesk/portal"
	"helpdesk/search"
	"helpdesk/search/postgres"
	"helpdesk/session"
	"helpdesk/store"
)

var pg = &pgtest.Server{}

func TestMain(m *testing.M) { pgtest.Main(m, pg) }

const password = "correct horse battery"

type site struct {
	url    string
	st     *store.Store
	ids    map[string]int64
	emails map[string]string
}

// startSite runs the whole product in-process: Postgres, Redis, Elasticsearch, the indexer and
// the portal on a loopback port.
func startSite(t *testing.T) *site {
	t.Helper()
	ctx := context.Background()
	st := pg.NewStore(t)
	es := estest.New(t, st.Analyzer())
	rdb, err := config.OpenRedis(os.Getenv("REDIS_URL"))
	if err != nil {
		t.Fatalf("%v (run with make test)", err)
	}
	t.Cleanup(func() { rdb.Close() })
	s := &site{st: st, ids: map[string]int64{}, emails: map[string]string{}}
	s.seed(t)

	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ix := indexer.New(st, es, log, indexer.NewMetrics(prometheus.NewRegistry()), indexer.Options{Poll: 200 * time.Millisecond})
	runCtx, stop := context.WithCancel(ctx)
	t.Cleanup(stop)
	go func() { _ = ix.Run(runCtx) }()
	if _, err := ix.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if err := es.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	app, err := portal.New(portal.Deps{Store: st, Search: search.NewFailover(es, postgres.New(st.Pool(), st.Analyzer()), search.FailoverOptions{}),
		Sessions: session.NewRedis(rdb), Redis: rdb, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.Shutdown() })
	s.url = "http://" + ln.Addr().String()
	return s
}

func (s *site) seed(t *testing.T) {
	ctx := context.Background()
	hash, err := auth.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	suffix := fmt.Sprint(time.Now().UnixNano())
	acme, err := s.st.CreateClient(ctx, "Acme Ibérica S.L.", 60, nil)
	must(err)
	globex, err := s.st.CreateClient(ctx, "Globex Ltd", 240, nil)
	must(err)
	s.ids["acme"], s.ids["globex"] = acme.ID, globex.ID
	for _, u := range []struct {
		key, name string
		role      auth.Role
		client    *int64
	}{{"ana", "Ana Agente", "agent", nil}, {"alice", "Alice Acme", "client", &acme.ID}, {"bob", "Bob Globex", "client", &globex.ID}} {
		email := u.key + suffix + "@example.com"
		user, err := s.st.CreateUser(ctx, store.NewUser{Email: email, Name: u.name, Role: u.role, ClientID: u.client, PasswordHash: hash, Locale: "en"})
		must(err)
		s.ids[u.key], s.emails[u.key] = user.ID, email
	}
	_, err = s.st.CreateArticle(ctx, store.NewArticle{Title: "Configuración de la impresora de red",
		Body:     "# Configuración de la impresora de red\n\n## Antes de empezar\n\nNecesitas la **IP** de la impresora.\n\n## Pasos\n\n1. Abre *Configuración*.\n2. Añade la impresora.\n\n~~~powershell\nAdd-Printer -ConnectionName \\\\srv\\hp\n~~~\n\n## Si falla\n\n| Error | Qué hacer |\n|---|---|\n| 0x709 | Reinicia el spooler |\n",
		Category: "Impresoras", Status: "published", Locale: "es"})
	must(err)
	for i, tk := range []struct {
		client, creator, title, priority string
	}{
		{"acme", "alice", "Outlook no sincroniza", "high"},
		{"acme", "alice", "Portátil muy lento", "low"},
		{"globex", "bob", "VPN drops every hour", "high"},
		{"acme", "alice", "Sin acceso a la carpeta compartida", "high"},
	} {
		created, err := s.st.CreateTicket(ctx, store.NewTicket{ClientID: s.ids[tk.client], CreatedBy: s.ids[tk.creator], Title: tk.title, Priority: tk.priority, Category: "general"})
		must(err)
		s.ids[fmt.Sprint("t", i)] = created.ID
	}
}

// newBrowser starts headless Chromium with the flags this machine needs (no sandbox as root,
// no background networking: the network is closed).
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("chromium is not installed: `make test` installs it (apt-get install chromium)")
	}
	// Chromium may still be writing its profile as it exits: remove it best-effort, last.
	profile, err := os.MkdirTemp("", "chromium-profile")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		time.Sleep(200 * time.Millisecond)
		_ = os.RemoveAll(profile)
	})
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.WindowSize(1280, 900), chromedp.UserDataDir(profile),
		chromedp.Flag("lang", "en-US"))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel3)
	return ctx
}

func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := filepath.Join("..", "artifacts", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var png []byte
	if err := chromedp.Run(ctx, chromedp.FullScreenshot(&png, 100)); err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func (s *site) login(t *testing.T, ctx context.Context, who string) {
	t.Helper()
	err := chromedp.Run(ctx,
		chromedp.Navigate(s.url+"/login"),
		chromedp.SendKeys("#email", s.emails[who], chromedp.ByID),
		chromedp.SendKeys("#password", password, chromedp.ByID),
		chromedp.Submit("#password", chromedp.ByID),
		chromedp.WaitVisible(`header .who`, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("login %s: %v", who, err)
	}
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	var out string
	if err := chromedp.Run(ctx, chromedp.Text(sel, &out, chromedp.ByQuery)); err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return out
}

func TestClientFindsAnswerThenOpensTicket(t *testing.T) {
	s := startSite(t)
	ctx := newBrowser(t)
	s.login(t, ctx, "alice")
	// Misspelled and without accents: "imprezora" for "impresora", "configuracion".
	err := chromedp.Run(ctx,
		chromedp.Navigate(s.url+"/"),
		chromedp.SendKeys("#q", "configuracion imprezora", chromedp.ByID),
		chromedp.Submit("#q", chromedp.ByID),
		chromedp.WaitVisible(`ol.hits`, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "client-search")
	// The same page on a phone: one column, facets below the results.
	var facetsBelow bool
	if err := chromedp.Run(ctx, chromedp.EmulateViewport(390, 844),
		chromedp.Evaluate(`document.querySelector("aside.facets").getBoundingClientRect().top > document.querySelector("ol.hits").getBoundingClientRect().top`, &facetsBelow)); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "client-search-phone")
	if !facetsBelow {
		t.Error("on a phone the results should come before the facets")
	}
	if err := chromedp.Run(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
	if first := text(t, ctx, `ol.hits li:first-child .hit-title`); !strings.Contains(first, "Configuración de la impresora de red") {
		t.Fatalf("first hit = %q", first)
	}
	var marks int
	if err := chromedp.Run(ctx, chromedp.Evaluate(`document.querySelectorAll("ol.hits li:first-child .hit-title mark").length`, &marks)); err != nil || marks < 2 {
		t.Fatalf("highlighted words in the first title: %d (%v)", marks, err)
	}
	err = chromedp.Run(ctx,
		chromedp.Click(`ol.hits li:first-child .hit-title`, chromedp.ByQuery),
		chromedp.WaitVisible(`.article-body`, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "kb-article")
	if h1 := text(t, ctx, "article h1"); h1 != "Configuración de la impresora de red" {
		t.Fatalf("article title %q", h1)
	}
	var tables, tocLinks int
	if err := chromedp.Run(ctx,
		chromedp.Evaluate(`document.querySelectorAll(".article-body table").length`, &tables),
		chromedp.Evaluate(`document.querySelectorAll("nav.toc a").length`, &tocLinks)); err != nil || tables != 1 || tocLinks < 3 {
		t.Fatalf("rendered markdown: %d tables, %d toc links (%v)", tables, tocLinks, err)
	}

	title := "La impresora de red no imprime desde el lunes"
	err = chromedp.Run(ctx,
		chromedp.Navigate(s.url+"/tickets/new"),
		chromedp.SendKeys("#title", title, chromedp.ByID),
		chromedp.SendKeys("#description", "Sale el error 0x709 en todos los equipos.", chromedp.ByID),
		chromedp.SetValue("#priority", "high", chromedp.ByID),
		chromedp.SetValue("#category", "printers", chromedp.ByID),
		chromedp.Submit("#title", chromedp.ByID),
		chromedp.WaitVisible(`article.ticket`, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if h1 := text(t, ctx, "article.ticket h1"); !strings.Contains(h1, title) {
		t.Fatalf("ticket page title %q", h1)
	}
	// The list comes from the search index: the change arrives through the indexer.
	deadline := time.Now().Add(20 * time.Second)
	for {
		var body string
		if err := chromedp.Run(ctx, chromedp.Navigate(s.url+"/tickets"), chromedp.Text("main", &body, chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(body, title) {
			if strings.Contains(body, "VPN drops every hour") {
				t.Fatal("another company's ticket in the client's list")
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("new ticket not in the list after 20s:\n%s", body)
		}
		time.Sleep(300 * time.Millisecond)
	}
	screenshot(t, ctx, "client-tickets")
}

func TestAgentTriagesWithFacets(t *testing.T) {
	s := startSite(t)
	ctx := newBrowser(t)
	s.login(t, ctx, "ana")
	err := chromedp.Run(ctx,
		chromedp.Navigate(s.url+"/tickets"),
		chromedp.WaitVisible(`aside.facets`, chromedp.ByQuery),
		chromedp.Click(`//section[@class="facet"][h2="Priority"]//a[text()="High"]`, chromedp.BySearch),
		chromedp.WaitVisible(`.selected`, chromedp.ByQuery),
		chromedp.Click(`//section[@class="facet"][h2="Client"]//a[text()="Acme Ibérica S.L."]`, chromedp.BySearch),
		chromedp.WaitVisible(`//a[contains(@class,"chip")][contains(., "Acme")]`, chromedp.BySearch),
	)
	if err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "agent-triage")
	var titles []string
	if err := chromedp.Run(ctx, chromedp.Evaluate(`[...document.querySelectorAll(".hit-title")].map(a => a.textContent)`, &titles)); err != nil {
		t.Fatal(err)
	}
	if len(titles) != 2 || strings.Join(titles, "|") == "" || strings.Contains(strings.Join(titles, "|"), "VPN") || strings.Contains(strings.Join(titles, "|"), "Portátil") {
		t.Fatalf("two facets gave %q, want the two high-priority Acme tickets", titles)
	}
	err = chromedp.Run(ctx,
		chromedp.Click(`ol.hits li:first-child .hit-title`, chromedp.ByQuery),
		chromedp.WaitVisible(`form.triage-form`, chromedp.ByQuery),
		chromedp.SetValue("#status", "resolved", chromedp.ByID),
		chromedp.Submit("#status", chromedp.ByID),
		chromedp.WaitVisible(`p.flash`, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "agent-ticket")
	if flash := text(t, ctx, "p.flash"); flash != "Ticket updated." {
		t.Fatalf("flash %q", flash)
	}
	var resolved int
	if err := s.st.Pool().QueryRow(context.Background(), `SELECT count(*) FROM tickets WHERE status = 'resolved'`).Scan(&resolved); err != nil || resolved != 1 {
		t.Fatalf("resolved tickets: %d %v", resolved, err)
	}
}

func TestClientCannotReachAnotherCompanysTicket(t *testing.T) {
	s := startSite(t)
	ctx := newBrowser(t)
	s.login(t, ctx, "alice")
	var body string
	err := chromedp.Run(ctx,
		chromedp.Navigate(fmt.Sprintf("%s/tickets/%d", s.url, s.ids["t2"])),
		chromedp.Text("main", &body, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "client-forbidden")
	if !strings.Contains(body, "could not find") || strings.Contains(body, "VPN drops") {
		t.Fatalf("another company's ticket page shows:\n%s", body)
	}
}

// TestStaffKeepSynonymsAndClientsFindAcrossLanguages: an agent adds a synonym on the synonyms
// page; a client searching in English then finds the Spanish article with the article's word
// marked, and a misspelled search offers its correction as one link.
func TestStaffKeepSynonymsAndClientsFindAcrossLanguages(t *testing.T) {
	s := startSite(t)
	ctx := newBrowser(t)
	s.login(t, ctx, "ana")
	err := chromedp.Run(ctx,
		chromedp.Navigate(s.url+"/synonyms"),
		chromedp.SendKeys("#line", "impresora, printer", chromedp.ByID),
		chromedp.Submit("#line", chromedp.ByID),
		chromedp.WaitVisible(`.flash`, chromedp.ByQuery),
		chromedp.SendKeys("#try", "the printers do not print", chromedp.ByID),
		chromedp.Submit("#try", chromedp.ByID),
		chromedp.WaitVisible(`table.reading tbody tr`, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "staff-synonyms")
	if got := text(t, ctx, "table.reading tbody"); !strings.Contains(got, "impresora") {
		t.Errorf("the query reading does not show the synonym: %q", got)
	}

	ctx = newBrowser(t)
	s.login(t, ctx, "alice")
	err = chromedp.Run(ctx,
		chromedp.Navigate(s.url+"/"),
		chromedp.SendKeys("#q", "network printer setup", chromedp.ByID),
		chromedp.Submit("#q", chromedp.ByID),
		chromedp.WaitVisible(`ol.hits`, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "client-search-across-languages")
	var marked string
	if err := chromedp.Run(ctx, chromedp.Evaluate(`[...document.querySelectorAll("ol.hits li:first-child .hit-title mark")].map(m => m.textContent).join("|")`, &marked)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(marked, "impresora") {
		t.Errorf("first hit's marks %q: the Spanish article's own word should be marked", marked)
	}
	err = chromedp.Run(ctx,
		chromedp.Navigate(s.url+"/"),
		chromedp.SendKeys("#q", "impresora rde", chromedp.ByID),
		chromedp.Submit("#q", chromedp.ByID),
		chromedp.WaitVisible(`.did-you-mean a`, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "client-did-you-mean")
	if got := text(t, ctx, ".did-you-mean"); !strings.Contains(got, "impresora red") {
		t.Errorf("suggestion %q", got)
	}
	err = chromedp.Run(ctx, chromedp.Click(`.did-you-mean a`, chromedp.ByQuery), chromedp.WaitVisible(`ol.hits`, chromedp.ByQuery))
	if err != nil {
		t.Fatal(err)
	}
	var q string
	if err := chromedp.Run(ctx, chromedp.Value("#q", &q, chromedp.ByID)); err != nil || q != "impresora red" {
		t.Errorf("after the click the box holds %q (%v)", q, err)
	}
}

// TestClientExportsHerTickets: from her ticket list a client asks for an export, sees it being
// prepared and, once the worker has built it, its download link with the rows of her company
// only; staff find the job's queue on /admin/jobs.
func TestClientExportsHerTickets(t *testing.T) {
	s := startSite(t)
	w, err := jobs.New(s.st, jobs.Config{PortalURL: s.url, PollInterval: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx := newBrowser(t)
	s.login(t, ctx, "alice")
	err = chromedp.Run(ctx,
		chromedp.Navigate(s.url+"/tickets"),
		chromedp.Click(`a.button[href="/reports"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`form[action="/reports"]`, chromedp.ByQuery),
		chromedp.SetValue(`select[name="format"]`, "xlsx", chromedp.ByQuery),
		chromedp.Submit(`select[name="format"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`p.flash`, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "client-export-queued")
	if row := text(t, ctx, "table.list tbody tr"); !strings.Contains(row, "being prepared") {
		t.Fatalf("the new export's row says %q", row)
	}
	runCtx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(runCtx) }()
	t.Cleanup(func() { stop(); <-done })
	var links int
	for deadline := time.Now().Add(30 * time.Second); links == 0; {
		if time.Now().After(deadline) {
			t.Fatal("the export was not built within 30 s")
		}
		time.Sleep(300 * time.Millisecond)
		if err := chromedp.Run(ctx, chromedp.Navigate(s.url+"/reports"), chromedp.WaitVisible(`table.list`, chromedp.ByQuery),
			chromedp.Evaluate(`document.querySelectorAll('a[href$="/download"]').length`, &links)); err != nil {
			t.Fatal(err)
		}
	}
	screenshot(t, ctx, "client-export-ready")
	var own int
	if err := s.st.Pool().QueryRow(context.Background(), `SELECT count(*) FROM tickets WHERE client_id = $1`, s.ids["acme"]).Scan(&own); err != nil {
		t.Fatal(err)
	}
	if row := text(t, ctx, "table.list tbody tr"); !strings.Contains(row, fmt.Sprintf("%d rows", own)) {
		t.Errorf("the export's row says %q, want her company's %d tickets", row, own)
	}
	staff := newBrowser(t)
	s.login(t, staff, "ana")
	if err := chromedp.Run(staff, chromedp.Navigate(s.url+"/admin/jobs"), chromedp.WaitVisible(`h1`, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	screenshot(t, staff, "staff-jobs")
	if body := text(t, staff, "main"); !strings.Contains(body, "low (reports)") || !strings.Contains(body, "Workers") {
		t.Errorf("jobs page: %q", body)
	}
}

// TestStaffRunTheHelpDesk: staff add a ticket category on its page and a client then opens a
// ticket in it, named in her language; on the dashboard an agent acknowledges an SLA alert
// and resolves it with its buttons.
func TestStaffRunTheHelpDesk(t *testing.T) {
	s := startSite(t)
	bg := context.Background()
	staff := newBrowser(t)
	s.login(t, staff, "ana")
	err := chromedp.Run(staff,
		chromedp.Navigate(s.url+"/admin/categories"),
		chromedp.SendKeys(`form.card input[name="slug"]`, "telefonia", chromedp.ByQuery),
		chromedp.SendKeys(`form.card input[name="name_es"]`, "Telefonía", chromedp.ByQuery),
		chromedp.SendKeys(`form.card input[name="name_en"]`, "Phones", chromedp.ByQuery),
		chromedp.Submit(`form.card input[name="slug"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`p.flash`, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	screenshot(t, staff, "staff-categories")
	if body := text(t, staff, "main"); !strings.Contains(body, "telefonia") {
		t.Fatalf("categories page: %q", body)
	}
	client := newBrowser(t)
	s.login(t, client, "alice")
	err = chromedp.Run(client,
		chromedp.Navigate(s.url+"/tickets/new"),
		chromedp.SendKeys(`#title`, "The desk phone has no line", chromedp.ByID),
		chromedp.SetValue(`#category`, "telefonia", chromedp.ByID),
		chromedp.Submit(`#title`, chromedp.ByID),
		chromedp.WaitVisible(`p.flash`, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	screenshot(t, client, "client-ticket-in-new-category")
	if body := text(t, client, "main"); !strings.Contains(body, "Phones") {
		t.Errorf("the ticket page does not name its category in English: %q", body)
	}
	alert, _, err := s.st.RaiseAlert(bg, s.ids["t0"], store.EventSLAWarning, "warning", "First response due in 15 minutes")
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Run(staff,
		chromedp.Navigate(s.url+"/dashboard"),
		chromedp.Click(`.alerts button[value="acknowledged"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`p.flash`, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	screenshot(t, staff, "staff-dashboard-alert-acknowledged")
	if got, err := s.st.Alert(bg, alert.ID); err != nil || got.AcknowledgedBy == nil || *got.AcknowledgedBy != s.ids["ana"] {
		t.Fatalf("after the button: %+v %v", got, err)
	}
	// The page already shows a flash: wait for the alerts to go, as they do once resolved.
	err = chromedp.Run(staff, chromedp.Click(`.alerts button[value="resolved"]`, chromedp.ByQuery),
		chromedp.WaitNotPresent(`.alerts`, chromedp.ByQuery))
	if err != nil {
		t.Fatal(err)
	}
	screenshot(t, staff, "staff-dashboard-alert-resolved")
	if got, err := s.st.Alert(bg, alert.ID); err != nil || got.ResolvedAt == nil {
		t.Errorf("after resolving: %+v %v", got, err)
	}
}
