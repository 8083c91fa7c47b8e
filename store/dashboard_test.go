package store_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"helpdesk/store"
	"helpdesk/ticket"
)

// dashNow is the fixed clock of the dashboard tests, a Sunday noon UTC.
var dashNow = time.Date(2025, 6, 15, 12, 0, 0, 0, time.UTC)

// dashFixture creates clients and tickets for dashboard tests and places them in time.
type dashFixture struct {
	t     *testing.T
	st    *store.Store
	staff *store.User
}

func newDashFixture(t *testing.T) *dashFixture {
	t.Helper()
	st := pg.NewStore(t)
	staff, err := st.CreateUser(context.Background(), store.NewUser{Email: "agent@example.com", Name: "Ana Agente", Role: store.RoleAgent, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	return &dashFixture{t: t, st: st, staff: staff}
}

func (f *dashFixture) client(name string, slaMinutes int) *store.Client {
	f.t.Helper()
	c, err := f.st.CreateClient(context.Background(), name, slaMinutes, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

// dashTicket says where a ticket stands; nil times stay NULL.
type dashTicket struct {
	title         string
	client        *store.Client
	priority      string // empty: medium
	status        string // empty: open
	created       time.Time
	firstResponse *time.Time
	resolved      *time.Time // with status resolved or closed
}

// ticket creates the ticket, then sets its times and status in one UPDATE, so that the CHECK
// constraints see the final row and the trigger keeps the given resolved_at.
func (f *dashFixture) ticket(d dashTicket) *store.Ticket {
	f.t.Helper()
	ctx := context.Background()
	if d.status == "" {
		d.status = "open"
	}
	tk, err := f.st.CreateTicket(ctx, store.NewTicket{ClientID: d.client.ID, CreatedBy: f.staff.ID, Title: d.title, Priority: d.priority})
	if err != nil {
		f.t.Fatal(err)
	}
	_, err = f.st.Pool().Exec(ctx, `UPDATE tickets
		SET created_at = $2::timestamptz, first_response_at = $3::timestamptz, resolved_at = $4::timestamptz, status = $5,
		    updated_at = greatest($2, $3, $4)
		WHERE id = $1`, tk.ID, d.created, d.firstResponse, d.resolved, d.status)
	if err != nil {
		f.t.Fatalf("place ticket %q: %v", d.title, err)
	}
	return tk
}

func (f *dashFixture) dashboard(now time.Time, window time.Duration) *store.Dashboard {
	f.t.Helper()
	d, err := f.st.Dashboard(context.Background(), now, window)
	if err != nil {
		f.t.Fatal(err)
	}
	return d
}

func dashAt(t time.Time) *time.Time { return &t }

const dashDay = 24 * time.Hour

func TestDashboardSLACompliance(t *testing.T) {
	t.Parallel()
	f := newDashFixture(t)
	acme := f.client("Acme", 60)
	globex := f.client("Globex", 240)
	n := dashNow
	for _, d := range []dashTicket{
		{title: "answered in 30 min of 60", client: acme, created: n.Add(-2 * dashDay), firstResponse: dashAt(n.Add(-2*dashDay + 30*time.Minute))},
		{title: "answered in 90 min of 60", client: acme, created: n.Add(-3 * dashDay), firstResponse: dashAt(n.Add(-3*dashDay + 90*time.Minute))},
		{title: "answered in exactly 240 min of 240", client: globex, created: n.Add(-dashDay), firstResponse: dashAt(n.Add(-dashDay + 240*time.Minute))},
		{title: "never answered", client: globex, created: n.Add(-dashDay)},
		{title: "answered late, 10 days ago", client: acme, created: n.Add(-10 * dashDay), firstResponse: dashAt(n.Add(-10*dashDay + 2*time.Hour))},
		{title: "opened at now, outside [since, now)", client: acme, created: n, firstResponse: dashAt(n.Add(5 * time.Minute))},
	} {
		f.ticket(d)
	}

	for _, c := range []struct {
		name             string
		window           time.Duration
		responded, inSLA int64
		compliance       float64
	}{
		// The 2- and 3-day-old tickets and the 1-day-old answered one: 2 of 3 within SLA.
		{"week", 7 * dashDay, 3, 2, 2.0 / 3.0},
		// Also the 10-day-old one, answered late: 2 of 4.
		{"month", 30 * dashDay, 4, 2, 0.5},
		// Only the 1-day-old answered one, at the limit of its SLA.
		{"day and a half", 36 * time.Hour, 1, 1, 1},
		// Nothing answered: zero, not NaN.
		{"hour", time.Hour, 0, 0, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got := f.dashboard(dashNow, c.window)
			if !got.Since.Equal(dashNow.Add(-c.window)) {
				t.Errorf("Since = %v, want %v", got.Since, dashNow.Add(-c.window))
			}
			if got.Responded != c.responded || got.RespondedInSLA != c.inSLA {
				t.Errorf("Responded, RespondedInSLA = %d, %d; want %d, %d", got.Responded, got.RespondedInSLA, c.responded, c.inSLA)
			}
			if math.Abs(got.SLACompliance-c.compliance) > 1e-12 {
				t.Errorf("SLACompliance = %v, want %v", got.SLACompliance, c.compliance)
			}
		})
	}
}

func TestDashboardMTTR(t *testing.T) {
	t.Parallel()
	f := newDashFixture(t)
	acme := f.client("Acme", 60)
	n := dashNow
	for _, d := range []dashTicket{
		{title: "resolved in 3 h", client: acme, status: "resolved", created: n.Add(-2 * dashDay), resolved: dashAt(n.Add(-2*dashDay + 3*time.Hour))},
		{title: "closed in 5 h", client: acme, status: "closed", created: n.Add(-40 * time.Hour), resolved: dashAt(n.Add(-35 * time.Hour))},
		{title: "opened before the week, resolved in 8 days", client: acme, status: "resolved", created: n.Add(-9 * dashDay), resolved: dashAt(n.Add(-dashDay))},
		{title: "resolved in 1 day, 19 days ago", client: acme, status: "closed", created: n.Add(-20 * dashDay), resolved: dashAt(n.Add(-19 * dashDay))},
		{title: "still open", client: acme, status: "in_progress", created: n.Add(-3 * dashDay)},
	} {
		f.ticket(d)
	}

	for _, c := range []struct {
		name     string
		window   time.Duration
		resolved int64
		mttr     time.Duration
	}{
		// By resolved_at, not created_at: (3 h + 5 h + 192 h) / 3.
		{"week", 7 * dashDay, 3, 66*time.Hour + 40*time.Minute},
		// (3 h + 5 h + 192 h + 24 h) / 4.
		{"month", 30 * dashDay, 4, 56 * time.Hour},
		// The one closed 35 h ago and the one resolved a day ago: (5 h + 192 h) / 2.
		{"day and a half", 36 * time.Hour, 2, 98*time.Hour + 30*time.Minute},
		{"hour", time.Hour, 0, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got := f.dashboard(dashNow, c.window)
			if got.Resolved != c.resolved || got.MTTR != c.mttr {
				t.Errorf("Resolved, MTTR = %d, %v; want %d, %v", got.Resolved, got.MTTR, c.resolved, c.mttr)
			}
		})
	}
}

func TestDashboardOpenByPriority(t *testing.T) {
	t.Parallel()
	f := newDashFixture(t)
	acme := f.client("Acme", 60)
	created := dashNow.Add(-dashDay)
	for _, d := range []struct {
		priority, status string
	}{
		{"urgent", "open"},
		{"urgent", "open"},
		{"urgent", "in_progress"},
		{"high", "waiting"},
		{"high", "resolved"},
		{"medium", "closed"}, // no open medium ticket: a zero entry
		// no low ticket at all: a zero entry
	} {
		f.ticket(dashTicket{title: d.priority + " " + d.status, client: acme, priority: d.priority, status: d.status, created: created})
	}

	got := f.dashboard(dashNow, 7*dashDay).OpenByPriority
	want := []store.Count{{Key: "urgent", N: 3}, {Key: "high", N: 1}, {Key: "medium", N: 0}, {Key: "low", N: 0}}
	if !slices.Equal(got, want) {
		t.Errorf("OpenByPriority = %v, want %v", got, want)
	}
}

func TestDashboardOpenByClient(t *testing.T) {
	t.Parallel()
	type clientTickets struct {
		name         string
		open, closed int
	}
	type want struct {
		name string
		n    int64
	}
	many := []clientTickets{{"C12", 2, 0}}
	for i := 1; i <= 11; i++ {
		many = append(many, clientTickets{fmt.Sprintf("C%02d", i), 1, 0})
	}
	for _, c := range []struct {
		name    string
		clients []clientTickets
		want    []want
	}{
		{
			name: "count then name",
			clients: []clientTickets{
				{"Zeta", 3, 2},  // closed tickets do not count
				{"Beta", 2, 0},  // ties with alpha: by name, ignoring case
				{"alpha", 2, 1}, //
				{"Empty", 0, 3}, // no open ticket: absent
			},
			want: []want{{"Zeta", 3}, {"alpha", 2}, {"Beta", 2}},
		},
		{
			name:    "top ten",
			clients: many,
			want:    []want{{"C12", 2}, {"C01", 1}, {"C02", 1}, {"C03", 1}, {"C04", 1}, {"C05", 1}, {"C06", 1}, {"C07", 1}, {"C08", 1}, {"C09", 1}},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newDashFixture(t)
			ids := map[string]int64{}
			for _, ct := range c.clients {
				cl := f.client(ct.name, 60)
				ids[ct.name] = cl.ID
				for i := range ct.open {
					f.ticket(dashTicket{title: "open", client: cl, status: ticket.OpenStatuses[i%len(ticket.OpenStatuses)], created: dashNow.Add(-dashDay)})
				}
				for range ct.closed {
					f.ticket(dashTicket{title: "closed", client: cl, status: "closed", created: dashNow.Add(-dashDay)})
				}
			}
			got := f.dashboard(dashNow, 7*dashDay).OpenByClient
			var wantCounts []store.ClientCount
			for _, w := range c.want {
				wantCounts = append(wantCounts, store.ClientCount{ClientID: ids[w.name], Name: w.name, N: w.n})
			}
			if !slices.Equal(got, wantCounts) {
				t.Errorf("OpenByClient =\n%v\nwant\n%v", got, wantCounts)
			}
		})
	}
}

func TestDashboardAtRisk(t *testing.T) {
	t.Parallel()
	n := dashNow
	for _, c := range []struct {
		name string
		// tickets builds the fixture and returns the at-risk tickets expected, in order, with
		// the total expected.
		tickets func(f *dashFixture) ([]store.AtRiskTicket, int64)
	}{
		{
			name: "mix",
			tickets: func(f *dashFixture) ([]store.AtRiskTicket, int64) {
				acme := f.client("Acme", 60)
				globex := f.client("Globex", 240)
				due10 := f.ticket(dashTicket{title: "due in 10 min", client: acme, priority: "high", created: n.Add(-50 * time.Minute)})
				overdue := f.ticket(dashTicket{title: "overdue by 2 h", client: acme, priority: "urgent", created: n.Add(-3 * time.Hour)})
				waiting := f.ticket(dashTicket{title: "waiting, overdue by 1 h", client: globex, priority: "low", status: "waiting", created: n.Add(-5 * time.Hour)})
				edge := f.ticket(dashTicket{title: "due in exactly 30 min", client: acme, status: "in_progress", created: n.Add(-30 * time.Minute)})
				f.ticket(dashTicket{title: "due in 2 h", client: globex, created: n.Add(-2 * time.Hour)})
				f.ticket(dashTicket{title: "due in 31 min", client: acme, created: n.Add(-29 * time.Minute)})
				f.ticket(dashTicket{title: "answered", client: acme, created: n.Add(-3 * time.Hour), firstResponse: dashAt(n.Add(-150 * time.Minute))})
				f.ticket(dashTicket{title: "closed unanswered", client: acme, status: "closed", created: n.Add(-3 * time.Hour), resolved: dashAt(n.Add(-time.Hour))})
				f.ticket(dashTicket{title: "resolved unanswered", client: acme, status: "resolved", created: n.Add(-3 * time.Hour), resolved: dashAt(n.Add(-time.Hour))})
				return []store.AtRiskTicket{
					{ID: overdue.ID, Title: "overdue by 2 h", ClientName: "Acme", Priority: "urgent", Due: n.Add(-2 * time.Hour), Overdue: true},
					{ID: waiting.ID, Title: "waiting, overdue by 1 h", ClientName: "Globex", Priority: "low", Due: n.Add(-time.Hour), Overdue: true},
					{ID: due10.ID, Title: "due in 10 min", ClientName: "Acme", Priority: "high", Due: n.Add(10 * time.Minute)},
					{ID: edge.ID, Title: "due in exactly 30 min", ClientName: "Acme", Priority: "medium", Due: n.Add(30 * time.Minute)},
				}, 4
			},
		},
		{
			name: "at most fifty",
			tickets: func(f *dashFixture) ([]store.AtRiskTicket, int64) {
				acme := f.client("Acme", 60)
				var want []store.AtRiskTicket
				// 55 overdue tickets, the oldest created last: the list is by deadline.
				for i := range 55 {
					created := n.Add(-time.Duration(2+i) * time.Hour)
					tk := f.ticket(dashTicket{title: fmt.Sprintf("overdue %d", i), client: acme, created: created})
					want = append(want, store.AtRiskTicket{ID: tk.ID, Title: tk.Title, ClientName: "Acme", Priority: "medium", Due: created.Add(time.Hour), Overdue: true})
				}
				slices.Reverse(want)
				return want[:50], 55
			},
		},
		{
			name: "none",
			tickets: func(f *dashFixture) ([]store.AtRiskTicket, int64) {
				f.ticket(dashTicket{title: "due in 2 h", client: f.client("Acme", 180), created: n.Add(-time.Hour)})
				return []store.AtRiskTicket{}, 0
			},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newDashFixture(t)
			want, wantTotal := c.tickets(f)
			got := f.dashboard(n, 7*dashDay)
			if got.AtRiskTotal != wantTotal {
				t.Errorf("AtRiskTotal = %d, want %d", got.AtRiskTotal, wantTotal)
			}
			if !slices.EqualFunc(got.AtRisk, want, func(a, b store.AtRiskTicket) bool {
				return a.ID == b.ID && a.Title == b.Title && a.ClientName == b.ClientName &&
					a.Priority == b.Priority && a.Due.Equal(b.Due) && a.Overdue == b.Overdue
			}) {
				t.Errorf("AtRisk =\n%v\nwant\n%v", got.AtRisk, want)
			}
		})
	}
}

