package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"helpdesk/auth"
	"helpdesk/cli"
	"helpdesk/internal/pgtest"
	"helpdesk/store"
)

var pg = &pgtest.Server{}

func TestMain(m *testing.M) { pgtest.Main(m, pg) }

type result struct {
	code           int
	stdout, stderr string
}

func run(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Run(context.Background(), cli.Env{Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }}, args)
	return result{code, out.String(), errb.String()}
}

func TestUsageAndErrors(t *testing.T) {
	t.Parallel()
	unreachable := map[string]string{"DATABASE_URL": "postgres://u:p@127.0.0.1:1/none?connect_timeout=2"}
	cases := []struct {
		name     string
		env      map[string]string
		args     []string
		code     int
		stdout   string // substring
		stderrRe string // substring of the single stderr line
	}{
		{"help", nil, []string{"--help"}, 0, "Commands:", ""},
		{"no command", nil, nil, 2, "Usage", ""},
		{"unknown command", nil, []string{"frobnicate"}, 2, "", "unknown command"},
		{"migrate help", nil, []string{"migrate", "--help"}, 0, "Usage: portalctl migrate", ""},
		{"seed help", nil, []string{"seed", "-h"}, 0, "--tickets", ""},
		{"user help", nil, []string{"user", "--help"}, 0, "user create", ""},
		{"user create help", nil, []string{"user", "create", "--help"}, 0, "--role", ""},
		{"token help", nil, []string{"token", "--help"}, 0, "token revoke", ""},
		{"token create help", nil, []string{"token", "create", "--help"}, 0, "--user", ""},
		{"status help", nil, []string{"status", "--help"}, 0, "Usage: portalctl status", ""},
		{"bad flag", nil, []string{"seed", "--tickets", "many"}, 2, "", "invalid value"},
		{"unknown flag", nil, []string{"migrate", "--force"}, 2, "", "flag provided but not defined"},
		{"negative tickets", nil, []string{"seed", "--tickets", "-1"}, 2, "", "--tickets must be"},
		{"bad until", nil, []string{"seed", "--until", "yesterday"}, 2, "", "--until"},
		{"missing email", nil, []string{"user", "create", "--role", "agent", "--password", "secret123"}, 2, "", "--email is required"},
		{"weak password", unreachable, []string{"user", "create", "--email", "a@b.example", "--role", "agent", "--password", "short"}, 1, "", "password must be"},
		{"no database url", nil, []string{"migrate"}, 1, "", "DATABASE_URL is required"},
		{"unreachable database", unreachable, []string{"migrate"}, 1, "", "connect to database"},
		{"unreachable database status", unreachable, []string{"status"}, 1, "", "connect to database"},
		{"revoke needs one selector", unreachable, []string{"token", "revoke"}, 2, "", "exactly one"},
		{"synonyms help", nil, []string{"synonyms", "--help"}, 0, "synonyms import FILE", ""},
		{"synonyms without subcommand", nil, []string{"synonyms"}, 2, "Usage", "missing subcommand"},
		{"synonyms unknown subcommand", unreachable, []string{"synonyms", "merge"}, 2, "", "unknown subcommand"},
		{"synonyms add needs a line", unreachable, []string{"synonyms", "add"}, 2, "", "takes 1 argument"},
		{"synonyms delete needs an id", unreachable, []string{"synonyms", "delete", "x"}, 2, "", "not a synonym id"},
		{"jobs help", nil, []string{"jobs", "--help"}, 0, "jobs retry --id N", ""},
		{"jobs list help", nil, []string{"jobs", "list", "--help"}, 0, "retryable", ""},
		{"jobs without subcommand", nil, []string{"jobs"}, 2, "Usage", "missing subcommand"},
		{"jobs retry needs an id", unreachable, []string{"jobs", "retry"}, 2, "", "--id is required"},
		{"jobs list bad limit", unreachable, []string{"jobs", "list", "--limit", "0"}, 2, "", "--limit"},
		{"client help", nil, []string{"client", "--help"}, 0, "client update --id N", ""},
		{"category help", nil, []string{"category", "--help"}, 0, "category add --slug S", ""},
		{"category add needs names", unreachable, []string{"category", "add", "--slug", "x"}, 2, "", "--slug, --es and --en"},
		{"category update needs a slug", unreachable, []string{"category", "update", "--es", "X"}, 2, "", "--slug is required"},
		{"client create help", nil, []string{"client", "create", "--help"}, 0, "--sla-minutes", ""},
		{"client without subcommand", nil, []string{"client"}, 2, "Usage", "missing subcommand"},
		{"client create needs a name", unreachable, []string{"client", "create", "--sla-minutes", "60"}, 2, "", "--name and --sla-minutes"},
		{"client create bad date", unreachable, []string{"client", "create", "--name", "X", "--sla-minutes", "60", "--contract-end", "june"}, 2, "", "YYYY-MM-DD"},
		{"client update needs an id", unreachable, []string{"client", "update", "--name", "X"}, 2, "", "--id is required"},
		{"client update bad active", unreachable, []string{"client", "update", "--id", "1", "--active", "maybe"}, 2, "", "--active"},
		{"block help", nil, []string{"block", "--help"}, 0, "block remove ADDRESS|CIDR", ""},
		{"block add help", nil, []string{"block", "add", "--help"}, 0, "--expires", ""},
		{"block list help", nil, []string{"block", "list", "-h"}, 0, "--json", ""},
		{"block without subcommand", nil, []string{"block"}, 2, "Usage", "missing subcommand"},
		{"block unknown subcommand", unreachable, []string{"block", "ban", "1.2.3.4"}, 2, "", "unknown subcommand"},
		{"block add needs an address", unreachable, []string{"block", "add", "--reason", "x"}, 2, "", "one ADDRESS or CIDR expected"},
		{"block add takes one address", unreachable, []string{"block", "add", "192.0.2.1", "192.0.2.2"}, 2, "", "got 2 arguments"},
		{"block add bad address", unreachable, []string{"block", "add", "192.0.2.300"}, 2, "", "must be an IP address or a CIDR network"},
		{"block add everything", unreachable, []string{"block", "add", "0.0.0.0/0"}, 2, "", "would block every address"},
		{"block add bad expiry", unreachable, []string{"block", "add", "192.0.2.1", "--expires", "soon"}, 2, "", "--expires"},
		{"block add unknown flag", unreachable, []string{"block", "add", "192.0.2.1", "--until", "1h"}, 2, "", "flag provided but not defined"},
		{"block remove needs an address", unreachable, []string{"block", "remove"}, 2, "", "one ADDRESS or CIDR expected"},
		{"block list takes no address", unreachable, []string{"block", "list", "192.0.2.1"}, 2, "", "unexpected argument"},
		{"block add unreachable database", unreachable, []string{"block", "add", "192.0.2.1"}, 1, "", "connect to database"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := run(t, tc.env, tc.args...)
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d (stdout %q, stderr %q)", r.code, tc.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stdout, tc.stdout) {
				t.Errorf("stdout %q lacks %q", r.stdout, tc.stdout)
			}
			if tc.stderrRe != "" {
				if !strings.Contains(r.stderr, tc.stderrRe) {
					t.Errorf("stderr %q lacks %q", r.stderr, tc.stderrRe)
				}
				if n := strings.Count(strings.TrimRight(r.stderr, "\n"), "\n"); n != 0 {
					t.Errorf("error is %d lines, want one: %q", n+1, r.stderr)
				}
			}
		})
	}
}

