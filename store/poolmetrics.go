package store

import (
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

// PoolCollector exports a connection pool's statistics, read at scrape time, labelled with the
// pool's name: a pool that is always fully acquired, or whose acquisitions wait, is the first
// sign that Postgres or a search is the bottleneck.
func PoolCollector(name string, pool *pgxpool.Pool) prometheus.Collector {
	desc := func(metric, help string) *prometheus.Desc {
		return prometheus.NewDesc("pgxpool_"+metric, help, nil, prometheus.Labels{"pool": name})
	}
	return &poolCollector{pool: pool,
		acquired:     desc("acquired_conns", "Connections in use."),
		idle:         desc("idle_conns", "Connections idle in the pool."),
		total:        desc("total_conns", "Connections open, in use, idle or being built."),
		max:          desc("max_conns", "The pool's size."),
		acquires:     desc("acquires_total", "Connections handed out."),
		emptyAcquire: desc("empty_acquires_total", "Acquisitions that had to wait for a connection: the pool was empty."),
		canceled:     desc("canceled_acquires_total", "Acquisitions given up (their context ended while waiting)."),
		waited:       desc("acquire_seconds_total", "Time spent acquiring connections."),
	}
}

type poolCollector struct {
	pool                                                                 *pgxpool.Pool
	acquired, idle, total, max, acquires, emptyAcquire, canceled, waited *prometheus.Desc
}

func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.acquired, c.idle, c.total, c.max, c.acquires, c.emptyAcquire, c.canceled, c.waited} {
		ch <- d
	}
}

func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.pool.Stat()
	gauge := func(d *prometheus.Desc, v float64) { ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v) }
	counter := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v)
	}
	gauge(c.acquired, float64(s.AcquiredConns()))
	gauge(c.idle, float64(s.IdleConns()))
	gauge(c.total, float64(s.TotalConns()))
	gauge(c.max, float64(s.MaxConns()))
	counter(c.acquires, float64(s.AcquireCount()))
	counter(c.emptyAcquire, float64(s.EmptyAcquireCount()))
	counter(c.canceled, float64(s.CanceledAcquireCount()))
	counter(c.waited, s.AcquireDuration().Seconds())
}

// ReplicaCollector exports what the store knows of its read replicas, read at scrape time:
// whether each is read from, its lag, the reads it served, and the reads that could have
// gone to a replica and went to the primary (none fresh, or behind the reader's own write).
func ReplicaCollector(s *Store) prometheus.Collector {
	return &replicaCollector{s: s,
		fresh: prometheus.NewDesc("store_replica_fresh", "1 while the replica answers and lags at most DATABASE_REPLICA_MAX_LAG: reads go there.", []string{"replica"}, nil),
		lag:   prometheus.NewDesc("store_replica_lag_seconds", "How far behind the primary the replica was at its last check (while it answers).", []string{"replica"}, nil),
		reads: prometheus.NewDesc("store_replica_reads_total", "Reads the replica served.", []string{"replica"}, nil),
		primary: prometheus.NewDesc("store_replica_primary_reads_total",
			"Reads that could have gone to a replica and went to the primary.", nil, nil),
	}
}

type replicaCollector struct {
	s                          *Store
	fresh, lag, reads, primary *prometheus.Desc
}

func (c *replicaCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.fresh, c.lag, c.reads, c.primary} {
		ch <- d
	}
}

func (c *replicaCollector) Collect(ch chan<- prometheus.Metric) {
	list, primary := c.s.Replicas()
	for _, r := range list {
		fresh := 0.0
		if r.Fresh {
			fresh = 1
		}
		ch <- prometheus.MustNewConstMetric(c.fresh, prometheus.GaugeValue, fresh, r.Name)
		if r.Up {
			ch <- prometheus.MustNewConstMetric(c.lag, prometheus.GaugeValue, r.Lag.Seconds(), r.Name)
		}
		ch <- prometheus.MustNewConstMetric(c.reads, prometheus.CounterValue, float64(r.Reads), r.Name)
	}
	ch <- prometheus.MustNewConstMetric(c.primary, prometheus.CounterValue, float64(primary))
}
