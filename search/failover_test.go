package search

import (
	"context"
	"errors"
	"testing"
	"time"
)

// engine is a stand-in searcher: pure logic under test here is the breaker, not an engine.
type engine struct {
	name  string
	err   error
	calls int
}

func (e *engine) Search(ctx context.Context, q Query) (*Result, error) {
	e.calls++
	if e.err != nil {
		return nil, e.err
	}
	return &Result{Engine: e.name}, nil
}

func TestFailoverBreaker(t *testing.T) {
	es := &engine{name: EngineElasticsearch}
	pg := &engine{name: EnginePostgres}
	now := time.Unix(0, 0)
	f := NewFailover(es, pg, FailoverOptions{Threshold: 2, Cooldown: 10 * time.Second, Now: func() time.Time { return now }})
	ask := func(want string) {
		t.Helper()
		r, err := f.Search(context.Background(), Query{Text: "vpn"})
		if err != nil || r.Engine != want {
			t.Fatalf("answered by %v (%v), want %s", r, err, want)
		}
	}
	ask(EngineElasticsearch)
	es.err = ErrUnavailable
	ask(EnginePostgres) // first failure: fell back, breaker still closed
	if f.Engine() != EngineElasticsearch {
		t.Fatal("breaker opened after one failure")
	}
	ask(EnginePostgres) // second failure: opens
	if f.Engine() != EnginePostgres {
		t.Fatal("breaker still closed after the threshold")
	}
	calls := es.calls
	ask(EnginePostgres)
	if es.calls != calls {
		t.Fatal("open breaker still asked the primary")
	}
	now = now.Add(11 * time.Second)
	ask(EnginePostgres) // probe fails: stays open for another cooldown
	if es.calls != calls+1 || f.Engine() != EnginePostgres {
		t.Fatalf("probe: calls %d, engine %s", es.calls-calls, f.Engine())
	}
	es.err = nil
	ask(EnginePostgres) // cooldown restarted at the failed probe
	now = now.Add(11 * time.Second)
	ask(EngineElasticsearch) // probe succeeds: closed
	if f.Engine() != EngineElasticsearch {
		t.Fatal("breaker did not close")
	}
}

func TestFailoverDoesNotRetryBadQueries(t *testing.T) {
	es := &engine{name: EngineElasticsearch}
	pg := &engine{name: EnginePostgres}
	f := NewFailover(es, pg, FailoverOptions{})
	_, err := f.Search(context.Background(), Query{PerPage: 5000})
	if !errors.Is(err, ErrBadQuery) || es.calls+pg.calls != 0 {
		t.Fatalf("err %v, calls %d/%d", err, es.calls, pg.calls)
	}
}

func TestFailoverWithoutPrimary(t *testing.T) {
	pg := &engine{name: EnginePostgres}
	f := NewFailover(nil, pg, FailoverOptions{})
	if r, err := f.Search(context.Background(), Query{}); err != nil || r.Engine != EnginePostgres || f.Engine() != EnginePostgres {
		t.Fatalf("%v %v", r, err)
	}
}

// TestFailoverAnswersNothingToSeeWithoutAsking: a search the viewer can see nothing of (an
// anonymous visitor asking for tickets) asks no engine, so it can never pass for a probe that
// found the primary back while it is still down.
func TestFailoverAnswersNothingToSeeWithoutAsking(t *testing.T) {
	es := &engine{name: EngineElasticsearch, err: ErrUnavailable}
	pg := &engine{name: EnginePostgres}
	now := time.Unix(0, 0)
	f := NewFailover(es, pg, FailoverOptions{Threshold: 1, Cooldown: time.Second, Now: func() time.Time { return now }})
	if r, err := f.Search(context.Background(), Query{Text: "vpn"}); err != nil || r.Engine != EnginePostgres {
		t.Fatalf("first search: %v %v", r, err)
	}
	now = now.Add(2 * time.Second) // a probe is due
	r, err := f.Search(context.Background(), Query{Types: []string{TypeTicket}})
	if err != nil || r.Engine != EnginePostgres || len(r.Hits) != 0 || r.Facets == nil {
		t.Fatalf("nothing to see: %+v %v", r, err)
	}
	if es.calls != 1 || pg.calls != 1 || f.Engine() != EnginePostgres {
		t.Errorf("asked elasticsearch %d times, postgres %d; breaker now %s", es.calls, pg.calls, f.Engine())
	}
}

// cluster is a stand-in primary that tells its cluster's health.
type cluster struct {
	engine
	status string
	err    error
}

func (c *cluster) ClusterHealth(context.Context) (string, error) { return c.status, c.err }

func TestFailoverHealth(t *testing.T) {
	es := &cluster{engine: engine{name: EngineElasticsearch}, status: "green"}
	pg := &engine{name: EnginePostgres}
	now := time.Unix(0, 0)
	f := NewFailover(es, pg, FailoverOptions{Threshold: 1, Cooldown: 10 * time.Second, Now: func() time.Time { return now }})
	check := func(name string, want Health) {
		t.Helper()
		if got := f.Health(context.Background()); got != want {
			t.Errorf("%s: %+v, want %+v", name, got, want)
		}
	}
	check("all well", Health{Status: StatusOK, Engine: EngineElasticsearch, Breaker: BreakerClosed, Cluster: "green"})
	es.status = "yellow"
	check("yellow", Health{Status: StatusDegraded, Engine: EngineElasticsearch, Breaker: BreakerClosed, Cluster: "yellow"})
	es.status = "red"
	check("red", Health{Status: StatusDown, Engine: EngineElasticsearch, Breaker: BreakerClosed, Cluster: "red"})
	es.status, es.err = "", ErrUnavailable
	check("unreachable", Health{Status: StatusDown, Engine: EngineElasticsearch, Breaker: BreakerClosed, Error: "unreachable"})
	if es.calls != 0 {
		t.Fatal("a health check searched")
	}
	// The cluster answers health but searches fail: the breaker opens, search is degraded.
	es.status, es.err, es.engine.err = "green", nil, ErrUnavailable
	if _, err := f.Search(context.Background(), Query{Text: "vpn"}); err != nil {
		t.Fatal(err)
	}
	check("breaker open", Health{Status: StatusDegraded, Engine: EnginePostgres, Breaker: BreakerOpen, Cluster: "green"})
	now = now.Add(11 * time.Second)
	if f.allow() && f.Breaker() != BreakerHalfOpen {
		t.Errorf("probing: breaker %s", f.Breaker())
	}
	if got := NewFailover(nil, pg, FailoverOptions{}).Health(context.Background()); got != (Health{Status: StatusOK, Engine: EnginePostgres, Breaker: BreakerNone}) {
		t.Errorf("without a primary: %+v", got)
	}
}
