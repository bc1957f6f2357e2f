package store_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// AddCandidate writes the candidate with its audit entry and Greenhouse
// event, the same on both databases (one statement on PostgreSQL); a posting
// saved or closed since it was read gets neither the candidate nor the lines.
func TestAddCandidateLogs(t *testing.T) {
	t.Parallel()
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		s := open(t, dbURL)
		org, err := store.CreateOrg(ctx, s.DB, "acme", "Acme", t0)
		if err != nil {
			t.Fatal(err)
		}
		p := &model.Posting{OrgID: org.ID, PublicID: "p1", Status: model.PostingActive, Title: "T", Document: []byte(`{}`), CreatedAt: t0, UpdatedAt: t0}
		if err := store.CreatePosting(ctx, s.DB, p); err != nil {
			t.Fatal(err)
		}
		add := func(email string, revision int, log store.NewCandidateLog) (*model.Candidate, error) {
			c := &model.Candidate{OrgID: org.ID, PostingID: p.ID, FirstName: "A", LastName: "B", Email: email, Source: model.SourceGreenhouse,
				Status: model.CandidateSent, TokenHash: email, ExpiresAt: t0, CreatedAt: t0.Add(time.Minute), GHTestID: email}
			return c, s.AddCandidate(ctx, s.DB, c, revision, log)
		}
		// An event detail longer than kept is cut at a character, not a byte.
		long := strings.Repeat("é", 1200)
		c, err := add("one@example.test", p.Revision, store.NewCandidateLog{Action: "candidate.add", AuditDetail: " one on p1",
			Event: &store.CandidateEvent{Kind: "send_test", Before: "Sent #", After: " to " + long}})
		if err != nil {
			t.Fatal(err)
		}
		id := strconv.FormatInt(c.ID, 10)
		audit, err := store.OrgAudit(ctx, s.DB, org.ID, 10)
		if err != nil || len(audit) != 1 || audit[0].Action != "candidate.add" || audit[0].Detail != id+" one on p1" || audit[0].ActorID != 0 || !audit[0].CreatedAt.Equal(c.CreatedAt) {
			t.Fatalf("audit: %+v %v", audit, err)
		}
		events, err := store.RecentGreenhouseEvents(ctx, s.DB, org.ID, false, time.Time{}, 10)
		if err != nil || len(events) != 1 {
			t.Fatalf("events: %+v %v", events, err)
		}
		want := "Sent #" + id + " to " + long
		want = string([]rune(want)[:1000])
		if e := events[0]; e.Kind != "send_test" || !e.OK || e.Detail != want || !utf8.ValidString(e.Detail) || !e.CreatedAt.Equal(c.CreatedAt) {
			t.Fatalf("event: %+v", e)
		}
		// Without an event, only the audit entry; an actor's id past 32 bits is kept whole.
		const bigID = 3_000_000_000
		if _, err := s.DB.ExecContext(ctx, `INSERT INTO users (id, org_id, email, name, password_hash, role, created_at)
VALUES ($1, $2, 'big@example.test', 'Big', 'x', 'recruiter', 0)`, bigID, org.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := add("two@example.test", 0, store.NewCandidateLog{ActorID: bigID, Action: "candidate.add", AuditDetail: " two"}); err != nil {
			t.Fatal(err)
		}
		if audit, err := store.OrgAudit(ctx, s.DB, org.ID, 1); err != nil || len(audit) != 1 || audit[0].ActorID != bigID {
			t.Fatalf("audit by a user past 32 bits: %+v %v", audit, err)
		}
		// The posting read at an older revision: nothing is written.
		if _, err := add("three@example.test", p.Revision+1, store.NewCandidateLog{Action: "candidate.add", AuditDetail: " three",
			Event: &store.CandidateEvent{Kind: "send_test"}}); !errors.Is(err, store.ErrPostingChanged) {
			t.Fatalf("stale revision: %v, want ErrPostingChanged", err)
		}
		_, n, err := store.ListCandidates(ctx, s.DB, model.CandidateFilter{OrgID: org.ID, Now: t0})
		if err != nil || n != 2 {
			t.Fatalf("%d candidates (%v), want 2", n, err)
		}
		audit, _ = store.OrgAudit(ctx, s.DB, org.ID, 10)
		events, _ = store.RecentGreenhouseEvents(ctx, s.DB, org.ID, false, time.Time{}, 10)
		if len(audit) != 2 || len(events) != 1 {
			t.Fatalf("%d audit entries and %d events, want 2 and 1", len(audit), len(events))
		}
		// A repeated Greenhouse test is a Conflict and writes nothing either.
		if _, err := add("one@example.test", 0, store.NewCandidateLog{Action: "candidate.add", Event: &store.CandidateEvent{Kind: "send_test"}}); err == nil {
			t.Fatal("a second candidate for one Greenhouse test")
		}
		audit, _ = store.OrgAudit(ctx, s.DB, org.ID, 10)
		events, _ = store.RecentGreenhouseEvents(ctx, s.DB, org.ID, false, time.Time{}, 10)
		if len(audit) != 2 || len(events) != 1 {
			t.Fatalf("after a refused add: %d audit entries and %d events, want 2 and 1", len(audit), len(events))
		}
	})
}
