package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"helpdesk/store"
)

// TestTicketCategories: categories are data. A ticket names one by slug or by either name in
// any case; a retired one is refused for a new ticket but kept by the tickets that have it;
// slugs and names are unique; the unknown is refused with the choices.
func TestTicketCategories(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := pg.NewStore(t)
	w := newWorld(t, st)
	open := func(category string) (*store.Ticket, error) {
		return st.CreateTicket(ctx, store.NewTicket{ClientID: w.acme.ID, CreatedBy: w.alice.ID, Title: "Algo", Category: category})
	}
	for input, want := range map[string]string{"printers": "printers", "IMPRESORAS": "printers", " printers ": "printers",
		"Copias de seguridad": "backups", "backups": "backups", "": store.DefaultCategory} {
		tk, err := open(input)
		if err != nil || tk.Category != want {
			t.Errorf("category %q: %v %v, want %s", input, tk, err, want)
		}
	}
	_, err := open("Fontanería")
	var invalid *store.InvalidError
	if !errors.As(err, &invalid) || invalid.Field != "category" || !strings.Contains(err.Error(), "printers") {
		t.Errorf("unknown category: %v", err)
	}
	c, err := st.CreateTicketCategory(ctx, store.NewTicketCategory{Slug: "telefonia", NameES: "Telefonía", NameEN: "Phones", Position: 20})
	if err != nil || !c.Active {
		t.Fatalf("create: %+v %v", c, err)
	}
	tk, err := open("phones")
	if err != nil || tk.Category != "telefonia" {
		t.Fatalf("a new category by its English name: %v %v", tk, err)
	}
	for _, dup := range []store.NewTicketCategory{
		{Slug: "telefonia", NameES: "Otra", NameEN: "Other"},
		{Slug: "telefono", NameES: "TELEFONÍA", NameEN: "Other"},
	} {
		if _, err := st.CreateTicketCategory(ctx, dup); !errors.Is(err, store.ErrConflict) {
			t.Errorf("duplicate %+v: %v", dup, err)
		}
	}
	for _, bad := range []store.NewTicketCategory{{Slug: "Mal Slug", NameES: "a", NameEN: "b"}, {Slug: "ok", NameES: " ", NameEN: "b"}} {
		if _, err := st.CreateTicketCategory(ctx, bad); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("bad %+v: %v", bad, err)
		}
	}
	off := false
	if _, err := st.UpdateTicketCategory(ctx, "telefonia", store.TicketCategoryPatch{Active: &off}); err != nil {
		t.Fatal(err)
	}
	if _, err := open("telefonia"); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("a retired category for a new ticket: %v", err)
	}
	title := "Sigue igual"
	if got, err := st.UpdateTicket(ctx, tk.ID, store.TicketPatch{Title: &title, Category: &tk.Category}); err != nil || got.Category != "telefonia" {
		t.Errorf("a ticket keeps its retired category: %v %v", got, err)
	}
	other := "vpn"
	if got, err := st.UpdateTicket(ctx, tk.ID, store.TicketPatch{Category: &other}); err != nil || got.Category != "vpn" {
		t.Errorf("moving to an active category: %v %v", got, err)
	}
	back := "telefonia"
	if _, err := st.UpdateTicket(ctx, tk.ID, store.TicketPatch{Category: &back}); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("moving back to the retired one: %v", err)
	}
	if _, err := st.UpdateTicketCategory(ctx, "nada", store.TicketCategoryPatch{Active: &off}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown slug: %v", err)
	}
	// The database holds the rule too: no row names a category that does not exist.
	if _, err := st.Pool().Exec(ctx, `UPDATE tickets SET category = 'nada' WHERE id = $1`, tk.ID); err == nil {
		t.Error("a ticket took a category that does not exist")
	}
}
