package jobs

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/quotedprintable"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"helpdesk/auth"
	"helpdesk/internal/logcheck"
	"helpdesk/internal/otlpsink"
	"helpdesk/internal/pgtest"
	"helpdesk/internal/procs"
	"helpdesk/internal/sink"
	"helpdesk/mail"
	"helpdesk/search"
	"helpdesk/store"
	"helpdesk/tracing"
)

var (
	pg = &pgtest.Server{}
	// shared is one sink process for every test of the binary; each test tells its deliveries
	// apart by its own addresses and hook path.
	shared *sink.Process
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "jobs-sink-")
	if err == nil {
		shared, err = sink.Spawn(dir)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "jobs tests: start the sink:", err)
		os.Exit(1)
	}
	code := m.Run()
	shared.Kill()
	os.RemoveAll(dir)
	pg.Cleanup()
	os.Exit(code)
}

// world is a help desk with one client company: Alice (a client, English), two agents (Ana,
// Spanish; Bruno, English) and Adela the admin.
type world struct {
	st                       *store.Store
	suffix                   string
	client                   *store.Client
	alice, ana, bruno, admin *store.User
	addresses                []string
	sink                     *sink.Process
	chatPath                 string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{st: pg.NewStore(t), sink: shared}
	w.suffix = strings.ToLower(strings.ReplaceAll(t.Name(), "/", "-"))
	w.chatPath = "/hook/" + w.suffix
	var err error
	if w.client, err = w.st.CreateClient(ctx, "Acme "+w.suffix, 60, nil); err != nil {
		t.Fatal(err)
	}
	user := func(key, name string, role string, locale string, client *int64) *store.User {
		email := key + "." + w.suffix + "@example.com"
		u, err := w.st.CreateUser(ctx, store.NewUser{Email: email, Name: name, Role: auth.Role(role), ClientID: client, PasswordHash: "x", Locale: locale})
		if err != nil {
			t.Fatal(err)
		}
		w.addresses = append(w.addresses, email)
		return u
	}
	w.alice = user("alice", "Alice", "client", "en", &w.client.ID)
	w.ana = user("ana", "Ana", "agent", "es", nil)
	w.bruno = user("bruno", "Bruno", "agent", "en", nil)
	w.admin = user("adela", "Adela", "admin", "es", nil)
	return w
}

// start runs a worker on the world's database until the test ends.
func (w *world) start(t *testing.T, mutate ...func(*Config)) *Worker {
	t.Helper()
	logs := &logcheck.Buffer{}
	cfg := Config{Mail: &mail.Sender{Addr: w.sink.SMTPAddr, From: "helpdesk@example.com", Timeout: 5 * time.Second},
		ChatWebhookURL: w.sink.HookURL(w.chatPath), PortalURL: "https://help.example.com",
		// Twelve hours from now: the daily report (sent at start when it is due) is not, at
		// whatever hour the tests run; TestDailyReport queues its own.
		ReportHour:   (time.Now().UTC().Hour() + 12) % 24,
		PollInterval: 200 * time.Millisecond, Log: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	t.Cleanup(func() {
		if t.Failed() {
			jobs, _ := w.st.ListJobs(context.Background(), store.JobFilter{})
			t.Logf("the worker's jobs: %+v\nits log:\n%s", jobs, logs.String())
		}
	})
	for _, m := range mutate {
		m(&cfg)
	}
	wk, err := New(w.st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- wk.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("worker: %v", err)
		}
	})
	return wk
}

// deliveries are this world's deliveries so far: mails to its people, chats to its hook.
func (w *world) deliveries(t *testing.T) (mails, chats []sink.Delivery) {
	t.Helper()
	all, err := w.sink.Deliveries()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range all {
		switch {
		case d.Channel == "mail" && slices.Contains(w.addresses, d.To):
			mails = append(mails, d)
		case d.Channel == "chat" && d.To == w.chatPath:
			chats = append(chats, d)
		}
	}
	return mails, chats
}

// waitFor polls until cond holds or 20 s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func recipients(ds []sink.Delivery) []string {
	var out []string
	for _, d := range ds {
		out = append(out, strings.Split(d.To, ".")[0])
	}
	sort.Strings(out)
	return out
}

