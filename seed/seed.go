// Package seed generates deterministic demo data for an IT consulting help desk: client
// companies with their SLAs, staff and client users, a bilingual knowledge base and two years
// of tickets with comments. The same seed and anchor time always give the same data.
package seed

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"helpdesk/auth"
	"helpdesk/seed/corpus"
	"helpdesk/store"
	"helpdesk/ticket"
)

// DemoPassword is the password of every demo user.
const DemoPassword = "demo1234"

// Options control the size and shape of the demo data.
type Options struct {
	Clients  int    // client companies
	Tickets  int    // tickets, spread over the two years before Until
	Articles int    // KB articles; 0 means the hand-written corpus once
	Seed     uint64 // the same seed gives the same data
	// Until anchors every generated time: the newest ticket is opened just before it.
	Until time.Time
	// PasswordHash is stored for every user; hashing once keeps large seeds fast.
	PasswordHash string
	// Progress, when set, is called now and then while tickets and comments load.
	Progress func(Progress)
}

// Progress reports how far a long load has got.
type Progress struct {
	// Stage is "tickets" or "comments" while rows stream in, then "indexes" once, when the
	// rows are in and the load builds indexes and queues the documents for the indexer.
	Stage      string
	Done, Goal int64 // Goal is an estimate for comments
	Elapsed    time.Duration
}

// Login is a demo account to print for people trying the portal.
type Login struct {
	Role                    auth.Role
	Email, Password, Client string
}

// Result says what was loaded.
type Result struct {
	Clients, Users, Articles, Tickets, Comments int64
	Logins                                      []Login
}

// Run loads the demo data in one transaction through the store's bulk loader.
func Run(ctx context.Context, st *store.Store, o Options) (Result, error) {
	if o.Clients < 1 || o.Tickets < 0 || o.Articles < 0 {
		return Result{}, fmt.Errorf("seed: need at least one client and no negative counts")
	}
	if o.Until.IsZero() {
		return Result{}, fmt.Errorf("seed: an anchor time (Until) is required for determinism")
	}
	if o.Articles == 0 {
		o.Articles = len(corpus.KBArticles)
	}
	var res Result
	err := st.BulkLoad(ctx, func(ctx context.Context, b *store.BulkLoader) error {
		g := newGenerator(o, b.Base())
		var err error
		steps := []func() error{
			func() error { res.Clients, err = b.CopyClients(ctx, g.nextClient); return err },
			func() error { res.Users, err = b.CopyUsers(ctx, g.nextUser); return err },
			func() error { _, err = b.CopyCategories(ctx, g.nextCategory); return err },
			func() error { res.Articles, err = b.CopyArticles(ctx, g.nextArticle); return err },
			func() error {
				g.startTickets("tickets", int64(o.Tickets))
				res.Tickets, err = b.CopyTickets(ctx, g.nextTicket)
				return err
			},
			func() error {
				g.startTickets("comments", int64(float64(o.Tickets)*avgComments))
				res.Comments, err = b.CopyComments(ctx, g.nextComment)
				return err
			},
		}
		for _, step := range steps {
			if err := step(); err != nil {
				return fmt.Errorf("seed: %w", err)
			}
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("seed: %w", err)
			}
		}
		res.Logins = g.logins
		if o.Progress != nil {
			o.Progress(Progress{Stage: "indexes", Done: res.Tickets + res.Articles, Goal: res.Tickets + res.Articles})
		}
		return nil
	})
	if err != nil {
		return Result{}, err
	}
	return res, nil
}

// avgComments is roughly how many comments a generated ticket gets, for progress estimates.
const avgComments = 3.5

type client struct {
	id      int64
	name    string
	locale  string
	sla     time.Duration
	users   []int64
	created time.Time
}

// generator produces rows in a fixed order from seeded random sources. Tickets and their
// comments come from a source seeded by the ticket's index, so the comment pass can rebuild a
// ticket exactly without keeping a million of them in memory.
type generator struct {
	o    Options
	base store.BulkBase
	rng  *rand.Rand

	clients     []client
	clientCDF   []float64
	agents      []int64
	admins      []int64
	nextUserID  int64
	userQueue   []store.UserRow
	categoryIDs []int64
	logins      []Login

	i, ci   int // position in the current stream
	article int

	// ticket stream state
	stage        string
	goal         int64
	started      time.Time
	lastReport   time.Time
	commentID    int64
	pending      []store.CommentRow
	start        time.Time
	spanDuration time.Duration
}

