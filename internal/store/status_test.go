package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// TestEffectiveStatusAgrees checks that the SQL form of the effective status
// (counts, list filters) agrees with model.Candidate.EffectiveStatus on every
// stored status, with links lapsing before, exactly at and after now.
func TestEffectiveStatusAgrees(t *testing.T) {
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		s := open(t, dbURL)
		org, err := store.CreateOrg(ctx, s.DB, "acme", "Acme", t0)
		if err != nil {
			t.Fatal(err)
		}
		p := &model.Posting{OrgID: org.ID, PublicID: "pst_status", Status: model.PostingActive, Title: "T", Document: []byte("{}"), CreatedAt: t0}
		if err := store.CreatePosting(ctx, s.DB, p); err != nil {
			t.Fatal(err)
		}
		now := t0.Add(time.Hour)
		want := model.StatusCounts{}
		stored := []model.CandidateStatus{model.CandidateSent, model.CandidateStarted, model.CandidateCompleted}
		for i, st := range stored {
			for j, exp := range []time.Time{now.Add(-time.Microsecond), now, now.Add(time.Microsecond)} {
				c := &model.Candidate{OrgID: org.ID, PostingID: p.ID, FirstName: "C", LastName: fmt.Sprint(i, j), Email: fmt.Sprintf("c%d%d@x.test", i, j),
					Source: model.SourceManual, Status: st, TokenHash: fmt.Sprintf("h%d%d", i, j), ExpiresAt: exp, CreatedAt: t0}
				if err := store.CreateCandidate(ctx, s.DB, c); err != nil {
					t.Fatal(err)
				}
				want[c.EffectiveStatus(now)]++
			}
		}
		if want[model.CandidateExpired] != 2 {
			t.Fatalf("Go rule: %v, want 2 expired (lapsed before and exactly at now)", want)
		}
		got, err := store.CandidateCounts(ctx, s.DB, org.ID, p.ID, now)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range model.CandidateStatuses {
			if got[st] != want[st] {
				t.Errorf("CandidateCounts[%s] = %d, Go rule says %d", st, got[st], want[st])
			}
			_, n, err := store.ListCandidates(ctx, s.DB, model.CandidateFilter{OrgID: org.ID, Status: st, Now: now})
			if err != nil {
				t.Fatal(err)
			}
			if n != want[st] {
				t.Errorf("ListCandidates(status %s) = %d, Go rule says %d", st, n, want[st])
			}
		}
		byPosting, err := store.CandidateCountsByPosting(ctx, s.DB, org.ID, now)
		if err != nil {
			t.Fatal(err)
		}
		if byPosting[p.ID][model.CandidateExpired] != want[model.CandidateExpired] {
			t.Errorf("CandidateCountsByPosting expired = %d, want %d", byPosting[p.ID][model.CandidateExpired], want[model.CandidateExpired])
		}
	})
}

// TestPurgeEmailBodies: bodies of mails that are done and older than the
// retention go; queued and recent ones stay.
func TestPurgeEmailBodies(t *testing.T) {
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		s := open(t, dbURL)
		mk := func(status model.EmailStatus, age time.Duration) *model.Email {
			e := &model.Email{To: "a@x.test", Subject: "s", Text: "body", HTML: "<p>body</p>", CreatedAt: t0.Add(-age)}
			if err := store.CreateEmail(ctx, s.DB, e); err != nil {
				t.Fatal(err)
			}
			if status != model.EmailQueued {
				if _, err := store.ClaimEmail(ctx, s.DB, e.ID); err != nil {
					t.Fatal(err)
				}
				if err := store.MarkEmail(ctx, s.DB, e.ID, status, "", t0); err != nil {
					t.Fatal(err)
				}
			}
			return e
		}
		oldSent, oldQueued, newSent, oldUncertain := mk(model.EmailSent, 10*24*time.Hour), mk(model.EmailQueued, 10*24*time.Hour),
			mk(model.EmailSent, time.Hour), mk(model.EmailUncertain, 10*24*time.Hour)
		n, err := store.PurgeEmailBodies(ctx, s.DB, t0.Add(-7*24*time.Hour), t0)
		if err != nil || n != 2 {
			t.Fatalf("purged %d (%v), want 2", n, err)
		}
		for e, purged := range map[*model.Email]bool{oldSent: true, oldQueued: false, newSent: false, oldUncertain: true} {
			got, err := store.EmailByID(ctx, s.DB, e.ID)
			if err != nil {
				t.Fatal(err)
			}
			if (got.Text == "" && !got.PurgedAt.IsZero()) != purged {
				t.Errorf("mail %d (%s): body %q purged at %v, want purged %t", e.ID, got.Status, got.Text, got.PurgedAt, purged)
			}
		}
	})
}