func TestDashboardDailyOpened(t *testing.T) {
	t.Parallel()
	f := newDashFixture(t)
	acme := f.client("Acme", 60)
	utc := func(d, h, m, s, ns int) time.Time { return time.Date(2025, 6, d, h, m, s, ns, time.UTC) }
	for _, created := range []time.Time{
		utc(1, 23, 59, 59, 0), // the day before the fortnight that ends on the 15th
		utc(2, 0, 0, 0, 0),
		utc(5, 8, 0, 0, 0),
		utc(5, 23, 59, 59, 999999000),
		utc(10, 12, 0, 0, 0),
		utc(15, 0, 0, 0, 0),
		utc(15, 11, 59, 0, 0),
		utc(15, 12, 0, 0, 0), // at now: not yet counted at noon
		utc(15, 18, 0, 0, 0),
	} {
		f.ticket(dashTicket{title: "opened " + created.String(), client: acme, created: created})
	}

	for _, c := range []struct {
		name  string
		now   time.Time
		first int         // day of June of the first entry
		n     map[int]int // tickets per day of June; other days zero
	}{
		{"noon", dashNow, 2, map[int]int{2: 1, 5: 2, 10: 1, 15: 2}},
		// The same instant seen from Madrid: days are still UTC days.
		{"noon given in CEST", dashNow.In(time.FixedZone("CEST", 2*60*60)), 2, map[int]int{2: 1, 5: 2, 10: 1, 15: 2}},
		// At midnight the 15th is complete and the 16th, empty so far, is the last day.
		{"midnight", utc(16, 0, 0, 0, 0), 3, map[int]int{5: 2, 10: 1, 15: 4}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got := f.dashboard(c.now, 7*dashDay).DailyOpened
			var want []store.DayCount
			for d := c.first; d < c.first+14; d++ {
				want = append(want, store.DayCount{Day: utc(d, 0, 0, 0, 0), N: int64(c.n[d])})
			}
			if !slices.Equal(got, want) { // == on the times: Day must be midnight in time.UTC
				t.Errorf("DailyOpened =\n%v\nwant\n%v", got, want)
			}
		})
	}
}

