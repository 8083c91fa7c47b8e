package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"helpdesk/internal/pgtest"
	"helpdesk/search"
	"helpdesk/search/postgres"
	"helpdesk/search/searchtest"
	"helpdesk/store"
)

// TestSearchesReadFromReplicas: with replicas, a search runs where the store sends its own
// reads that tolerate lag: on a fresh replica, never on one that has not replayed the
// searcher's own last write, never on one that lags; on the primary when the caller did not
// allow replicas. Replica and primary give the same answer.
func TestSearchesReadFromReplicas(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := pg.NewDatabase(t)
	replicaURL := pgtest.ReplicaURL(t, url)
	const maxLag = pgtest.ReplicaMaxLag
	st := pgtest.Open(t, url, store.WithReplicas([]string{replicaURL}, maxLag, nil))
	f := searchtest.Load(t, st)
	loaded, err := st.WriteLSN(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, err := postgres.Open(ctx, url, st.Analyzer(), postgres.Share{Conns: 4, Timeout: 30 * time.Second},
		postgres.Replicas{URLs: []string{replicaURL}, Route: st})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	if n := len(b.ReplicaPools()); n != 1 {
		t.Fatalf("%d replica pools, want 1", n)
	}
	reads := func() (replica, primary int64) {
		list, p := st.Replicas()
		return list[0].Reads, p
	}
	agent := f.Viewers["ana"]
	write := func(word string) (int64, store.LSN) {
		t.Helper()
		return pgtest.WriteTicket(t, st, store.NewTicket{ClientID: f.Clients["acme"], CreatedBy: f.Users["alice"],
			Title: "Fallo de " + word, Description: "El equipo muestra " + word + " al arrancar."})
	}
	hits := func(ctx context.Context, text string) []string {
		t.Helper()
		res, err := b.Search(ctx, search.Query{Text: text, Viewer: agent})
		if err != nil {
			t.Fatalf("search %q: %v", text, err)
		}
		var list []string
		for _, h := range res.Hits {
			list = append(list, fmt.Sprintf("%s %d", h.Type, h.ID))
		}
		return list
	}
	found := func(list []string, id int64) bool {
		return slices.Contains(list, fmt.Sprintf("%s %d", search.TypeTicket, id))
	}

	// Read-your-writes: the search right after a write finds it, wherever it ran.
	for i := range 20 {
		word := fmt.Sprintf("codigo%dxq", i)
		id, lsn := write(word)
		if got := hits(store.ReplicaReads(ctx, lsn), word); !found(got, id) {
			t.Fatalf("write %d (at %s): its writer's next search found %v, not ticket %d; replica %+v", i, lsn, got, id, pgtest.FirstReplica(st.Replicas()))
		}
	}
	// Soon the replica answers, as the primary does once it holds the fixture (a replica within
	// the allowed lag may answer without the newest writes of others).
	want := hits(ctx, "impresora")
	if len(want) == 0 {
		t.Fatal("the primary finds nothing for impresora")
	}
	r0, _ := reads()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
		got := hits(store.ReplicaReads(ctx, loaded), "impresora")
		if r, _ := reads(); r > r0 {
			// The same documents; near ties may rank apart: the term statistics ranking
			// reads are kept a while, and these were read at other moments of the writes.
			if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))) {
				t.Errorf("the replica answered %v, the primary %v", got, want)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no search reached the replica in a minute: %+v", pgtest.FirstReplica(st.Replicas()))
		}
	}
	// Without ReplicaReads, searches stay on the primary, and are not counted as routed.
	r0, p0 := reads()
	hits(ctx, "impresora")
	if r1, p1 := reads(); r1 != r0 || p1 != p0 {
		t.Errorf("a search without ReplicaReads was routed: replica %d→%d, primary %d→%d", r0, r1, p0, p1)
	}

	// The replica stands still: past maxLag, searches go to the primary and find what the
	// replica has not replayed.
	resume := pgtest.PauseReplay(t, url, replicaURL)
	id, _ := write("pausadoxq")
	time.Sleep(maxLag + 500*time.Millisecond)
	write("empujaxq") // moves the primary on, for the watcher to see the replica lag
	time.Sleep(300 * time.Millisecond)
	r0, p0 = reads()
	if got := hits(store.ReplicaReads(ctx, 0), "pausadoxq"); !found(got, id) {
		t.Errorf("a search found the lagging replica's stale copy: %v, want ticket %d", got, id)
	}
	if r1, p1 := reads(); r1 != r0 || p1 != p0+1 {
		t.Errorf("while lagging: replica reads %d→%d, primary %d→%d", r0, r1, p0, p1)
	}
	resume()
}
