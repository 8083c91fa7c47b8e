package sla

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/smtp"
	"strings"
	"time"
)

// LogNotifier writes notifications to the log: the default without SMTP.
type LogNotifier struct{ Log *slog.Logger }

// Notify logs the notification.
func (l LogNotifier) Notify(_ context.Context, n Notification) error {
	l.Log.Info("sla alert", "ticket", n.Alert.TicketID, "type", n.Alert.Type, "to", strings.Join(n.To, ","), "message", n.Alert.Message)
	return nil
}

// SMTPNotifier sends one mail per notification through an SMTP server.
type SMTPNotifier struct {
	Addr     string // host:port
	From     string
	Username string // optional: PLAIN authentication (the server must offer TLS, or be local)
	Password string
}

// Notify sends the mail.
func (s SMTPNotifier) Notify(ctx context.Context, n Notification) error {
	if len(n.To) == 0 {
		return fmt.Errorf("sla mail for ticket %d: nobody to tell", n.Alert.TicketID)
	}
	subject := fmt.Sprintf("[SLA] %s: #%d %s", strings.TrimPrefix(n.Alert.Type, "sla_"), n.Alert.TicketID, oneLine(n.Title))
	var msg strings.Builder
	fmt.Fprintf(&msg, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
		s.From, strings.Join(n.To, ", "), subject, time.Now().UTC().Format(time.RFC1123Z), n.Alert.Message)
	var auth smtp.Auth
	if s.Username != "" {
		host, _, _ := net.SplitHostPort(s.Addr)
		auth = smtp.PlainAuth("", s.Username, s.Password, host)
	}
	done := make(chan error, 1)
	go func() { done <- smtp.SendMail(s.Addr, auth, s.From, n.To, []byte(msg.String())) }()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("sla mail for ticket %d: %w", n.Alert.TicketID, err)
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// oneLine keeps header values on one line: a title cannot inject headers.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
