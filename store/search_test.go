package store_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5"

	"helpdesk/search/analysis"
	"helpdesk/store"
)

// vectorWords returns the lexemes of a search vector column of one row.
func vectorWords(t *testing.T, st *store.Store, sql string, id int64) []string {
	t.Helper()
	var lex []string
	if err := st.Pool().QueryRow(context.Background(), `SELECT tsvector_to_array(v) FROM (`+sql+`) x(v)`, id).Scan(&lex); err != nil {
		t.Fatal(err)
	}
	return lex
}

func TestSearchVectorsFollowTheText(t *testing.T) {
	st := pg.NewStore(t)
	ctx := context.Background()
	w := newWorld(t, st)
	ticketVec := `SELECT text_vec || comments_vec FROM tickets WHERE id = $1`
	lex := vectorWords(t, st, ticketVec, w.ticket.ID)
	for _, want := range []string{"impresora", "~impresor", "atascada", "cola"} {
		if !slices.Contains(lex, want) {
			t.Errorf("ticket vector %v lacks %q", lex, want)
		}
	}
	title := "Printers offline in the London office" // and a Spanish description: stemmed as Spanish
	if _, err := st.UpdateTicket(ctx, w.ticket.ID, store.TicketPatch{Title: &title}); err != nil {
		t.Fatal(err)
	}
	lex = vectorWords(t, st, ticketVec, w.ticket.ID)
	if !slices.Contains(lex, "printers") || !slices.Contains(lex, "~printers") || slices.Contains(lex, "impresora") {
		t.Errorf("after a new title, the vector is %v", lex)
	}
	if _, err := st.AddComment(ctx, w.ticket.ID, w.agent.ID, "Reiniciamos el spooler.", true); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddComment(ctx, w.ticket.ID, w.agent.ID, "Cambiamos el tóner.", false); err != nil {
		t.Fatal(err)
	}
	// The search row follows in the same transaction: an internal comment's words are marked,
	// so a client's query (the plain word) never matches them; title words are there twice
	// (and alone in title_vec); facets follow the ticket.
	resolved := "resolved"
	for _, c := range []struct {
		sql    string
		want   bool
		before func()
	}{
		{sql: `match_vec @@ '''!spooler'''`, want: true},
		{sql: `match_vec @@ '''spooler'''`, want: false},
		{sql: `match_vec @@ '''toner'':C & ''~printers'':A'`, want: true},
		{sql: `match_vec @@ '''=printers'' & ''=london'''`, want: true},
		{sql: `title_vec @@ '''printers'''`, want: true},
		{sql: `title_vec @@ '''toner'''`, want: false},
		{sql: `status = 'resolved'`, want: true, before: func() {
			if _, err := st.UpdateTicket(ctx, w.ticket.ID, store.TicketPatch{Status: &resolved}); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		if c.before != nil {
			c.before()
		}
		var got bool
		if err := st.Pool().QueryRow(ctx, `SELECT `+c.sql+` FROM ticket_search WHERE id = $1`, w.ticket.ID).Scan(&got); err != nil || got != c.want {
			t.Errorf("ticket_search: %s is %v, want %v (%v)", c.sql, got, c.want, err)
		}
	}
	a, err := st.CreateArticle(ctx, store.NewArticle{Title: "Configuración de la VPN", Body: "Instale **FortiClient** ([guía](https://x.example/tunelvpn)).", Locale: "es"})
	if err != nil {
		t.Fatal(err)
	}
	lex = vectorWords(t, st, `SELECT match_vec FROM kb_search WHERE id = $1`, a.ID)
	if !slices.Contains(lex, "configuracion") || !slices.Contains(lex, "~configur") || !slices.Contains(lex, "forticlient") || slices.Contains(lex, "tunelvpn") {
		t.Errorf("article vector %v", lex)
	}
	var known int
	if err := st.Pool().QueryRow(ctx, `SELECT count(*) FROM search_words WHERE word IN ('printers', 'spooler', 'forticlient', '~print')`).Scan(&known); err != nil || known != 3 {
		t.Errorf("%d of the new words are in the typo vocabulary (want 3, stems excluded): %v", known, err)
	}
}

// TestStaleVectorsAreRefused: a write that changes the text without its vector (SQL written
// outside the store) fails, so the fallback search can never read a stale vector.
func TestStaleVectorsAreRefused(t *testing.T) {
	st := pg.NewStore(t)
	ctx := context.Background()
	w := newWorld(t, st)
	for _, sql := range []string{
		`UPDATE tickets SET title = 'Otra cosa' WHERE id = $1`,
		`UPDATE tickets SET description = 'Otra cosa' WHERE id = $1`,
		`INSERT INTO comments (ticket_id, author_id, body) VALUES ($1, 1, 'sin vector')`,
	} {
		_, err := st.Pool().Exec(ctx, sql, w.ticket.ID)
		if err == nil {
			t.Errorf("%s: accepted", sql)
		}
	}
	status := "resolved"
	if _, err := st.UpdateTicket(ctx, w.ticket.ID, store.TicketPatch{Status: &status}); err != nil {
		t.Errorf("a status change through the store: %v", err)
	}
}

// TestAnalyzeTextFillsMissingVectors: rows written before the vectors existed get them in
// batches, with no new version and no change tracked, and the run can be repeated.
func TestAnalyzeTextFillsMissingVectors(t *testing.T) {
	st := pg.NewStore(t)
	ctx := context.Background()
	w := newWorld(t, st)
	if _, err := st.AddComment(ctx, w.ticket.ID, w.agent.ID, "Cambiamos el tóner de la impresora.", false); err != nil {
		t.Fatal(err)
	}
	var version int64
	if err := st.Pool().QueryRow(ctx, `SELECT version FROM tickets WHERE id = $1`, w.ticket.ID).Scan(&version); err != nil {
		t.Fatal(err)
	}
	drainOutbox(t, st)
	// As a database migrated from before the vectors looks: no vector anywhere.
	_, err := st.Pool().Exec(ctx, `ALTER TABLE tickets DISABLE TRIGGER USER; ALTER TABLE comments DISABLE TRIGGER USER;
		UPDATE tickets SET text_vec = NULL, vec_source = NULL, comments_vec = ''; UPDATE comments SET search_vec = NULL, vec_source = NULL;
		ALTER TABLE tickets ENABLE TRIGGER USER; ALTER TABLE comments ENABLE TRIGGER USER; TRUNCATE search_words`)
	if err != nil {
		t.Fatal(err)
	}
	var seen []store.AnalyzeProgress
	for range 2 {
		if err := st.AnalyzeText(ctx, func(p store.AnalyzeProgress) { seen = append(seen, p) }); err != nil {
			t.Fatal(err)
		}
	}
	want := []store.AnalyzeProgress{{Table: "tickets", Done: 1, Total: 1}, {Table: "comments", Done: 1, Total: 1}}
	if !reflect.DeepEqual(seen, want) {
		t.Errorf("progress %+v, want %+v (and nothing the second time)", seen, want)
	}
	var found bool
	var after int64
	if err := st.Pool().QueryRow(ctx, `SELECT s.match_vec @@ '''toner'':C & ''~impresor'':A & ''=impresora'''::tsquery, t.version
		FROM tickets t JOIN ticket_search s USING (id) WHERE t.id = $1`, w.ticket.ID).Scan(&found, &after); err != nil || !found {
		t.Errorf("the ticket's vectors after analysis do not match: %v %v", found, err)
	}
	if after != version {
		t.Errorf("version %d became %d", version, after)
	}
	if rows := drainOutbox(t, st); len(rows) != 0 {
		t.Errorf("analysing tracked changes: %+v", rows)
	}
}

func TestSynonyms(t *testing.T) {
	st := pg.NewStore(t)
	ctx := context.Background()
	parse := func(lines ...string) []analysis.SynonymGroup {
		var out []analysis.SynonymGroup
		for _, l := range lines {
			g, err := analysis.ParseSynonymLine(l)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, g)
		}
		return out
	}
	changes := func() int64 {
		n, err := st.SynonymChanges(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	c0 := changes()
	s, err := st.CreateSynonym(ctx, analysis.SynonymGroup{Terms: []string{" Contraseña ", "clave", "CLAVE"}})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(s.Terms, []string{"contraseña", "clave"}) || len(s.Expansions) != 0 {
		t.Errorf("stored %+v", s)
	}
	if changes() == c0 {
		t.Error("a new group does not count as a change")
	}
	for _, bad := range []analysis.SynonymGroup{{Terms: []string{"solo"}}, {Terms: []string{"a"}, Expansions: []string{"  "}}, {}} {
		if _, err := st.CreateSynonym(ctx, bad); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("CreateSynonym(%+v) = %v, want ErrInvalid", bad, err)
		}
	}
	if _, err := st.UpdateSynonym(ctx, s.ID, analysis.SynonymGroup{Terms: []string{"ad"}, Expansions: []string{"active directory"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpdateSynonym(ctx, s.ID+100, parse("a, b")[0]); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("update of a missing group: %v", err)
	}
	added, err := st.ImportSynonyms(ctx, parse("ad => active directory", "impresora, printer", "impresora, printer"), false)
	if err != nil || added != 1 {
		t.Errorf("import added %d (want 1: one is there, one repeats): %v", added, err)
	}
	if _, err := st.ImportSynonyms(ctx, parse("x, y", "z"+string(rune(0))+", w"), false); err == nil {
		t.Error("an import with a bad group was accepted")
	}
	groups, _, err := st.SynonymGroups(ctx)
	if err != nil || len(groups) != 2 {
		t.Fatalf("after a refused import: %v %v", groups, err)
	}
	if added, err = st.ImportSynonyms(ctx, parse("vpn, red privada virtual"), true); err != nil || added != 1 {
		t.Fatalf("replace: %d %v", added, err)
	}
	if groups, _, _ = st.SynonymGroups(ctx); len(groups) != 1 || groups[0].String() != "vpn, red privada virtual" {
		t.Errorf("after replace: %v", groups)
	}
	list, _ := st.Synonyms(ctx)
	if err := st.DeleteSynonym(ctx, list[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteSynonym(ctx, list[0].ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
	n, err := st.InstallStarterSynonyms(ctx, analysis.StarterSynonyms())
	if err != nil || n < 200 {
		t.Fatalf("starter list: %d groups, %v", n, err)
	}
	all, _ := st.Synonyms(ctx)
	if err := st.DeleteSynonym(ctx, all[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.InstallStarterSynonyms(ctx, analysis.StarterSynonyms()); !errors.Is(err, store.ErrStarterLoaded) {
		t.Errorf("second install: %v", err)
	}
	if again, _ := st.Synonyms(ctx); len(again) != len(all)-1 {
		t.Errorf("the starter list came back: %d groups", len(again))
	}
}

// TestSearchRowsReachNewPartitions: the search rows of tickets are kept in partitions of
// consecutive ids, made by the writes that reach them. Writers crossing into new ranges at
// once all commit, each ticket has its search row, and every partition keeps the storage the
// search relies on (the vector out of the row, the rest in it).
func TestSearchRowsReachNewPartitions(t *testing.T) {
	st := pg.NewStore(t)
	ctx := context.Background()
	w := newWorld(t, st)
	var width int64
	if err := st.Pool().QueryRow(ctx, `SELECT ticket_search_partition_ids()`).Scan(&width); err != nil {
		t.Fatal(err)
	}
	// The next ids end one partition and fill the next two.
	if _, err := st.Pool().Exec(ctx, `SELECT setval(pg_get_serial_sequence('tickets', 'id'), $1)`, 2*width-5); err != nil {
		t.Fatal(err)
	}
	const writers, each = 6, 4
	errs := make(chan error, writers)
	for range writers {
		go func() {
			var err error
			for range each {
				if _, err = st.CreateTicket(ctx, store.NewTicket{ClientID: w.acme.ID, CreatedBy: w.alice.ID,
					Title: "El escáner no enciende", Description: "Ni luz.", Priority: "low", Category: "printers"}); err != nil {
					break
				}
			}
			errs <- err
		}()
	}
	for range writers {
		if err := <-errs; err != nil {
			t.Fatalf("a writer crossing into a new partition: %v", err)
		}
	}
	var tickets, rows, found int
	if err := st.Pool().QueryRow(ctx, `SELECT (SELECT count(*) FROM tickets), (SELECT count(*) FROM ticket_search),
		(SELECT count(*) FROM ticket_search WHERE match_vec @@ '~escan'::tsquery)`).Scan(&tickets, &rows, &found); err != nil {
		t.Fatal(err)
	}
	if rows != tickets || found != writers*each {
		t.Errorf("%d search rows for %d tickets, %d found by text, want %d", rows, tickets, found, writers*each)
	}
	parts, err := st.Pool().Query(ctx, `SELECT c.relname, pg_get_expr(c.relpartbound, c.oid), c.reloptions::text[],
			(SELECT array_agg(a.attname || ':' || a.attstorage::text ORDER BY a.attname) FROM pg_attribute a
			 WHERE a.attrelid = c.oid AND a.attname IN ('match_vec', 'title_vec', 'tags'))
		FROM pg_partition_tree('ticket_search') p JOIN pg_class c ON c.oid = p.relid WHERE p.isleaf ORDER BY c.relname`)
	if err != nil {
		t.Fatal(err)
	}
	type part struct {
		name, bound   string
		opts, storage []string
	}
	got, err := pgx.CollectRows(parts, func(r pgx.CollectableRow) (part, error) {
		var p part
		return p, r.Scan(&p.name, &p.bound, &p.opts, &p.storage)
	})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range got {
		names = append(names, p.name)
		if !slices.Equal(p.storage, []string{"match_vec:e", "tags:m", "title_vec:p"}) ||
			!slices.Contains(p.opts, "toast_tuple_target=128") {
			t.Errorf("partition %s (%s): storage %v, options %v", p.name, p.bound, p.storage, p.opts)
		}
	}
	if !slices.Equal(names, []string{"ticket_search_0", "ticket_search_1", "ticket_search_2"}) {
		t.Errorf("partitions %v, want the first three", names)
	}
	// No foreign key holds the rows to their tickets: a trigger takes a deleted one's away.
	if err := st.DeleteTicket(ctx, w.ticket.ID); err != nil {
		t.Fatal(err)
	}
	var left int
	if err := st.Pool().QueryRow(ctx, `SELECT count(*) FROM ticket_search WHERE id = $1`, w.ticket.ID).Scan(&left); err != nil || left != 0 {
		t.Errorf("a deleted ticket's search rows: %d, %v", left, err)
	}
}
