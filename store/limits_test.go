package store

import (
	"strings"
	"testing"
)

func TestValidTitle(t *testing.T) {
	for _, tc := range []struct {
		title string
		want  bool
	}{
		{"Sin VPN", true},
		{"", false},
		{"   ", false},
		{strings.Repeat("a", MaxTitle), true},
		{strings.Repeat("a", MaxTitle+1), false},
		{strings.Repeat("é", MaxTitle), true}, // 600 bytes, 300 characters: as length() counts
		{strings.Repeat("é", MaxTitle+1), false},
	} {
		if got := ValidTitle(tc.title); got != tc.want {
			t.Errorf("ValidTitle(%d bytes, %d characters) = %v, want %v", len(tc.title), len([]rune(tc.title)), got, tc.want)
		}
	}
}
