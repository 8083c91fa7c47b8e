package search

import "testing"

// TestViewerHelpers: who sees which tickets and reads which articles, as every page and the
// API judge a row already loaded (the store's lists say the same in SQL).
func TestViewerHelpers(t *testing.T) {
	staff, alice, visitor := Viewer{Role: "agent", UserID: 1}, Viewer{Role: "client", UserID: 2, ClientID: 7}, Viewer{}
	for _, c := range []struct {
		name string
		got  bool
		want bool
	}{
		{"staff see any company's tickets", staff.SeesTicketsOf(9), true},
		{"a client sees their company's", alice.SeesTicketsOf(7), true},
		{"a client does not see another's", alice.SeesTicketsOf(9), false},
		{"a visitor sees no ticket", visitor.SeesTicketsOf(0), false},
		{"staff read drafts", staff.MayRead("public", false), true},
		{"staff read internal articles", staff.MayRead("internal", true), true},
		{"a client reads the clients' articles", alice.MayRead("clients", true), true},
		{"a client reads no draft", alice.MayRead("public", false), false},
		{"a client reads no internal article", alice.MayRead("internal", true), false},
		{"a visitor reads public articles", visitor.MayRead("public", true), true},
		{"a visitor reads no clients' article", visitor.MayRead("clients", true), false},
		{"only staff see internal things", staff.SeesInternal() && !alice.SeesInternal() && !visitor.SeesInternal(), true},
	} {
		if c.got != c.want {
			t.Errorf("%s: %v", c.name, c.got)
		}
	}
}
