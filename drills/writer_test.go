//go:build drills

package drills

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"

	"helpdesk/search"
	"helpdesk/search/elasticsearch"
	"helpdesk/store"
)

// writer makes random changes of every kind until stopped; it returns how many it made.
type writer struct {
	st      *store.Store
	rng     *rand.Rand
	clients []int64
	staff   []int64
	users   map[int64][]int64 // client -> its users
	tickets []int64
	kb      []int64
	n       atomic.Int64
	errs    atomic.Int64
}

func newWriter(t *testing.T, st *store.Store, seedN uint64) *writer {
	t.Helper()
	ctx := context.Background()
	w := &writer{st: st, rng: rand.New(rand.NewPCG(seedN, 7)), users: map[int64][]int64{}}
	for i := range 3 {
		c, err := st.CreateClient(ctx, fmt.Sprintf("Drill Client %d", i), 60, nil)
		if err != nil {
			t.Fatal(err)
		}
		w.clients = append(w.clients, c.ID)
		u, err := st.CreateUser(ctx, store.NewUser{Email: fmt.Sprintf("c%d@drill.example", i), Role: "client", ClientID: &c.ID, PasswordHash: "x"})
		if err != nil {
			t.Fatal(err)
		}
		w.users[c.ID] = []int64{u.ID}
	}
	a, err := st.CreateUser(ctx, store.NewUser{Email: "agent@drill.example", Role: "agent", PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	w.staff = []int64{a.ID}
	return w
}

var words = []string{"impresora", "vpn", "correo", "outlook", "wifi", "backup", "licencia", "portátil", "contraseña", "red"}

func (w *writer) text(n int) string {
	s := ""
	for i := 0; i < n; i++ {
		if i > 0 {
			s += " "
		}
		s += words[w.rng.IntN(len(words))]
	}
	return s
}

func (w *writer) step(ctx context.Context) {
	var err error
	switch op := w.rng.IntN(100); {
	case op < 30 || len(w.tickets) < 5:
		c := w.clients[w.rng.IntN(len(w.clients))]
		var t *store.Ticket
		t, err = w.st.CreateTicket(ctx, store.NewTicket{ClientID: c, CreatedBy: w.users[c][0], Title: w.text(3), Description: w.text(12)})
		if err == nil {
			w.tickets = append(w.tickets, t.ID)
		}
	case op < 50:
		title := w.text(4)
		_, err = w.st.UpdateTicket(ctx, w.tickets[w.rng.IntN(len(w.tickets))], store.TicketPatch{Title: &title})
	case op < 70:
		_, err = w.st.AddComment(ctx, w.tickets[w.rng.IntN(len(w.tickets))], w.staff[0], w.text(8), w.rng.IntN(3) == 0)
	case op < 78:
		i := w.rng.IntN(len(w.tickets))
		err = w.st.DeleteTicket(ctx, w.tickets[i])
		w.tickets = append(w.tickets[:i], w.tickets[i+1:]...)
	case op < 82:
		c := w.clients[w.rng.IntN(len(w.clients))]
		_, err = w.st.RenameClient(ctx, c, fmt.Sprintf("Drill Client %d-%d", c, w.rng.IntN(1_000_000)))
	case op < 92 || len(w.kb) < 3:
		var a *store.Article
		a, err = w.st.CreateArticle(ctx, store.NewArticle{Title: w.text(3) + fmt.Sprint(" ", w.rng.IntN(1e9)), Body: "## " + w.text(20), Status: "published"})
		if err == nil {
			w.kb = append(w.kb, a.ID)
		}
	case op < 97:
		body := "# " + w.text(30)
		_, err = w.st.UpdateArticle(ctx, w.kb[w.rng.IntN(len(w.kb))], store.ArticlePatch{Body: &body})
	default:
		i := w.rng.IntN(len(w.kb))
		err = w.st.DeleteArticle(ctx, w.kb[i])
		w.kb = append(w.kb[:i], w.kb[i+1:]...)
	}
	if err != nil {
		w.errs.Add(1)
		return
	}
	w.n.Add(1)
}

// run writes until ctx ends, at most one change every interval. A change under way when ctx
// ends is finished, not cancelled: a cancelled commit can still land on the server after the
// caller gave up, after the checks that the index holds every change.
func (w *writer) run(ctx context.Context, interval time.Duration) {
	for ctx.Err() == nil {
		stepCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		w.step(stepCtx)
		cancel()
		time.Sleep(interval)
	}
}

// waitDrained waits until the outbox is empty, and returns how long that took.
func waitDrained(t *testing.T, st *store.Store, within time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	deadline := start.Add(within)
	for {
		ob, err := st.OutboxStats(context.Background())
		if err == nil && ob.Pending == 0 {
			return time.Since(start)
		}
		if time.Now().After(deadline) {
			t.Fatalf("outbox not drained after %s: %+v, %v", within, ob, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// assertIndexEqualsDatabase compares every document's id and version.
func assertIndexEqualsDatabase(t *testing.T, st *store.Store, es *elasticsearch.Backend) {
	t.Helper()
	ctx := context.Background()
	if err := es.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{search.TypeTicket, search.TypeKB} {
		want, err := st.DocVersions(ctx, kind)
		if err != nil {
			t.Fatal(err)
		}
		got, err := es.Versions(ctx, kind)
		if err != nil {
			t.Fatal(err)
		}
		missing, stale, ghosts := 0, 0, 0
		for id, v := range want {
			switch gv, ok := got[id]; {
			case !ok:
				missing++
			case gv != v:
				stale++
			}
		}
		for id := range got {
			if _, ok := want[id]; !ok {
				ghosts++
			}
		}
		if missing+stale+ghosts > 0 {
			t.Errorf("%s: %d rows in postgres, %d docs in the index: %d missing, %d with another version, %d deleted rows still indexed",
				kind, len(want), len(got), missing, stale, ghosts)
		} else {
			t.Logf("%s: all %d documents match postgres (id and version)", kind, len(want))
		}
	}
}
