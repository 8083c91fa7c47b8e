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
