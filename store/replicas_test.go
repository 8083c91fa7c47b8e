package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"helpdesk/internal/pgtest"
	"helpdesk/search"
	"helpdesk/store"
)

func TestParseLSN(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		want store.LSN
		ok   bool
	}{{"0/0", 0, true}, {"16/B374D848", 0x16_B374D848, true}, {"5/6691A740", 0x5_6691A740, true},
		{"", 0, false}, {"16B374D848", 0, false}, {"x/1", 0, false}, {"1/100000000", 0, false}} {
		got, err := store.ParseLSN(c.in)
		if (err == nil) != c.ok || got != c.want || (c.ok && got.String() != strings.ToUpper(c.in)) {
			t.Errorf("ParseLSN(%q) = %v (%s), %v", c.in, got, got, err)
		}
	}
}

// TestReplicaReads, against a real streaming replica: reads that allow it go to the replica,
// always see the reader's own last write, go to the primary while the replica lags too much,
// and come back to it when it catches up.
func TestReplicaReads(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := pg.NewDatabase(t)
	replicaURL := pgtest.ReplicaURL(t, url)
	const maxLag = pgtest.ReplicaMaxLag
	st := pgtest.Open(t, url, store.WithReplicas([]string{replicaURL}, maxLag, nil))
	w := newWorld(t, st)
	staff := search.Viewer{Role: store.RoleAgent, UserID: w.agent.ID}
	reads := func() (replica, primary int64) {
		list, p := st.Replicas()
		if len(list) != 1 {
			t.Fatalf("replicas: %+v", list)
		}
		return list[0].Reads, p
	}
	// write makes a ticket and returns its id and the position a reader of it must reach.
	write := func(title string) (int64, store.LSN) {
		t.Helper()
		return pgtest.WriteTicket(t, st, store.NewTicket{ClientID: w.acme.ID, CreatedBy: w.alice.ID, Title: title})
	}
	sees := func(after store.LSN, id int64) bool {
		t.Helper()
		list, _, err := st.Tickets(store.ReplicaReads(ctx, after), staff, store.TicketFilter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		return slices.ContainsFunc(list, func(tk store.Ticket) bool { return tk.ID == id })
	}

	// Read-your-writes: every read right after a write sees it, wherever it goes.
	var last store.LSN
	for i := range 30 {
		id, lsn := write("ticket " + strings.Repeat("x", i))
		if !sees(lsn, id) {
			t.Fatalf("write %d (at %s): not seen by its writer's next read; replica %+v", i, lsn, pgtest.FirstReplica(st.Replicas()))
		}
		last = lsn
	}
	// Soon the replica has it all and answers (asked for the position of the writes: within
	// the allowed lag a replica may not hold them yet).
	replica0, _ := reads()
	deadline := time.Now().Add(time.Minute)
	for {
		if _, err := st.Ticket(store.ReplicaReads(ctx, last), w.ticket.ID); err != nil {
			t.Fatal(err)
		}
		if r, _ := reads(); r > replica0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no read reached the replica in a minute: %+v", pgtest.FirstReplica(st.Replicas()))
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Without ReplicaReads, reads stay on the primary.
	r0, p0 := reads()
	if _, err := st.Ticket(ctx, w.ticket.ID); err != nil {
		t.Fatal(err)
	}
	if r1, p1 := reads(); r1 != r0 || p1 != p0 {
		t.Errorf("a read without ReplicaReads was routed: replica %d→%d, primary %d→%d", r0, r1, p0, p1)
	}

	// The replica stops replaying: past maxLag, reads go to the primary and still see the
	// newest write; once it replays again, they come back.
	resume := pgtest.PauseReplay(t, url, replicaURL)
	id, _ := write("written while the replica stands still")
	time.Sleep(maxLag + 500*time.Millisecond)
	if _, err := st.CreateTicket(ctx, store.NewTicket{ClientID: w.acme.ID, CreatedBy: w.alice.ID, Title: "moves the primary on"}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // the watcher sees the primary move on and the replica not
	if s := pgtest.FirstReplica(st.Replicas()); s.Fresh || s.Lag <= maxLag {
		t.Errorf("a paused replica reads as fresh: %+v", s)
	}
	r0, p0 = reads()
	if !sees(0, id) {
		t.Error("a read found the replica's stale copy while it lagged")
	}
	if r1, p1 := reads(); r1 != r0 || p1 != p0+1 {
		t.Errorf("while lagging: replica reads %d→%d, primary %d→%d", r0, r1, p0, p1)
	}
	resume()
	for deadline := time.Now().Add(time.Minute); !pgtest.FirstReplica(st.Replicas()).Fresh; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the replica is not fresh again a minute after resuming: %+v", pgtest.FirstReplica(st.Replicas()))
		}
	}
}

// TestReplicaOfAnotherDatabaseIsRefused: a replica URL naming another database (or the
// primary itself, which is no replica) never serves reads.
func TestReplicaOfAnotherDatabaseIsRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url, other := pg.NewDatabase(t), pg.NewDatabase(t)
	if _, err := store.Open(ctx, url, store.WithReplicas([]string{pgtest.ReplicaURL(t, other)}, time.Second, nil)); err == nil ||
		!strings.Contains(err.Error(), "is not a replica of database") {
		t.Errorf("a replica of another database: %v", err)
	}
	// The primary named as its own replica: kept out of reads, and reads still work.
	st, err := store.Open(ctx, url, store.WithReplicas([]string{url, "postgres://portal:portal@127.0.0.1:1/x?sslmode=disable&connect_timeout=1"}, time.Second, nil))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	w := newWorld(t, st)
	if _, err := st.Ticket(store.ReplicaReads(ctx, 0), w.ticket.ID); err != nil {
		t.Fatal(err)
	}
	list, primary := st.Replicas()
	if len(list) != 2 || list[0].Fresh || list[1].Fresh || list[0].Reads+list[1].Reads != 0 || primary != 1 {
		t.Errorf("replicas %+v, primary reads %d", list, primary)
	}
}
