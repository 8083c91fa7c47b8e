package jobs

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/riverqueue/river"

	"helpdesk/mail"
)

// mailArgs is one mail to one person, written when its event was worked: a retry sends the
// same words under the same Message-ID.
type mailArgs struct {
	To        string `json:"to"`
	Subject   string `json:"subject"`
	Text      string `json:"text"`
	HTML      string `json:"html,omitempty"`
	MessageID string `json:"message_id"`
	Queue     string `json:"queue"`
	Event     string `json:"event"`
	TicketID  int64  `json:"ticket_id,omitempty"`
	// Since is when the change was queued: the delay people feel runs from there.
	Since time.Time `json:"since"`
}

func (mailArgs) Kind() string { return "mail" }

func (a mailArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: a.Queue} }

type mailWorker struct {
	river.WorkerDefaults[mailArgs]
	w *Worker
}

func (m *mailWorker) Work(ctx context.Context, job *river.Job[mailArgs]) error {
	a := job.Args
	if m.w.cfg.Mail == nil {
		m.w.cfg.Log.Info("mail not sent: no SMTP_ADDR", "to", a.To, "subject", a.Subject)
		return nil
	}
	err := m.w.cfg.Mail.Send(ctx, mail.Message{To: a.To, Subject: a.Subject, Text: a.Text, HTML: a.HTML, ID: a.MessageID})
	if mail.Permanent(err) {
		// A refused recipient stays refused: keep the reason, do not try again.
		return river.JobCancel(err)
	}
	if err == nil {
		m.w.metrics.delivered("mail", job.Args.Since, m.w.cfg.Now())
	}
	return err
}

// chatArgs is one message to the team's chat webhook.
type chatArgs struct {
	Text     string    `json:"text"`
	ID       string    `json:"id"`
	Queue    string    `json:"queue"`
	Event    string    `json:"event"`
	TicketID int64     `json:"ticket_id,omitempty"`
	Since    time.Time `json:"since"`
}

func (chatArgs) Kind() string { return "chat" }

func (a chatArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: a.Queue} }

type chatWorker struct {
	river.WorkerDefaults[chatArgs]
	w *Worker
}

func (c *chatWorker) Work(ctx context.Context, job *river.Job[chatArgs]) error {
	url := c.w.cfg.ChatWebhookURL
	if url == "" {
		c.w.cfg.Log.Info("chat not sent: no CHAT_WEBHOOK_URL", "event", job.Args.Event, "ticket", job.Args.TicketID)
		return nil
	}
	body, err := json.Marshal(map[string]string{"text": job.Args.Text})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return river.JobCancel(fmt.Errorf("chat webhook: %w", err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Helpdesk-Delivery", job.Args.ID)
	resp, err := c.w.cfg.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("chat webhook: %w", err)
	}
	defer resp.Body.Close()
	reply, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	switch {
	case resp.StatusCode < 300:
		c.w.metrics.delivered("chat", job.Args.Since, c.w.cfg.Now())
		return nil
	case resp.StatusCode == http.StatusTooManyRequests:
		// Slack says when to come back; that is not a failure.
		wait := 30 * time.Second
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
			wait = time.Duration(s) * time.Second
		}
		return river.JobSnooze(wait)
	case resp.StatusCode < 500:
		// A 4xx (a revoked hook, a channel gone) stays so: keep the reason, do not retry.
		return river.JobCancel(fmt.Errorf("chat webhook refused: %s: %s", resp.Status, bytes.TrimSpace(reply)))
	default:
		return fmt.Errorf("chat webhook: %s: %s", resp.Status, bytes.TrimSpace(reply))
	}
}
