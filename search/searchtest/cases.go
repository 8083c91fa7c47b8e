package searchtest

import (
	"strings"
	"testing"
	"time"

	"helpdesk/search"
)

func ptime(t time.Time) *time.Time { return &t }

// Cases are the conformance cases; every engine must pass all of them.
func Cases() []Case {
	allTickets := []string{"t1", "t2", "t3", "t4", "t5"}
	publicKB := []string{"kVPN", "kPrinter", "kQueue", "kPhrase", "kScattered", "kAD", "kBackup"}
	return []Case{
		// Matching rules.
		{Name: "accent-insensitive, title above body", Viewer: "anonymous", Query: search.Query{Text: "configuracion"},
			Want: []string{"kVPN", "kPhrase"}, Ordered: true},
		{Name: "accents in the query too", Viewer: "anonymous", Query: search.Query{Text: "CONFIGURACIÓN"},
			Want: []string{"kVPN", "kPhrase"}, Ordered: true},
		{Name: "word start in titles", Viewer: "anonymous", Query: search.Query{Text: "impre"},
			Want: []string{"kPrinter", "kQueue"}},
		{Name: "one typo in a longer word", Viewer: "anonymous", Query: search.Query{Text: "imprezora"},
			Want: []string{"kPrinter", "kQueue", "kPhrase", "kScattered"}, First: "kPrinter"},
		{Name: "title match ranks first", Viewer: "anonymous", Query: search.Query{Text: "impresora"},
			Want: []string{"kPrinter", "kQueue", "kPhrase", "kScattered"}, First: "kPrinter"},
		{Name: "exact phrase above scattered words", Viewer: "anonymous", Query: search.Query{Text: "impresora de red"},
			Want: []string{"kPhrase", "kScattered", "kPrinter", "kQueue"}, Leading: []string{"kPhrase", "kScattered"}},
		{Name: "short words need an exact match, and get a suggestion", Viewer: "anonymous", Query: search.Query{Text: "vpm"},
			Want: []string{}, Suggestion: "vpn"},
		{Name: "few strict hits: the relaxed pass adds what matches part of the question", Viewer: "anonymous",
			Query: search.Query{Text: "impresora fortiklient"}, Want: []string{"kPrinter", "kQueue", "kPhrase", "kScattered", "kVPN"}},
		{Name: "most of many terms suffice", Viewer: "alice", Query: search.Query{Text: "forticlient error 809 conectar nada"},
			Want: []string{"t2"}},
		{Name: "query syntax is just words", Viewer: "anonymous", Query: search.Query{Text: `title:* OR "vpn" AND (forticlient`},
			Want: []string{"kVPN"}},
		{Name: "query syntax words still match", Viewer: "anonymous", Query: search.Query{Text: `+forticlient -vpn*`},
			Want: []string{"kVPN"}},
		{Name: "markdown syntax and link addresses are not text", Viewer: "anonymous", Query: search.Query{Text: "tunelvpnsetup"},
			Want: []string{}},
		{Name: "link text is text", Viewer: "anonymous", Query: search.Query{Text: "guía forticlient"},
			Want: []string{"kVPN", "kPhrase"}, Leading: []string{"kVPN"}},
		{Name: "only symbols: browse", Viewer: "anonymous", Query: search.Query{Text: `*:* ( ) " \`},
			Want: publicKB},

		// Text analysis: stems, stop words, typos, the relaxed pass, synonyms, suggestions.
		{Name: "stems: an inflected word finds its kin", Viewer: "anonymous", Query: search.Query{Text: "schedule"},
			Want: []string{"kBackup"}, Check: wantMarked("kBackup", "title", "<mark>Scheduling</mark> backups")},
		{Name: "stems: Spanish, without accents", Viewer: "anonymous", Query: search.Query{Text: "restablecimiento contrasenas"},
			Want: []string{"kAD"}, Check: wantMarked("kAD", "title", "<mark>Restablecer</mark> la <mark>contraseña</mark> de Active Directory")},
		{Name: "comments match word for word, the rest by stem too", Viewer: "ana", Query: search.Query{Text: "reiniciaron"},
			Want: []string{"kPrinter"}}, // t1's comment says "Reinicie": found by "reinicie" only
		{Name: "the word as written outranks its synonym", Viewer: "ana", Query: search.Query{Text: "printer", Types: tickets()},
			Want: []string{"t3", "t1"}, Ordered: true},
		{Name: "stop words and negations of a question count for nothing", Viewer: "bob", Query: search.Query{Text: "the printer does not print"},
			Want: []string{"t3", "kPrinter", "kQueue", "kPhrase", "kScattered"},
			Check: func(t *testing.T, f *Fixture, r *search.Result) {
				h := hitByName(t, f, r, "t3") // "The HP LaserJet shows offline since Monday.": nothing of it was asked
				if _, ok := h.Highlights["body"]; ok || h.Highlights["title"][0] != "<mark>Printer</mark> offline in London office" {
					t.Errorf("highlights %q: only printer is marked", h.Highlights)
				}
			}},
		{Name: "a swapped pair of letters is one typo", Viewer: "ana", Query: search.Query{Text: "pritner offline"},
			Want: []string{"t3"}, Suggestion: "printer offline",
			Check: wantMarked("t3", "title", "<mark>Printer</mark> <mark>offline</mark> in London office")},
		{Name: "the relaxed pass ranks below the strict one", Viewer: "alice", Query: search.Query{Text: "olvidé mi contraseña"},
			Want: []string{"kAD", "kReset"}, Ordered: true},
		{Name: "synonyms across languages, marked where they are", Viewer: "bob", Query: search.Query{Text: "impresora offline"},
			Want: []string{"t3", "kPrinter", "kQueue", "kPhrase", "kScattered"}, Leading: []string{"t3"}, Check: wantMarked("t3", "title", "<mark>Printer</mark> <mark>offline</mark> in London office")},
		{Name: "synonyms the other way", Viewer: "anonymous", Query: search.Query{Text: "printer"},
			Want: []string{"kPrinter", "kQueue", "kPhrase", "kScattered"}, First: "kPrinter"},
		{Name: "a phrase synonym finds a word", Viewer: "anonymous", Query: search.Query{Text: "copia de seguridad"},
			Want: []string{"kBackup"}, Check: wantMarked("kBackup", "title", "Scheduling <mark>backups</mark>")},
		{Name: "a one-way synonym expands", Viewer: "anonymous", Query: search.Query{Text: "AD"}, Want: []string{"kAD", "kBackup"}},
		{Name: "a one-way synonym does not contract", Viewer: "anonymous", Query: search.Query{Text: "active directory"},
			Want: []string{"kAD"}},
		{Name: "suggestions only use words the viewer may read", Viewer: "alice", Query: search.Query{Text: "laserjat"},
			Want: []string{}},
		{Name: "suggestions never use internal comments for clients", Viewer: "alice", Query: search.Query{Text: "contratoo"},
			Want: []string{}},
		{Name: "the same typo finds the viewer's own document, and its spelling", Viewer: "bob", Query: search.Query{Text: "laserjat"},
			Want: []string{"t3"}, Suggestion: "laserjet"},

		// Access rules.
		{Name: "anonymous sees public published KB only", Viewer: "anonymous", Query: search.Query{Text: "vpn"},
			Want: []string{"kVPN"}},
		{Name: "client sees own tickets and client KB", Viewer: "alice", Query: search.Query{Text: "vpn"},
			Want: []string{"kVPN", "t2"}},
		{Name: "other client sees none of them", Viewer: "bob", Query: search.Query{Text: "vpn"},
			Want: []string{"kVPN"}},
		{Name: "staff see drafts and internal articles", Viewer: "ana", Query: search.Query{Text: "vpn"},
			Want: []string{"kVPN", "kInternal", "kDraft", "t2"}},
		{Name: "client KB audience", Viewer: "bob", Query: search.Query{Text: "reset password"},
			Want: []string{"kReset", "t4", "kAD"}, First: "kReset"},
		{Name: "anonymous cannot read client KB", Viewer: "anonymous", Query: search.Query{Text: "reset password"},
			Want: []string{"kAD"}},
		{Name: "anonymous never gets tickets", Viewer: "anonymous", Query: search.Query{Types: tickets()}, Want: []string{}},
		{Name: "internal comments are for staff", Viewer: "alice", Query: search.Query{Text: "contrato"}, Want: []string{}},
		{Name: "staff search internal comments", Viewer: "ana", Query: search.Query{Text: "contrato"}, Want: []string{"t1"},
			Check: func(t *testing.T, f *Fixture, r *search.Result) {
				h := hitByName(t, f, r, "t1")
				if got := strings.Join(h.Highlights["internal"], " "); !strings.Contains(got, "<mark>contrato</mark>") {
					t.Errorf("internal highlight = %q", got)
				}
			}},
		{Name: "client's highlights never show internal comments", Viewer: "alice", Query: search.Query{Text: "spooler"},
			Want: []string{"t1"}, Check: func(t *testing.T, f *Fixture, r *search.Result) {
				h := hitByName(t, f, r, "t1")
				if _, leaked := h.Highlights["internal"]; leaked {
					t.Errorf("internal highlights shown to a client: %v", h.Highlights)
				}
				if got := strings.Join(h.Highlights["comments"], " "); !strings.Contains(got, "<mark>spooler</mark>") {
					t.Errorf("comment highlight = %q", got)
				}
			}},
		{Name: "client facets count only their company", Viewer: "bob", Query: search.Query{Types: tickets()},
			Want: []string{"t3", "t4"}, Facets: map[string][]string{
				"client":   {"@globex=2"},
				"status":   {"resolved=1", "waiting=1"},
				"assignee": {"@ana=1", "@admin=1"}, // ties: lower id first
				"tags":     {"outlook=1", "printer=1"},
				"age":      {"7d=2", "30d=2"},
			}},
		{Name: "client browse: totals obey access", Viewer: "alice", Query: search.Query{PerPage: 50},
			Want: append([]string{"kReset", "t1", "t2", "t5"}, publicKB...)},
		{Name: "staff browse everything", Viewer: "ana", Query: search.Query{PerPage: 50},
			Want: append(append([]string{"kReset", "kInternal", "kDraft"}, publicKB...), allTickets...)},

		// Filters and facets.
		{Name: "staff ticket facets", Viewer: "ana", Query: search.Query{Types: tickets()}, Want: allTickets,
			Facets: map[string][]string{
				"status":   {"open=2", "in_progress=1", "resolved=1", "waiting=1"},
				"priority": {"high=2", "low=1", "medium=1", "urgent=1"},
				"client":   {"@acme=3", "@globex=2"},
				"category": {"email=2", "printers=2", "vpn=1"},
				"assignee": {"@ana=2", "@admin=1"},
				"tags":     {"correo=1", "impresora=1", "outlook=1", "printer=1", "vpn=1"},
				"age":      {"1d=1", "7d=5", "30d=5"},
			}},
		{Name: "status filter", Viewer: "ana", Query: search.Query{Filters: search.Filters{Status: []string{"open"}}},
			Want: []string{"t1", "t5"}, Facets: map[string][]string{"status": {"open=2"}, "priority": {"high=2"}}},
		{Name: "two facets at once", Viewer: "ana", Query: search.Query{Filters: search.Filters{Priority: []string{"high"}, Categories: []string{"printers"}}},
			Want: []string{"t1"}},
		{Name: "tag filter spans tickets and KB", Viewer: "ana", Query: search.Query{Filters: search.Filters{Tags: []string{"vpn"}}},
			Want: []string{"t2", "kVPN", "kInternal", "kDraft"}},
		{Name: "KB category facet and filter", Viewer: "anonymous", Query: search.Query{Filters: search.Filters{Categories: []string{"Impresoras"}}},
			Want: []string{"kPrinter", "kQueue"}, Facets: map[string][]string{"category": {"Impresoras=2"}, "tags": {"impresora=2", "cola=1"}}},
		{Name: "client filter", Viewer: "ana", Query: search.Query{Filters: search.Filters{ClientIDs: []int64{-1}}}, Want: []string{}},
		{Name: "created range", Viewer: "ana", Query: search.Query{Types: tickets(), Filters: search.Filters{
			CreatedFrom: ptime(Base.Add(-84 * time.Hour)), CreatedTo: ptime(Base.Add(-36 * time.Hour))}},
			Want: []string{"t3", "t4"}},
		{Name: "text and filter together", Viewer: "ana", Query: search.Query{Text: "impresora", Filters: search.Filters{Status: []string{"open"}}},
			Want: []string{"t1"}},

		// Sorting and pagination.
		{Name: "newest first", Viewer: "ana", Query: search.Query{Types: tickets(), Sort: search.SortNewest},
			Want: []string{"t5", "t4", "t3", "t2", "t1"}, Ordered: true},
		{Name: "browse defaults to newest", Viewer: "ana", Query: search.Query{Types: tickets()},
			Want: []string{"t5", "t4", "t3", "t2", "t1"}, Ordered: true},
		{Name: "by priority, newest within", Viewer: "ana", Query: search.Query{Types: tickets(), Sort: search.SortPriority},
			Want: []string{"t2", "t5", "t1", "t3", "t4"}, Ordered: true},
		{Name: "by first response due, overdue first", Viewer: "ana", Query: search.Query{Types: tickets(), Sort: search.SortSLA},
			Want: []string{"t2", "t3", "t5", "t4", "t1"}, Ordered: true},
		{Name: "page 1", Viewer: "ana", Query: search.Query{Types: tickets(), Sort: search.SortNewest, PerPage: 2},
			Want: []string{"t5", "t4"}, Ordered: true, Total: 5},
		{Name: "page 2", Viewer: "ana", Query: search.Query{Types: tickets(), Sort: search.SortNewest, PerPage: 2, Page: 2},
			Want: []string{"t3", "t2"}, Ordered: true, Total: 5},
		{Name: "page 3", Viewer: "ana", Query: search.Query{Types: tickets(), Sort: search.SortNewest, PerPage: 2, Page: 3},
			Want: []string{"t1"}, Ordered: true, Total: 5},
		{Name: "past the end", Viewer: "ana", Query: search.Query{Types: tickets(), PerPage: 2, Page: 4},
			Want: []string{}, Total: 5},

		// Escaping.
		{Name: "markup in a title is text", Viewer: "ana", Query: search.Query{Text: "script correo"}, Want: []string{"t5"},
			Check: func(t *testing.T, f *Fixture, r *search.Result) {
				h := hitByName(t, f, r, "t5")
				want := "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt; <mark>Correo</mark> caído"
				if got := h.Highlights["title"]; len(got) != 1 || got[0] != want {
					t.Errorf("title highlight = %q, want %q", got, want)
				}
				if h.Title != "<script>alert(1)</script> Correo caído" {
					t.Errorf("raw title = %q (the API returns it raw; pages escape it)", h.Title)
				}
			}},
		{Name: "markup in a body is text", Viewer: "alice", Query: search.Query{Text: "onerror"}, Want: []string{"t5"},
			Check: func(t *testing.T, f *Fixture, r *search.Result) {
				got := strings.Join(hitByName(t, f, r, "t5").Highlights["body"], " ")
				if !strings.Contains(got, "&lt;img src=x <mark>onerror</mark>=alert(1)&gt;") {
					t.Errorf("body highlight = %q", got)
				}
			}},
		{Name: "hit fields", Viewer: "alice", Query: search.Query{Text: "impresora", Types: tickets()}, Want: []string{"t1"},
			Check: func(t *testing.T, f *Fixture, r *search.Result) {
				h := hitByName(t, f, r, "t1")
				if h.Status != "open" || h.Priority != "high" || h.Client != "Acme Ibérica S.L." || h.URL != "/tickets/"+idKey(f.IDs["t1"]) {
					t.Errorf("hit = %+v", h)
				}
				if got := h.Highlights["title"]; len(got) != 1 || got[0] != "La <mark>impresora</mark> no imprime" {
					t.Errorf("title highlight = %q", got)
				}
				if !h.UpdatedAt.Equal(Base.AddDate(0, 0, -5).Add(time.Hour)) {
					t.Errorf("updated_at = %v", h.UpdatedAt)
				}
			}},

		// Bad input.
		{Name: "page size too big", Viewer: "ana", Query: search.Query{PerPage: 1000}, WantErr: search.ErrBadQuery},
		{Name: "page too deep", Viewer: "ana", Query: search.Query{Page: 500, PerPage: 10}, WantErr: search.ErrBadQuery},
		{Name: "negative page", Viewer: "ana", Query: search.Query{Page: -1}, WantErr: search.ErrBadQuery},
		{Name: "unknown status", Viewer: "ana", Query: search.Query{Filters: search.Filters{Status: []string{"lost"}}}, WantErr: search.ErrBadQuery},
		{Name: "unknown sort", Viewer: "ana", Query: search.Query{Sort: "random"}, WantErr: search.ErrBadQuery},
		{Name: "unknown type", Viewer: "ana", Query: search.Query{Types: []string{"users"}}, WantErr: search.ErrBadQuery},
		{Name: "huge text", Viewer: "ana", Query: search.Query{Text: strings.Repeat("a", 600)}, WantErr: search.ErrBadQuery},
		{Name: "page past the window is a combination refused", Viewer: "ana", Query: search.Query{Page: 20, PerPage: 100}, WantErr: search.ErrQueryCombination},
		{Name: "from after to is a combination refused", Viewer: "ana", Query: search.Query{Filters: search.Filters{CreatedFrom: ptime(Base), CreatedTo: ptime(Base.AddDate(0, 0, -1))}}, WantErr: search.ErrQueryCombination},
		// A type asked twice is searched once (the Postgres engine once built its candidates twice).
		{Name: "type repeated", Viewer: "ana", Query: search.Query{Text: "impresora", Types: []string{search.TypeTicket, search.TypeTicket},
			Filters: search.Filters{Status: []string{"open"}}}, Want: []string{"t1"}},
		{Name: "kb type repeated", Viewer: "anonymous", Query: search.Query{Types: []string{search.TypeKB, search.TypeKB},
			Filters: search.Filters{Categories: []string{"Impresoras"}}}, Want: []string{"kPrinter", "kQueue"}},
		// 500 characters are allowed however many bytes they take.
		{Name: "long accented text", Viewer: "ana", Query: search.Query{Text: strings.Repeat("ñ", 500)}},
	}
}

// wantMarked checks one highlight of one hit: the words of the text that matched are marked.
func wantMarked(name, field, want string) func(t *testing.T, f *Fixture, r *search.Result) {
	return func(t *testing.T, f *Fixture, r *search.Result) {
		t.Helper()
		h := hitByName(t, f, r, name)
		if got := h.Highlights[field]; len(got) == 0 || got[0] != want {
			t.Errorf("%s highlight of %s = %q, want %q", field, name, got, want)
		}
	}
}
