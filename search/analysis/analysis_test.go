package analysis

import (
	"reflect"
	"strings"
	"testing"
)

func TestStem(t *testing.T) {
	a := New()
	cases := []struct {
		lang  Lang
		words []string // all stem alike
	}{
		{Spanish, []string{"configuración", "configuracion", "configuraciones", "configurar", "CONFIGURACIÓN"}},
		{Spanish, []string{"programación", "programacion", "programar", "programando"}},
		{Spanish, []string{"impresora", "impresoras"}},
		{Spanish, []string{"contraseña", "contraseñas", "contrasena"}},
		{Spanish, []string{"instalación", "instalar", "instalando", "instalaciones"}},
		{Spanish, []string{"estarían", "estarian"}},
		{English, []string{"printer", "printers", "printing", "print", "prints"}},
		{English, []string{"schedule", "scheduling", "scheduled"}},
		{English, []string{"configured", "configuration", "configuring"}},
		{English, []string{"installer", "install", "installation"}},
	}
	for _, c := range cases {
		want := a.Stem(Fold(c.words[0]), c.lang)
		for _, w := range c.words[1:] {
			if got := a.Stem(Fold(w), c.lang); got != want {
				t.Errorf("%s stem of %q = %q, of %q = %q: want them equal", c.lang, w, got, c.words[0], want)
			}
		}
	}
	for _, w := range []string{"x11", "error_809", "vpn", "ab"} {
		if got := a.Stem(w, Spanish); got != w {
			t.Errorf("stem of %q = %q, want it unchanged", w, got)
		}
	}
	for _, pair := range [][2]string{{"user", "use"}, {"server", "serve"}, {"printer", "prince"}} {
		if a.Stem(pair[0], English) == a.Stem(pair[1], English) {
			t.Errorf("%q and %q stem alike", pair[0], pair[1])
		}
	}
}

func TestWithinEdits(t *testing.T) {
	cases := []struct {
		a, b string
		k    int
		want bool
	}{
		{"printer", "printer", 0, true},
		{"pritner", "printer", 1, true}, // a swap is one edit
		{"printr", "printer", 1, true},
		{"priinter", "printer", 1, true},
		{"prunter", "printer", 1, true},
		{"prnitre", "printer", 1, false},
		{"prnitre", "printer", 2, true},
		{"contarseña", "contraseña", 1, true},
		{"vpn", "vpm", 0, false},
		{"abc", "abcdef", 2, false},
		{"ñandú", "ñandu", 1, true},
		{strings.Repeat("a", 60), strings.Repeat("a", 59) + "b", 1, true},
		{strings.Repeat("ab", 30), strings.Repeat("ba", 30), 1, false},
	}
	for _, c := range cases {
		if got := WithinEdits(c.a, c.b, c.k); got != c.want {
			t.Errorf("WithinEdits(%q, %q, %d) = %v", c.a, c.b, c.k, got)
		}
		if got := WithinEdits(c.b, c.a, c.k); got != c.want {
			t.Errorf("WithinEdits(%q, %q, %d) = %v (swapped)", c.b, c.a, c.k, got)
		}
	}
}

func TestMaxEdits(t *testing.T) {
	for term, want := range map[string]int{"vpn": 0, "red": 0, "pritner": 1, "impresora": 2, "configuracion": 2,
		"80070005": 0, "kb5034441": 0, "0x80070005": 0, "win10": 0, "10002": 0} {
		if got := MaxEdits(term); got != want {
			t.Errorf("MaxEdits(%q) = %d, want %d", term, got, want)
		}
	}
}

func TestWithinEditsAllocatesNothing(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { WithinEdits("configuracion", "configuarcion", 2) }); n != 0 {
		t.Errorf("WithinEdits allocates %v times", n)
	}
}

func termTexts(q Query) []string {
	var out []string
	for _, t := range q.Terms {
		out = append(out, t.Text())
	}
	return out
}

func TestQueryTerms(t *testing.T) {
	a := New()
	a.SetSynonyms(mustParse(t, "copia de seguridad, respaldo, backup\ncontraseña, clave, password\nad => active directory"))
	cases := []struct {
		text string
		want []string
	}{
		{"Configuración", []string{"configuracion"}},
		{"¿Cómo configuro la VPN en casa?", []string{"configuro", "vpn", "casa"}},
		{"the printer does not print", []string{"printer", "print"}},
		{"la impresora no funciona", []string{"impresora"}},
		{"the and", []string{"the", "and"}}, // only stop words: keep them
		{"Impresora impresora IMPRESORA", []string{"impresora"}},
		{`title:"x" OR * AND (a`, []string{"title", "x"}},
		{"hacer copias de seguridad del servidor", []string{"copias de seguridad", "servidor"}},
		{"", nil},
	}
	for _, c := range cases {
		if got := termTexts(a.Query(c.text)); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Query(%q) terms = %q, want %q", c.text, got, c.want)
		}
	}
}

func TestQuerySynonyms(t *testing.T) {
	a := New()
	a.SetSynonyms(mustParse(t, "copia de seguridad, respaldo, backup\ncontraseña, clave, password\nad => active directory, directorio activo"))
	syn := func(text string) map[string][]string {
		out := map[string][]string{}
		for _, term := range a.Query(text).Terms {
			for _, s := range term.Synonyms {
				out[term.Text()] = append(out[term.Text()], strings.Join(s.Words, " "))
			}
		}
		return out
	}
	cases := []struct {
		text string
		want map[string][]string
	}{
		{"olvidé mi contraseña", map[string][]string{"contrasena": {"clave", "password"}}},
		{"contraseñas", map[string][]string{"contrasenas": {"clave", "password"}}}, // by stem
		{"Password", map[string][]string{"password": {"contrasena", "clave"}}},
		{"backup", map[string][]string{"backup": {"copia de seguridad", "respaldo"}}},
		{"copia de seguridad", map[string][]string{"copia de seguridad": {"respaldo", "backup"}}},
		{"AD", map[string][]string{"ad": {"active directory", "directorio activo"}}},
		{"active directory", map[string][]string{}}, // one way
	}
	for _, c := range cases {
		if got := syn(c.text); !reflect.DeepEqual(got, c.want) {
			t.Errorf("synonyms of %q = %v, want %v", c.text, got, c.want)
		}
	}
}

