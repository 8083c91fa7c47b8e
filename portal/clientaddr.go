package portal

import (
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// The client's address is the socket's peer, unless the peer is one of the trusted proxies
// (PORTAL_TRUSTED_PROXIES, the load balancers in front of the portals): then it is the
// rightmost address of X-Forwarded-For that is not a trusted proxy. Addresses to its left were
// written by the client or proxies no one vouches for, and are never believed. Rate limits,
// login throttling, the blocklist and the logs all use this one address.

const clientAddrKey = "client-addr"

// clientAddr is the request's client address, worked out once per request.
func (s *Server) clientAddr(c *fiber.Ctx) netip.Addr {
	if a, ok := c.Locals(clientAddrKey).(netip.Addr); ok {
		return a
	}
	a := s.resolveClientAddr(c)
	c.Locals(clientAddrKey, a)
	return a
}

func (s *Server) resolveClientAddr(c *fiber.Ctx) netip.Addr {
	peer, _ := netip.AddrFromSlice(c.Context().RemoteIP())
	peer = peer.Unmap()
	if !s.trustedProxy(peer) {
		return peer
	}
	hops := strings.Split(string(c.Request().Header.Peek(fiber.HeaderXForwardedFor)), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // garbage (or a port, or an empty header): what is left of it is not believed
		}
		if hop = hop.Unmap(); !s.trustedProxy(hop) {
			return hop
		}
		peer = hop // a proxy of ours passed it on: look one hop further left
	}
	return peer
}

func (s *Server) trustedProxy(a netip.Addr) bool {
	for _, p := range s.trustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientIP is clientAddr as text, for keys and logs.
func (s *Server) clientIP(c *fiber.Ctx) string { return s.clientAddr(c).String() }