// TestEventsReachThePeopleConcerned: a new ticket mails the staff (not its author) and tells the
// chat; an assignment mails the new assignee; an agent's public reply mails the client who
// opened the ticket, in her language; an internal note tells nobody.
func TestEventsReachThePeopleConcerned(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	w.start(t)
	tk, err := w.st.CreateTicket(ctx, store.NewTicket{ClientID: w.client.ID, CreatedBy: w.alice.ID, Title: "Printer\r\nBcc: evil@example.com jammed",
		Description: "Paper jam on floor 2."})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the new-ticket mails", func() bool { m, c := w.deliveries(t); return len(m) == 3 && len(c) == 1 })
	mails, chats := w.deliveries(t)
	if got := recipients(mails); !slices.Equal(got, []string{"adela", "ana", "bruno"}) {
		t.Fatalf("new ticket mailed %v, want the staff", got)
	}
	for _, m := range mails {
		es := strings.HasPrefix(m.To, "ana.") || strings.HasPrefix(m.To, "adela.")
		if want := map[bool]string{true: "Nuevo ticket", false: "New ticket"}[es]; !strings.Contains(m.Subject, want) {
			t.Errorf("mail to %s: subject %q, want %q", m.To, m.Subject, want)
		}
		if strings.Contains(m.Body, "\r\nBcc:") || !strings.Contains(m.Body, "text/html") || !strings.Contains(decoded(t, m), "Paper jam") {
			t.Errorf("mail to %s is not a clean text+HTML message:\n%s", m.To, m.Body)
		}
	}
	if !strings.Contains(chats[0].Body, fmt.Sprintf("https://help.example.com/tickets/%d", tk.ID)) {
		t.Errorf("chat message %s has no link to the ticket", chats[0].Body)
	}

	if _, err := w.st.UpdateTicket(ctx, tk.ID, store.TicketPatch{AssigneeID: &w.bruno.ID, Actor: w.ana.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.st.AddComment(ctx, tk.ID, w.bruno.ID, "Internal: order a new fuser.", true); err != nil {
		t.Fatal(err)
	}
	if _, err := w.st.AddComment(ctx, tk.ID, w.bruno.ID, "We replaced the fuser; please try again.", false); err != nil {
		t.Fatal(err)
	}
	if _, err := w.st.AddComment(ctx, tk.ID, w.alice.ID, "Works, thanks!", false); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the assignment and reply mails", func() bool { m, _ := w.deliveries(t); return len(m) == 5 })
	time.Sleep(300 * time.Millisecond) // room for a wrong extra mail to show up
	mails, chats = w.deliveries(t)
	if len(mails) != 5 || len(chats) != 1 {
		t.Fatalf("%d mails and %d chats, want 5 and 1", len(mails), len(chats))
	}
	assigned, reply := mails[3], mails[4]
	if strings.HasPrefix(assigned.To, "alice.") {
		assigned, reply = reply, assigned
	}
	if !strings.HasPrefix(assigned.To, "bruno.") || !strings.Contains(assigned.Subject, "Assigned to you") {
		t.Errorf("assignment mail: to %s, %q", assigned.To, assigned.Subject)
	}
	if !strings.HasPrefix(reply.To, "alice.") || !strings.Contains(reply.Subject, "Reply to your ticket") ||
		!strings.Contains(decoded(t, reply), "replaced the fuser") || strings.Contains(decoded(t, reply), "order a new") {
		t.Errorf("reply mail: to %s, %q:\n%s", reply.To, reply.Subject, reply.Body)
	}
	ids := map[string]bool{}
	for _, m := range mails {
		if m.MessageID == "" || ids[m.MessageID] {
			t.Errorf("message id %q missing or repeated", m.MessageID)
		}
		ids[m.MessageID] = true
	}
}

// TestRolledBackChangeTellsNobody: an event belongs to its transaction.
func TestRolledBackChangeTellsNobody(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	w.start(t)
	boom := errors.New("boom")
	err := w.st.Transact(ctx, func(tx *store.Store) error {
		if _, err := tx.CreateTicket(ctx, store.NewTicket{ClientID: w.client.ID, CreatedBy: w.alice.ID, Title: "Rolled back"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	// A change that commits afterwards is told, so the worker was there to tell the first.
	if _, err := w.st.CreateTicket(ctx, store.NewTicket{ClientID: w.client.ID, CreatedBy: w.alice.ID, Title: "Committed"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the committed ticket's mails", func() bool { m, _ := w.deliveries(t); return len(m) >= 3 })
	time.Sleep(300 * time.Millisecond)
	mails, chats := w.deliveries(t)
	for _, d := range append(mails, chats...) {
		if strings.Contains(d.Body, "Rolled back") {
			t.Fatalf("a rolled-back ticket was announced: %s", d.Body)
		}
	}
	if len(mails) != 3 || len(chats) != 1 {
		t.Fatalf("%d mails, %d chats; want 3 and 1", len(mails), len(chats))
	}
}

// TestRefusalsAreGivenUpWithTheirReason: a recipient the mail server refuses (550) and a chat
// hook that answers 404 are cancelled at the first attempt, their reason kept; the others
// are delivered.
func TestRefusalsAreGivenUpWithTheirReason(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	refused, err := w.st.CreateUser(ctx, store.NewUser{Email: "refuse." + w.suffix + "@example.com", Name: "Gone", Role: "agent", PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	w.start(t, func(c *Config) { c.ChatWebhookURL = w.sink.HookURL("/refuse") })
	if _, err := w.st.CreateTicket(ctx, store.NewTicket{ClientID: w.client.ID, CreatedBy: w.alice.ID, Title: "Refusals"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "two cancelled deliveries", func() bool {
		jobs, err := w.st.ListJobs(ctx, store.JobFilter{States: []string{"cancelled"}})
		return err == nil && len(jobs) == 2
	})
	jobs, _ := w.st.ListJobs(ctx, store.JobFilter{States: []string{"cancelled"}})
	for _, j := range jobs {
		if j.Attempt != 1 {
			t.Errorf("%s job tried %d times, want once", j.Kind, j.Attempt)
		}
		if want := map[string]string{"mail": "550", "chat": "404"}[j.Kind]; !strings.Contains(j.LastError, want) {
			t.Errorf("%s job: last error %q, want the refusal %s", j.Kind, j.LastError, want)
		}
		if j.Kind == "mail" && !strings.Contains(j.Args, refused.Email) {
			t.Errorf("cancelled mail %s is not the refused one", j.Args)
		}
	}
	waitFor(t, "the other mails", func() bool { m, _ := w.deliveries(t); return len(m) == 3 })
}

// TestMailServerAwayIsRetried: while the mail server is down the mails wait and retry, and
// go out once it is back.
func TestMailServerAwayIsRetried(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	down := &sink.Process{Bin: w.sink.Bin, SMTPAddr: addr(t), HTTPAddr: addr(t), File: t.TempDir() + "/d.jsonl"}
	w.sink = down // this test's own sink, which it stops
	w.start(t, func(c *Config) { c.Mail.Addr = down.SMTPAddr; c.ChatWebhookURL = "" })
	if _, err := w.st.CreateTicket(ctx, store.NewTicket{ClientID: w.client.ID, CreatedBy: w.alice.ID, Title: "While away"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "failed attempts", func() bool {
		jobs, err := w.st.ListJobs(ctx, store.JobFilter{States: []string{"retryable"}, Kind: "mail"})
		return err == nil && len(jobs) == 3
	})
	if err := down.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(down.Kill)
	waitFor(t, "the mails after the server came back", func() bool { m, _ := w.deliveries(t); return len(m) == 3 })
}

// TestSLABreachReachesTheAssignee: the worker's SLA check (run at start, then each minute)
// finds a ticket past its deadline, and only the breach is mailed, to the assignee.
func TestSLABreachReachesTheAssignee(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	tk, err := w.st.CreateTicket(ctx, store.NewTicket{ClientID: w.client.ID, CreatedBy: w.alice.ID, AssigneeID: &w.ana.ID, Title: "Overdue"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.st.Pool().Exec(ctx, `UPDATE tickets SET created_at = now() - interval '2 hours' WHERE id = $1`, tk.ID); err != nil {
		t.Fatal(err)
	}
	w.start(t, func(c *Config) { c.ChatWebhookURL = "" })
	waitFor(t, "the breach mail", func() bool {
		m, _ := w.deliveries(t)
		return slices.ContainsFunc(m, func(d sink.Delivery) bool { return strings.Contains(d.Subject, "[SLA]") })
	})
	time.Sleep(300 * time.Millisecond)
	mails, _ := w.deliveries(t)
	var sla []sink.Delivery
	for _, m := range mails {
		if strings.Contains(m.Subject, "[SLA]") {
			sla = append(sla, m)
		}
	}
	if len(sla) != 1 || !strings.HasPrefix(sla[0].To, "ana.") || !strings.Contains(sla[0].Subject, "Incumplido") {
		t.Fatalf("SLA mails: %+v, want one breach to Ana, in Spanish", sla)
	}
}

// TestDailyReport: the report of a day gives each client's figures to every member of staff,
// in their language, as text and HTML, once however often it is queued.
func TestDailyReport(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	for i := range 3 {
		tk, err := w.st.CreateTicket(ctx, store.NewTicket{ClientID: w.client.ID, CreatedBy: w.alice.ID, Title: fmt.Sprintf("T%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		if i == 1 {
			if _, err := w.st.AddComment(ctx, tk.ID, w.ana.ID, "On it.", false); err != nil {
				t.Fatal(err)
			}
		}
		if i == 0 {
			st := "resolved"
			if _, err := w.st.UpdateTicket(ctx, tk.ID, store.TicketPatch{Status: &st}); err != nil {
				t.Fatal(err)
			}
		}
	}
	now := time.Now()
	args := dailyReportArgs{Date: "2099-01-01", From: now.Add(-24 * time.Hour), To: now.Add(time.Minute)}
	for range 2 {
		if err := w.st.Enqueue(ctx, args); err != nil {
			t.Fatal(err)
		}
	}
	w.start(t, func(c *Config) { c.ChatWebhookURL = "" })
	isReport := func(d sink.Delivery) bool { return strings.Contains(d.Subject, "2099-01-01") }
	waitFor(t, "the reports", func() bool {
		m, _ := w.deliveries(t)
		n := 0
		for _, d := range m {
			if isReport(d) {
				n++
			}
		}
		return n == 3
	})
	mails, _ := w.deliveries(t)
	for _, m := range mails {
		if !isReport(m) {
			continue
		}
		es := strings.HasPrefix(m.To, "ana.") || strings.HasPrefix(m.To, "adela.")
		want := map[bool][]string{true: {"Informe diario", "Resueltos", "100", "Acme"}, false: {"daily report", "Solved", "100", "Acme"}}[es]
		body := decoded(t, m)
		for _, s := range want {
			if !strings.Contains(m.Subject+body, s) {
				t.Errorf("report to %s lacks %q:\n%s", m.To, s, m.Body)
			}
		}
		if !strings.Contains(m.Body, "<table") {
			t.Errorf("report to %s has no HTML table", m.To)
		}
	}
}

func TestDailyScheduleAcrossDST(t *testing.T) {
	t.Parallel()
	madrid, err := time.LoadLocation("Europe/Madrid")
	if err != nil {
		t.Fatal(err)
	}
	d := dailyAt{hour: 9, tz: madrid}
	for _, c := range []struct{ now, next, last string }{
		{"2026-03-28T10:00:00+01:00", "2026-03-29T09:00:00+02:00", "2026-03-28T09:00:00+01:00"}, // DST starts on the 29th
		{"2026-03-29T08:59:00+02:00", "2026-03-29T09:00:00+02:00", "2026-03-28T09:00:00+01:00"},
		{"2026-10-25T09:00:00+01:00", "2026-10-26T09:00:00+01:00", "2026-10-25T09:00:00+01:00"}, // at the hour: the next is tomorrow
	} {
		now, _ := time.Parse(time.RFC3339, c.now)
		if got := d.Next(now).Format(time.RFC3339); got != c.next {
			t.Errorf("Next(%s) = %s, want %s", c.now, got, c.next)
		}
		if got := d.last(now).Format(time.RFC3339); got != c.last {
			t.Errorf("last(%s) = %s, want %s", c.now, got, c.last)
		}
	}
}

func addr(t *testing.T) string {
	t.Helper()
	a, err := procs.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// decoded is a mail's body with its quoted-printable parts decoded.
func decoded(t *testing.T, d sink.Delivery) string {
	t.Helper()
	b, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(d.Body)))
	if err != nil {
		t.Fatalf("mail to %s: %v", d.To, err)
	}
	return string(b)
}

// TestExports: an export asked for is built by the worker in the format asked (CSV with
// formula-looking text defused, XLSX with typed cells), holds only the asker's company for a
// client, and its link is mailed.
func TestExports(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	other, err := w.st.CreateClient(ctx, "Other "+w.suffix, 60, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, title := range []string{"=HYPERLINK(\"http://evil.example\")", "Printer, \"jammed\""} {
		if _, err := w.st.CreateTicket(ctx, store.NewTicket{ClientID: w.client.ID, CreatedBy: w.alice.ID, Title: title}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.st.CreateTicket(ctx, store.NewTicket{ClientID: other.ID, CreatedBy: w.ana.ID, Title: "Not Alice's"}); err != nil {
		t.Fatal(err)
	}
	today := time.Now().UTC().Truncate(24 * time.Hour)
	alice := search.Viewer{Role: auth.Client, UserID: w.alice.ID, ClientID: w.client.ID}
	csvReport, err := w.st.CreateReport(ctx, alice, store.NewReport{Kind: store.ReportTickets, Format: store.FormatCSV, From: today.AddDate(0, 0, -1), To: today})
	if err != nil {
		t.Fatal(err)
	}
	admin := search.Viewer{Role: auth.Admin, UserID: w.admin.ID}
	xlsxReport, err := w.st.CreateReport(ctx, admin, store.NewReport{Kind: store.ReportSLA, Format: store.FormatXLSX, From: today, To: today})
	if err != nil {
		t.Fatal(err)
	}
	w.start(t, func(c *Config) { c.ChatWebhookURL = "" })
	waitFor(t, "both reports built", func() bool {
		a, err1 := w.st.Report(ctx, alice, csvReport.ID)
		b, err2 := w.st.Report(ctx, admin, xlsxReport.ID)
		return err1 == nil && err2 == nil && a.State == "done" && b.State == "done"
	})
	_, data, err := w.st.ReportFile(ctx, alice, csvReport.ID)
	if err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("csv: %v\n%s", err, data)
	}
	if len(records) != 3 || records[0][0] != "id" || records[0][3] != "title" {
		t.Fatalf("csv rows: %q", records)
	}
	titles := []string{records[1][3], records[2][3]}
	if !slices.Contains(titles, `'=HYPERLINK("http://evil.example")`) || !slices.Contains(titles, `Printer, "jammed"`) {
		t.Errorf("titles %q: want the formula defused and the quotes kept", titles)
	}
	if _, _, err := w.st.ReportFile(ctx, search.Viewer{Role: auth.Agent, UserID: w.ana.ID}, csvReport.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another person's report: %v, want not found", err)
	}
	_, data, err = w.st.ReportFile(ctx, admin, xlsxReport.ID)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("Report")
	if err != nil || len(rows) != 4 || rows[0][0] != "id" || rows[0][8] != "sla" {
		t.Fatalf("xlsx rows %q, %v", rows, err)
	}
	waitFor(t, "the link mails", func() bool {
		m, _ := w.deliveries(t)
		n := 0
		for _, d := range m {
			if strings.Contains(decoded(t, d), fmt.Sprintf("/reports/%d/download", csvReport.ID)) && strings.HasPrefix(d.To, "alice.") ||
				strings.Contains(decoded(t, d), fmt.Sprintf("/reports/%d/download", xlsxReport.ID)) && strings.HasPrefix(d.To, "adela.") {
				n++
			}
		}
		return n == 2
	})
}

// TestJobsAreTraced: with tracing on, each job worked is a span named after its kind, holding
// the statements it ran, and naming the request that queued it (its deliveries too).
func TestJobsAreTraced(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	spans := otlpsink.Start(t)
	tp, err := tracing.New(ctx, spans.URL, "helpdesk-worker")
	if err != nil {
		t.Fatal(err)
	}
	traced, err := store.Open(ctx, w.st.Pool().Config().ConnString(), store.WithQueryTracer(tracing.QueryTracer(tp)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(traced.Close)
	worker := &world{st: traced, sink: w.sink, chatPath: w.chatPath}
	worker.start(t, func(c *Config) { c.Tracing = tp })
	const requestID = "req-traced-ticket"
	if _, err := w.st.CreateTicket(tracing.WithRequestID(ctx, requestID), store.NewTicket{ClientID: w.client.ID, CreatedBy: w.alice.ID,
		Title: "Traced printer", Description: "Paper jam."}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the new-ticket mails", func() bool { m, _ := w.deliveries(t); return len(m) == 3 })
	if err := tp.Shutdown(ctx); err != nil { // flushes the batch to the sink
		t.Fatal(err)
	}
	jobs := map[string][]otlpsink.Span{}
	parents := map[string]bool{}
	for _, sp := range spans.Spans() {
		if k, ok := strings.CutPrefix(sp.Name, "job "); ok && sp.Attributes["request_id"] == requestID {
			if sp.Service != "helpdesk-worker" || sp.Attributes["messaging.destination.name"] == "" {
				t.Errorf("job span %+v", sp)
			}
			jobs[k] = append(jobs[k], sp)
		}
		if strings.HasPrefix(sp.Name, "postgres ") {
			parents[sp.ParentID] = true
		}
	}
	if len(jobs["event"]) != 1 || len(jobs["mail"]) != 3 {
		t.Fatalf("job spans of the request: %v; every span: %+v", jobs, spans.Spans())
	}
	if !parents[jobs["event"][0].SpanID] {
		t.Error("the event job's statements are not inside its span")
	}
}