func TestMigrateUserAndTokenFlow(t *testing.T) {
	t.Parallel()
	env := map[string]string{"DATABASE_URL": pg.NewEmptyDatabase(t)}

	r := run(t, env, "migrate")
	if r.code != 0 || !strings.Contains(r.stdout, "applied 001_schema.sql") {
		t.Fatalf("migrate: %+v", r)
	}
	if r = run(t, env, "migrate"); r.code != 0 || !strings.Contains(r.stdout, "up to date") {
		t.Fatalf("second migrate: %+v", r)
	}
	r = run(t, env, "user", "create", "--email", "Admin@Example.com", "--role", "admin", "--password", "correct horse")
	if r.code != 0 {
		t.Fatalf("user create: %+v", r)
	}
	id, err := strconv.ParseInt(strings.TrimSpace(r.stdout), 10, 64)
	if err != nil || id <= 0 {
		t.Fatalf("user create printed %q, want the id alone", r.stdout)
	}
	if r = run(t, env, "user", "create", "--email", "admin@example.com", "--role", "admin", "--password", "correct horse"); r.code != 1 || !strings.Contains(r.stderr, "already exists") {
		t.Fatalf("duplicate user: %+v", r)
	}
	if r = run(t, env, "user", "create", "--email", "c@example.com", "--role", "client", "--password", "correct horse"); r.code != 1 || !strings.Contains(r.stderr, "client id") {
		t.Fatalf("client without company: %+v", r)
	}
	if r = run(t, env, "token", "create", "--user", "nobody@example.com"); r.code != 1 {
		t.Fatalf("token for unknown user: %+v", r)
	}

	for _, who := range []string{"admin@example.com", strconv.FormatInt(id, 10)} {
		r = run(t, env, "token", "create", "--user", who, "--name", "ci")
		token := strings.TrimSpace(r.stdout)
		if r.code != 0 || !strings.HasPrefix(token, auth.TokenPrefix) || strings.Count(r.stdout, "\n") != 1 {
			t.Fatalf("token create --user %s: %+v (want the token alone)", who, r)
		}
		if r = run(t, env, "token", "revoke", "--token", token); r.code != 0 {
			t.Fatalf("revoke: %+v", r)
		}
		if r = run(t, env, "token", "revoke", "--token", token); r.code != 1 {
			t.Fatalf("second revoke: %+v", r)
		}
	}
	if r = run(t, env, "status"); r.code != 0 || !strings.Contains(r.stdout, "users=1") || !strings.Contains(r.stdout, "pending=0") {
		t.Fatalf("status: %+v", r)
	}
}

