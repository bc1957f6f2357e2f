package cli_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/app"
	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// TestCandidateExport prints the same rows as CSV and JSON, one per seeded candidate.
func TestCandidateExport(t *testing.T) {
	env := map[string]string{"TS_DATA_DIR": t.TempDir()}
	run(t, env, "", "org", "create", "--name", "Acme")
	r := run(t, env, "", "posting", "import", "--org", "acme", "--file", "../../examples/postings/data-analyst.json", "--publish")
	id := strings.Fields(r.stdout)[0]
	a, err := app.New(context.Background(), mustConfig(t, env), app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	org, _ := store.OrgBySlug(context.Background(), a.Store.DB, "acme")
	pid, _ := strconv.ParseInt(id, 10, 64)
	p, err := a.Postings.Get(context.Background(), model.CommandLine(org.ID), pid)
	if err != nil {
		t.Fatal(err)
	}
	seeded := apptest.SeedCandidates(t, a, org.ID, p.Doc, 12, 3, time.Now())
	a.Close()

	r = run(t, env, "", "candidate", "export", "--org", "acme", "--posting", id)
	if r.code != 0 || !strings.HasPrefix(r.stdout, "\uFEFF") {
		t.Fatalf("csv: %+v", r)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.stdout, "\uFEFF"))).ReadAll()
	if err != nil || len(rows) != len(seeded)+1 {
		t.Fatalf("csv rows %d (%v), want %d", len(rows)-1, err, len(seeded))
	}
	r = run(t, env, "", "candidate", "export", "--org", "acme", "--posting", id, "--format", "json")
	var objs []map[string]string
	if err := json.Unmarshal([]byte(r.stdout), &objs); err != nil || len(objs) != len(seeded) {
		t.Fatalf("json: %v %d\n%s", err, len(objs), r.stdout)
	}
	for i, o := range objs {
		for j, h := range rows[0] {
			want := rows[i+1][j]
			if o[h] != want && "'"+o[h] != want { // the CSV neutralises formulas, JSON does not need to
				t.Errorf("row %d %s: json %q, csv %q", i, h, o[h], want)
			}
		}
		if o["id"] != strconv.FormatInt(seeded[i].ID, 10) {
			t.Errorf("row %d is candidate %s, want %d", i, o["id"], seeded[i].ID)
		}
	}
	for _, bad := range [][]string{{"--posting", "0"}, {"--posting", id, "--format", "xlsx"}, {"--posting", "999"}} {
		r := run(t, env, "", append([]string{"candidate", "export", "--org", "acme"}, bad...)...)
		if r.code == 0 || r.stdout != "" {
			t.Errorf("export %v: %+v", bad, r)
		}
	}
	var buf bytes.Buffer
	buf.WriteString(run(t, env, "", "help").stdout)
	if !strings.Contains(buf.String(), "candidate export") || !strings.Contains(buf.String(), "candidate list") {
		t.Error("usage does not list both candidate commands")
	}
}
