package store

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Block is an entry of the blocklist: an address or a network whose requests every portal
// refuses, until it expires or is removed.
type Block struct {
	ID        int64        `db:"id" json:"id"`
	Address   netip.Prefix `db:"address" json:"address"` // one address is a /32 or /128
	Reason    *string      `db:"reason" json:"reason"`
	CreatedBy *int64       `db:"created_by" json:"created_by"` // nil when added from portalctl
	CreatedAt time.Time    `db:"created_at" json:"created_at"`
	ExpiresAt *time.Time   `db:"expires_at" json:"expires_at"` // nil: never
}

// Expired reports whether the entry no longer applies at now.
func (b Block) Expired(now time.Time) bool { return b.ExpiresAt != nil && !now.Before(*b.ExpiresAt) }

const blockColumns = `id, address, reason, created_by, created_at, expires_at`

// MaxBlockReason bounds a blocklist entry's reason, in characters (the schema says the same).
const MaxBlockReason = 500

// ParseBlockAddress reads an address ("203.0.113.7") or a network ("203.0.113.0/24") as the
// blocklist keeps it: a network with its host bits cleared, an IPv4-mapped IPv6 address as
// IPv4. Anything else, and a network of every address, is InvalidError on "address".
func ParseBlockAddress(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	bad := Invalid("address", "must be an IP address or a CIDR network, such as 203.0.113.7 or 203.0.113.0/24")
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil || a.Zone() != "" {
			return netip.Prefix{}, bad
		}
		a = a.Unmap()
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, bad
	}
	if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
		p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
	}
	if p.Bits() == 0 {
		return netip.Prefix{}, Invalid("address", "%s would block every address", p)
	}
	return p.Masked(), nil
}

// NewBlock is what adding a blocklist entry needs.
type NewBlock struct {
	Address   netip.Prefix // from ParseBlockAddress
	Reason    string       // optional
	CreatedBy *int64       // the admin who added it; nil from portalctl
	ExpiresAt *time.Time   // nil: never
}

// AddBlock adds an entry to the blocklist. An address or network blocked already is
// ErrConflict, unless its entry has expired: then this one replaces it.
func (s *Store) AddBlock(ctx context.Context, b NewBlock) (*Block, error) {
	if !b.Address.IsValid() {
		return nil, fmt.Errorf("add block: %w", Invalid("address", "is required"))
	}
	var reason *string
	if r := strings.TrimSpace(b.Reason); r != "" {
		if TooLong(r, MaxBlockReason) {
			return nil, fmt.Errorf("add block: %w", Invalid("reason", "is at most %d characters", MaxBlockReason))
		}
		reason = &r
	}
	if b.ExpiresAt != nil && !b.ExpiresAt.After(time.Now()) {
		return nil, fmt.Errorf("add block: %w", Invalid("expires_at", "must be in the future"))
	}
	rows, err := s.db.Query(ctx, `INSERT INTO blocklist (address, reason, created_by, expires_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (address) DO UPDATE SET reason = EXCLUDED.reason, created_by = EXCLUDED.created_by,
			created_at = now(), expires_at = EXCLUDED.expires_at
		WHERE blocklist.expires_at <= now()
		RETURNING `+blockColumns, b.Address.Masked(), reason, b.CreatedBy, b.ExpiresAt)
	if err != nil {
		return nil, fmt.Errorf("add block: %w", classify(err))
	}
	added, err := pgx.CollectRows(rows, pgx.RowToAddrOfStructByNameLax[Block])
	switch {
	case err != nil:
		return nil, fmt.Errorf("add block: %w", classify(err))
	case len(added) == 0: // the conflict's WHERE kept a live entry
		return nil, fmt.Errorf("add block: %w", Conflict("%s is blocked already", b.Address.Masked()))
	}
	return added[0], nil
}

// Blocks lists the blocklist, expired entries included, oldest first.
func (s *Store) Blocks(ctx context.Context) ([]Block, error) {
	rows, err := s.db.Query(ctx, `SELECT `+blockColumns+` FROM blocklist ORDER BY id`)
	return all[Block](rows, err, "list blocks")
}

// ActiveBlocks is the entries that have not expired, with the count of changes the table has
// seen: a reader that kept the count knows whether to read the table again (BlocklistChanges).
func (s *Store) ActiveBlocks(ctx context.Context) (blocks []Block, changes int64, err error) {
	// The count first: a change committed between the two reads makes the next poll read again.
	if changes, err = s.BlocklistChanges(ctx); err != nil {
		return nil, 0, err
	}
	rows, err := s.db.Query(ctx, `SELECT `+blockColumns+` FROM blocklist
		WHERE expires_at IS NULL OR expires_at > now() ORDER BY id`)
	blocks, err = all[Block](rows, err, "list active blocks")
	return blocks, changes, err
}

// BlocklistChanges is how many times the blocklist changed: one cheap row to poll.
func (s *Store) BlocklistChanges(ctx context.Context) (int64, error) {
	var n int64
	if err := s.db.QueryRow(ctx, `SELECT changes FROM blocklist_state`).Scan(&n); err != nil {
		return 0, fmt.Errorf("blocklist changes: %w", err)
	}
	return n, nil
}

// RemoveBlock removes the entry id; an unknown id is ErrNotFound.
func (s *Store) RemoveBlock(ctx context.Context, id int64) (*Block, error) {
	rows, err := s.db.Query(ctx, `DELETE FROM blocklist WHERE id = $1 RETURNING `+blockColumns, id)
	return one[Block](rows, err, fmt.Sprintf("remove block %d", id))
}

// RemoveBlockAddress removes the entry of exactly this address or network (not the entries
// that contain it or that it contains); none is ErrNotFound.
func (s *Store) RemoveBlockAddress(ctx context.Context, p netip.Prefix) (*Block, error) {
	rows, err := s.db.Query(ctx, `DELETE FROM blocklist WHERE address = $1 RETURNING `+blockColumns, p.Masked())
	return one[Block](rows, err, fmt.Sprintf("remove block %s", p.Masked()))
}
