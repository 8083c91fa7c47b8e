package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

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
		{"client create help", nil, []string{"client", "create", "--help"}, 0, "--sla-minutes", ""},
		{"client without subcommand", nil, []string{"client"}, 2, "Usage", "missing subcommand"},
		{"client create needs a name", unreachable, []string{"client", "create", "--sla-minutes", "60"}, 2, "", "--name and --sla-minutes"},
		{"client create bad date", unreachable, []string{"client", "create", "--name", "X", "--sla-minutes", "60", "--contract-end", "june"}, 2, "", "YYYY-MM-DD"},
		{"client update needs an id", unreachable, []string{"client", "update", "--name", "X"}, 2, "", "--id is required"},
		{"client update bad active", unreachable, []string{"client", "update", "--id", "1", "--active", "maybe"}, 2, "", "--active"},
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
