package store_test

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"helpdesk/store"
)

func TestParseBlockAddress(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in, want string // want "": refused
	}{
		{"203.0.113.7", "203.0.113.7/32"},
		{" 203.0.113.0/24 ", "203.0.113.0/24"},
		{"203.0.113.77/24", "203.0.113.0/24"}, // host bits cleared
		{"2001:db8::1", "2001:db8::1/128"},
		{"2001:db8:1:2::/64", "2001:db8:1:2::/64"},
		{"::ffff:198.51.100.4", "198.51.100.4/32"}, // as the portal sees it
		{"::ffff:198.51.100.0/120", "198.51.100.0/24"},
		{"0.0.0.0/0", ""},
		{"::/0", ""},
		{"203.0.113.0/33", ""},
		{"fe80::1%eth0", ""},
		{"example.com", ""},
		{"", ""},
	} {
		p, err := store.ParseBlockAddress(c.in)
		switch {
		case c.want == "":
			var inv *store.InvalidError
			if !errors.As(err, &inv) || inv.Field != "address" {
				t.Errorf("%q: %v %v, want an invalid address", c.in, p, err)
			}
		case err != nil || p.String() != c.want:
			t.Errorf("%q: %v %v, want %s", c.in, p, err, c.want)
		}
	}
}

// TestBlocklist: entries are added once (an expired one is replaced), listed, removed by id or
// by address; every change moves the count portals poll; expired entries are not active.
func TestBlocklist(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := pg.NewStore(t)
	w := newWorld(t, st)
	changes := func() int64 {
		t.Helper()
		n, err := st.BlocklistChanges(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := changes()
	network := netip.MustParsePrefix("203.0.113.0/24")
	week := time.Now().Add(7 * 24 * time.Hour)
	b, err := st.AddBlock(ctx, store.NewBlock{Address: network, Reason: "  credential stuffing ", CreatedBy: &w.admin.ID, ExpiresAt: &week})
	if err != nil || b.Address != network || b.Reason == nil || *b.Reason != "credential stuffing" || *b.CreatedBy != w.admin.ID || b.ExpiresAt == nil {
		t.Fatalf("add: %+v %v", b, err)
	}
	if after := changes(); after <= before {
		t.Errorf("changes %d after an add, was %d", after, before)
	}
	one := netip.MustParsePrefix("198.51.100.7/32")
	plain, err := st.AddBlock(ctx, store.NewBlock{Address: one})
	if err != nil || plain.Reason != nil || plain.CreatedBy != nil || plain.ExpiresAt != nil {
		t.Fatalf("add without reason or expiry: %+v %v", plain, err)
	}
	past := time.Now().Add(-time.Minute)
	for name, nb := range map[string]store.NewBlock{
		"no address":   {},
		"long reason":  {Address: netip.MustParsePrefix("192.0.2.1/32"), Reason: strings.Repeat("x", store.MaxBlockReason+1)},
		"past expiry":  {Address: netip.MustParsePrefix("192.0.2.1/32"), ExpiresAt: &past},
		"NUL reason":   {Address: netip.MustParsePrefix("192.0.2.1/32"), Reason: "a\x00b"},
		"unknown user": {Address: netip.MustParsePrefix("192.0.2.1/32"), CreatedBy: new(int64(999999))},
	} {
		if _, err := st.AddBlock(ctx, nb); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
	if _, err := st.AddBlock(ctx, store.NewBlock{Address: netip.MustParsePrefix("203.0.113.0/24")}); !errors.Is(err, store.ErrConflict) {
		t.Errorf("the same network twice: %v", err)
	}
	// An entry that has expired applies no more, and adding its address again replaces it.
	if _, err := st.Pool().Exec(ctx, `UPDATE blocklist SET expires_at = now() - interval '1 minute' WHERE id = $1`, b.ID); err != nil {
		t.Fatal(err)
	}
	active, n, err := st.ActiveBlocks(ctx)
	if err != nil || len(active) != 1 || active[0].ID != plain.ID || n != changes() {
		t.Fatalf("active: %+v %d %v", active, n, err)
	}
	if list, err := st.Blocks(ctx); err != nil || len(list) != 2 || !list[0].Expired(time.Now()) || list[1].Expired(time.Now()) {
		t.Fatalf("list: %+v %v", list, err)
	}
	again, err := st.AddBlock(ctx, store.NewBlock{Address: network, Reason: "again"})
	if err != nil || again.ID != b.ID || again.ExpiresAt != nil || *again.Reason != "again" || again.CreatedBy != nil {
		t.Fatalf("re-adding an expired entry: %+v %v", again, err)
	}

	before = changes()
	if got, err := st.RemoveBlockAddress(ctx, netip.MustParsePrefix("198.51.100.7/32")); err != nil || got.ID != plain.ID {
		t.Fatalf("remove by address: %+v %v", got, err)
	}
	if changes() <= before {
		t.Error("a removal did not move the count")
	}
	if _, err := st.RemoveBlockAddress(ctx, netip.MustParsePrefix("203.0.113.7/32")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an address inside a blocked network is not an entry: %v", err)
	}
	if _, err := st.RemoveBlock(ctx, b.ID); err != nil {
		t.Fatalf("remove by id: %v", err)
	}
	if _, err := st.RemoveBlock(ctx, b.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("removed twice: %v", err)
	}
	if list, err := st.Blocks(ctx); err != nil || len(list) != 0 {
		t.Errorf("left: %+v %v", list, err)
	}
}
