package portal

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"

	"helpdesk/store"
)

// The blocklist lives in Postgres (admins change it from the API, the CLI or a page); each
// portal keeps the live entries in memory, swapped whole behind an atomic pointer, and reloads
// them when the table's change count moves: at start, every BlocklistRefresh (another portal or
// portalctl may have changed it) and right after its own changes. The addresses of
// API_BLOCKLIST are refused besides, fixed at start.

// blocklist is what this portal refuses.
type blocklist struct {
	static  []netip.Prefix
	entries atomic.Pointer[[]blockEntry]
	mu      sync.Mutex // one reload at a time
	seen    atomic.Int64
	loaded  atomic.Bool
}

type blockEntry struct {
	prefix  netip.Prefix
	expires time.Time // zero: never
}

func newBlocklist(static []netip.Prefix) *blocklist {
	b := &blocklist{static: static}
	b.entries.Store(&[]blockEntry{})
	return b
}

// blocks reports whether requests from addr are refused at now. A linear scan: lists are
// short, and a few hundred prefixes cost well under a microsecond.
func (b *blocklist) blocks(addr netip.Addr, now time.Time) bool {
	addr = addr.Unmap()
	for _, p := range b.static {
		if p.Contains(addr) {
			return true
		}
	}
	for _, e := range *b.entries.Load() {
		if e.prefix.Contains(addr) && (e.expires.IsZero() || now.Before(e.expires)) {
			return true
		}
	}
	return false
}

// syncBlocklist reloads the blocklist if it changed since the last load.
func (s *Server) syncBlocklist(ctx context.Context) error {
	b := s.blocks
	changes, err := s.store.BlocklistChanges(ctx)
	if err != nil {
		return err
	}
	if b.seen.Load() == changes && b.loaded.Load() {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	list, changes, err := s.store.ActiveBlocks(ctx)
	if err != nil {
		return err
	}
	entries := make([]blockEntry, 0, len(list))
	for _, x := range list {
		e := blockEntry{prefix: x.Address}
		if x.ExpiresAt != nil {
			e.expires = *x.ExpiresAt
		}
		entries = append(entries, e)
	}
	b.entries.Store(&entries)
	b.seen.Store(changes)
	b.loaded.Store(true)
	return nil
}

// blocklistChanged puts this portal's change in force for its next request.
func (s *Server) blocklistChanged(c *fiber.Ctx) {
	if err := s.syncBlocklist(c.UserContext()); err != nil {
		s.log.Warn("reload blocklist", "request_id", requestID(c), "err", err)
	}
}

// refuseBlocked answers 403 to a blocked address on every route but the ones a load balancer
// and Prometheus ask (they may share an address with what is blocked).
func (s *Server) refuseBlocked(c *fiber.Ctx) error {
	switch strings.TrimRight(strings.ToLower(c.Path()), "/") {
	case "/healthz", "/readyz", "/metrics":
		return c.Next()
	}
	if addr, err := netip.ParseAddr(c.IP()); err == nil && s.blocks.blocks(addr, time.Now()) {
		s.metrics.refused.WithLabelValues("blocked").Inc()
		p := newProblem(fiber.StatusForbidden, "blocked", "requests from this address are refused")
		p.Key = "error.blocked"
		return p
	}
	return c.Next()
}

// blockInput is the body of POST /api/v1/blocklist.
type blockInput struct {
	Address   *string      `json:"address"`
	Reason    *string      `json:"reason"`
	ExpiresAt optionalTime `json:"expires_at"`
}

func (in *blockInput) validate(bool) error {
	if in.Address == nil {
		return store.Invalid("address", "is required")
	}
	return nil
}

// optionalTime is a JSON time (RFC 3339) or null, refused with its field named.
type optionalTime struct{ value *time.Time }

func (t *optionalTime) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var v time.Time
	if err := v.UnmarshalJSON(b); err != nil {
		return store.Invalid("expires_at", "must be a time such as 2027-01-31T18:00:00Z, or null")
	}
	t.value = &v
	return nil
}

var errOwnAddress = errors.New("the admin's own address")

