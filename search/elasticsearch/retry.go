package elasticsearch

import (
	"net/http"

	elastic "github.com/elastic/go-elasticsearch/v8"
)

// retryOtherNodes sets how the client rides out a lost node.
//
// One node: no retries. A second try at the same dead or overloaded node only delays the
// answer; the callers decide (the indexer retries its batch, search fails over to Postgres).
//
// Several nodes: the client round-robins over them and marks a node that fails at the
// connection level dead for a while (resurrected with a growing backoff), so a request that
// hit a node as it died is sent to another one, at most once per other node:
//   - connection errors are retried (a SIGKILLed node refuses or resets; a partitioned one
//     times out at ResponseHeaderTimeout), unless the caller's context is done: then the
//     answer is no longer wanted, and a retry would only hold a node busy (go-elasticsearch v8
//     has no EnableRetryOnTimeout; RetryOnError is its equivalent);
//   - 502, 503 and 504 are retried (the client's default RetryOnStatus): a node without a
//     master during an election, or shutting down, answers 503 while another may not. 429
//     is not: the whole cluster is pushing back, and the indexer backs off by itself;
//   - no backoff between tries: the next try goes to another node, and searches have a
//     deadline.
//
// Node discovery (DiscoverNodesOnStart, DiscoverNodesInterval) stays off: the addresses in
// ELASTICSEARCH_URL are the ones known to be reachable from here (nodes in containers or
// behind NAT publish addresses that are not), and an operator who adds a node adds it there.
func retryOtherNodes(c *elastic.Config, nodes int) {
	if nodes < 2 {
		c.DisableRetry = true
		return
	}
	c.MaxRetries = nodes - 1
	c.RetryOnStatus = []int{http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout}
	c.RetryOnError = func(req *http.Request, _ error) bool { return req.Context().Err() == nil }
	c.DiscoverNodesOnStart = false
	c.DiscoverNodesInterval = 0
}
