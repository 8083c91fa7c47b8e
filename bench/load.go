package bench

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Stats summarises one load run.
type Stats struct {
	N        int
	Errors   int // transport errors and non-2xx answers
	P50, P99 time.Duration
	Max      time.Duration
	RPS      float64
}

// summarise computes the figures of a run over elapsed time.
func summarise(lat []time.Duration, errors int, elapsed time.Duration) Stats {
	s := Stats{N: len(lat), Errors: errors}
	if len(lat) == 0 {
		return s
	}
	slices.Sort(lat)
	s.P50, s.P99, s.Max = percentile(lat, 50), percentile(lat, 99), lat[len(lat)-1]
	s.RPS = float64(len(lat)) / elapsed.Seconds()
	return s
}

// percentile of sorted durations, nearest rank.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// median of the figures of several runs.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func medianDuration(ds []time.Duration) time.Duration {
	xs := make([]float64, len(ds))
	for i, d := range ds {
		xs[i] = float64(d)
	}
	return time.Duration(median(xs))
}

// medianStats takes the median of each figure across runs.
func medianStats(runs []Stats) Stats {
	var p50, p99, mx, rps []float64
	out := Stats{}
	for _, r := range runs {
		p50, p99, mx, rps = append(p50, float64(r.P50)), append(p99, float64(r.P99)), append(mx, float64(r.Max)), append(rps, r.RPS)
		out.N += r.N
		out.Errors += r.Errors
	}
	out.P50, out.P99, out.Max = time.Duration(median(p50)), time.Duration(median(p99)), time.Duration(median(mx))
	out.RPS = median(rps)
	return out
}

// requestFunc builds the i-th request of a run.
type requestFunc func(ctx context.Context, i int) (*http.Request, error)

// closedLoop runs concurrency workers, each sending its next request as soon as the previous
// answer is read. They start requests until the duration is over and at least minimum were
// started, or until limit were started when limit > 0; requests under way are waited for.
func closedLoop(ctx context.Context, client *http.Client, concurrency int, duration time.Duration, minimum, limit int, next requestFunc) (Stats, error) {
	var (
		seq    atomic.Int64
		mu     sync.Mutex
		lat    []time.Duration
		errors int
		first  error
		wg     sync.WaitGroup
	)
	start := time.Now()
	deadline := start.Add(duration)
	for range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := make([]time.Duration, 0, 1024)
			bad := 0
			var firstErr error
			for ctx.Err() == nil {
				i := int(seq.Add(1) - 1)
				if limit > 0 && i >= limit || i >= minimum && time.Now().After(deadline) {
					break
				}
				req, err := next(ctx, i)
				if err != nil {
					firstErr = err
					break
				}
				t0 := time.Now()
				res, err := client.Do(req)
				if err == nil {
					_, err = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if err == nil && res.StatusCode/100 != 2 {
						err = fmt.Errorf("%s %s: status %d", req.Method, req.URL.Path, res.StatusCode)
					}
				}
				if err != nil {
					bad++
					if firstErr == nil {
						firstErr = err
					}
					continue
				}
				local = append(local, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, local...)
			errors += bad
			if first == nil {
				first = firstErr
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	s := summarise(lat, errors, time.Since(start))
	if err := ctx.Err(); err != nil {
		return s, err
	}
	if s.N == 0 && first != nil {
		return s, first
	}
	return s, nil
}

// newClient is an HTTP client keeping enough idle connections for the highest concurrency.
func newClient() *http.Client {
	// A long timeout: the Postgres fallback on a million tickets takes a while.
	return &http.Client{Timeout: 10 * time.Minute, Transport: &http.Transport{
		MaxIdleConns: 256, MaxIdleConnsPerHost: 256, IdleConnTimeout: time.Minute, DisableCompression: true}}
}
