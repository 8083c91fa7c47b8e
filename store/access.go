package store

import (
	"strconv"

	"helpdesk/search"
)

// params are a statement's arguments as its conditions are written; add appends one and
// returns its placeholder, which is what the access rules' arg takes.
type params []any

func (p *params) add(x any) string {
	*p = append(*p, x)
	return "$" + strconv.Itoa(len(*p))
}

// The access rules in SQL, built from the viewer: the store's lists of tickets and articles and
// the fallback search take them from here, so no query of what people see can leave them out
// (as Miniflux's NewEntryQueryBuilder(store, userID)). They mirror the viewer's helpers
// (search.Viewer.SeesTicketsOf, MayRead), which judge a row already loaded.

// TicketAccess returns the conditions that a ticket row aliased t is v's to see; arg adds a
// query parameter and returns its placeholder.
func TicketAccess(v search.Viewer, t string, arg func(any) string) []string {
	if v.IsStaff() {
		return nil
	}
	return []string{t + ".client_id = " + arg(v.ClientID)} // no company (0): no ticket
}

// ArticleAccess returns the conditions that an article row aliased a is v's to read; published
// is the row's condition of being published in its table.
func ArticleAccess(v search.Viewer, a, published string, arg func(any) string) []string {
	conds := []string{a + ".audience = ANY(" + arg(v.KBAudiences()) + ")"}
	if !v.SeesInternal() {
		conds = append(conds, published)
	}
	return conds
}