func newGenerator(o Options, base store.BulkBase) *generator {
	g := &generator{o: o, base: base, rng: rand.New(rand.NewPCG(o.Seed, 0x5eed))}
	g.start = o.Until.AddDate(-2, 0, 0)
	g.spanDuration = o.Until.Sub(g.start)
	g.nextUserID = base.Users
	g.commentID = base.Comments
	g.planPeople()
	return g
}

var slaChoices = []int{30, 60, 120, 240, 480, 1440}

// planPeople decides clients and users up front: they are few, and tickets refer to them.
func (g *generator) planPeople() {
	first := g.base.Users == 0 // fixed demo logins only on a fresh database
	usedNames := map[string]int{}
	for i := 0; i < g.o.Clients; i++ {
		name := corpus.CompanyNames[i%len(corpus.CompanyNames)]
		if n := usedNames[name]; n > 0 || g.base.Clients > 0 {
			name = fmt.Sprintf("%s %d", name, g.base.Clients+int64(i)+1)
		}
		usedNames[name]++
		locale := "es"
		if isEnglishCompany(name) {
			locale = "en"
		}
		c := client{
			id:      g.base.Clients + int64(i) + 1,
			name:    name,
			locale:  locale,
			sla:     time.Duration(slaChoices[g.rng.IntN(len(slaChoices))]) * time.Minute,
			created: g.start.Add(-time.Duration(g.rng.IntN(365*24)) * time.Hour),
		}
		g.clients = append(g.clients, c)
	}
	// Some clients open far more tickets than others: Zipf-like weights.
	total := 0.0
	for i := range g.clients {
		total += 1 / math.Pow(float64(i+1), 0.8)
		g.clientCDF = append(g.clientCDF, total)
	}
	for i := range g.clientCDF {
		g.clientCDF[i] /= total
	}

	addUser := func(u store.UserRow) int64 {
		g.nextUserID++
		u.ID = g.nextUserID
		u.PasswordHash = g.o.PasswordHash
		g.userQueue = append(g.userQueue, u)
		return u.ID
	}
	person := func() string {
		return corpus.FirstNames[g.rng.IntN(len(corpus.FirstNames))] + " " + corpus.LastNames[g.rng.IntN(len(corpus.LastNames))]
	}
	staffDomain := "helpdesk.example"
	if first {
		g.admins = append(g.admins, addUser(store.UserRow{Email: "admin@" + staffDomain, Name: "Admin Demo", Role: store.RoleAdmin, Locale: "es", CreatedAt: g.start}))
		g.agents = append(g.agents, addUser(store.UserRow{Email: "agent@" + staffDomain, Name: "Agente Demo", Role: store.RoleAgent, Locale: "es", CreatedAt: g.start}))
		g.logins = append(g.logins,
			Login{Role: store.RoleAdmin, Email: "admin@" + staffDomain, Password: DemoPassword},
			Login{Role: store.RoleAgent, Email: "agent@" + staffDomain, Password: DemoPassword})
	}
	agents := min(max(4, g.o.Clients/3), 60)
	for range agents {
		name := person()
		id := g.nextUserID + 1
		g.agents = append(g.agents, addUser(store.UserRow{
			Email: fmt.Sprintf("%s.%d@%s", emailLocal(name), id, staffDomain), Name: name,
			Role: store.RoleAgent, Locale: "es", CreatedAt: g.start}))
	}
	for ci := range g.clients {
		c := &g.clients[ci]
		domain := domainFor(c.name)
		if first && ci < 3 {
			local := "cliente"
			if c.locale == "en" {
				local = "client"
			}
			email := local + "@" + domain
			c.users = append(c.users, addUser(store.UserRow{Email: email, Name: person(), Role: store.RoleClient,
				ClientID: &c.id, Locale: c.locale, CreatedAt: c.created}))
			g.logins = append(g.logins, Login{Role: store.RoleClient, Email: email, Password: DemoPassword, Client: c.name})
		}
		for n := 2 + g.rng.IntN(5); n > 0; n-- {
			name := person()
			id := g.nextUserID + 1
			c.users = append(c.users, addUser(store.UserRow{
				Email: fmt.Sprintf("%s.%d@%s", emailLocal(name), id, domain), Name: name,
				Role: store.RoleClient, ClientID: &c.id, Locale: c.locale, CreatedAt: c.created}))
		}
	}
}