// TestMigrateInstallsStarterSynonymsAndSynonymsCommands: migrate installs the starter list
// once; the synonyms commands list, add, delete, export and import (add or replace) it.
func TestMigrateInstallsStarterSynonymsAndSynonymsCommands(t *testing.T) {
	t.Parallel()
	env := map[string]string{"DATABASE_URL": pg.NewEmptyDatabase(t)}
	r := run(t, env, "migrate")
	if r.code != 0 || !strings.Contains(r.stdout, "installed 328 starter synonym groups") {
		t.Fatalf("migrate: %+v", r)
	}
	if r = run(t, env, "migrate"); r.code != 0 || strings.Contains(r.stdout, "installed") {
		t.Fatalf("second migrate installs again: %+v", r)
	}
	if r = run(t, env, "synonyms", "add", "tiskárna, printer"); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	id := strings.TrimSpace(r.stdout)
	if r = run(t, env, "synonyms", "list"); r.code != 0 || !strings.Contains(r.stdout, id+"\ttiskárna, printer\n") {
		t.Fatalf("list lacks the new group: %+v", r)
	}
	if r = run(t, env, "synonyms", "add", "solo"); r.code != 1 || !strings.Contains(r.stderr, "two terms") {
		t.Errorf("a bad line: %+v", r)
	}
	if r = run(t, env, "synonyms", "delete", id); r.code != 0 {
		t.Fatalf("delete: %+v", r)
	}
	if r = run(t, env, "synonyms", "delete", id); r.code != 1 || !strings.Contains(r.stderr, "not found") {
		t.Errorf("second delete: %+v", r)
	}
	export := run(t, env, "synonyms", "export")
	if export.code != 0 || strings.Count(export.stdout, "\n") != 329 {
		t.Fatalf("export: %d lines, code %d", strings.Count(export.stdout, "\n"), export.code)
	}
	file := filepath.Join(t.TempDir(), "synonyms.txt")
	if err := os.WriteFile(file, []byte("# ours\nvpn, red privada virtual\ncontraseña, clave, password\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r = run(t, env, "synonyms", "import", file, "--replace"); r.code != 0 || !strings.Contains(r.stdout, "2 groups read, 2 added") {
		t.Fatalf("import --replace: %+v", r)
	}
	if r = run(t, env, "synonyms", "import", file); r.code != 0 || !strings.Contains(r.stdout, "2 groups read, 0 added") {
		t.Fatalf("import again: %+v", r)
	}
	if r = run(t, env, "synonyms", "export"); r.stdout != "# portalctl synonyms export\nvpn, red privada virtual\ncontraseña, clave, password\n" {
		t.Errorf("after replace: %q", r.stdout)
	}
}

// TestJobsCommands: a ticket queues its event; jobs list shows it, cancel gives it up, retry
// makes it available again, an unknown state or id is refused clearly.
func TestJobsCommands(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := pg.NewDatabase(t)
	st := pgtest.Open(t, url)
	c, err := st.CreateClient(ctx, "Acme", 60, nil)
	if err != nil {
		t.Fatal(err)
	}
	u, err := st.CreateUser(ctx, store.NewUser{Email: "alice@acme.example", Role: store.RoleClient, ClientID: &c.ID, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateTicket(ctx, store.NewTicket{ClientID: c.ID, CreatedBy: u.ID, Title: "Queued"}); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"DATABASE_URL": url}
	r := run(t, env, "jobs", "list", "--json")
	var out struct {
		Counts map[string]map[string]int64 `json:"counts"`
		Jobs   []store.Job                 `json:"jobs"`
	}
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &out) != nil || len(out.Jobs) != 1 || out.Jobs[0].Kind != "event" ||
		out.Counts["default"]["available"] != 1 {
		t.Fatalf("jobs list --json: %+v", r)
	}
	id := strconv.FormatInt(out.Jobs[0].ID, 10)
	if r = run(t, env, "jobs", "cancel", "--id", id); r.code != 0 || !strings.Contains(r.stdout, "cancelled") {
		t.Fatalf("cancel: %+v", r)
	}
	if r = run(t, env, "jobs", "list", "--state", "cancelled"); r.code != 0 || !strings.Contains(r.stdout, "event") {
		t.Fatalf("list cancelled: %+v", r)
	}
	if r = run(t, env, "jobs", "retry", "--id", id); r.code != 0 || !strings.Contains(r.stdout, "available") {
		t.Fatalf("retry: %+v", r)
	}
	if r = run(t, env, "jobs", "list", "--state", "lost"); r.code != 1 || !strings.Contains(r.stderr, "unknown job state") {
		t.Fatalf("unknown state: %+v", r)
	}
	if r = run(t, env, "jobs", "retry", "--id", "999999"); r.code != 1 || !strings.Contains(r.stderr, "no job 999999") {
		t.Fatalf("unknown id: %+v", r)
	}
}

func TestClientCommands(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := pg.NewDatabase(t)
	st := pgtest.Open(t, url)
	env := map[string]string{"DATABASE_URL": url}
	r := run(t, env, "client", "create", "--name", "Initech", "--sla-minutes", "90", "--contract-end", "2027-06-30")
	if r.code != 0 {
		t.Fatalf("create: %+v", r)
	}
	id := strings.TrimSpace(r.stdout)
	if r = run(t, env, "client", "create", "--name", "initech", "--sla-minutes", "60"); r.code != 1 || !strings.Contains(r.stderr, "conflict") {
		t.Errorf("a taken name: %+v", r)
	}
	if r = run(t, env, "client", "create", "--name", "Umbrella", "--sla-minutes", "99999"); r.code != 1 || !strings.Contains(r.stderr, "sla_response_minutes") {
		t.Errorf("an SLA over a week: %+v", r)
	}
	if r = run(t, env, "client", "update", "--id", id, "--sla-minutes", "30", "--contract-end", "none", "--active", "false"); r.code != 0 || !strings.Contains(r.stdout, "active false") {
		t.Fatalf("update: %+v", r)
	}
	r = run(t, env, "client", "list", "--json")
	var clients []store.Client
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &clients) != nil || len(clients) != 1 {
		t.Fatalf("list: %+v", r)
	}
	if c := clients[0]; c.Name != "Initech" || c.SLAResponseMinutes != 30 || c.ContractEnd != nil || c.Active {
		t.Errorf("after the update: %+v", c)
	}
	if r = run(t, env, "client", "list"); r.code != 0 || !strings.Contains(r.stdout, "Initech") || !strings.Contains(r.stdout, "false") {
		t.Errorf("table: %+v", r)
	}
	if r = run(t, env, "client", "update", "--id", "999999", "--active", "true"); r.code != 1 || !strings.Contains(r.stderr, "no client 999999") {
		t.Errorf("unknown id: %+v", r)
	}
	// An inactive company opens no tickets.
	cid, _ := strconv.ParseInt(id, 10, 64)
	u, err := st.CreateUser(ctx, store.NewUser{Email: "a@initech.example", Role: store.RoleClient, ClientID: &cid, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateTicket(ctx, store.NewTicket{ClientID: cid, CreatedBy: u.ID, Title: "Hola"}); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("a ticket for an inactive company: %v", err)
	}
}

func TestCategoryCommands(t *testing.T) {
	t.Parallel()
	env := map[string]string{"DATABASE_URL": pg.NewDatabase(t)}
	if r := run(t, env, "category", "add", "--slug", "telefonia", "--es", "Telefonía", "--en", "Phones", "--position", "20"); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	if r := run(t, env, "category", "add", "--slug", "otra", "--es", "telefonía", "--en", "Other"); r.code != 1 || !strings.Contains(r.stderr, "conflict") {
		t.Errorf("a taken name: %+v", r)
	}
	if r := run(t, env, "category", "update", "--slug", "telefonia", "--active", "false", "--en", "Telephony"); r.code != 0 || !strings.Contains(r.stdout, "active false") {
		t.Fatalf("update: %+v", r)
	}
	r := run(t, env, "category", "list", "--json")
	var cats []store.TicketCategory
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &cats) != nil || len(cats) != 12 {
		t.Fatalf("list: %+v", r)
	}
	i := slices.IndexFunc(cats, func(c store.TicketCategory) bool { return c.Slug == "telefonia" })
	if i < 0 || cats[i].Active || cats[i].NameEN != "Telephony" || cats[i].NameES != "Telefonía" || cats[i].Position != 20 {
		t.Errorf("after the update: %+v", cats)
	}
	if r := run(t, env, "category", "update", "--slug", "nada", "--active", "true"); r.code != 1 || !strings.Contains(r.stderr, `no category "nada"`) {
		t.Errorf("unknown slug: %+v", r)
	}
}

