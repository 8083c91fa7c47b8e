package searchtest

import (
	"context"
	"slices"
	"testing"
	"time"

	"helpdesk/search"
	"helpdesk/store"
)

// Syncer is an engine that catches up with the database only when told (Elasticsearch,
// through the indexer); an engine that reads the database itself need not be one.
type Syncer interface {
	Sync(t *testing.T)
}

// RunChanges loads the fixture into st and builds the engine, then changes and deletes rows
// through the store, as the portal does, and checks after each change that the engine answers
// from the new state only: new words found and old ones gone, deleted documents gone from hits
// and counts, and access following the rows (a comment made internal, an article unpublished
// or moved to another audience).
func RunChanges(t *testing.T, st *store.Store, engine Engine) {
	f := Load(t, st)
	s := engine(t, st)
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	sync := func() {
		t.Helper()
		if sy, ok := s.(Syncer); ok {
			sy.Sync(t)
		}
	}
	// find returns the names of the hits of text (of any type, or of types) for viewer, and
	// the total.
	find := func(viewer, text string, filters search.Filters, types ...string) ([]string, int64) {
		t.Helper()
		q := search.Query{Text: text, Viewer: f.Viewers[viewer], Types: types, Filters: filters, Now: Base, PerPage: 50}
		ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		r, err := s.Search(ctx, q)
		if err != nil {
			t.Fatalf("%s searching %q: %v", viewer, text, err)
		}
		return hitNames(f, r), r.Total
	}
	expect := func(step, viewer, text string, want ...string) {
		t.Helper()
		got, total := find(viewer, text, search.Filters{})
		if !sameSet(got, want) || total != int64(len(want)) {
			t.Errorf("%s: %s searching %q found %v (total %d), want %v", step, viewer, text, got, total, want)
		}
	}
	str := func(s string) *string { return &s }

	// A title rewritten: found by its new words, no longer by the old ones.
	_, err := st.UpdateTicket(ctx, f.IDs["t3"], store.TicketPatch{Title: str("Scanner jammed in Madrid office")})
	must(err)
	sync()
	expect("retitled", "ana", "scanner", "t3")
	expect("retitled", "bob", "madrid", "t3")
	expect("retitled", "ana", "london")

	// A public comment: its words find the ticket, for its company and staff only.
	_, err = st.AddComment(ctx, f.IDs["t2"], f.Users["ana"], "Probado con zanahoria cableada.", false)
	must(err)
	// An internal one: staff only, and a client's search is not even told it exists.
	_, err = st.AddComment(ctx, f.IDs["t2"], f.Users["ana"], "Nota interna: berenjena en el rack.", true)
	must(err)
	sync()
	expect("commented", "alice", "zanahoria", "t2")
	expect("commented", "bob", "zanahoria")
	expect("commented", "ana", "berenjena", "t2")
	expect("commented", "alice", "berenjena")

	// A status change: the filters and the facets follow it.
	closed := "closed"
	_, err = st.UpdateTicket(ctx, f.IDs["t1"], store.TicketPatch{Status: &closed})
	must(err)
	sync()
	if got, _ := find("ana", "", search.Filters{Status: []string{"closed"}}, search.TypeTicket); !slices.Contains(got, "t1") {
		t.Errorf("closed: the closed tickets are %v, without t1", got)
	}
	if got, _ := find("ana", "", search.Filters{Status: []string{"open"}}, search.TypeTicket); slices.Contains(got, "t1") {
		t.Errorf("closed: the open tickets %v still hold t1", got)
	}

	// A ticket deleted: gone from hits, totals and facets.
	must(st.DeleteTicket(ctx, f.IDs["t5"]))
	sync()
	expect("deleted", "ana", "correo")
	got, total := find("ana", "", search.Filters{}, search.TypeTicket)
	if slices.Contains(got, "t5") || total != int64(len(ticketSpecs)-1) {
		t.Errorf("deleted: every ticket is %v (total %d), want %d without t5", got, total, len(ticketSpecs)-1)
	}
	q := search.Query{Viewer: f.Viewers["ana"], Types: []string{search.TypeTicket}, Now: Base, PerPage: 50}
	r, err := s.Search(ctx, q)
	must(err)
	var counted int64
	for _, fv := range r.Facets["status"] {
		counted += fv.Count
	}
	if counted != int64(len(ticketSpecs)-1) {
		t.Errorf("deleted: the status facet counts %d tickets, want %d", counted, len(ticketSpecs)-1)
	}

	// An article unpublished: clients no longer find it, staff still do (a draft).
	draft := "draft"
	_, err = st.UpdateArticle(ctx, f.IDs["kPrinter"], store.ArticlePatch{Status: &draft})
	must(err)
	// One moved from the clients' audience to the staff's.
	internal := "internal"
	_, err = st.UpdateArticle(ctx, f.IDs["kReset"], store.ArticlePatch{Audience: &internal})
	must(err)
	// One deleted.
	must(st.DeleteArticle(ctx, f.IDs["kBackup"]))
	sync()
	if got, _ := find("alice", "impresora", search.Filters{}, search.TypeKB); slices.Contains(got, "kPrinter") {
		t.Errorf("unpublished: a client still finds it among %v", got)
	}
	if got, _ := find("ana", "impresora", search.Filters{}, search.TypeKB); !slices.Contains(got, "kPrinter") {
		t.Errorf("unpublished: staff no longer find the draft among %v", got)
	}
	if got, _ := find("alice", "reset", search.Filters{}, search.TypeKB); len(got) > 0 {
		t.Errorf("made internal: a client still finds %v", got)
	}
	if got, _ := find("ana", "reset", search.Filters{}, search.TypeKB); !sameSet(got, []string{"kReset"}) {
		t.Errorf("made internal: staff find %v, want [kReset]", got)
	}
	if got, _ := find("ana", "nightly", search.Filters{}); len(got) > 0 {
		t.Errorf("article deleted: still found: %v", got)
	}
}
