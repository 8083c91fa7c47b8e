package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"sync"
	"sync/atomic"
	"time"

	"helpdesk/auth"
	"helpdesk/internal/procs"
	"helpdesk/search"
	"helpdesk/store"
)

// An Elasticsearch outage under the load of a working day: agents and clients search, agents
// read ticket pages, the API writes tickets and comments, all at once; first with Elasticsearch
// answering, then with it gone (connections refused, as a stopped node refuses them). What
// nobody should notice: no 5xx, searches answered by Postgres at a latency people accept, and
// ticket pages and writes no slower than before.

// OutagePhase is the figures of one phase of the outage scenario.
type OutagePhase struct {
	Name                      string
	Search, TicketPage, Write Stats
	FiveXX                    int            // answers with a 5xx status, all kinds of request
	Engines                   map[string]int // which engine answered the searches
}

// OutageResult holds the phases with Elasticsearch up and down, medians over the runs.
type OutageResult struct {
	SearchConcurrency, PageConcurrency, WriteConcurrency int
	Up, Down                                             OutagePhase
	PageRatio                                            float64 // ticket page p99, down / up
	WriteRatio                                           float64 // API write p99, down / up
}

// The load of the scenario: searches as in the mix, and a steady trickle of page reads and
// writes beside them.
const (
	outageSearchers = 8
	outageReaders   = 2
	outageWriters   = 2
)

func (r *runner) outage(ctx context.Context, d *dataset, mix []prepared) (*OutageResult, error) {
	esURL, err := url.Parse(r.cfg.ElasticsearchURL)
	if err != nil {
		return nil, err
	}
	proxy, err := newProxy(esURL.Host)
	if err != nil {
		return nil, err
	}
	defer proxy.close()
	env := append(append([]string{}, d.env...), unthrottled...)
	env = append(env, "ELASTICSEARCH_URL=http://"+proxy.addr)
	ix, err := procs.Start(ctx, r.cfg.Bin, "indexer", "INDEXER_ADDR", "/healthz", env)
	if err != nil {
		return nil, err
	}
	defer ix.Stop()
	portal, err := procs.Start(ctx, r.cfg.Bin, "portal", "PORTAL_ADDR", "/readyz", env)
	if err != nil {
		return nil, err
	}
	defer portal.Stop()
	session, err := r.staffSession(ctx, d, portal.URL(""))
	if err != nil {
		return nil, err
	}
	_, client, token, _, err := viewers(ctx, d.st)
	if err != nil {
		return nil, err
	}
	maxTicket := d.counts.Tickets // the seed's ids run from 1; later ones may be deleted
	w := &outageWriter{r: r, base: portal.URL(""), token: token, client: client.ClientID}
	defer w.cleanUp(context.WithoutCancel(ctx), d)

	res := &OutageResult{SearchConcurrency: outageSearchers, PageConcurrency: outageReaders, WriteConcurrency: outageWriters}
	var ups, downs []OutagePhase
	for run := range r.cfg.Runs {
		if err := r.waitEngine(ctx, mix[0], portal.URL(""), search.EngineElasticsearch); err != nil {
			return nil, err
		}
		up, err := r.outageLoad(ctx, mix, portal.URL(""), session, maxTicket, w, "elasticsearch up", uint64(run))
		if err != nil {
			return nil, err
		}
		proxy.down()
		down, err := r.outageLoad(ctx, mix, portal.URL(""), session, maxTicket, w, "elasticsearch down", uint64(run))
		if uerr := proxy.up(); err == nil {
			err = uerr
		}
		if err != nil {
			return nil, err
		}
		r.logf("outage run %d: up: search p50 %s p99 %s, page p99 %s, write p99 %s, %d 5xx; down: search p50 %s p99 %s, page p99 %s, write p99 %s, %d 5xx, engines %v",
			run+1, ms(up.Search.P50), ms(up.Search.P99), ms(up.TicketPage.P99), ms(up.Write.P99), up.FiveXX,
			ms(down.Search.P50), ms(down.Search.P99), ms(down.TicketPage.P99), ms(down.Write.P99), down.FiveXX, down.Engines)
		ups, downs = append(ups, up), append(downs, down)
	}
	res.Up, res.Down = medianPhase(ups), medianPhase(downs)
	res.PageRatio = float64(res.Down.TicketPage.P99) / float64(res.Up.TicketPage.P99)
	res.WriteRatio = float64(res.Down.Write.P99) / float64(res.Up.Write.P99)
	return res, nil
}

func medianPhase(runs []OutagePhase) OutagePhase {
	out := OutagePhase{Name: runs[0].Name, Engines: map[string]int{}}
	var s, p, w []Stats
	for _, r := range runs {
		s, p, w = append(s, r.Search), append(p, r.TicketPage), append(w, r.Write)
		out.FiveXX += r.FiveXX
		for e, n := range r.Engines {
			out.Engines[e] += n
		}
	}
	out.Search, out.TicketPage, out.Write = medianStats(s), medianStats(p), medianStats(w)
	return out
}

