package corpus

import (
	"slices"
	"testing"
	"testing/fstest"
)

func TestParseFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"kb/001-vpn.md":     {Data: []byte("---\nslug: vpn\ntitle: VPN: cómo\ncategory: VPN y acceso remoto\ntags: vpn, mfa\nlocale: es\naudience: public\n---\n# VPN\n\nTexto.\n")},
		"tickets/01-vpn.md": {Data: []byte("---\ncategory: vpn\nlocale: es\ntags: vpn\n---\n\n## Titles\n\n- Sin VPN\n- VPN lenta\n\n## Descriptions\n\n- No conecta.\n")},
		"comments/notes.md": {Data: []byte("---\nkind: notes\n---\n\n## es\n\n- Revisado.\n\n## en\n\n- Checked.\n")},
		"bad/front.md":      {Data: []byte("# VPN\n")},
		"bad/open.md":       {Data: []byte("---\nslug: vpn\n# VPN\n")},
		"bad/line.md":       {Data: []byte("---\nslug vpn\n---\n# VPN\n")},
		"bad/key.md":        {Data: []byte("---\nowner: ana\n---\n# VPN\n")},
		"badlist/stray.md":  {Data: []byte("---\ncategory: vpn\nlocale: es\ntags: vpn\n---\nTexto suelto.\n")},
	}
	articles, err := read(fsys, "kb", parseArticle)
	if err != nil || len(articles) != 1 {
		t.Fatalf("articles %v, %v", articles, err)
	}
	if a := articles[0]; a.Slug != "vpn" || a.Title != "VPN: cómo" || a.Category != "VPN y acceso remoto" || !slices.Equal(a.Tags, []string{"vpn", "mfa"}) ||
		a.Locale != "es" || a.Audience != "public" || a.Body != "# VPN\n\nTexto.\n" {
		t.Errorf("article %+v", a)
	}
	topics, err := read(fsys, "tickets", parseTopic)
	if err != nil || len(topics) != 1 || !slices.Equal(topics[0].Titles, []string{"Sin VPN", "VPN lenta"}) || !slices.Equal(topics[0].Descriptions, []string{"No conecta."}) {
		t.Errorf("topics %+v, %v", topics, err)
	}
	notes, err := comments(fsys, "notes")
	if err != nil || !slices.Equal(notes["es"], []string{"Revisado."}) || !slices.Equal(notes["en"], []string{"Checked."}) {
		t.Errorf("comments %v, %v", notes, err)
	}
	for _, name := range []string{"bad/front.md", "bad/open.md", "bad/line.md", "bad/key.md"} {
		if _, err := parseFile(fsys, name, parseArticle); err == nil {
			t.Errorf("%s: parsed", name)
		}
	}
	if _, err := parseFile(fsys, "badlist/stray.md", parseTopic); err == nil {
		t.Errorf("a topic with text outside its lists parsed")
	}
}
