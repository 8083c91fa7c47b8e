package portal_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"helpdesk/config"
)

// loginAs posts the login form from b (which has fetched its token) and returns the answer.
func (b *browser) loginAs(token, email, pw string) response {
	b.e.t.Helper()
	return b.do("POST", "/login", url.Values{"_csrf": {token}, "email": {email}, "password": {pw}})
}

// retryAfter is a 429's Retry-After in seconds, or 0.
func retryAfter(t *testing.T, r response) int {
	t.Helper()
	if r.status != http.StatusTooManyRequests {
		return 0
	}
	secs, err := strconv.Atoi(r.header.Get("Retry-After"))
	if err != nil || secs <= 0 || !strings.Contains(r.body, "Demasiados intentos") || !strings.Contains(r.body, "dentro de "+strconv.Itoa(secs)+" s") {
		t.Fatalf("429 without a usable Retry-After (%q) or message:\n%s", r.header.Get("Retry-After"), r.body)
	}
	return secs
}

// TestLoginThrottle: an attacker failing 50 times on the admin's email from one address waits
// longer and longer there, and cannot keep the admin out: from another address the admin's
// password works at once, and a mistake of hers there is only a mistake.
func TestLoginThrottle(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var clock atomic.Int64 // the portal's clock, moved by the test instead of waiting
	clock.Store(time.Now().UnixNano())
	e.now = func() time.Time { return time.Unix(0, clock.Load()) }
	advance := func(secs int) { clock.Add(int64(secs) * int64(time.Second)) }
	base := e.serve(e.newApp(config.RateLimit{}))
	victim := e.emails["admin"]

	attacker := e.browserFrom(base, "127.0.0.2")
	token := attacker.csrf("/login")
	for i := 1; i <= 5; i++ {
		if r := attacker.loginAs(token, victim, "guess"); r.status != http.StatusUnauthorized || r.header.Get("Retry-After") != "" {
			t.Fatalf("free failure %d: %d %q", i, r.status, r.header.Get("Retry-After"))
		}
	}
	// Past the free failures each attempt waits, twice as long each time, up to 15 minutes;
	// the wait holds whatever the password (it is not even checked).
	failures, last, throttled := 5, 1, 0
	for failures < 50 {
		wait := retryAfter(t, attacker.loginAs(token, victim, "guess"))
		throttled += 2 // this one, and the early one below
		if want := min(2*last, 900); wait != want {
			t.Fatalf("after %d failures: wait %d s, want %d", failures, wait, want)
		}
		if failures == 5 {
			if r := attacker.loginAs(token, victim, password); r.status != http.StatusTooManyRequests {
				t.Fatalf("the right password while waiting: %d", r.status)
			}
			throttled++
		}
		advance(wait - 1)
		if r := attacker.loginAs(token, victim, "guess"); r.status != http.StatusTooManyRequests {
			t.Fatalf("a second early: %d", r.status)
		}
		advance(1)
		if r := attacker.loginAs(token, victim, "guess"); r.status != http.StatusUnauthorized {
			t.Fatalf("after waiting %d s: %d", wait, r.status)
		}
		failures, last = failures+1, wait
	}
	if last != 900 {
		t.Errorf("the wait after 50 failures is %d s, want the cap, 900", last)
	}
	if n := metricValue(t, base, `portal_refused_requests_total{reason="login_throttled"}`); n != float64(throttled) {
		t.Errorf("login_throttled counted %v, answered 429 %d times", n, throttled)
	}
	// Past 20 failures the address waits for any email.
	if r := attacker.loginAs(token, e.emails["alice"], "guess"); r.status != http.StatusTooManyRequests {
		t.Errorf("another email from the attacker's address: %d", r.status)
	}

	admin := e.browserFrom(base, "127.0.0.3")
	token = admin.csrf("/login")
	if r := admin.loginAs(token, victim, "typo"); r.status != http.StatusUnauthorized {
		t.Fatalf("the admin's typo from her own address: %d", r.status)
	}
	if r := admin.loginAs(token, victim, password); r.status != http.StatusSeeOther {
		t.Fatalf("the admin from her own address, during the attack: %d\n%s", r.status, r.body)
	}
	if r := admin.do("GET", "/dashboard", nil); r.status != http.StatusOK {
		t.Errorf("signed in: %d", r.status)
	}
	if r := attacker.loginAs(attacker.csrf("/login"), victim, "guess"); r.status != http.StatusTooManyRequests {
		t.Errorf("her login does not lift the attacker's wait: %d", r.status)
	}
}

// TestLoginSuccessStartsAfresh: a right password forgets the pair's failures.
func TestLoginSuccessStartsAfresh(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for round := 1; round <= 2; round++ {
		b := e.browser()
		token := b.csrf("/login")
		for i := 1; i <= 4; i++ {
			if r := b.loginAs(token, e.emails["bob"], "guess"); r.status != http.StatusUnauthorized {
				t.Fatalf("round %d, failure %d: %d", round, i, r.status)
			}
		}
		if r := b.loginAs(token, e.emails["bob"], password); r.status != http.StatusSeeOther {
			t.Fatalf("round %d: the right password after 4 failures: %d", round, r.status)
		}
	}
}

// TestLoginSameAnswer: an unknown email and a wrong password get the same answer, waits
// included.
func TestLoginSameAnswer(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	still := time.Now() // so that both waits are counted from the same moment
	e.now = func() time.Time { return still }
	e.app = e.newApp(config.RateLimit{})
	b := e.browser()
	token := b.csrf("/login")
	known, unknown := e.emails["alice"], "nobody"+e.suffix+"@example.com"
	for i := 1; i <= 6; i++ {
		k, u := b.loginAs(token, known, "guess"), b.loginAs(token, unknown, "guess")
		if k.status != u.status || k.header.Get("Retry-After") != u.header.Get("Retry-After") ||
			strings.ReplaceAll(k.body, known, "EMAIL") != strings.ReplaceAll(u.body, unknown, "EMAIL") {
			t.Fatalf("attempt %d: known %d %q, unknown %d %q\n%s\n%s", i, k.status, k.header.Get("Retry-After"),
				u.status, u.header.Get("Retry-After"), k.body, u.body)
		}
		if want := map[bool]int{true: http.StatusUnauthorized, false: http.StatusTooManyRequests}[i <= 5]; k.status != want {
			t.Fatalf("attempt %d: %d, want %d", i, k.status, want)
		}
	}
}

// TestLoginBurst: attempts sent all at once cannot all slip through before the first failure
// is counted: of 20 wrong passwords at once, only the 5 free ones are checked.
func TestLoginBurst(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	browsers := make([]*browser, 20)
	tokens := make([]string, len(browsers))
	for i := range browsers {
		browsers[i] = e.browser()
		tokens[i] = browsers[i].csrf("/login")
	}
	statuses := make([]int, len(browsers))
	var wg sync.WaitGroup
	for i, b := range browsers {
		wg.Go(func() { statuses[i] = b.loginAs(tokens[i], e.emails["agent"], "guess").status })
	}
	wg.Wait()
	count := map[int]int{}
	for _, s := range statuses {
		count[s]++
	}
	if count[http.StatusUnauthorized] != 5 || count[http.StatusTooManyRequests] != 15 {
		t.Errorf("answers %v, want 5 checked (401) and 15 refused unchecked (429)", count)
	}
}