func (g *generator) nextClient(r *store.ClientRow) bool {
	if g.ci >= len(g.clients) {
		return false
	}
	c := g.clients[g.ci]
	g.ci++
	*r = store.ClientRow{ID: c.id, Name: c.name, SLAResponseMinutes: int(c.sla / time.Minute), CreatedAt: c.created}
	// A few contracts ended or end soon; most run on.
	if end := c.created.AddDate(3, 0, 0); (c.id % 5) == 0 {
		r.ContractEnd = &end
	}
	return true
}

func (g *generator) nextUser(r *store.UserRow) bool {
	if len(g.userQueue) == 0 {
		return false
	}
	*r = g.userQueue[0]
	g.userQueue = g.userQueue[1:]
	return true
}

func (g *generator) nextCategory(r *store.CategoryRow) bool {
	if len(g.categoryIDs) >= len(corpus.KBCategories) {
		return false
	}
	i := len(g.categoryIDs)
	id := g.base.Categories + int64(i) + 1
	name := corpus.KBCategories[i]
	slug := store.Slugify(name)
	if g.base.Categories > 0 { // categories exist: keep names and slugs unique
		name = fmt.Sprintf("%s %d", name, id)
		slug = fmt.Sprintf("%s-%d", slug, id)
	}
	g.categoryIDs = append(g.categoryIDs, id)
	*r = store.CategoryRow{ID: id, Name: name, Slug: slug, CreatedAt: g.start}
	return true
}

var titleVariants = map[string][]string{
	"es": {" (Windows 11)", " (macOS)", ": guía rápida", " en equipos de oficina", " para teletrabajo", ": preguntas frecuentes"},
	"en": {" (Windows 11)", " (macOS)", ": quick guide", " on office laptops", " for remote workers", ": FAQ"},
}

func (g *generator) nextArticle(r *store.ArticleRow) bool {
	if g.article >= g.o.Articles {
		return false
	}
	i := g.article
	g.article++
	a := corpus.KBArticles[i%len(corpus.KBArticles)]
	round := i / len(corpus.KBArticles)
	id := g.base.Articles + int64(i) + 1
	title, slug := a.Title, a.Slug
	if round > 0 || g.base.Articles > 0 {
		// Beyond the hand-written corpus, variants of it: realistic text in realistic volume.
		v := titleVariants[a.Locale]
		title += v[(round+i)%len(v)]
		slug = fmt.Sprintf("%s-%d", a.Slug, id)
	}
	catID := g.categoryIDs[indexOf(corpus.KBCategories, a.Category)]
	created := g.timeAt(g.rng.Float64())
	updated := created.Add(time.Duration(g.rng.IntN(90*24)) * time.Hour)
	if updated.After(g.o.Until) {
		updated = g.o.Until
	}
	status := "published"
	if i%9 == 8 {
		status = "draft"
	}
	author := g.agents[g.rng.IntN(len(g.agents))]
	*r = store.ArticleRow{ID: id, Slug: slug, Title: title, Body: a.Body, CategoryID: &catID,
		Tags: a.Tags, Locale: a.Locale, Audience: a.Audience, Status: status, AuthorID: &author,
		CreatedAt: created, UpdatedAt: updated}
	if status == "published" {
		p := created
		r.PublishedAt = &p
	}
	return true
}

// timeAt maps a fraction of the two-year span to a time; more tickets in recent months.
func (g *generator) timeAt(f float64) time.Time {
	f = math.Sqrt(f) // growth: density rises linearly with time
	return g.start.Add(time.Duration(f * float64(g.spanDuration)))
}

func (g *generator) startTickets(stage string, goal int64) {
	g.stage, g.goal, g.i = stage, goal, 0
	g.started = time.Now()
	g.lastReport = g.started
	g.pending = g.pending[:0]
	g.report(0, false)
}

func (g *generator) report(done int64, final bool) {
	if g.o.Progress == nil {
		return
	}
	now := time.Now()
	if !final && done != 0 && now.Sub(g.lastReport) < time.Second {
		return
	}
	g.lastReport = now
	goal := g.goal
	if final || done > goal {
		goal = done
	}
	g.o.Progress(Progress{Stage: g.stage, Done: done, Goal: goal, Elapsed: now.Sub(g.started)})
}