// TestBlockCommands: portalctl block adds (flags before or after the address), lists and
// removes entries; what the portals read changes with each.
func TestBlockCommands(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := pg.NewDatabase(t)
	st := pgtest.Open(t, url)
	env := map[string]string{"DATABASE_URL": url}
	r := run(t, env, "block", "add", "203.0.113.9/24", "--reason", "credential stuffing", "--expires", "7d")
	if r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	if _, err := strconv.ParseInt(strings.TrimSpace(r.stdout), 10, 64); err != nil {
		t.Errorf("add printed %q, want the id alone", r.stdout)
	}
	if r = run(t, env, "block", "add", "--expires", "2099-01-31", "2001:db8::7"); r.code != 0 {
		t.Fatalf("add with the flag first: %+v", r)
	}
	if r = run(t, env, "block", "add", "198.51.100.1"); r.code != 0 {
		t.Fatalf("add without flags: %+v", r)
	}
	if r = run(t, env, "block", "add", "203.0.113.0/24"); r.code != 1 || !strings.Contains(r.stderr, "blocked already") {
		t.Errorf("twice: %+v", r)
	}
	if r = run(t, env, "block", "add", "192.0.2.1", "--expires", "2020-01-01"); r.code != 1 || !strings.Contains(r.stderr, "expires_at: must be in the future") {
		t.Errorf("an expiry in the past: %+v", r)
	}
	active, _, err := st.ActiveBlocks(ctx)
	if err != nil || len(active) != 3 {
		t.Fatalf("active after the adds: %+v %v", active, err)
	}
	if week := time.Until(*active[0].ExpiresAt); week < 6*24*time.Hour || week > 7*24*time.Hour {
		t.Errorf("--expires 7d: expires in %v", week)
	}
	if e := active[1].ExpiresAt; e == nil || !e.Equal(time.Date(2099, 1, 31, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("--expires 2099-01-31: %v", e)
	}
	r = run(t, env, "block", "list", "--json")
	var blocks []store.Block
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &blocks) != nil || len(blocks) != 3 || blocks[0].Address.String() != "203.0.113.0/24" ||
		*blocks[0].Reason != "credential stuffing" || blocks[2].ExpiresAt != nil {
		t.Fatalf("list --json: %+v", r)
	}
	if r = run(t, env, "block", "list"); r.code != 0 || !strings.Contains(r.stdout, "2001:db8::7/128") || !strings.Contains(r.stdout, "never") {
		t.Errorf("table: %+v", r)
	}
	// The portals refuse API_BLOCKLIST's addresses too: the list shows them, for what they are.
	fixed := map[string]string{"DATABASE_URL": url, "API_BLOCKLIST": "192.0.2.0/28"}
	r = run(t, fixed, "block", "list", "--json")
	type entry struct {
		ID      int64  `json:"id"`
		Address string `json:"address"`
		Source  string `json:"source"`
	}
	var listed []entry
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &listed) != nil || len(listed) != 4 ||
		listed[3] != (entry{0, "192.0.2.0/28", "API_BLOCKLIST"}) || listed[0].Source != "table" {
		t.Errorf("list --json with API_BLOCKLIST: %+v (%+v)", r, listed)
	}
	if r = run(t, fixed, "block", "list"); !strings.Contains(r.stdout, "192.0.2.0/28") || !strings.Contains(r.stdout, "API_BLOCKLIST") {
		t.Errorf("table with API_BLOCKLIST: %+v", r)
	}
	if r = run(t, env, "block", "remove", "203.0.113.5"); r.code != 1 || !strings.Contains(r.stderr, "203.0.113.5/32 is not on the blocklist") {
		t.Errorf("an address inside a network: %+v", r)
	}
	if r = run(t, env, "block", "remove", "203.0.113.0/24"); r.code != 0 || !strings.Contains(r.stdout, "unblocked 203.0.113.0/24") {
		t.Fatalf("remove: %+v", r)
	}
	if active, _, err := st.ActiveBlocks(ctx); err != nil || len(active) != 2 {
		t.Errorf("active after the removal: %+v %v", active, err)
	}
}
