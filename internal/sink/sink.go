// Package sink is the far end of notifications for tests, drills and the benchmark: an SMTP
// server and a chat webhook that accept what they are sent and append one JSON line per
// delivery to a file, which outlives the process (drills kill and restart it). Recipients
// whose address starts with "refuse" get a permanent 550, and the webhook path /refuse a
// permanent 404, so the worker's handling of refusals can be seen. cmd/sink runs it as its
// own process; Start runs one for a test and Deliveries reads the file.
package sink

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"helpdesk/internal/procs"
)

// Delivery is one mail or chat message received.
type Delivery struct {
	Channel   string    `json:"channel"` // "mail" or "chat"
	To        string    `json:"to,omitempty"`
	MessageID string    `json:"message_id,omitempty"`
	Subject   string    `json:"subject,omitempty"`
	Body      string    `json:"body"` // the whole message (mail) or the JSON posted (chat)
	At        time.Time `json:"at"`
}

// Server is a running SMTP and webhook sink in this process.
type Server struct {
	smtp net.Listener
	http *http.Server
	mu   sync.Mutex
	out  *os.File
	wg   sync.WaitGroup
}

// Listen starts the SMTP server on smtpAddr and the webhook on httpAddr, appending
// deliveries to the file at path.
func Listen(smtpAddr, httpAddr, path string) (*Server, error) {
	out, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	s := &Server{out: out}
	if s.smtp, err = net.Listen("tcp", smtpAddr); err != nil {
		out.Close()
		return nil, err
	}
	hl, err := net.Listen("tcp", httpAddr)
	if err != nil {
		s.smtp.Close()
		out.Close()
		return nil, err
	}
	s.http = &http.Server{Handler: http.HandlerFunc(s.hook), ReadHeaderTimeout: 5 * time.Second}
	s.wg.Go(func() { _ = s.http.Serve(hl) })
	s.wg.Go(s.acceptSMTP)
	return s, nil
}

// SMTPAddr and HookURL say where the sink listens.
func (s *Server) SMTPAddr() string { return s.smtp.Addr().String() }

// Close stops both servers.
func (s *Server) Close() error {
	s.smtp.Close()
	err := s.http.Close()
	s.wg.Wait()
	return errors.Join(err, s.out.Close())
}

func (s *Server) record(d Delivery) error {
	d.At = time.Now().UTC()
	line, err := json.Marshal(d)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err = s.out.Write(append(line, '\n'))
	return err
}

func (s *Server) hook(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	if r.URL.Path == "/refuse" {
		http.Error(w, "no_service", http.StatusNotFound)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	var msg struct {
		Text string `json:"text"`
	}
	if err != nil || json.Unmarshal(body, &msg) != nil || msg.Text == "" {
		http.Error(w, "invalid_payload", http.StatusBadRequest)
		return
	}
	if err := s.record(Delivery{Channel: "chat", To: r.URL.Path, MessageID: r.Header.Get("X-Helpdesk-Delivery"), Body: string(body)}); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	_, _ = io.WriteString(w, "ok")
}

func (s *Server) acceptSMTP() {
	for {
		conn, err := s.smtp.Accept()
		if err != nil {
			return
		}
		s.wg.Go(func() { s.serveSMTP(conn) })
	}
}

func (s *Server) serveSMTP(conn net.Conn) {
	defer conn.Close()
	r := bufio.NewReader(conn)
	reply := func(line string) { _, _ = io.WriteString(conn, line+"\r\n") }
	reply("220 sink ESMTP ready")
	var to []string
	for {
		_ = conn.SetReadDeadline(time.Now().Add(time.Minute))
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			reply("250 sink")
		case strings.HasPrefix(cmd, "MAIL FROM:"), cmd == "RSET":
			to = nil
			reply("250 ok")
		case strings.HasPrefix(cmd, "RCPT TO:"):
			addr := strings.Trim(strings.TrimSpace(strings.TrimSpace(line)[len("RCPT TO:"):]), "<>")
			if strings.HasPrefix(strings.ToLower(addr), "refuse") {
				reply("550 5.1.1 no such user")
				continue
			}
			to = append(to, addr)
			reply("250 ok")
		case cmd == "DATA":
			if len(to) == 0 {
				reply("503 no recipients")
				continue
			}
			reply("354 end with .")
			var msg strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				msg.WriteString(strings.TrimPrefix(l, "."))
			}
			d := Delivery{Channel: "mail", To: strings.Join(to, ","), Body: msg.String(),
				MessageID: header(msg.String(), "Message-ID"), Subject: header(msg.String(), "Subject")}
			if err := s.record(d); err != nil {
				reply("451 cannot store")
				continue
			}
			reply("250 queued")
		case cmd == "QUIT":
			reply("221 bye")
			return
		default:
			reply("250 ok")
		}
	}
}

