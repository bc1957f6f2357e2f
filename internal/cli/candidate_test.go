package cli_test

import (
	"strings"
	"testing"
)

// candidate --help lists the group's commands, a bogus status is refused,
// and candidate add adds a candidate (once) and prints its link under the
// server's base URL.
func TestCandidateAddAndHelp(t *testing.T) {
	env := map[string]string{"TS_DATA_DIR": t.TempDir(), "TS_BASE_URL": "https://assess.example.test"}
	if r := run(t, env, "", "candidate", "--help"); r.code != 0 || !strings.Contains(r.stdout, "candidate add") || !strings.Contains(r.stdout, "candidate list") {
		t.Errorf("candidate --help: %+v", r)
	}
	run(t, env, "", "org", "create", "--name", "Acme")
	r := run(t, env, "", "posting", "import", "--org", "acme", "--file", "../../examples/postings/data-analyst.json", "--publish")
	id := strings.Fields(r.stdout)[0]
	if r := run(t, env, "", "candidate", "list", "--org", "acme", "--status", "bogus"); r.code != 2 || !strings.Contains(r.stderr, `"bogus" is not a status`) {
		t.Errorf("bogus status: %+v", r)
	}
	add := []string{"candidate", "add", "--org", "acme", "--posting", id, "--first-name", "Ada", "--last-name", "Lovelace", "--email", "ada@example.test", "--no-email"}
	r = run(t, env, "", add...)
	if r.code != 0 || !strings.Contains(r.stdout, "https://assess.example.test/a/") || !strings.Contains(r.stderr, "No invitation was mailed") {
		t.Fatalf("candidate add: %+v", r)
	}
	if r := run(t, env, "", add...); r.code == 0 || !strings.Contains(r.stderr, "already a candidate") {
		t.Errorf("adding the same person twice: %+v", r)
	}
	if r := run(t, env, "", "candidate", "add", "--org", "acme", "--first-name", "X"); r.code != 2 || !strings.Contains(r.stderr, "--posting is required") {
		t.Errorf("no posting: %+v", r)
	}
	if r := run(t, env, "", "candidate", "list", "--org", "acme", "--status", "sent"); r.code != 0 || !strings.Contains(r.stdout, "ada@example.test") {
		t.Errorf("list: %+v", r)
	}
}
