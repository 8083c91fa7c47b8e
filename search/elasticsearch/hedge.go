package elasticsearch

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sync"

	elastic "github.com/elastic/go-elasticsearch/v8"
)

// A search's later tries go to nodes its earlier tries have not reached: the client's
// round-robin, shared by every search in flight, can hand a hedge the very node that hangs.
// The transport records each node a search's requests are sent to (the client's own retries
// on other nodes included), and the backend keeps a client per node to send a try elsewhere.

// nodeClients returns a client per address, without retries (the caller picks the next node).
func nodeClients(urls []string, base elastic.Config) ([]*elastic.Client, []string, error) {
	clients := make([]*elastic.Client, len(urls))
	hosts := make([]string, len(urls))
	for i, u := range urls {
		parsed, err := url.Parse(u)
		if err != nil {
			return nil, nil, fmt.Errorf("elasticsearch client: address %q: %w", u, err)
		}
		c := base
		c.Addresses, c.DisableRetry, c.MaxRetries = []string{u}, true, 0
		if clients[i], err = elastic.NewClient(c); err != nil {
			return nil, nil, fmt.Errorf("elasticsearch client: %w", err)
		}
		hosts[i] = parsed.Host
	}
	return clients, hosts, nil
}

type reachedKey struct{}

// reached is the set of nodes one search's requests went to.
type reached struct {
	mu    sync.Mutex
	hosts map[string]bool
	last  string
}

func (r *reached) add(host string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.hosts[host], r.last = true, host
}

// next claims the first node after the last one reached (in address order) that no request
// of the search went to, or says there is none.
func (r *reached) next(hosts []string) (int, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	start := 0
	for i, h := range hosts {
		if h == r.last {
			start = i + 1
		}
	}
	for k := range hosts {
		i := (start + k) % len(hosts)
		if !r.hosts[hosts[i]] {
			r.hosts[hosts[i]], r.last = true, hosts[i]
			return i, true
		}
	}
	return 0, false
}

// recordNodes passes requests on, noting the node of those whose context carries a reached.
type recordNodes struct{ next http.RoundTripper }

func (t recordNodes) RoundTrip(req *http.Request) (*http.Response, error) {
	if r, ok := req.Context().Value(reachedKey{}).(*reached); ok {
		r.add(req.URL.Host)
	}
	return t.next.RoundTrip(req)
}

func withReached(ctx context.Context) (context.Context, *reached) {
	r := &reached{hosts: map[string]bool{}}
	return context.WithValue(ctx, reachedKey{}, r), r
}
