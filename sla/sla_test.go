package sla_test

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"helpdesk/internal/pgtest"
	"helpdesk/sla"
	"helpdesk/store"
)

var pg = &pgtest.Server{}

func TestMain(m *testing.M) { pgtest.Main(m, pg) }

// recorder keeps the notifications a monitor sends.
type recorder struct {
	mu   sync.Mutex
	sent []sla.Notification
}

func (r *recorder) Notify(_ context.Context, n sla.Notification) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, n)
	return nil
}

func (r *recorder) count() int { r.mu.Lock(); defer r.mu.Unlock(); return len(r.sent) }

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

type world struct {
	st     *store.Store
	agent  *store.User
	client *store.User
	ticket *store.Ticket
}

func setup(t *testing.T) world {
	t.Helper()
	ctx := context.Background()
	st := pg.NewStore(t)
	c, err := st.CreateClient(ctx, "Acme", 60, nil)
	if err != nil {
		t.Fatal(err)
	}
	agent, err := st.CreateUser(ctx, store.NewUser{Email: "ana@helpdesk.example", Role: "agent", PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	client, err := st.CreateUser(ctx, store.NewUser{Email: "alice@acme.example", Role: "client", ClientID: &c.ID, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	tk, err := st.CreateTicket(ctx, store.NewTicket{ClientID: c.ID, CreatedBy: client.ID, AssigneeID: &agent.ID, Title: "Sin correo"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Pool().Exec(ctx, `UPDATE tickets SET created_at = $2, updated_at = $2 WHERE id = $1`, tk.ID, t0); err != nil {
		t.Fatal(err)
	}
	return world{st: st, agent: agent, client: client, ticket: tk}
}

func alerts(t *testing.T, st *store.Store) map[string]bool {
	t.Helper()
	rows, err := st.Pool().Query(context.Background(), `SELECT type, resolved_at IS NOT NULL FROM alerts`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var typ string
		var resolved bool
		if err := rows.Scan(&typ, &resolved); err != nil {
			t.Fatal(err)
		}
		out[typ] = resolved
	}
	return out
}

func TestWarningThenBreachThenResolved(t *testing.T) {
	t.Parallel()
	w := setup(t)
	ctx := context.Background()
	now := t0
	rec := &recorder{}
	m := sla.New(w.st, rec, func() time.Time { return now }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	steps := []struct {
		at       time.Duration
		want     map[string]bool // type -> resolved
		notified int
	}{
		{20 * time.Minute, map[string]bool{}, 0},                                                // due in 40 min: quiet
		{35 * time.Minute, map[string]bool{sla.KindWarning: false}, 1},                          // due in 25 min
		{36 * time.Minute, map[string]bool{sla.KindWarning: false}, 1},                          // nothing new
		{61 * time.Minute, map[string]bool{sla.KindWarning: false, sla.KindBreached: false}, 2}, // overdue
		{90 * time.Minute, map[string]bool{sla.KindWarning: false, sla.KindBreached: false}, 2}, // still one of each
	}
	for _, s := range steps {
		now = t0.Add(s.at)
		if _, err := m.Check(ctx); err != nil {
			t.Fatal(err)
		}
		if got := alerts(t, w.st); !equal(got, s.want) || rec.count() != s.notified {
			t.Fatalf("at +%s: alerts %v, notified %d; want %v, %d", s.at, got, rec.count(), s.want, s.notified)
		}
	}
	if rec.sent[0].To[0] != "ana@helpdesk.example" {
		t.Errorf("notified %v, want the assignee", rec.sent[0].To)
	}
	if _, err := w.st.AddComment(ctx, w.ticket.ID, w.agent.ID, "Lo miramos", false); err != nil {
		t.Fatal(err)
	}
	now = t0.Add(95 * time.Minute)
	res, err := m.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := alerts(t, w.st); res.Resolved != 2 || !got[sla.KindWarning] || !got[sla.KindBreached] {
		t.Fatalf("after the response: %v (resolved %d)", got, res.Resolved)
	}
}

func TestMonitorsRunningTogetherRaiseOnce(t *testing.T) {
	t.Parallel()
	w := setup(t)
	ctx := context.Background()
	rec := &recorder{}
	now := func() time.Time { return t0.Add(2 * time.Hour) } // straight to overdue
	var wg sync.WaitGroup
	for range 4 {
		m := sla.New(w.st, rec, now, slog.New(slog.NewTextHandler(io.Discard, nil)))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 3 {
				if _, err := m.Check(ctx); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	var n int
	if err := w.st.Pool().QueryRow(ctx, `SELECT count(*) FROM alerts`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("alerts = %d %v, want a warning and a breach", n, err)
	}
	if rec.count() != 1 {
		t.Fatalf("notifications = %d, want one (the breach; the warning recorded alongside is not mailed)", rec.count())
	}
}

func equal(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if bv, ok := b[k]; !ok || bv != v {
			return false
		}
	}
	return true
}

// smtpSink is a small real SMTP server on loopback that keeps the messages it receives.
type smtpSink struct {
	ln   net.Listener
	mu   sync.Mutex
	msgs []string
	rcpt [][]string
}

func startSink(t *testing.T) *smtpSink {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpSink{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(conn)
		}
	}()
	return s
}

func (s *smtpSink) serve(conn net.Conn) {
	defer conn.Close()
	r := bufio.NewReader(conn)
	reply := func(line string) { _, _ = conn.Write([]byte(line + "\r\n")) }
	reply("220 sink ready")
	var rcpt []string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			reply("250 sink")
		case strings.HasPrefix(cmd, "MAIL FROM"):
			rcpt = nil
			reply("250 ok")
		case strings.HasPrefix(cmd, "RCPT TO"):
			rcpt = append(rcpt, strings.Trim(strings.TrimSpace(line[8:]), "<>"))
			reply("250 ok")
		case cmd == "DATA":
			reply("354 go on")
			var msg strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				msg.WriteString(l)
			}
			s.mu.Lock()
			s.msgs, s.rcpt = append(s.msgs, msg.String()), append(s.rcpt, rcpt)
			s.mu.Unlock()
			reply("250 queued")
		case cmd == "QUIT":
			reply("221 bye")
			return
		default:
			reply("250 ok")
		}
	}
}

func TestSMTPNotifierDeliversOneMailPerAlert(t *testing.T) {
	t.Parallel()
	w := setup(t)
	sink := startSink(t)
	ctx := context.Background()
	now := t0.Add(40 * time.Minute)
	notifier := sla.SMTPNotifier{Addr: sink.ln.Addr().String(), From: "helpdesk@helpdesk.example"}
	m := sla.New(w.st, notifier, func() time.Time { return now }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	for _, at := range []time.Duration{40, 41, 70} {
		now = t0.Add(at * time.Minute)
		if _, err := m.Check(ctx); err != nil {
			t.Fatal(err)
		}
	}
	sink.mu.Lock()
	defer sink.mu.Unlock()
	if len(sink.msgs) != 2 {
		t.Fatalf("mails = %d, want a warning and a breach", len(sink.msgs))
	}
	if !strings.Contains(sink.msgs[0], "Subject: [SLA] warning: #") || !strings.Contains(sink.msgs[1], "Subject: [SLA] breached: #") {
		t.Errorf("subjects:\n%s\n%s", sink.msgs[0], sink.msgs[1])
	}
	if len(sink.rcpt[0]) != 1 || sink.rcpt[0][0] != "ana@helpdesk.example" {
		t.Errorf("recipients %v", sink.rcpt[0])
	}
}
