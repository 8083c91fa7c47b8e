package bench

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"helpdesk/internal/procs"
)

// ReplicaResult compares the Postgres fallback search read from the streaming replica of
// scripts/services with the same searches on the primary, in one run: two portals without
// Elasticsearch, one of them given the replica (DATABASE_REPLICA_URLS), taking turns.
type ReplicaResult struct {
	Started bool          // the replica was started for this section (and stopped after it)
	CatchUp time.Duration // until it had replayed everything the primary had written
	// Searches that failed while warming up, both portals (a cold search can time out).
	WarmUpErrors int
	Levels       []ReplicaLevel
	// Of the searches' reads by the portal given the replica, how many the replica served and
	// how many went to the primary (by the portal's /metrics).
	ReplicaReads, PrimaryReads int64
}

// ReplicaLevel is one concurrency level, each figure the median over the runs.
type ReplicaLevel struct {
	Concurrency      int
	Primary, Replica Stats
}

// Gain is the searches per second read from the replica over those read from the primary.
func (l ReplicaLevel) Gain() float64 { return l.Replica.RPS / l.Primary.RPS }

// replica measures the fallback search on the replica beside the primary. The replica shares
// the primary's cores here, so the figures say what reading there costs (routing, the
// replica's own buffers, replaying the primary's changes), not what its own machine adds.
func (r *runner) replica(ctx context.Context, d *dataset, mix []prepared) (*ReplicaResult, error) {
	res := &ReplicaResult{}
	vars, err := procs.ServicesEnv(ctx, r.cfg.Services)
	if err != nil {
		return nil, err
	}
	if vars["DATABASE_REPLICA_URLS"] == "" {
		r.logf("starting the streaming replica (scripts/services start replica)")
		if err := procs.Services(ctx, r.cfg.Services, r.cfg.Log, "start", "replica"); err != nil {
			return nil, err
		}
		res.Started = true
		defer func() {
			if err := procs.Services(context.WithoutCancel(ctx), r.cfg.Services, r.cfg.Log, "stop", "replica"); err != nil {
				r.logf("stopping the replica: %v", err)
			}
		}()
		if vars, err = procs.ServicesEnv(ctx, r.cfg.Services); err != nil {
			return nil, err
		}
	}
	replicaURL, err := onReplica(d.env, vars["DATABASE_REPLICA_URLS"])
	if err != nil {
		return nil, err
	}
	t0 := time.Now()
	if err := r.caughtUp(ctx, d, replicaURL); err != nil {
		return nil, err
	}
	res.CatchUp = time.Since(t0)

	noES := append(append(slices.Clone(d.env), unthrottled...), "ELASTICSEARCH_URL=")
	primary, err := procs.Start(ctx, r.cfg.Bin, "portal", "PORTAL_ADDR", "/readyz", noES)
	if err != nil {
		return nil, err
	}
	defer primary.Stop()
	onRep, err := procs.Start(ctx, r.cfg.Bin, "portal", "PORTAL_ADDR", "/readyz", append(slices.Clone(noES), "DATABASE_REPLICA_URLS="+replicaURL))
	if err != nil {
		return nil, err
	}
	defer onRep.Stop()
	portals := []*procs.Process{primary, onRep}
	// Warmed alike: the replica's files are its own, cold in memory until read, and a search
	// that reads them cold can pass SEARCH_PG_TIMEOUT: the warm-up's failures are counted, not
	// fatal (the timed runs must have none).
	for _, p := range portals {
		s, err := closedLoop(ctx, r.client, 2, r.cfg.Duration, len(mix), 0, func(ctx context.Context, i int) (*http.Request, error) {
			return mix[i%len(mix)].portalRequest(ctx, p.URL(""))
		})
		if err != nil {
			return nil, err
		}
		res.WarmUpErrors += s.Errors
	}
	before, err := r.replicaReads(ctx, onRep)
	if err != nil {
		return nil, err
	}
	for _, c := range r.cfg.Concurrency[:min(2, len(r.cfg.Concurrency))] {
		runs := make([][]Stats, len(portals))
		for run := range r.cfg.Runs {
			for k := range portals {
				i := (k + run) % len(portals)
				s, err := r.mixLoad(ctx, mix, c, r.cfg.Duration, portals[i].URL(""), false)
				if err != nil {
					return nil, fmt.Errorf("%w; the portal's last words:\n%s", err, lastLines(portals[i].Output(), 10))
				}
				runs[i] = append(runs[i], s)
			}
		}
		l := ReplicaLevel{Concurrency: c, Primary: medianStats(runs[0]), Replica: medianStats(runs[1])}
		r.logf("replica c=%d: fallback from the primary %.1f/s p99 %s, from the replica %.1f/s p99 %s (%.2f×)",
			c, l.Primary.RPS, ms(l.Primary.P99), l.Replica.RPS, ms(l.Replica.P99), l.Gain())
		res.Levels = append(res.Levels, l)
	}
	after, err := r.replicaReads(ctx, onRep)
	if err != nil {
		return nil, err
	}
	res.ReplicaReads, res.PrimaryReads = after[0]-before[0], after[1]-before[1]
	if res.ReplicaReads == 0 {
		return nil, fmt.Errorf("the portal given the replica read nothing there (%d reads on the primary)", res.PrimaryReads)
	}
	return res, nil
}

// onReplica is the data set's database on the replica: its DATABASE_URL with the host of the
// first of replicas.
func onReplica(env []string, replicas string) (string, error) {
	var primary string
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "DATABASE_URL="); ok {
			primary = v
		}
	}
	first, _, _ := strings.Cut(replicas, ",")
	rep, err := url.Parse(strings.TrimSpace(first))
	if err != nil || rep.Host == "" {
		return "", fmt.Errorf("replica address %q: %v", first, err)
	}
	u, err := url.Parse(primary)
	if err != nil {
		return "", fmt.Errorf("DATABASE_URL: %w", err)
	}
	u.Host = rep.Host
	return u.String(), nil
}

// caughtUp waits until the replica has replayed the primary's position as of now.
func (r *runner) caughtUp(ctx context.Context, d *dataset, replicaURL string) error {
	var target string
	if err := d.st.Pool().QueryRow(ctx, `SELECT pg_current_wal_lsn()::text`).Scan(&target); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Minute)
	defer cancel()
	// Through a database every server has: the data set's may not have been replayed yet.
	u, err := url.Parse(replicaURL)
	if err != nil {
		return err
	}
	u.Path = "/postgres"
	conn, err := pgx.Connect(ctx, u.String())
	if err != nil {
		return fmt.Errorf("connect to the replica: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	for {
		var done bool
		if err := conn.QueryRow(ctx, `SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn`, target).Scan(&done); err != nil {
			return fmt.Errorf("the replica's position: %w", err)
		}
		if done {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("the replica did not replay %s: %w", target, ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// replicaReads returns the reads a portal's store sent to its replicas and those that could
// have gone there and went to the primary.
func (r *runner) replicaReads(ctx context.Context, p *procs.Process) ([2]int64, error) {
	var n [2]int64
	reads, err := r.metricValues(ctx, p, "store_replica_reads_total")
	if err != nil {
		return n, err
	}
	for _, v := range reads {
		n[0] += v
	}
	primary, err := r.metricValues(ctx, p, "store_replica_primary_reads_total")
	if err != nil {
		return n, err
	}
	n[1] = primary[""]
	return n, nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(len(lines)-n, 0):], "\n")
}
