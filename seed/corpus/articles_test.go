package corpus

import (
	"slices"
	"testing"
)

func TestParseArticle(t *testing.T) {
	a, err := parseArticle("---\nslug: vpn\ntitle: VPN: cómo\ncategory: VPN y acceso remoto\ntags: vpn, mfa\nlocale: es\naudience: public\n---\n# VPN\n\nTexto.\n")
	if err != nil {
		t.Fatal(err)
	}
	if a.Slug != "vpn" || a.Title != "VPN: cómo" || a.Category != "VPN y acceso remoto" || !slices.Equal(a.Tags, []string{"vpn", "mfa"}) ||
		a.Locale != "es" || a.Audience != "public" || a.Body != "# VPN\n\nTexto.\n" {
		t.Errorf("parsed %+v", a)
	}
	for name, text := range map[string]string{
		"no front matter": "# VPN\n",
		"not closed":      "---\nslug: vpn\n# VPN\n",
		"not key: value":  "---\nslug vpn\n---\n# VPN\n",
		"unknown key":     "---\nowner: ana\n---\n# VPN\n",
	} {
		if _, err := parseArticle(text); err == nil {
			t.Errorf("%s: parsed", name)
		}
	}
}
