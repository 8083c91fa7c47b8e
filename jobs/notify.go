package jobs

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"helpdesk/i18n"
	"helpdesk/store"
	"helpdesk/tracing"
)

// eventWorker turns an event into its deliveries: a mail to each person who should hear of it,
// in their language, and a message to the team's chat for the events a team follows.
type eventWorker struct {
	river.WorkerDefaults[store.EventArgs]
	w *Worker
}

func (e *eventWorker) Work(ctx context.Context, job *river.Job[store.EventArgs]) error {
	// The deliveries it queues carry the request that caused it.
	ctx = tracing.WithRequestID(ctx, store.JobRequestID(job.Metadata))
	w := e.w
	ev := job.Args
	facts, err := w.facts(ctx, ev)
	if errors.Is(err, store.ErrNotFound) {
		return nil // the ticket (or comment) is gone: nothing left to tell
	}
	if err != nil {
		return err
	}
	queue := ev.InsertOpts().Queue
	var deliveries []river.JobArgs
	if facts.news() {
		for _, u := range facts.recipients {
			n := w.compose(u.Locale, ev, facts)
			text, html := n.render(u.Name)
			deliveries = append(deliveries, mailArgs{To: u.Email, Subject: n.Subject, Text: text, HTML: html, Queue: queue,
				Event: ev.Event, TicketID: ev.TicketID, Since: job.CreatedAt, MessageID: fmt.Sprintf("%s.%d.%d@helpdesk", ev.Event, job.ID, u.ID)})
		}
		if w.cfg.ChatWebhookURL != "" && chatEvents[ev.Event] {
			n := w.compose(w.cfg.ChatLang, ev, facts)
			deliveries = append(deliveries, chatArgs{Text: n.chat(), Queue: queue, Event: ev.Event, TicketID: ev.TicketID, Since: job.CreatedAt,
				ID: fmt.Sprintf("%s.%d", ev.Event, job.ID)})
		}
	}
	if w.cfg.Mail == nil {
		for _, d := range deliveries {
			if m, ok := d.(mailArgs); ok {
				w.cfg.Log.Info("mail not sent: no SMTP_ADDR", "event", ev.Event, "ticket", ev.TicketID, "to", m.To, "subject", m.Subject)
			}
		}
		deliveries = onlyChat(deliveries)
	}
	return w.st.Transact(ctx, func(tx *store.Store) error {
		if err := tx.Enqueue(ctx, deliveries...); err != nil {
			return err
		}
		return store.Complete(ctx, tx, job)
	})
}

func onlyChat(ds []river.JobArgs) []river.JobArgs {
	var out []river.JobArgs
	for _, d := range ds {
		if _, ok := d.(chatArgs); ok {
			out = append(out, d)
		}
	}
	return out
}

// chatEvents are the events the team's chat hears of; replies and assignments are personal.
var chatEvents = map[string]bool{store.EventTicketCreated: true, store.EventSLAWarning: true, store.EventSLABreached: true}

// facts are what the messages of one event say, read when the event is worked.
type facts struct {
	ticket     *store.Ticket
	client     string
	actor      string // who did it, when someone did
	quote      string // the reply, or the new ticket's description
	alert      *store.Alert
	due        *time.Time // the first response's deadline, for SLA events
	breached   bool       // the ticket has breached its SLA (a warning is no news then)
	recipients []store.User
}

// news reports whether the event is still worth telling: an alert of an answered ticket is
// not, nor one a person already acknowledged, nor a warning once the breach is known.
func (f facts) news() bool {
	if f.alert == nil {
		return true
	}
	return f.alert.ResolvedAt == nil && f.alert.AcknowledgedAt == nil && f.due != nil && (f.alert.Type != store.EventSLAWarning || !f.breached)
}