// outageLoad runs searchers, page readers and writers together for the configured duration.
func (r *runner) outageLoad(ctx context.Context, mix []prepared, base, session string, maxTicket int64, w *outageWriter, name string, seed uint64) (OutagePhase, error) {
	ph := OutagePhase{Name: name, Engines: map[string]int{}}
	var (
		mu      sync.Mutex
		fiveXX  atomic.Int64
		wg      sync.WaitGroup
		results [3]loadRun
	)
	deadline := time.Now().Add(r.cfg.Duration)
	engine := regexp.MustCompile(`"engine":"([a-z]+)"`)
	kinds := []struct {
		workers int
		next    func(rng *rand.Rand, i int) (*http.Request, error)
		seen    func(status int, body []byte)
	}{
		{outageSearchers, func(_ *rand.Rand, i int) (*http.Request, error) {
			return mix[i%len(mix)].portalRequest(ctx, base)
		}, func(status int, body []byte) {
			if m := engine.FindSubmatch(body); m != nil {
				mu.Lock()
				ph.Engines[string(m[1])]++
				mu.Unlock()
			}
		}},
		{outageReaders, func(rng *rand.Rand, _ int) (*http.Request, error) {
			req, err := http.NewRequestWithContext(ctx, "GET", fmt.Sprintf("%s/tickets/%d", base, 1+rng.Int64N(maxTicket)), nil)
			if err == nil {
				req.AddCookie(&http.Cookie{Name: "hd_session", Value: session})
			}
			return req, err
		}, nil},
		{outageWriters, func(rng *rand.Rand, i int) (*http.Request, error) { return w.next(ctx, rng, i) }, w.seen},
	}
	for k, kind := range kinds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[k] = r.statusLoop(ctx, kind.workers, deadline, seed*10+uint64(k), kind.next, func(status int, body []byte) {
				if status >= 500 {
					fiveXX.Add(1)
				}
				if kind.seen != nil {
					kind.seen(status, body)
				}
			})
		}()
	}
	wg.Wait()
	for _, res := range results {
		if res.err != nil {
			return ph, res.err
		}
	}
	ph.Search, ph.TicketPage, ph.Write = results[0].stats, results[1].stats, results[2].stats
	ph.FiveXX = int(fiveXX.Load())
	return ph, nil
}

type loadRun struct {
	stats Stats
	err   error
}

