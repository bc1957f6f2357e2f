package apikey

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/secretbox"
	"github.com/talentsystems/talentsystems/internal/store"
)

func TestNewKey(t *testing.T) {
	seen := map[string]bool{}
	counts := map[byte]int{}
	for i := 0; i < 2000; i++ {
		k := New()
		if !strings.HasPrefix(k, Prefix) || len(k) != len(Prefix)+RandomLength || !WellFormed(k) {
			t.Fatalf("bad key %q", k)
		}
		if seen[k] {
			t.Fatalf("duplicate key %q", k)
		}
		seen[k] = true
		for i := len(Prefix); i < len(k); i++ {
			counts[k[i]]++
		}
	}
	// 80 000 characters over 62 symbols: about 1290 each. A biased
	// generator (e.g. modulo without rejection) shows up as a skew.
	for c, n := range counts {
		if n < 1000 || n > 1600 {
			t.Errorf("character %q drawn %d times", c, n)
		}
	}
	if len(counts) != 62 {
		t.Errorf("%d distinct characters, want 62", len(counts))
	}
	for _, bad := range []string{"", "gh_", "gh_short", "xx_" + strings.Repeat("a", 40), "gh_" + strings.Repeat("a", 39) + "-", "gh_" + strings.Repeat("a", 200)} {
		if WellFormed(bad) {
			t.Errorf("WellFormed(%q)", bad)
		}
	}
}

func newService(t *testing.T) (*Service, int64) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	org, err := store.CreateOrg(ctx, st.DB, "acme", "Acme", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	box, _ := secretbox.New(make([]byte, 32))
	return &Service{Store: st, Box: box, Now: func() time.Time { return time.Now().UTC() }}, org.ID
}

func TestLifecycle(t *testing.T) {
	ctx := context.Background()
	s, orgID := newService(t)
	first, err := s.Generate(ctx, model.CommandLine(orgID), orgID)
	if err != nil {
		t.Fatal(err)
	}
	if first.Record.Hash == first.Key || strings.Contains(first.Record.Sealed, first.Key) || first.Record.Prefix != first.Key[:9] {
		t.Fatalf("stored form leaks the key: %+v", first.Record)
	}
	if _, err := s.Generate(ctx, model.CommandLine(orgID), orgID); apperror.KindOf(err) != apperror.Conflict {
		t.Errorf("second generate: %v", err)
	}
	k, err := s.Authenticate(ctx, first.Key)
	if err != nil || k.OrgID != orgID {
		t.Fatalf("authenticate: %v", err)
	}
	if cred, err := s.Credential(ctx, s.Store.DB, orgID); err != nil || cred != first.Key {
		t.Errorf("credential %q %v", cred, err)
	}

	second, err := s.Rotate(ctx, model.CommandLine(orgID), orgID)
	if err != nil || second.Replaced.ID != first.Record.ID {
		t.Fatalf("rotate: %v", err)
	}
	k, err = s.Authenticate(ctx, first.Key)
	if !errors.Is(err, ErrEnded) || apperror.KindOf(err) != apperror.Unauthorized || k.OrgID != orgID || k.Status != model.KeyRotated {
		t.Errorf("old key after rotation: %v %+v", err, k)
	}
	if !strings.Contains(apperror.Message(err), "rotated") {
		t.Errorf("message %q", apperror.Message(err))
	}
	if _, err := s.Authenticate(ctx, second.Key); err != nil {
		t.Errorf("new key: %v", err)
	}
	if cred, _ := s.Credential(ctx, s.Store.DB, orgID); cred != second.Key {
		t.Errorf("credential after rotation is not the new key")
	}

	if _, err := s.Revoke(ctx, model.CommandLine(orgID), orgID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, second.Key); !errors.Is(err, ErrEnded) {
		t.Errorf("revoked key: %v", err)
	}
	if _, err := s.Credential(ctx, s.Store.DB, orgID); apperror.KindOf(err) != apperror.NotFound {
		t.Errorf("credential without a key: %v", err)
	}
	if _, err := s.Rotate(ctx, model.CommandLine(orgID), orgID); apperror.KindOf(err) != apperror.Conflict {
		t.Errorf("rotate without a key: %v", err)
	}
	if _, err := s.Revoke(ctx, model.CommandLine(orgID), orgID); apperror.KindOf(err) != apperror.Conflict {
		t.Errorf("revoke without a key: %v", err)
	}
	for _, bad := range []string{"", "nope", New()} {
		if _, err := s.Authenticate(ctx, bad); apperror.KindOf(err) != apperror.Unauthorized || errors.Is(err, ErrEnded) {
			t.Errorf("authenticate %q: %v", bad, err)
		}
	}
	events, _ := store.OrgAudit(ctx, s.Store.DB, orgID, 10)
	var actions []string
	for _, e := range events {
		actions = append(actions, e.Action)
	}
	if got := strings.Join(actions, " "); got != "apikey.revoke apikey.rotate apikey.generate" {
		t.Errorf("audit: %s", got)
	}
	third, err := s.Generate(ctx, model.CommandLine(orgID), orgID)
	if err != nil {
		t.Fatalf("generate after revoke: %v", err)
	}
	if _, err := s.Authenticate(ctx, third.Key); err != nil {
		t.Error(err)
	}
}

func TestConcurrentGenerate(t *testing.T) {
	ctx := context.Background()
	s, orgID := newService(t)
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		go func() { _, err := s.Generate(ctx, model.CommandLine(orgID), orgID); errs <- err }()
	}
	ok := 0
	for i := 0; i < 8; i++ {
		if err := <-errs; err == nil {
			ok++
		} else if apperror.KindOf(err) != apperror.Conflict {
			t.Error(err)
		}
	}
	if ok != 1 {
		t.Errorf("%d keys generated at once, want 1", ok)
	}
}
