package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/talentsystems/talentsystems/internal/app"
	"github.com/talentsystems/talentsystems/internal/candidates"
	"github.com/talentsystems/talentsystems/internal/cli"
	"github.com/talentsystems/talentsystems/internal/config"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

type result struct {
	code           int
	stdout, stderr string
}

func run(t *testing.T, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := cli.Main(context.Background(), args, cli.Env{
		Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut,
		Getenv: func(k string) string { return env[k] },
	})
	return result{code, out.String(), errOut.String()}
}

func TestAdminCommands(t *testing.T) {
	env := map[string]string{"TS_DATA_DIR": t.TempDir()}
	if r := run(t, env, "", "migrate"); r.code != 0 || !strings.Contains(r.stdout, "migrations applied (sqlite)") {
		t.Fatalf("migrate: %+v", r)
	}
	r := run(t, env, "", "org", "create", "--name", "Acme Corp")
	if r.code != 0 || strings.TrimSpace(r.stdout) != "acme-corp" {
		t.Fatalf("org create: %+v", r)
	}
	if r := run(t, env, "", "org", "create", "--name", "Acme Corp"); r.code == 0 || !strings.Contains(r.stderr, "already exists") {
		t.Errorf("duplicate org: %+v", r)
	}
	r = run(t, env, "a very good password\n", "user", "create", "--org", "acme-corp", "--email", "ann@acme.test", "--role", "admin")
	if r.code != 0 || !strings.Contains(r.stdout, "created ann@acme.test (admin)") || strings.Contains(r.stdout, "password:") {
		t.Fatalf("user create with stdin password: %+v", r)
	}
	r = run(t, env, "", "user", "create", "--staff", "--email", "ops@ts.test")
	if r.code != 0 || !strings.Contains(r.stdout, "password: ") {
		t.Fatalf("user create with generated password: %+v", r)
	}
	if r := run(t, env, "", "org", "list"); !strings.Contains(r.stdout, "acme-corp\tAcme Corp\t1 members") {
		t.Errorf("org list: %+v", r)
	}
	bad := []struct {
		name string
		args []string
		want string
	}{
		{"no org", []string{"user", "create", "--org", "nope", "--email", "x@y.test"}, `no organization has the slug "nope"`},
		{"bad role", []string{"user", "create", "--org", "acme-corp", "--email", "x@y.test", "--role", "owner"}, "admin or recruiter"},
		{"bad email", []string{"user", "create", "--org", "acme-corp", "--email", "nope"}, "not an email address"},
		{"both", []string{"user", "create", "--org", "acme-corp", "--staff", "--email", "x@y.test"}, "either --org SLUG or --staff"},
		{"no name", []string{"org", "create"}, "--name is required"},
		{"bad slug", []string{"org", "create", "--name", "X", "--slug", "Bad Slug"}, "slug"},
		{"unknown command", []string{"frobnicate"}, "unknown command"},
		{"unknown flag", []string{"migrate", "--nope"}, "flag provided but not defined"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, env, "", tc.args...)
			if r.code == 0 || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("code %d, stderr %q, want %q", r.code, r.stderr, tc.want)
			}
		})
	}
}

func TestBadSettings(t *testing.T) {
	dir := t.TempDir()
	if r := run(t, map[string]string{"DATABASE_URL": "mysql://x/y", "TS_DATA_DIR": dir}, "", "migrate"); r.code != 2 || !strings.Contains(r.stderr, "DATABASE_URL") || strings.Contains(r.stderr, "mysql://x/y") {
		t.Errorf("malformed DATABASE_URL: %+v", r)
	}
	if r := run(t, map[string]string{"DATABASE_URL": "postgres://u:secretpw@127.0.0.1:1/x?connect_timeout=2", "TS_DATA_DIR": dir}, "", "migrate"); r.code == 0 || strings.Contains(r.stderr, "secretpw") {
		t.Errorf("unreachable PostgreSQL: %+v", r)
	}
	ro := filepath.Join(t.TempDir(), "ro")
	os.Mkdir(ro, 0o500)
	if os.Getuid() != 0 { // root writes anywhere; a file in the way works for everyone
		if r := run(t, map[string]string{"TS_DATA_DIR": ro}, "", "migrate"); r.code == 0 || !strings.Contains(r.stderr, "not writable") {
			t.Errorf("read-only data folder: %+v", r)
		}
	}
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, []byte("x"), 0o600)
	if r := run(t, map[string]string{"TS_DATA_DIR": file}, "", "migrate"); r.code == 0 || !strings.Contains(r.stderr, "data folder") {
		t.Errorf("data folder is a file: %+v", r)
	}
}

