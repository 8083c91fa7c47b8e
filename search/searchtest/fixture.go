// Package searchtest is the conformance suite every search engine passes: the same fixture,
// the same queries, the same expected hits, order, facets, highlights and access rules.
package searchtest

import (
	"context"
	"strconv"
	"testing"
	"time"

	"helpdesk/auth"
	"helpdesk/search"
	"helpdesk/search/analysis"
	"helpdesk/store"
)

// Fixture is the data the suite searches, with names for its rows.
type Fixture struct {
	IDs     map[string]int64 // documents: "t1", "kVPN"… -> id
	Clients map[string]int64 // "acme", "globex" -> id
	Users   map[string]int64 // "ana", "admin", "alice", "bob" -> id
	Viewers map[string]search.Viewer
	Names   map[string]string // facet labels: "client:ID" and "user:ID" -> names
}

// Base is the fixture's reference time: tickets were opened in the days before it.
var Base = time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC)

type kbSpec struct {
	name, title, body, audience, status, category, locale string
	tags                                                  []string
}

var kbSpecs = []kbSpec{
	{"kVPN", "Configuración de la VPN con FortiClient", "Instale FortiClient y cree el túnel. Si falla la conexión, revise el certificado. Más en [la guía](https://soporte.example.com/tunelvpnsetup).", "public", "published", "VPN", "es", []string{"vpn", "forticlient"}},
	{"kPrinter", "Impresora no imprime: pasos básicos", "Compruebe el cable y reinicie el equipo. Después envíe una página de prueba.", "public", "published", "Impresoras", "es", []string{"impresora"}},
	{"kQueue", "Cola de impresión atascada", "Cuando la impresora deja de responder, vacíe la cola desde el panel de control.", "public", "published", "Impresoras", "es", []string{"impresora", "cola"}},
	{"kPhrase", "Guía de la oficina", "Para usar la impresora de red de la oficina, añádala desde Configuración.", "public", "published", "Oficina", "es", nil},
	{"kScattered", "Wifi para visitas", "Conecte a la red de invitados. La impresora del pasillo admite trabajos desde esa red.", "public", "published", "Oficina", "es", []string{"wifi"}},
	{"kReset", "How to reset your password", "To reset your password, open the portal and choose Forgot password.", "clients", "published", "Cuentas", "en", []string{"password"}},
	{"kInternal", "Escalado de incidencias VPN", "Procedimiento interno: si la VPN de un cliente VIP cae, avisar al responsable.", "internal", "published", "VPN", "es", []string{"vpn"}},
	{"kDraft", "Nueva VPN corporativa", "Borrador del despliegue de la nueva VPN.", "public", "draft", "VPN", "es", []string{"vpn"}},
	{"kAD", "Restablecer la contraseña de Active Directory", "Cuando un usuario olvida su clave, el agente la restablece desde la consola del dominio.", "public", "published", "Cuentas", "es", []string{"contraseña"}},
	{"kBackup", "Scheduling backups", "Schedule a nightly backup of the shared folder to the NAS; ask IT if the AD account is locked.", "public", "published", "Copias", "en", []string{"backup"}},
}

// Synonyms are the fixture's synonym table: equivalences within and across languages, a
// phrase, and an expansion one way only.
var Synonyms = []string{
	"contraseña, clave, password",
	"impresora, printer",
	"copia de seguridad, backup",
	"ad => active directory",
}

type ticketSpec struct {
	name, client, creator, title, description, priority, status, category string
	tags                                                                  []string
	assignee                                                              string
	daysAgo                                                               int
	comments                                                              []commentSpec
}

type commentSpec struct {
	author, body string
	internal     bool
}

var ticketSpecs = []ticketSpec{
	{"t1", "acme", "alice", "La impresora no imprime", "Desde ayer la cola se queda atascada en la planta 2.", "high", "open", "printers",
		[]string{"impresora"}, "ana", 5, []commentSpec{{"ana", "Reinicie el spooler, por favor.", false}, {"ana", "Cliente VIP: revisar contrato.", true}}},
	{"t2", "acme", "alice", "Sin acceso a la VPN desde casa", "FortiClient muestra el error 809 al conectar.", "urgent", "in_progress", "vpn",
		[]string{"vpn"}, "", 4, nil},
	{"t3", "globex", "bob", "Printer offline in London office", "The HP LaserJet shows offline since Monday.", "medium", "waiting", "printers",
		[]string{"printer"}, "ana", 3, nil},
	{"t4", "globex", "bob", "Outlook keeps asking for the password", "After the update Outlook prompts again and again.", "low", "resolved", "email",
		[]string{"outlook"}, "admin", 2, []commentSpec{{"bob", "Still happening after the reset.", false}}},
	{"t5", "acme", "alice", "<script>alert(1)</script> Correo caído", `El correo no llega. <img src=x onerror=alert(1)>`, "high", "open", "email",
		[]string{"correo"}, "", 1, nil},
}

