package store

import (
	"strconv"
	"strings"
	"testing"

	"helpdesk/search/analysis"
)

func TestVectorLiteral(t *testing.T) {
	v := newVec()
	v.add(analysis.Field{Words: []string{"la", "impresora", "it's"}, Stems: []string{"la", "impresor", `a\b`}}, "A", "", true)
	v.add(analysis.Field{Words: []string{"impresora"}, Stems: []string{"impresor"}}, "B", "", false)
	v.add(analysis.Field{Words: []string{"clave"}}, "", "!", false)
	want := `'!clave':8 '=impresora':3A '=it''s':4A '=la':2A 'impresora':3A,6B 'it''s':4A 'la':2A '~a\\b':4A '~impresor':3A,6B '~la':2A`
	if got := v.String(); got != want {
		t.Errorf("literal\n got %s\nwant %s", got, want)
	}
	long := newVec()
	words := strings.Fields(strings.Repeat("x ", maxPosition+10))
	long.add(analysis.Field{Words: words, Stems: words}, "", "", false)
	if s := long.String(); !strings.Contains(s, ","+itoa(maxPosition)) || strings.Contains(s, itoa(maxPosition+1)) {
		t.Error("positions past the last a tsvector keeps are not clamped")
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