// newBlock checks an entry an admin adds from this request: the address must not contain the
// admin's own, which would lock them out of the page and the API they would undo it with.
func (s *Server) newBlock(c *fiber.Ctx, address, reason string, expires *time.Time) (store.NewBlock, error) {
	p, err := store.ParseBlockAddress(address)
	if err != nil {
		return store.NewBlock{}, err
	}
	if own, err := netip.ParseAddr(c.IP()); err == nil && p.Contains(own.Unmap()) {
		return store.NewBlock{}, &store.InvalidError{Field: "address", Err: errOwnAddress,
			Reason: fmt.Sprintf("%s contains your own address (%s); portalctl block add can add it", p, own.Unmap())}
	}
	return store.NewBlock{Address: p, Reason: reason, CreatedBy: &currentUser(c).ID, ExpiresAt: expires}, nil
}

func (s *Server) apiBlocklist(c *fiber.Ctx) error {
	blocks, err := s.store.Blocks(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(list(blocks, int64(len(blocks)), 1, len(blocks)))
}

func (s *Server) apiAddBlock(c *fiber.Ctx) error {
	var in blockInput
	if err := readInput(c, &in, true); err != nil {
		return err
	}
	var reason string
	if in.Reason != nil {
		reason = *in.Reason
	}
	nb, err := s.newBlock(c, *in.Address, reason, in.ExpiresAt.value)
	if err != nil {
		return err
	}
	b, err := s.store.AddBlock(c.UserContext(), nb)
	if err != nil {
		return err
	}
	s.blocklistChanged(c)
	c.Location(fmt.Sprintf("/api/v1/blocklist/%d", b.ID))
	return c.Status(fiber.StatusCreated).JSON(b)
}

func (s *Server) apiRemoveBlock(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return notFound()
	}
	if _, err := s.store.RemoveBlock(c.UserContext(), id); err != nil {
		return err
	}
	s.blocklistChanged(c)
	return c.SendStatus(fiber.StatusNoContent)
}

// blockDurations are the page's choices of how long an entry lasts ("": for good).
var blockDurations = []string{"", "1h", "24h", "168h", "720h"}

// blocklistPage lists the blocklist with a form to add an entry and buttons to remove them.
func (s *Server) blocklistPage(c *fiber.Ctx) error {
	return s.renderBlocklist(c, "", "")
}

// renderBlocklist renders the page; address and problem bring back an entry that was refused.
func (s *Server) renderBlocklist(c *fiber.Ctx, address, problem string) error {
	list, err := s.store.Blocks(c.UserContext())
	if err != nil {
		return err
	}
	return s.render(c, "blocklist", page{Title: s.t(c, "blocklist.title"), Data: map[string]any{
		"Blocks": list, "Now": time.Now(), "Durations": blockDurations, "Address": address, "Problem": problem,
		"Reason": c.FormValue("reason"), "YourAddress": c.IP()}})
}

// addBlock adds an entry from the page's form.
func (s *Server) addBlock(c *fiber.Ctx) error {
	address := c.FormValue("address")
	var expires *time.Time
	if v := c.FormValue("expires"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return badRequest(store.Invalid("expires", "must be one of the choices"))
		}
		t := time.Now().Add(d)
		expires = &t
	}
	nb, err := s.newBlock(c, address, c.FormValue("reason"), expires)
	if err == nil {
		_, err = s.store.AddBlock(c.UserContext(), nb)
	}
	var invalid *store.InvalidError
	problem := "error.bad_request"
	switch {
	case err == nil:
		s.blocklistChanged(c)
		s.flash(c, s.t(c, "blocklist.added"))
		return c.Redirect("/admin/blocklist", fiber.StatusSeeOther)
	case errors.Is(err, errOwnAddress):
		problem = "blocklist.own_address"
	case errors.Is(err, store.ErrConflict):
		problem = "blocklist.exists"
	case errors.As(err, &invalid) && invalid.Field == "address":
		problem = "blocklist.bad_address"
	case !errors.Is(err, store.ErrInvalid):
		return err
	}
	p, _ := problemOf(err)
	c.Status(p.Status)
	return s.renderBlocklist(c, address, s.t(c, problem))
}

// removeBlock removes an entry from the page's button.
func (s *Server) removeBlock(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return notFound()
	}
	if _, err := s.store.RemoveBlock(c.UserContext(), id); err != nil {
		return err
	}
	s.blocklistChanged(c)
	s.flash(c, s.t(c, "blocklist.removed"))
	return c.Redirect("/admin/blocklist", fiber.StatusSeeOther)
}