// Load writes the fixture into an empty database through the store, as the portal would.
func Load(t *testing.T, st *store.Store) *Fixture {
	t.Helper()
	ctx := context.Background()
	f := &Fixture{IDs: map[string]int64{}, Clients: map[string]int64{}, Users: map[string]int64{}, Viewers: map[string]search.Viewer{}, Names: map[string]string{}}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("searchtest fixture: %v", err)
		}
	}
	clients := map[string]*store.Client{}
	for _, c := range []struct{ key, name string }{{"acme", "Acme Ibérica S.L."}, {"globex", "Globex Ltd"}} {
		cl, err := st.CreateClient(ctx, c.name, 60, nil)
		must(err)
		clients[c.key] = cl
		f.Clients[c.key] = cl.ID
		f.Names["client:"+idKey(cl.ID)] = cl.Name
	}
	users := map[string]*store.User{}
	for _, u := range []struct {
		key, name string
		role      auth.Role
		client    string
	}{
		{"ana", "Ana Agente", "agent", ""}, {"admin", "Adela Admin", "admin", ""},
		{"alice", "Alice Acme", "client", "acme"}, {"bob", "Bob Globex", "client", "globex"},
	} {
		nu := store.NewUser{Email: u.key + "@example.com", Name: u.name, Role: u.role, PasswordHash: "x"}
		if u.client != "" {
			nu.ClientID = &clients[u.client].ID
		}
		user, err := st.CreateUser(ctx, nu)
		must(err)
		users[u.key] = user
		f.Users[u.key] = user.ID
		f.Names["user:"+idKey(user.ID)] = user.Name
		v := search.Viewer{Role: u.role, UserID: user.ID}
		if user.ClientID != nil {
			v.ClientID = *user.ClientID
		}
		f.Viewers[u.key] = v
	}
	f.Viewers["anonymous"] = search.Viewer{}

	var groups []analysis.SynonymGroup
	for _, line := range Synonyms {
		g, err := analysis.ParseSynonymLine(line)
		must(err)
		_, err = st.CreateSynonym(ctx, g)
		must(err)
		groups = append(groups, g)
	}
	// The engines read with the store's analyzer, as a portal's do.
	st.Analyzer().SetSynonyms(groups)
	for _, k := range kbSpecs {
		a, err := st.CreateArticle(ctx, store.NewArticle{Title: k.title, Body: k.body, Category: k.category, Tags: k.tags,
			Locale: k.locale, Audience: k.audience, Status: k.status})
		must(err)
		f.IDs[k.name] = a.ID
		_, err = st.Pool().Exec(ctx, `UPDATE kb_articles SET created_at = $2, updated_at = $2 WHERE id = $1`,
			a.ID, Base.AddDate(0, 0, -30))
		must(err)
	}
	for _, ts := range ticketSpecs {
		nt := store.NewTicket{ClientID: clients[ts.client].ID, CreatedBy: users[ts.creator].ID, Title: ts.title,
			Description: ts.description, Priority: ts.priority, Category: ts.category, Tags: ts.tags}
		if ts.assignee != "" {
			nt.AssigneeID = &users[ts.assignee].ID
		}
		tk, err := st.CreateTicket(ctx, nt)
		must(err)
		f.IDs[ts.name] = tk.ID
		for _, c := range ts.comments {
			_, err := st.AddComment(ctx, tk.ID, users[c.author].ID, c.body, c.internal)
			must(err)
		}
		status := ts.status
		_, err = st.UpdateTicket(ctx, tk.ID, store.TicketPatch{Status: &status})
		must(err)
		opened := Base.AddDate(0, 0, -ts.daysAgo)
		_, err = st.Pool().Exec(ctx, `UPDATE tickets SET created_at = $2::timestamptz, updated_at = $3::timestamptz,
			first_response_at = CASE WHEN first_response_at IS NULL THEN NULL ELSE $3::timestamptz END,
			resolved_at = CASE WHEN resolved_at IS NULL THEN NULL ELSE $3::timestamptz END WHERE id = $1`,
			tk.ID, opened, opened.Add(time.Hour))
		must(err)
	}
	return f
}

func idKey(id int64) string { return strconv.FormatInt(id, 10) }