func mustParse(t *testing.T, text string) []SynonymGroup {
	t.Helper()
	g, err := ParseSynonyms(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestParseSynonyms(t *testing.T) {
	good := "# comment\n\nContraseña,  clave , password\nad => active directory, directorio activo\n"
	g := mustParse(t, good)
	want := []SynonymGroup{
		{Terms: []string{"contraseña", "clave", "password"}},
		{Terms: []string{"ad"}, Expansions: []string{"active directory", "directorio activo"}},
	}
	if !reflect.DeepEqual(g, want) {
		t.Fatalf("parsed %#v", g)
	}
	var lines []string
	for _, x := range g {
		lines = append(lines, x.String())
	}
	if again := mustParse(t, strings.Join(lines, "\n")); !reflect.DeepEqual(again, g) {
		t.Fatalf("round trip %#v", again)
	}
	for _, bad := range []string{"solo", "a => ", " => b", "a => b => c", "a, ***", strings.Repeat("x ", 7) + ", y",
		"a, " + strings.Repeat("b", 101)} {
		if _, err := ParseSynonymLine(bad); err == nil {
			t.Errorf("ParseSynonymLine(%q) accepted", bad)
		}
	}
	if _, err := ParseSynonyms(strings.NewReader("a, b\nsolo\n")); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("error does not name the line: %v", err)
	}
}

func TestDetect(t *testing.T) {
	cases := []struct {
		text string
		want Lang
	}{
		{"La impresora de la oficina no imprime desde el lunes", Spanish},
		{"The printer in the office does not print since Monday", English},
		{"VPN 809", Spanish}, // no sign: the fallback
	}
	for _, c := range cases {
		if got := Detect(Words(Fold(c.text)), Spanish); got != c.want {
			t.Errorf("Detect(%q) = %s, want %s", c.text, got, c.want)
		}
	}
}

func TestMatcherMarksTheWordsOfTheText(t *testing.T) {
	a := New()
	a.SetSynonyms(mustParse(t, "copia de seguridad, backup\nimpresora, printer"))
	cases := []struct {
		query, text string
		title       bool
		want        []string
	}{
		{"printer", "Configuring printing on the print server", false, []string{"printing", "print"}},
		{"pritner", "The printer is offline", false, []string{"printer"}},
		{"impre", "Impresora no imprime", true, []string{"Impresora"}},
		{"impre", "Impresora no imprime", false, nil}, // word starts only in titles
		{"backup", "Haga copias de seguridad cada día", false, []string{"copias", "de", "seguridad"}},
		{"configuracion", "Configuración de la VPN", false, []string{"Configuración"}},
		{"vpm", "vpn", false, nil},
	}
	for _, c := range cases {
		m := a.Matcher(a.Query(c.query))
		var got []string
		for _, s := range m.Spans(c.text, c.title) {
			got = append(got, c.text[s.Start:s.End])
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q in %q: marked %q, want %q", c.query, c.text, got, c.want)
		}
	}
}

// TestStarterSynonyms: the list a new database gets parses, and makes the help desk's everyday
// words meet across the two languages.
func TestStarterSynonyms(t *testing.T) {
	groups := StarterSynonyms()
	if len(groups) < 300 {
		t.Fatalf("%d starter groups", len(groups))
	}
	a := New()
	a.SetSynonyms(groups)
	for query, want := range map[string]string{
		"contraseña": "password", "impresora": "printer", "copia de seguridad": "backup", "correo": "email", "vpn": "red privada virtual",
	} {
		found := false
		for _, term := range a.Query(query).Terms {
			for _, s := range term.Synonyms {
				found = found || strings.Join(s.Words, " ") == want
			}
		}
		if !found {
			t.Errorf("%q does not find %q", query, want)
		}
	}
	t.Logf("%d starter groups", len(groups))
}

func TestRequired(t *testing.T) {
	for n, want := range map[int][2]int{1: {1, 1}, 2: {2, 1}, 3: {2, 1}, 4: {3, 2}, 5: {3, 2}, 6: {4, 3}, 10: {6, 5}} {
		if got := [2]int{Required(n), Relaxed(n)}; got != want {
			t.Errorf("Required, Relaxed(%d) = %v, want %v", n, got, want)
		}
	}
}

func TestSuggest(t *testing.T) {
	a := New()
	texts := []string{"Configuración de la VPN con FortiClient", "La impresora de la planta 2 no imprime", "Impresora"}
	cases := []struct{ query, want string }{
		{"configurasion vpm", "configuración vpn"},   // as the texts write it
		{"la imprezora no va", "la impresora no va"}, // stop words and unknown words stay
		{"impresoras", ""},                           // known by its stem: not a typo
		{"zzzz", ""},                                 // nothing close
		{"error 8O9 vpn", ""},                        // codes with digits are left alone
		{"¿Configuracion?", ""},                      // the text holds it (folded)
	}
	for _, c := range cases {
		if got := a.Suggest(c.query, a.Query(c.query), texts); got != c.want {
			t.Errorf("Suggest(%q) = %q, want %q", c.query, got, c.want)
		}
	}
}