func TestDashboardEmptyAndInTransaction(t *testing.T) {
	t.Parallel()
	st := pg.NewStore(t)
	ctx := context.Background()
	check := func(t *testing.T, d *store.Dashboard) {
		t.Helper()
		if d.Responded != 0 || d.RespondedInSLA != 0 || d.SLACompliance != 0 || d.Resolved != 0 || d.MTTR != 0 ||
			len(d.OpenByClient) != 0 || len(d.AtRisk) != 0 || d.AtRiskTotal != 0 {
			t.Errorf("figures of an empty database are not zero: %+v", d)
		}
		wantPriorities := []store.Count{{Key: "urgent"}, {Key: "high"}, {Key: "medium"}, {Key: "low"}}
		if !slices.Equal(d.OpenByPriority, wantPriorities) {
			t.Errorf("OpenByPriority = %v, want %v", d.OpenByPriority, wantPriorities)
		}
		if len(d.DailyOpened) != 14 || !d.DailyOpened[13].Day.Equal(time.Date(2025, 6, 15, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("DailyOpened = %v, want 14 zero days up to 2025-06-15", d.DailyOpened)
		}
	}

	d, err := st.Dashboard(ctx, dashNow, 30*dashDay)
	if err != nil {
		t.Fatal(err)
	}
	check(t, d)

	err = st.Transact(ctx, func(tx *store.Store) error {
		d, err := tx.Dashboard(ctx, dashNow, 30*dashDay)
		if err != nil {
			return err
		}
		check(t, d)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	if _, err := st.Dashboard(ctx, dashNow, 0); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("Dashboard with a zero window: err = %v, want ErrInvalid", err)
	}
}
