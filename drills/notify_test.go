//go:build drills

package drills

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"helpdesk/auth"
	"helpdesk/internal/pgtest"
	"helpdesk/internal/procs"
	"helpdesk/internal/sink"
	"helpdesk/store"
)

// TestEveryNotificationDelivered streams changes that people hear about (new tickets,
// assignments, public replies, tickets past their SLA) and changes that roll back, through two
// worker processes, while one worker is SIGKILLed ten times, the mail server (a sink process)
// is away, and Postgres is restarted. At the end every committed change's notifications have
// reached the sink at least once on each channel, none for a rolled-back change; duplicates
// are counted and reported.
func TestEveryNotificationDelivered(t *testing.T) {
	p := planFor()
	ctx := context.Background()
	dbURL := pg.NewDatabase(t)
	durableCommits(t, dbURL)
	st := pgtest.Open(t, dbURL)
	snk, err := sink.Spawn(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(snk.Kill)

	client, err := st.CreateClient(ctx, "Drill Co", 60, nil)
	if err != nil {
		t.Fatal(err)
	}
	mk := func(email string, role string, clientID *int64) *store.User {
		u, err := st.CreateUser(ctx, store.NewUser{Email: email, Name: strings.Split(email, "@")[0], Role: auth.Role(role), ClientID: clientID, PasswordHash: "x"})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	alice := mk("alice@drill.example", "client", &client.ID)
	ana, bruno := mk("ana@drill.example", "agent", nil), mk("bruno@drill.example", "agent", nil)

	env := procs.Environ("DATABASE_URL="+dbURL, "SMTP_ADDR="+snk.SMTPAddr, "CHAT_WEBHOOK_URL="+snk.HookURL("/team"),
		"WORKER_ADDR=127.0.0.1:0", "LOG_LEVEL=warn", "REPORT_TZ="+procs.QuietReportTZ(time.Now())) // no daily report among the mails counted
	workers := []*process{newProcess(t, "worker-1", workerBin, env), newProcess(t, "worker-2", workerBin, env)}
	for _, w := range workers {
		w.start()
	}

	// The writer: each step one change in its own transaction; every tenth rolls back.
	wctx, stopWriter := context.WithCancel(ctx)
	var wg sync.WaitGroup
	var mu sync.Mutex
	committed, rolledBack, failed := 0, 0, 0
	wg.Go(func() {
		rng := rand.New(rand.NewPCG(7, 7))
		for i := 0; wctx.Err() == nil; i++ {
			err := st.Transact(wctx, func(tx *store.Store) error {
				switch {
				case i%10 == 9:
					if _, err := tx.CreateTicket(wctx, store.NewTicket{ClientID: client.ID, CreatedBy: alice.ID, Title: fmt.Sprintf("rollback-%d", i)}); err != nil {
						return err
					}
					return errRollback
				case i%7 == 3:
					// To be made late below, once committed: the SLA check will find it.
					_, err := tx.CreateTicket(wctx, store.NewTicket{ClientID: client.ID, CreatedBy: alice.ID, Title: fmt.Sprintf("to-be-late-%d", i)})
					return err
				default:
					tk, err := tx.CreateTicket(wctx, store.NewTicket{ClientID: client.ID, CreatedBy: alice.ID, Title: fmt.Sprintf("drill-%d", i)})
					if err != nil {
						return err
					}
					if rng.IntN(2) == 0 {
						if _, err := tx.UpdateTicket(wctx, tk.ID, store.TicketPatch{AssigneeID: &bruno.ID, Actor: ana.ID}); err != nil {
							return err
						}
					}
					if rng.IntN(2) == 0 {
						_, err = tx.AddComment(wctx, tk.ID, ana.ID, fmt.Sprintf("Answer %d", i), false)
					}
					return err
				}
			})
			if err == nil && i%7 == 3 {
				// Past its deadline; renamed only if this works, so "late-" means late.
				_, _ = st.Pool().Exec(wctx, `UPDATE tickets SET created_at = now() - interval '3 hours', title = 'late-' || id
					WHERE title = $1`, fmt.Sprintf("to-be-late-%d", i))
			}
			mu.Lock()
			switch {
			case errors.Is(err, errRollback):
				rolledBack++
			case err != nil:
				failed++ // Postgres away: the change did not happen, or did; the database says
			default:
				committed++
			}
			mu.Unlock()
			time.Sleep(60 * time.Millisecond)
		}
	})

	time.Sleep(p.calm)
	// The mail server away while a worker dies ten times.
	snk.Kill()
	t.Logf("mail server down for %s", p.smtpDown)
	smtpBack := time.Now().Add(p.smtpDown)
	rng := rand.New(rand.NewPCG(3, 3))
	for range 10 {
		time.Sleep(time.Duration(100+rng.IntN(700)) * time.Millisecond)
		workers[0].kill()
		workers[0].start()
		if !smtpBack.IsZero() && time.Now().After(smtpBack) {
			if err := snk.Start(); err != nil {
				t.Fatal(err)
			}
			smtpBack = time.Time{}
		}
	}
	if !smtpBack.IsZero() {
		time.Sleep(time.Until(smtpBack))
		if err := snk.Start(); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(p.calm)
	services(t, "kill", "postgres")
	time.Sleep(p.pgDown)
	services(t, "start", "postgres")
	time.Sleep(p.calm)
	stopWriter()
	wg.Wait()
	t.Logf("writer: %d committed, %d rolled back, %d failed during the outage", committed, rolledBack, failed)

	// Every late ticket gets its breach from the SLA check (once a minute).
	eventually(t, 3*time.Minute, "the SLA check found every late ticket", func() bool {
		var missing int
		err := st.Pool().QueryRow(ctx, `SELECT count(*) FROM tickets t WHERE t.title LIKE 'late-%'
			AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.ticket_id = t.id AND a.type = 'sla_breached')`).Scan(&missing)
		return err == nil && missing == 0
	})

	// What Postgres says must have been told.
	want := map[string]bool{} // "channel to subject-marker"
	rows, err := st.Pool().Query(ctx, `SELECT id, title, assignee_id IS NOT NULL,
			EXISTS (SELECT 1 FROM comments c WHERE c.ticket_id = t.id AND NOT c.internal AND c.author_id = $1)
		FROM tickets t`, ana.ID)
	if err != nil {
		t.Fatal(err)
	}
	var tickets int
	for rows.Next() {
		var id int64
		var title string
		var assigned, replied bool
		if err := rows.Scan(&id, &title, &assigned, &replied); err != nil {
			t.Fatal(err)
		}
		tickets++
		for _, to := range []string{ana.Email, bruno.Email} {
			want[fmt.Sprintf("mail %s [#%d] Nuevo", to, id)] = true
		}
		want[fmt.Sprintf("chat /team /tickets/%d|[#%d] Nuevo", id, id)] = true
		if assigned {
			want[fmt.Sprintf("mail %s [#%d] Te han asignado", bruno.Email, id)] = true
		}
		if replied {
			want[fmt.Sprintf("mail %s [#%d] Respuesta", alice.Email, id)] = true
		}
		if strings.HasPrefix(title, "late-") {
			for _, to := range []string{ana.Email, bruno.Email} {
				want[fmt.Sprintf("mail %s [SLA] Incumplido: #%d ", to, id)] = true
			}
			want[fmt.Sprintf("chat /team /tickets/%d|[SLA] Incumplido: #%d ", id, id)] = true
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	key := func(d sink.Delivery) string {
		if d.Channel == "mail" {
			return "mail " + d.To + " " + d.Subject
		}
		return "chat " + d.To + " " + d.Body
	}
	var got []sink.Delivery
	eventually(t, 4*time.Minute, "every notification delivered", func() bool {
		if got, err = snk.Deliveries(); err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, d := range got {
			k := key(d)
			for w := range want {
				if matches(k, w) {
					seen[w] = true
				}
			}
		}
		return len(seen) == len(want)
	})
	ids := map[string]int{}
	for _, d := range got {
		if strings.Contains(d.Subject+d.Body, "rollback-") {
			t.Errorf("a rolled-back change was announced: %s %s", d.Channel, d.Subject)
		}
		ids[d.Channel+" "+d.MessageID]++
	}
	dups := 0
	for id, n := range ids {
		if n > 1 {
			dups += n - 1
			t.Logf("delivered %d times: %s", n, id)
		}
	}
	share := float64(dups) / float64(len(got))
	t.Logf("%d tickets, %d notifications expected, %d deliveries, %d duplicates (%.2f%%); worker-1 killed %d times",
		tickets, len(want), len(got), dups, 100*share, workers[0].kills)
	if share >= 0.01 {
		t.Errorf("duplicates are %.2f%% of deliveries, goal under 1%%", 100*share)
	}
	if len(want) < 100 {
		t.Errorf("only %d notifications expected: the drill did too little to prove anything", len(want))
	}
}

var errRollback = errors.New("the drill rolls this change back")

// matches reports whether a delivery's key is the expectation's: the same channel and
// recipient, and the expectation's words in its subject (mail) or body (chat).
func matches(key, want string) bool {
	parts := strings.SplitN(want, " ", 3)
	return strings.HasPrefix(key, parts[0]+" "+parts[1]+" ") && strings.Contains(key, parts[2])
}
