package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"helpdesk/store"
)

func TestSavedSearches(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := pg.NewStore(t)
	w := newWorld(t, st)
	if _, err := st.SaveSearch(ctx, w.agent.ID, "Urgentes", "priority=urgent"); err != nil {
		t.Fatal(err)
	}
	s, err := st.SaveSearch(ctx, w.agent.ID, "Urgentes", "priority=urgent&status=open")
	if err != nil || s.Query != "priority=urgent&status=open" {
		t.Fatalf("same name replaces: %+v %v", s, err)
	}
	list, err := st.SavedSearches(ctx, w.agent.ID)
	if err != nil || len(list) != 1 {
		t.Fatalf("list = %+v %v", list, err)
	}
	if err := st.DeleteSavedSearch(ctx, w.admin.ID, s.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another user deleted it: %v", err)
	}
	if _, err := st.SaveSearch(ctx, w.agent.ID, "  ", "q=x"); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("blank name: %v", err)
	}
	for i := 1; i < store.MaxSavedSearches; i++ {
		if _, err := st.SaveSearch(ctx, w.agent.ID, fmt.Sprint("s", i), "q=x"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.SaveSearch(ctx, w.agent.ID, "one too many", "q=x"); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("limit: %v", err)
	}
	if err := st.DeleteSavedSearch(ctx, w.agent.ID, s.ID); err != nil {
		t.Fatal(err)
	}
}