func (g *generator) nextTicket(r *store.TicketRow) bool {
	if g.i >= g.o.Tickets {
		g.report(int64(g.i), true)
		return false
	}
	t, _ := g.ticket(g.i, false)
	*r = t
	g.i++
	if g.i%4096 == 0 {
		g.report(int64(g.i), false)
	}
	return true
}

func (g *generator) nextComment(r *store.CommentRow) bool {
	for len(g.pending) == 0 {
		if g.i >= g.o.Tickets {
			g.report(g.commentID-g.base.Comments, true)
			return false
		}
		_, g.pending = g.ticket(g.i, true)
		g.i++
		if g.i%4096 == 0 {
			g.report(g.commentID-g.base.Comments, false)
		}
	}
	*r = g.pending[0]
	g.pending = g.pending[1:]
	return true
}

var (
	priorityWeights = []float64{0.25, 0.45, 0.22, 0.08} // low, medium, high, urgent
	// Typical time to resolve by priority.
	resolveTypical = []time.Duration{72 * time.Hour, 30 * time.Hour, 10 * time.Hour, 4 * time.Hour}
)

// ticket builds ticket number i (0-based) and, when asked, its comments. Everything comes from
// a source seeded by (seed, i), so both passes see the same ticket.
func (g *generator) ticket(i int, withComments bool) (store.TicketRow, []store.CommentRow) {
	rng := rand.New(rand.NewPCG(g.o.Seed, uint64(i)+1))
	id := g.base.Tickets + int64(i) + 1
	// Tickets are numbered in time order, as in a real system; jitter keeps neighbours apart.
	frac := (float64(i) + rng.Float64()) / float64(max(g.o.Tickets, 1))
	created := g.timeAt(frac)
	c := &g.clients[pickCDF(g.clientCDF, rng.Float64())]
	if created.Before(c.created) {
		created = c.created.Add(time.Duration(rng.IntN(3600)) * time.Second)
	}
	prio := pickWeighted(priorityWeights, rng.Float64())
	topics := topicsFor(c.locale)
	topic := topics[rng.IntN(len(topics))]
	t := store.TicketRow{
		ID: id, ClientID: c.id, CreatedBy: c.users[rng.IntN(len(c.users))],
		Title:       fill(topic.Titles[rng.IntN(len(topic.Titles))], rng, c.locale),
		Description: fill(topic.Descriptions[rng.IntN(len(topic.Descriptions))], rng, c.locale),
		Priority:    ticket.Priorities[prio],
		Category:    topic.Category,
		Tags:        pickTags(topic.Tags, rng),
		CreatedAt:   created,
	}
	age := g.o.Until.Sub(created)

	// First response: usually well inside the SLA, sometimes late.
	resp := time.Duration(float64(c.sla) * (0.1 + 0.8*rng.Float64()))
	if rng.Float64() < 0.12 {
		resp = time.Duration(float64(c.sla) * (1.1 + 3*rng.Float64()))
	}
	var firstResponse *time.Time
	if created.Add(resp).Before(g.o.Until) {
		fr := created.Add(resp)
		firstResponse = &fr
	}
	// Resolution: lognormal around the priority's typical time.
	resolveIn := time.Duration(float64(resolveTypical[prio]) * math.Exp(rng.NormFloat64()*0.8))
	if resolveIn < resp {
		resolveIn = resp + time.Duration(rng.IntN(3600))*time.Second
	}
	resolved := created.Add(resolveIn)
	switch {
	case firstResponse == nil:
		t.Status = ticket.Open
	case resolved.Before(g.o.Until):
		t.Status = ticket.Resolved
		if age > 7*24*time.Hour || rng.Float64() < 0.5 {
			t.Status = ticket.Closed
		}
		t.ResolvedAt = &resolved
	default:
		t.Status = []string{ticket.Open, ticket.InProgress, ticket.InProgress, ticket.Waiting}[rng.IntN(4)]
	}
	t.FirstResponseAt = firstResponse
	if t.Status != ticket.Open || rng.Float64() < 0.6 {
		a := g.agents[rng.IntN(len(g.agents))]
		t.AssigneeID = &a
	}
	t.UpdatedAt = created
	for _, ts := range []*time.Time{firstResponse, t.ResolvedAt} {
		if ts != nil && ts.After(t.UpdatedAt) {
			t.UpdatedAt = *ts
		}
	}
	if !withComments {
		return t, nil
	}
	return t, g.comments(&t, c, rng)
}