func TestHelpAndVersion(t *testing.T) {
	r := run(t, nil, "", "--help")
	for _, cmd := range []string{"serve", "migrate", "org create", "user create", "version"} {
		if !strings.Contains(r.stdout, cmd) {
			t.Errorf("help lacks %q", cmd)
		}
	}
	if r := run(t, nil, "", "version"); r.code != 0 || !strings.HasPrefix(r.stdout, "talentsystems ") {
		t.Errorf("version: %+v", r)
	}
}

func TestPostingImportExport(t *testing.T) {
	env := map[string]string{"TS_DATA_DIR": t.TempDir()}
	run(t, env, "", "org", "create", "--name", "Acme")
	files, _ := filepath.Glob("../../examples/postings/*.json")
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			want, _ := os.ReadFile(file)
			r := run(t, env, "", "posting", "import", "--org", "acme", "--file", file, "--publish")
			fields := strings.Fields(r.stdout)
			if r.code != 0 || len(fields) != 3 || !strings.HasPrefix(fields[1], "pst_") || fields[2] != "active" {
				t.Fatalf("import: %+v", r)
			}
			exp := run(t, env, "", "posting", "export", "--org", "acme", "--id", fields[0])
			if exp.code != 0 || exp.stdout != string(want) {
				t.Fatalf("export differs from the file: %+v", exp.stderr)
			}
			// import → export → import is identity.
			again := run(t, env, exp.stdout, "posting", "import", "--org", "acme", "--file", "-")
			id2 := strings.Fields(again.stdout)[0]
			if exp2 := run(t, env, "", "posting", "export", "--org", "acme", "--id", id2); exp2.stdout != exp.stdout {
				t.Error("a re-imported export exports differently")
			}
		})
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{"format":"talentsystems.posting/v1","title":"X","competencies":[{"key":"a","name":"A","weight":0}],"questions":[{"key":"q","section":"interview","competency":"nope","kind":"numeric","prompt":"p","answer":1}]}`), 0o600)
	r := run(t, env, "", "posting", "import", "--org", "acme", "--file", bad)
	if r.code != 2 || !strings.Contains(r.stderr, "/competencies/0/weight") || !strings.Contains(r.stderr, "/questions/0/competency") {
		t.Errorf("bad file: %+v", r)
	}
	if r := run(t, env, "", "posting", "list", "--org", "acme"); strings.Count(r.stdout, "\n") != 2*len(files) {
		t.Errorf("posting list after the bad import: %q", r.stdout)
	}
	if r := run(t, env, "", "posting", "export", "--org", "acme", "--id", "999"); r.code == 0 || !strings.Contains(r.stderr, "not found") {
		t.Errorf("unknown id: %+v", r)
	}
	if r := run(t, env, "", "posting", "import", "--org", "nope", "--file", bad); r.code != 2 {
		t.Errorf("unknown org: %+v", r)
	}
}

func TestCandidateList(t *testing.T) {
	env := map[string]string{"TS_DATA_DIR": t.TempDir()}
	run(t, env, "", "org", "create", "--name", "Acme")
	r := run(t, env, "", "posting", "import", "--org", "acme", "--file", "../../examples/postings/data-analyst.json", "--publish")
	id := strings.Fields(r.stdout)[0]
	if r := run(t, env, "", "candidate", "list", "--org", "acme", "--json"); r.code != 0 || strings.TrimSpace(r.stdout) != "[]" {
		t.Fatalf("empty list: %+v", r)
	}
	// Add a candidate through the app, as the web page does.
	a, err := app.New(context.Background(), mustConfig(t, env), app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.ParseInt(id, 10, 64)
	org, _ := store.OrgBySlug(context.Background(), a.Store.DB, "acme")
	if _, err := a.Candidates.Add(context.Background(), model.CommandLine(org.ID), pid, candidates.Person{FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.test"}, candidates.AddOptions{Source: model.SourceManual}); err != nil {
		t.Fatal(err)
	}
	a.Close()
	r = run(t, env, "", "candidate", "list", "--org", "acme", "--posting", id, "--json")
	var got []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || len(got) != 1 {
		t.Fatalf("list: %v %+v", err, r)
	}
	if got[0]["email"] != "ada@example.test" || got[0]["status"] != "sent" || !strings.Contains(got[0]["link"].(string), "/a/") || got[0]["score"] != nil {
		t.Errorf("candidate: %v", got[0])
	}
}

func mustConfig(t *testing.T, env map[string]string) *config.Config {
	t.Helper()
	cfg, err := config.Load(flag.NewFlagSet("x", flag.ContinueOnError), nil, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}
