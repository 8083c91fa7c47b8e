// Package mail sends mail through an SMTP server: one message, one recipient, text and HTML
// alternatives, and errors that say whether trying again can help.
package mail

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/smtp"
	"net/textproto"
	"strings"
	"time"
)

// Message is one mail to one person.
type Message struct {
	To      string
	Subject string
	Text    string
	HTML    string // optional
	// ID is the Message-ID without angle brackets: the same for every attempt at one
	// notification, so a mail delivered twice can be recognised.
	ID string
}

// Sender delivers messages through an SMTP server.
type Sender struct {
	Addr     string // host:port
	From     string
	Username string // optional: PLAIN authentication (the server must offer TLS, or be local)
	Password string
	Timeout  time.Duration // per message; default 30 s
}

// PermanentError is a refusal that trying again will not change: the server answered 5xx
// (a rejected recipient, a refused message).
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// Permanent reports whether err is a refusal to give up on.
func Permanent(err error) bool {
	var p *PermanentError
	return errors.As(err, &p)
}

// Send delivers m. An error is a *PermanentError when the server refused for good; any
// other error (the server away, a 4xx) is worth another try.
func (s Sender) Send(ctx context.Context, m Message) error {
	if strings.ContainsAny(m.To, "\r\n<>,") || !strings.Contains(m.To, "@") {
		return &PermanentError{fmt.Errorf("mail to %q: not one address", m.To)}
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", s.Addr)
	if err != nil {
		return fmt.Errorf("mail to %s: %w", m.To, err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	host, _, _ := net.SplitHostPort(s.Addr)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		return classify(m.To, err)
	}
	defer c.Close()
	if s.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.Username, s.Password, host)); err != nil {
			return classify(m.To, err)
		}
	}
	if err := c.Mail(s.From); err != nil {
		return classify(m.To, err)
	}
	if err := c.Rcpt(m.To); err != nil {
		return classify(m.To, err)
	}
	w, err := c.Data()
	if err != nil {
		return classify(m.To, err)
	}
	if _, err := w.Write(s.compose(m)); err != nil {
		return classify(m.To, err)
	}
	if err := w.Close(); err != nil {
		return classify(m.To, err)
	}
	_ = c.Quit()
	return nil
}

// classify marks 5xx replies permanent.
func classify(to string, err error) error {
	var te *textproto.Error
	if errors.As(err, &te) && te.Code >= 500 {
		return &PermanentError{fmt.Errorf("mail to %s: %w", to, err)}
	}
	return fmt.Errorf("mail to %s: %w", to, err)
}

// compose writes the message: headers, then text alone or text and HTML as alternatives.
func (s Sender) compose(m Message) []byte {
	var b strings.Builder
	header := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	header("From", s.From)
	header("To", m.To)
	header("Subject", mime.QEncoding.Encode("utf-8", oneLine(m.Subject)))
	header("Date", time.Now().UTC().Format(time.RFC1123Z))
	if m.ID != "" {
		header("Message-ID", "<"+oneLine(m.ID)+">")
	}
	header("MIME-Version", "1.0")
	if m.HTML == "" {
		header("Content-Type", "text/plain; charset=utf-8")
		header("Content-Transfer-Encoding", "quoted-printable")
		b.WriteString("\r\n")
		b.WriteString(qp(m.Text))
		return []byte(b.String())
	}
	boundary := newBoundary()
	header("Content-Type", `multipart/alternative; boundary="`+boundary+`"`)
	b.WriteString("\r\n")
	for _, part := range []struct{ typ, body string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		fmt.Fprintf(&b, "--%s\r\nContent-Type: %s; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n%s\r\n",
			boundary, part.typ, qp(part.body))
	}
	fmt.Fprintf(&b, "--%s--\r\n", boundary)
	return []byte(b.String())
}

func qp(s string) string {
	var b strings.Builder
	w := quotedprintable.NewWriter(&b)
	// The writer turns each "\n" into CRLF itself.
	_, _ = w.Write([]byte(strings.ReplaceAll(s, "\r\n", "\n")))
	_ = w.Close()
	return b.String()
}

func newBoundary() string {
	var buf [12]byte
	_, _ = rand.Read(buf[:])
	return "hd-" + hex.EncodeToString(buf[:])
}

// oneLine keeps header values on one line: a title cannot inject headers.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
