package store_test

import (
	"context"
	"testing"

	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// An older database holding the same person twice on a posting (and an erased
// one) migrates; afterwards a third copy is refused, an erased one is not.
func TestCandidateEmailUniqueMigration(t *testing.T) {
	t.Parallel()
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		s, err := store.Open(ctx, dbURL, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if err := s.MigrateTo(ctx, 9); err != nil {
			t.Fatal(err)
		}
		org, err := store.CreateOrg(ctx, s.DB, "acme", "Acme", t0)
		if err != nil {
			t.Fatal(err)
		}
		p := &model.Posting{OrgID: org.ID, PublicID: "p1", Status: model.PostingActive, Title: "T", Document: []byte(`{}`), CreatedAt: t0, UpdatedAt: t0}
		if err := store.CreatePosting(ctx, s.DB, p); err != nil {
			t.Fatal(err)
		}
		add := func(email, token string) (*model.Candidate, error) {
			c := &model.Candidate{OrgID: org.ID, PostingID: p.ID, FirstName: "A", LastName: "B", Email: email, Source: model.SourceManual,
				Status: model.CandidateSent, TokenHash: token, ExpiresAt: t0, CreatedAt: t0}
			return c, store.CreateCandidate(ctx, s.DB, c)
		}
		first, err := add("ada@example.test", "t1")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := add("Ada@Example.test ", "t2"); err != nil {
			t.Fatalf("old schema refused a duplicate: %v", err)
		}
		if err := s.Migrate(ctx); err != nil {
			t.Fatalf("migrating a database with duplicates: %v", err)
		}
		if _, err := add("ada@example.test", "t3"); err == nil {
			t.Fatal("a third candidate with the same email was added")
		}
		got, err := store.PostingCandidateByEmail(ctx, s.DB, org.ID, p.ID, " ADA@example.test")
		if err != nil || got.ID != first.ID {
			t.Fatalf("by email: %v %v", got, err)
		}
		// Erasing every copy frees the address for a new candidate.
		for _, c := range []int64{first.ID, first.ID + 1} {
			c, err := store.OrgCandidate(ctx, s.DB, org.ID, c)
			if err != nil {
				t.Fatal(err)
			}
			c.Email, c.TokenHash, c.ErasedAt = "", "", t0
			if err := store.UpdateCandidate(ctx, s.DB, c, t0); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := add("ada@example.test", "t4"); err != nil {
			t.Fatalf("re-adding after erasure: %v", err)
		}
	})
}