// statusLoop is closedLoop for a mixed load: every answer is seen (status and body), and an
// answer that is not a 2xx (a ticket page that redirects counts as one) is an error of the run
// rather than a reason to stop it.
func (r *runner) statusLoop(ctx context.Context, workers int, deadline time.Time, seed uint64,
	next func(rng *rand.Rand, i int) (*http.Request, error), seen func(status int, body []byte)) loadRun {
	var (
		seq    atomic.Int64
		mu     sync.Mutex
		lat    []time.Duration
		errs   int
		first  error
		wg     sync.WaitGroup
		client = &http.Client{Timeout: time.Minute, Transport: r.client.Transport,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	)
	start := time.Now()
	for wk := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, uint64(wk)))
			for ctx.Err() == nil && time.Now().Before(deadline) {
				req, err := next(rng, int(seq.Add(1)-1))
				if err != nil {
					mu.Lock()
					first = cmpOr(first, err)
					mu.Unlock()
					return
				}
				t0 := time.Now()
				res, err := client.Do(req)
				var body []byte
				if err == nil {
					body, err = io.ReadAll(res.Body)
					res.Body.Close()
				}
				took := time.Since(t0)
				mu.Lock()
				switch {
				case err != nil:
					errs++
				case res.StatusCode/100 != 2:
					errs++
					seen(res.StatusCode, body)
				default:
					lat = append(lat, took)
					seen(res.StatusCode, body)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	out := loadRun{stats: summarise(lat, errs, time.Since(start)), err: first}
	if out.err == nil {
		out.err = ctx.Err()
	}
	return out
}

func cmpOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// waitEngine waits until the portal answers q from engine (the failover's breaker closes after
// its cooldown, when a probe finds Elasticsearch again).
func (r *runner) waitEngine(ctx context.Context, q prepared, base, engine string) error {
	deadline := time.Now().Add(2 * time.Minute)
	for {
		req, err := q.portalRequest(ctx, base)
		if err != nil {
			return err
		}
		var res struct {
			Engine string `json:"engine"`
		}
		if _, err := r.fetchJSON(req, &res); err == nil && res.Engine == engine {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the portal does not answer from %s again", engine)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// staffSession logs a staff member in through the login form and returns the session cookie.
func (r *runner) staffSession(ctx context.Context, d *dataset, base string) (string, error) {
	const email, password = "bench-staff@bench.example", "bench-staff-password"
	hash, err := auth.HashPassword(password)
	if err != nil {
		return "", err
	}
	u, err := d.st.UserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		u, err = d.st.CreateUser(ctx, store.NewUser{Email: email, Name: "Bench Staff", Role: "agent", PasswordHash: hash})
	}
	if err != nil {
		return "", err
	}
	if _, err := d.st.Pool().Exec(ctx, `UPDATE users SET password_hash = $2 WHERE id = $1`, u.ID, hash); err != nil {
		return "", err
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(base + "/login")
	if err != nil {
		return "", err
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	csrf := ""
	if m := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindSubmatch(page); m != nil {
		csrf = string(m[1])
	}
	res, err = c.PostForm(base+"/login", url.Values{"_csrf": {csrf}, "email": {email}, "password": {password}})
	if err != nil {
		return "", err
	}
	res.Body.Close()
	pu, _ := url.Parse(base)
	for _, ck := range jar.Cookies(pu) {
		if ck.Name == "hd_session" {
			return ck.Value, nil
		}
	}
	return "", fmt.Errorf("login as %s: status %d, no session", email, res.StatusCode)
}

// outageWriter writes through the API: a new ticket, then comments on the tickets it wrote.
type outageWriter struct {
	r      *runner
	base   string
	token  string
	client int64
	mu     sync.Mutex
	ids    []int64
}

var outageWords = []string{"impresora", "vpn", "correo", "outlook", "wifi", "backup", "licencia", "portátil"}

func (w *outageWriter) next(ctx context.Context, rng *rand.Rand, i int) (*http.Request, error) {
	w.mu.Lock()
	var target int64
	if n := len(w.ids); n > 0 && i%3 != 0 {
		target = w.ids[rng.IntN(n)]
	}
	w.mu.Unlock()
	word := func() string { return outageWords[rng.IntN(len(outageWords))] }
	path, body := "/api/v1/tickets", map[string]any{"client_id": w.client,
		"title": fmt.Sprintf("Caída %s %s %d", word(), word(), i), "description": "Escrito por el benchmark de la caída: " + word()}
	if target > 0 {
		path, body = fmt.Sprintf("/api/v1/tickets/%d/comments", target), map[string]any{"body": "Seguimos con " + word() + " y " + word()}
	}
	raw, _ := json.Marshal(body)
	req, err := http.NewRequestWithContext(ctx, "POST", w.base+path, bytes.NewReader(raw))
	if err == nil {
		req.Header.Set("Authorization", "Bearer "+w.token)
		req.Header.Set("Content-Type", "application/json")
	}
	return req, err
}

// seen keeps the ids of the tickets written, to comment on them and to delete them afterwards.
func (w *outageWriter) seen(status int, body []byte) {
	if status != http.StatusCreated || !bytes.Contains(body, []byte(`"client_id"`)) {
		return
	}
	var t struct {
		ID int64 `json:"id"`
	}
	if json.Unmarshal(body, &t) == nil && t.ID > 0 {
		w.mu.Lock()
		w.ids = append(w.ids, t.ID)
		w.mu.Unlock()
	}
}

// cleanUp deletes what the writers wrote (their comments go with their tickets), through the
// outbox like any delete, and waits for the indexer.
func (w *outageWriter) cleanUp(ctx context.Context, d *dataset) {
	for _, id := range w.ids {
		_ = d.st.DeleteTicket(ctx, id)
	}
	if err := w.r.waitDrained(ctx, d, 10*time.Minute); err != nil {
		w.r.logf("putting the data set back: %v", err)
	}
}

// proxy forwards TCP connections to Elasticsearch until it is taken down: then it refuses new
// connections and cuts the open ones, as a stopped node does, without touching the node the
// rest of the benchmark uses.
type proxy struct {
	addr, target string
	mu           sync.Mutex
	ln           net.Listener
	conns        map[net.Conn]bool
}

func newProxy(target string) (*proxy, error) {
	p := &proxy{target: target, conns: map[net.Conn]bool{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p.addr = ln.Addr().String()
	p.serve(ln)
	return p, nil
}

func (p *proxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.forward(c)
		}
	}()
}

func (p *proxy) forward(c net.Conn) {
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	if p.ln == nil { // taken down meanwhile
		p.mu.Unlock()
		c.Close()
		up.Close()
		return
	}
	p.conns[c], p.conns[up] = true, true
	p.mu.Unlock()
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		_, _ = io.Copy(dst, src)
		done <- struct{}{}
	}
	go pipe(up, c)
	go pipe(c, up)
	<-done
	c.Close()
	up.Close()
	p.mu.Lock()
	delete(p.conns, c)
	delete(p.conns, up)
	p.mu.Unlock()
}

// down refuses connections from now on and cuts the open ones.
func (p *proxy) down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

// up listens again on the same address.
func (p *proxy) up() error {
	for i := 0; ; i++ {
		ln, err := net.Listen("tcp", p.addr)
		if err == nil {
			p.serve(ln)
			return nil
		}
		if i > 50 {
			return fmt.Errorf("elasticsearch proxy: listen on %s again: %w", p.addr, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (p *proxy) close() { p.down() }