func (w *Worker) facts(ctx context.Context, ev store.EventArgs) (facts, error) {
	var f facts
	var err error
	if f.ticket, err = w.st.Ticket(ctx, ev.TicketID); err != nil {
		return f, err
	}
	c, err := w.st.Client(ctx, f.ticket.ClientID)
	if err != nil {
		return f, err
	}
	f.client = c.Name
	if ev.ActorID != 0 {
		if a, err := w.st.User(ctx, ev.ActorID); err == nil {
			f.actor = a.Name
		}
	}
	staffBut := func(skip int64) error {
		staff, err := w.st.Staff(ctx)
		for _, u := range staff {
			if u.ID != skip {
				f.recipients = append(f.recipients, u)
			}
		}
		return err
	}
	user := func(id int64) error {
		u, err := w.st.User(ctx, id)
		if err == nil {
			f.recipients = append(f.recipients, *u)
		}
		return err
	}
	switch ev.Event {
	case store.EventTicketCreated:
		f.quote = f.ticket.Description
		err = staffBut(ev.ActorID)
	case store.EventTicketAssigned:
		err = user(ev.UserID)
	case store.EventPublicReply:
		cm, cerr := w.st.Comment(ctx, ev.CommentID)
		if cerr != nil {
			return f, cerr
		}
		f.quote = cm.Body
		if f.ticket.CreatedBy != ev.ActorID {
			err = user(f.ticket.CreatedBy)
		}
	case store.EventSLAWarning, store.EventSLABreached:
		if f.alert, err = w.st.Alert(ctx, ev.AlertID); err != nil {
			return f, err
		}
		if f.breached, err = w.st.HasAlert(ctx, ev.TicketID, store.EventSLABreached); err != nil {
			return f, err
		}
		if f.due, err = w.st.SLADue(ctx, ev.TicketID); err != nil {
			return f, err
		}
		if a := f.ticket.AssigneeID; a != nil {
			err = user(*a)
		} else {
			err = staffBut(0)
		}
	default:
		return f, fmt.Errorf("unknown event %q", ev.Event)
	}
	return f, err
}

// note is one message before it takes the form of a mail or a chat line.
type note struct {
	Subject string
	Lines   []string
	Quote   string
	Link    string
	Open    string // the link's words
	Footer  string
	lang    string
}

func (w *Worker) compose(lang string, ev store.EventArgs, f facts) note {
	if !i18n.Supported(lang) {
		lang = "es"
	}
	t := f.ticket
	n := note{lang: lang, Quote: f.quote, Link: fmt.Sprintf("%s/tickets/%d", w.cfg.PortalURL, t.ID),
		Open: i18n.T(lang, "mail.open"), Footer: i18n.T(lang, "mail.footer")}
	key := "mail." + ev.Event
	n.Subject = i18n.T(lang, key+".subject", t.ID, oneLine(t.Title))
	switch ev.Event {
	case store.EventTicketCreated:
		n.Lines = []string{i18n.T(lang, key+".body", orSomeone(lang, f.actor), f.client, t.ID, i18n.T(lang, "priority."+t.Priority))}
	case store.EventTicketAssigned:
		n.Lines = []string{i18n.T(lang, key+".body", orSomeone(lang, f.actor), t.ID, f.client)}
	case store.EventPublicReply:
		n.Lines = []string{i18n.T(lang, key+".body", orSomeone(lang, f.actor), t.ID)}
	case store.EventSLAWarning, store.EventSLABreached:
		n.Lines = []string{i18n.T(lang, key+".body", t.ID, f.client, i18n.Date(lang, *f.due))}
	}
	return n
}

func orSomeone(lang, name string) string {
	if name == "" {
		return i18n.T(lang, "mail.someone")
	}
	return name
}

var mailHTML = template.Must(template.New("mail").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1f2328;max-width:40em">
<p>{{.Greeting}}</p>
{{range .Lines}}<p>{{.}}</p>
{{end}}{{if .Quote}}<blockquote style="border-left:3px solid #d0d7de;margin:0;padding:0 1em;color:#57606a;white-space:pre-wrap">{{.Quote}}</blockquote>
{{end}}{{if .Link}}<p><a href="{{.Link}}">{{.Open}}</a></p>
{{end}}<p style="color:#57606a;font-size:small">{{.Footer}}</p>
</body></html>
`))

// render gives the mail's text and HTML, greeting name.
func (n note) render(name string) (string, string) {
	greeting := i18n.T(n.lang, "mail.greeting", oneLine(name))
	var text strings.Builder
	text.WriteString(greeting + "\n\n")
	for _, l := range n.Lines {
		text.WriteString(l + "\n\n")
	}
	if n.Quote != "" {
		for _, l := range strings.Split(strings.TrimSpace(n.Quote), "\n") {
			text.WriteString("> " + l + "\n")
		}
		text.WriteString("\n")
	}
	if n.Link != "" {
		text.WriteString(n.Open + ": " + n.Link + "\n\n")
	}
	text.WriteString("-- \n" + n.Footer + "\n")
	var html strings.Builder
	if err := mailHTML.Execute(&html, map[string]any{"Lang": n.lang, "Subject": n.Subject, "Greeting": greeting, "Lines": n.Lines,
		"Quote": n.Quote, "Link": template.URL(n.Link), "Open": n.Open, "Footer": n.Footer}); err != nil {
		return text.String(), "" // a template of ours that fails: the text still goes
	}
	return text.String(), html.String()
}

// chat gives the note as one Slack message: the subject as a link, then the lines.
func (n note) chat() string {
	esc := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	s := "<" + n.Link + "|" + esc.Replace(n.Subject) + ">"
	for _, l := range n.Lines {
		s += "\n" + esc.Replace(l)
	}
	return s
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
