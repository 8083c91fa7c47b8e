package i18n

import (
	"slices"
	"testing"
	"time"
	"unsafe"
)

func TestNegotiate(t *testing.T) {
	for header, want := range map[string]string{
		"":                                 "es",
		"en-GB,en;q=0.9":                   "en",
		"fr-FR,fr;q=0.9,en;q=0.8,es;q=0.7": "en",
		"de":                               "es",
		"es-ES;q=0.5, en;q=0.4":            "es",
	} {
		if got := Negotiate(header); got != want {
			t.Errorf("Negotiate(%q) = %s, want %s", header, got, want)
		}
	}
}

func TestCatalogsHaveTheSameKeys(t *testing.T) {
	for key := range catalog["es"] {
		if _, ok := catalog["en"][key]; !ok {
			t.Errorf("%q missing in en", key)
		}
	}
	for key := range catalog["en"] {
		if _, ok := catalog["es"][key]; !ok {
			t.Errorf("%q missing in es", key)
		}
	}
}

func TestFormats(t *testing.T) {
	d := time.Date(2026, 1, 2, 14, 5, 0, 0, time.UTC)
	if got := Date("es", d); got != "2 ene 2026, 14:05" {
		t.Errorf("es date %q", got)
	}
	if got := Date("en", d); got != "Jan 2, 2026, 2:05 PM" {
		t.Errorf("en date %q", got)
	}
	if Number("es", 1234567) != "1.234.567" || Number("en", 1234567) != "1,234,567" || Number("en", -12) != "-12" {
		t.Error("numbers")
	}
	if Percent("es", 0.9234) != "92,3 %" || Percent("en", 1) != "100.0 %" {
		t.Error("percent", Percent("es", 0.9234), Percent("en", 1))
	}
}

// TestNegotiateNeverAliasesTheHeader: the language returned is one of Languages itself, not a
// slice of the header (fiber hands headers out of a buffer the next request reuses; a kept
// slice turned "en" into "es" in recorded searches).
func TestNegotiateNeverAliasesTheHeader(t *testing.T) {
	for _, header := range []string{"en", "EN-gb", "es-ES,es;q=0.9,en;q=0.8", "fr, en;q=0.5", ""} {
		got := Negotiate(header)
		if i := slices.Index(Languages, got); i < 0 || unsafe.StringData(got) != unsafe.StringData(Languages[i]) {
			t.Errorf("Negotiate(%q) = %q, not one of Languages", header, got)
		}
	}
	if c := Canonical(string([]byte("en"))); unsafe.StringData(c) != unsafe.StringData(Languages[1]) {
		t.Error("Canonical returned its argument")
	}
	if Canonical("fr") != "" {
		t.Error("Canonical(fr)")
	}
}
