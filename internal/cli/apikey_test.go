package cli_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/talentsystems/talentsystems/internal/apikey"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

var keyLine = regexp.MustCompile(`^gh_[0-9A-Za-z]{40}\n$`)

func TestAPIKeyCommands(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"TS_DATA_DIR": dir}
	if r := run(t, env, "", "org", "create", "--name", "Acme"); r.code != 0 {
		t.Fatalf("org create: %+v", r)
	}
	r := run(t, env, "", "apikey", "generate", "--org", "acme")
	if r.code != 0 || !keyLine.MatchString(r.stdout) || !strings.Contains(r.stderr, "shown once") {
		t.Fatalf("generate: %+v", r)
	}
	first := strings.TrimSpace(r.stdout)
	if r := run(t, env, "", "apikey", "generate", "--org", "acme"); r.code == 0 || !strings.Contains(r.stderr, "already has an active API key") {
		t.Errorf("second generate: %+v", r)
	}
	r = run(t, env, "", "apikey", "rotate", "--org", "acme")
	if r.code != 0 || !keyLine.MatchString(r.stdout) || strings.TrimSpace(r.stdout) == first || !strings.Contains(r.stderr, first[:9]) {
		t.Fatalf("rotate: %+v", r)
	}
	second := strings.TrimSpace(r.stdout)
	if r := run(t, env, "", "apikey", "revoke", "--org", "acme"); r.code != 0 || r.stdout != "revoked "+second[:9]+"…\n" {
		t.Errorf("revoke: %+v", r)
	}
	if r := run(t, env, "", "apikey", "revoke", "--org", "acme"); r.code == 0 || !strings.Contains(r.stderr, "no active key") {
		t.Errorf("second revoke: %+v", r)
	}
	for _, args := range [][]string{{"apikey"}, {"apikey", "show", "--org", "acme"}, {"apikey", "generate"}, {"apikey", "generate", "--org", "nope"}} {
		if r := run(t, env, "", args...); r.code != 2 {
			t.Errorf("%v: %+v", args, r)
		}
	}
	if r := run(t, env, "", "help"); !strings.Contains(r.stdout, "apikey generate|rotate|revoke") {
		t.Error("usage does not list apikey")
	}

	st, err := store.Open(context.Background(), "", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for key, want := range map[string]model.KeyStatus{first: model.KeyRotated, second: model.KeyRevoked} {
		k, err := store.APIKeyByHash(context.Background(), st.DB, apikey.Hash(key))
		if err != nil || k.Status != want {
			t.Errorf("key %s…: %+v %v, want %s", key[:9], k, err, want)
		}
	}
	events, _ := store.OrgAudit(context.Background(), st.DB, 1, 10)
	if len(events) < 3 || events[0].Action != "apikey.revoke" {
		t.Errorf("audit: %+v", events)
	}
}