// header returns a header's value from a raw message.
func header(msg, name string) string {
	head, _, _ := strings.Cut(msg, "\r\n\r\n")
	for _, l := range strings.Split(head, "\r\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(k, name) {
			return strings.Trim(strings.TrimSpace(v), "<>")
		}
	}
	return ""
}

// Deliveries reads the deliveries recorded in the file at path.
func Deliveries(path string) ([]Delivery, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	var out []Delivery
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if line == "" {
			continue
		}
		var d Delivery
		if err := json.Unmarshal([]byte(line), &d); err != nil {
			return nil, fmt.Errorf("sink file %s: %w", path, err)
		}
		out = append(out, d)
	}
	return out, nil
}

// Process is a sink running as its own process (the binary of cmd/sink), for tests that
// stop and start it.
type Process struct {
	Bin, SMTPAddr, HTTPAddr, File string
	cmd                           *exec.Cmd
}

// HookURL is the webhook's address with path.
func (p *Process) HookURL(path string) string { return "http://" + p.HTTPAddr + path }

// Build compiles the sink into dir and returns the binary's path.
func Build(dir string) (string, error) {
	bin := filepath.Join(dir, "sink")
	out, err := exec.Command("go", "build", "-o", bin, "helpdesk/internal/cmd/sink").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("build sink: %w\n%s", err, out)
	}
	return bin, nil
}

// Spawn builds a sink into dir and starts it on free loopback ports; Kill stops it.
func Spawn(dir string) (*Process, error) {
	bin, err := Build(dir)
	if err != nil {
		return nil, err
	}
	p := &Process{Bin: bin, File: filepath.Join(dir, "deliveries.jsonl")}
	if p.SMTPAddr, err = procs.FreeAddr(); err != nil {
		return nil, err
	}
	if p.HTTPAddr, err = procs.FreeAddr(); err != nil {
		return nil, err
	}
	return p, p.Start()
}

// StartProcess is Spawn for one test, stopped when it ends.
func StartProcess(t testing.TB) *Process {
	t.Helper()
	p, err := Spawn(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Kill)
	return p
}

// Start starts the process and waits until it accepts mail.
func (p *Process) Start() error {
	p.cmd = exec.Command(p.Bin, "--smtp", p.SMTPAddr, "--http", p.HTTPAddr, "--file", p.File)
	p.cmd.Stderr = os.Stderr
	if err := p.cmd.Start(); err != nil {
		return fmt.Errorf("start sink: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for ctx.Err() == nil {
		if c, err := net.Dial("tcp", p.SMTPAddr); err == nil {
			c.Close()
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.Kill()
	return errors.New("sink did not start listening")
}

// Kill stops the process at once (SIGKILL), as an outage would.
func (p *Process) Kill() {
	if p.cmd == nil || p.cmd.Process == nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	_ = p.cmd.Wait()
	p.cmd = nil
}

// Deliveries reads what the process has received so far.
func (p *Process) Deliveries() ([]Delivery, error) { return Deliveries(p.File) }