// comments writes the conversation of a ticket: the first staff reply at the first response
// time, then back and forth, internal notes, and a closing message when resolved.
func (g *generator) comments(t *store.TicketRow, c *client, rng *rand.Rand) []store.CommentRow {
	var out []store.CommentRow
	add := func(author int64, body string, internal bool, at time.Time) {
		if at.Before(t.CreatedAt) {
			at = t.CreatedAt
		}
		g.commentID++
		out = append(out, store.CommentRow{ID: g.commentID, TicketID: t.ID, AuthorID: author, Body: body, Internal: internal, CreatedAt: at})
	}
	if t.FirstResponseAt == nil {
		if rng.Float64() < 0.3 {
			add(t.CreatedBy, pick(corpus.ClientReplies[c.locale], rng), false, t.CreatedAt.Add(time.Duration(rng.IntN(1800))*time.Second))
		}
		return out
	}
	agent := g.agents[rng.IntN(len(g.agents))]
	if t.AssigneeID != nil {
		agent = *t.AssigneeID
	}
	end := t.UpdatedAt
	add(agent, pick(corpus.AgentReplies[c.locale], rng), false, *t.FirstResponseAt)
	extra := rng.IntN(4)
	for k := 0; k < extra; k++ {
		at := t.FirstResponseAt.Add(time.Duration(float64(end.Sub(*t.FirstResponseAt)) * float64(k+1) / float64(extra+2)))
		switch rng.IntN(3) {
		case 0:
			add(agent, pick(corpus.InternalNotes[c.locale], rng), true, at)
		case 1:
			add(c.users[rng.IntN(len(c.users))], pick(corpus.ClientReplies[c.locale], rng), false, at)
		default:
			add(agent, pick(corpus.AgentReplies[c.locale], rng), false, at)
		}
	}
	if t.ResolvedAt != nil {
		add(agent, pick(corpus.AgentReplies[c.locale], rng), false, *t.ResolvedAt)
	}
	return out
}

func topicsFor(locale string) []corpus.TicketTopic {
	var out []corpus.TicketTopic
	for _, t := range corpus.TicketTopics {
		if t.Locale == locale {
			out = append(out, t)
		}
	}
	return out
}

// fill replaces the placeholders of a ticket text with plausible values.
func fill(s string, rng *rand.Rand, locale string) string {
	if !strings.Contains(s, "{") {
		return s
	}
	user := corpus.FirstNames[rng.IntN(len(corpus.FirstNames))]
	return strings.NewReplacer(
		"{device}", pick(corpus.Devices, rng),
		"{app}", pick(corpus.Apps, rng),
		"{office}", pick(corpus.Offices, rng),
		"{user}", user,
		"{error}", pick(corpus.ErrorCodes, rng),
	).Replace(s)
}

func pickTags(tags []string, rng *rand.Rand) []string {
	n := rng.IntN(min(3, len(tags)) + 1)
	out := make([]string, 0, n)
	for _, k := range rng.Perm(len(tags))[:n] {
		out = append(out, tags[k])
	}
	return out
}

func pick(xs []string, rng *rand.Rand) string { return xs[rng.IntN(len(xs))] }

func pickWeighted(w []float64, f float64) int {
	for i, x := range w {
		if f < x {
			return i
		}
		f -= x
	}
	return len(w) - 1
}

func pickCDF(cdf []float64, f float64) int {
	lo, hi := 0, len(cdf)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if cdf[mid] < f {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

func indexOf(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return 0
}

func emailLocal(name string) string { return strings.ReplaceAll(store.Slugify(name), "-", ".") }

func domainFor(company string) string {
	s := store.Slugify(company)
	for _, suffix := range []string{"-s-l", "-s-a", "-ltd", "-sl", "-sa", "-plc", "-llp"} {
		s = strings.TrimSuffix(s, suffix)
	}
	if len(s) > 40 {
		s = strings.TrimRight(s[:40], "-")
	}
	return s + ".example"
}

// isEnglishCompany guesses the working language of a company from its legal form.
func isEnglishCompany(name string) bool {
	for _, w := range []string{" Ltd", " LLP", " PLC", " Inc", " Group", " Limited", " Partners"} {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}

// Anchor returns the default anchor time: the start of today in UTC, so seeds made on the
// same day are identical.
func Anchor(now time.Time) time.Time {
	y, m, d := now.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
