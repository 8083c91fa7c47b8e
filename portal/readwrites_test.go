package portal_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"helpdesk/config"
	"helpdesk/internal/pgtest"
	"helpdesk/store"
)

// TestReadYourWritesWithAReplica: with a streaming replica that has stopped replaying, a
// person's pages still show what they have just written (the reads after a write go where the
// write is), and pages keep working for everyone.
func TestReadYourWritesWithAReplica(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	primary, replica, _ := withReplica(t, e, 3*time.Second)

	alice := e.browser()
	alice.login("alice")
	ticket := fmt.Sprintf("/tickets/%d", e.ids["aliceTicket"])
	if r := alice.do("GET", ticket, nil); r.status != 200 {
		t.Fatalf("ticket page: %d", r.status)
	}
	pgtest.PauseReplay(t, primary, replica)
	token := alice.csrf(ticket)
	for i, body := range []string{"Sigue sin imprimir", "Ya imprime, gracias"} {
		if r := alice.do("POST", ticket+"/comments", url.Values{"_csrf": {token}, "body": {body}}); r.status != http.StatusSeeOther {
			t.Fatalf("reply %d: %d", i, r.status)
		}
		if r := alice.do("GET", ticket, nil); r.status != 200 || !strings.Contains(r.body, body) {
			t.Fatalf("right after reply %d (replica paused), her page lacks it: %d", i, r.status)
		}
	}
	// Someone who wrote nothing may see the replica's copy, as long as it lags less than the
	// allowed 2 s; pages answer all the same.
	agent := e.browser()
	agent.login("agent")
	for _, path := range []string{ticket, "/kb", "/dashboard", "/search?q=impresora"} {
		if r := agent.do("GET", path, nil); r.status != 200 {
			t.Errorf("%s for the agent, replica paused: %d", path, r.status)
		}
	}
	if n := metricValue(t, e.app, "store_replica_primary_reads_total"); n == 0 {
		t.Error("no read went to the primary while the replica stood still (by /metrics)")
	}
}

// TestPublicPagesNeverKeepAStaleReplicaCopy: after a KB edit, the anonymous page the portal
// renders and keeps shows the edit even while the replica still holds the old article.
func TestPublicPagesNeverKeepAStaleReplicaCopy(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	e.synonymsRefresh = 100 * time.Millisecond
	primary, replica, _ := withReplica(t, e, 5*time.Second)
	const slug = "/kb/configuracion-de-la-vpn"
	if _, body := e.get(slug); !strings.Contains(string(body), "Instale FortiClient") {
		t.Fatal("first view")
	}
	pgtest.PauseReplay(t, primary, replica)
	a, err := e.st.ArticleBySlug(ctx, strings.TrimPrefix(slug, "/kb/"))
	if err != nil {
		t.Fatal(err)
	}
	edited := "Instale FortiClient 7.4."
	if _, err := e.st.UpdateArticle(ctx, a.ID, store.ArticlePatch{Body: &edited}); err != nil { // another portal's edit
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // this portal's poll sees the new state
	for range 3 {
		if _, body := e.get(slug); !strings.Contains(string(body), "FortiClient 7.4") {
			t.Fatal("the page shows the replica's old article after the edit")
		}
	}
}

// withReplica gives the env's portal a store that reads from the streaming replica (allowed
// lag maxLag), once the replica is fresh, and returns the primary's and the replica's URLs.
func withReplica(t *testing.T, e *env, maxLag time.Duration) (primary, replica string, st *store.Store) {
	t.Helper()
	primary = e.st.Pool().Config().ConnString()
	replica = pgtest.ReplicaURL(t, primary)
	st, err := store.Open(context.Background(), primary, store.WithReplicas([]string{replica}, maxLag, nil))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	e.st = st
	e.app = e.newApp(config.RateLimit{})
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
		if list, _ := st.Replicas(); list[0].Fresh {
			return primary, replica, st
		}
		if time.Now().After(deadline) {
			t.Fatal("the replica is not fresh after a minute")
		}
	}
}
