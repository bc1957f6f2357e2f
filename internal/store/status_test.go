package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
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
		// Another organization counts nothing of this posting, not even
		// its links that lapsed today.
		other, err := store.CreateOrg(ctx, s.DB, "other", "Other", t0)
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := store.CandidateCounts(ctx, s.DB, other.ID, p.ID, now)
		if err != nil {
			t.Fatal(err)
		}
		for st, n := range theirs {
			if n != 0 {
				t.Errorf("another organization's CandidateCounts[%s] = %d, want 0", st, n)
			}
		}
		byPosting, err := store.CandidateCountsByPosting(ctx, s.DB, org.ID, now)
		if err != nil {
			t.Fatal(err)
		}
		if byPosting[p.ID][model.CandidateExpired] != want[model.CandidateExpired] {
			t.Errorf("CandidateCountsByPosting expired = %d, want %d", byPosting[p.ID][model.CandidateExpired], want[model.CandidateExpired])
		}
		countersAgree(t, s, org.ID, p.ID, now)
	})
}

// countersAgree checks the counted status counts (candidate_counts) against
// ListCandidates' totals, which filter the candidates with the SQL rule, and
// candidate_counts against a recount, at now.
func countersAgree(t *testing.T, s *store.Store, orgID, postingID int64, now time.Time) {
	t.Helper()
	ctx := context.Background()
	got, err := store.CandidateCounts(ctx, s.DB, orgID, postingID, now)
	if err != nil {
		t.Fatal(err)
	}
	all, err := store.CandidateCounts(ctx, s.DB, orgID, 0, now)
	if err != nil {
		t.Fatal(err)
	}
	byPosting, err := store.CandidateCountsByPosting(ctx, s.DB, orgID, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range model.CandidateStatuses {
		_, n, err := store.ListCandidates(ctx, s.DB, model.CandidateFilter{OrgID: orgID, PostingID: postingID, Status: st, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		if got[st] != n || all[st] != n || byPosting[postingID][st] != n {
			t.Errorf("at %s: counted %s = %d (org %d, by posting %d), the list filter finds %d", now.Format(time.RFC3339Nano), st, got[st], all[st], byPosting[postingID][st], n)
		}
	}
	// The funnel from the kept counts (its expired links: days, minutes and
	// a range count of now's minute) equals the one counted from the
	// candidates, for the posting and the organization.
	for _, p := range []int64{postingID, 0} {
		kept, err := store.KeptFunnel(ctx, s.DB, orgID, p, now)
		if err != nil {
			t.Fatal(err)
		}
		counted, err := store.Funnel(ctx, s.DB, model.AnalyticsScope{OrgID: orgID, PostingID: p, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		if kept != counted {
			t.Errorf("at %s: kept funnel %+v, counted %+v", now.Format(time.RFC3339Nano), kept, counted)
		}
	}
	if err := store.CheckDerived(ctx, s.DB); err != nil {
		t.Error(err)
	}
}

// TestCountersFollowChanges moves candidates through every status change
// (create, start, complete, reset, a new expiry, delete) with links lapsing
// on other days and exactly at day and minute boundaries, and checks the counters
// against the list filter before, at and after each expiry, on both databases.
func TestCountersFollowChanges(t *testing.T) {
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		s := open(t, dbURL)
		org, err := store.CreateOrg(ctx, s.DB, "acme", "Acme", t0)
		if err != nil {
			t.Fatal(err)
		}
		p := &model.Posting{OrgID: org.ID, PublicID: "pst_counters", Status: model.PostingActive, Title: "T", Document: []byte("{}"), CreatedAt: t0}
		if err := store.CreatePosting(ctx, s.DB, p); err != nil {
			t.Fatal(err)
		}
		day := t0.Truncate(24 * time.Hour).Add(48 * time.Hour) // a UTC midnight: a bucket's first microsecond
		expiries := []time.Time{day.Add(-time.Microsecond), day, day.Add(time.Microsecond), day.Add(-36 * time.Hour), day.Add(50 * time.Hour), {},
			day.Add(-time.Minute), day.Add(-90 * time.Second)}
		var cands []*model.Candidate
		for i, exp := range expiries {
			c := &model.Candidate{OrgID: org.ID, PostingID: p.ID, FirstName: "C", LastName: fmt.Sprint(i), Email: fmt.Sprintf("k%d@x.test", i),
				Source: model.SourceManual, Status: model.CandidateSent, TokenHash: fmt.Sprintf("k%d", i), ExpiresAt: exp, CreatedAt: t0}
			if err := store.CreateCandidate(ctx, s.DB, c); err != nil {
				t.Fatal(err)
			}
			cands = append(cands, c)
		}
		nows := []time.Time{t0, day.Add(-time.Microsecond), day, day.Add(time.Microsecond), day.Add(-36 * time.Hour), day.Add(60 * time.Hour),
			day.Add(-time.Minute), day.Add(-time.Minute + time.Microsecond), day.Add(-time.Minute - time.Microsecond), day.Add(-80 * time.Second)}
		check := func(step string) {
			t.Helper()
			for _, now := range nows {
				t.Run(step, func(t *testing.T) { countersAgree(t, s, org.ID, p.ID, now) })
			}
		}
		check("created")
		update := func(c *model.Candidate) {
			t.Helper()
			if err := store.UpdateCandidate(ctx, s.DB, c, t0); err != nil {
				t.Fatal(err)
			}
		}
		score := 71.5
		cands[0].Status, cands[0].StartedAt = model.CandidateStarted, t0
		update(cands[0])
		cands[1].Status, cands[1].StartedAt, cands[1].CompletedAt, cands[1].Score = model.CandidateCompleted, t0, t0, &score
		update(cands[1])
		cands[2].ExpiresAt = day.Add(-12 * time.Hour) // extended backwards: another day
		update(cands[2])
		check("started, completed, new expiry")
		cands[1].Status, cands[1].Score, cands[1].StartedAt, cands[1].CompletedAt, cands[1].ExpiresAt = model.CandidateSent, nil, time.Time{}, time.Time{}, day
		update(cands[1]) // a reset
		if _, err := s.DB.ExecContext(ctx, `DELETE FROM candidates WHERE id = $1`, cands[3].ID); err != nil {
			t.Fatal(err)
		}
		check("reset, deleted")
	})
}

// TestDerivedBackfill: results and candidates stored before migration 00015
// are copied into the per-result rows and the counters by the migration.
func TestDerivedBackfill(t *testing.T) {
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		s, err := store.Open(ctx, dbURL, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if err := s.MigrateTo(ctx, 13); err != nil {
			t.Fatal(err)
		}
		org, err := store.CreateOrg(ctx, s.DB, "acme", "Acme", t0)
		if err != nil {
			t.Fatal(err)
		}
		p := &model.Posting{OrgID: org.ID, PublicID: "pst_backfill", Status: model.PostingActive, Title: "T", Document: []byte("{}"), CreatedAt: t0}
		if err := store.CreatePosting(ctx, s.DB, p); err != nil {
			t.Fatal(err)
		}
		results := []string{
			`{"overall":61.5,"competencies":[{"key":"sql","name":"SQL","score":62.25},{"key":"stats","name":"Stäts","score":0.1}],"questions":[{"key":"q1","level":4},{"key":"q2","level":1},{"key":"q1","level":5}]}`,
			`{"overall":0,"competencies":null,"questions":null}`,
			``,
		}
		for i, res := range results {
			score := 61.5
			c := &model.Candidate{OrgID: org.ID, PostingID: p.ID, FirstName: "C", LastName: fmt.Sprint(i), Email: fmt.Sprintf("b%d@x.test", i),
				Source: model.SourceManual, Status: model.CandidateCompleted, Score: &score, TokenHash: fmt.Sprintf("b%d", i), ExpiresAt: t0, CreatedAt: t0}
			if err := store.CreateCandidate(ctx, s.DB, c); err != nil {
				t.Fatal(err)
			}
			if _, err := s.DB.ExecContext(ctx, `UPDATE candidates SET score = $1 WHERE id = $2`, score, c.ID); err != nil {
				t.Fatal(err)
			}
			var aid int64
			if err := s.DB.QueryRowContext(ctx, `INSERT INTO attempts (candidate_id, posting_version, status, started_at, result) VALUES ($1, 1, 'submitted', $2, $3) RETURNING id`,
				c.ID, t0.UnixMicro(), res).Scan(&aid); err != nil {
				t.Fatal(err)
			}
			// The current attempt, with answer times, so that the running
			// item sums (migration 00019) have something to backfill.
			if _, err := s.DB.ExecContext(ctx, `UPDATE candidates SET attempt_id = $1 WHERE id = $2`, aid, c.ID); err != nil {
				t.Fatal(err)
			}
			for j, k := range []string{"q1", "q2", "q3"} {
				if _, err := s.DB.ExecContext(ctx, `INSERT INTO answers (attempt_id, question_key, time_spent_ms) VALUES ($1, $2, $3)`, aid, k, 1000*(i+1)+j); err != nil {
					t.Fatal(err)
				}
			}
		}
		sent := &model.Candidate{OrgID: org.ID, PostingID: p.ID, FirstName: "S", LastName: "S", Email: "s@x.test",
			Source: model.SourceManual, Status: model.CandidateSent, TokenHash: "s", ExpiresAt: t0.Add(time.Hour), CreatedAt: t0}
		if err := store.CreateCandidate(ctx, s.DB, sent); err != nil {
			t.Fatal(err)
		}
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if err := store.CheckDerived(ctx, s.DB); err != nil {
			t.Error(err)
		}
		var n int
		if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM result_questions WHERE question_key = 'q1' AND level = 5`).Scan(&n); err != nil || n != 1 {
			t.Errorf("q1's last level: %d rows (%v), want 1", n, err)
		}
		var sxy, times int64
		if err := s.DB.QueryRowContext(ctx, `SELECT n FROM item_counts WHERE posting_id = $1 AND version = 1`, p.ID).Scan(&n); err != nil || n != 2 {
			t.Errorf("item_counts: %d (%v), want the 2 attempts with a result", n, err)
		}
		if err := s.DB.QueryRowContext(ctx, `SELECT sxy FROM item_sums WHERE posting_id = $1 AND version = 1 AND key_i = 'q1' AND key_j = 'q2'`, p.ID).Scan(&sxy); err != nil || sxy != 5 {
			t.Errorf("item_sums q1·q2: %d (%v), want 5", sxy, err)
		}
		if err := s.DB.QueryRowContext(ctx, `SELECT total_ms FROM item_times WHERE posting_id = $1 AND version = 1 AND question_key = 'q3'`, p.ID).Scan(&times); err != nil || times != 1002+2002 {
			t.Errorf("item_times q3: %d (%v), want 3004", times, err)
		}
		// Migration 00022: the export's time spent and result line.
		var levels, scores string
		if err := s.DB.QueryRowContext(ctx, `SELECT ts.total_ms, rl.levels, rl.scores FROM candidates c JOIN attempt_times ts ON ts.attempt_id = c.attempt_id
JOIN result_lines rl ON rl.attempt_id = c.attempt_id WHERE c.last_name = '0'`).Scan(&times, &levels, &scores); err != nil || times != 1000+1001+1002 {
			t.Errorf("attempt_times: %d (%v), want 3003", times, err)
		}
		if l, sc := strings.Fields(levels), strings.Fields(scores); len(l) != 2 || len(sc) != 2 || !slices.Contains(l, "q1=5") || !slices.Contains(sc, "sql=62.25") {
			t.Errorf("result line: %q, %q; want q1=5, q2=1 and sql=62.25, stats=0.1", levels, scores)
		}
		// A kept figure that drifts from its source is found.
		for _, drift := range []string{`UPDATE attempt_times SET total_ms = total_ms + 1`, `UPDATE result_lines SET levels = 'q1=4 q2=1'`,
			`UPDATE result_lines SET scores = 'sql=62.25'`, `DELETE FROM result_lines`} {
			tx, err := s.DB.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tx.ExecContext(ctx, drift); err != nil {
				t.Fatal(err)
			}
			if err := store.CheckDerived(ctx, tx); err == nil {
				t.Errorf("%s: CheckDerived found no difference", drift)
			}
			tx.Rollback()
		}
		for _, now := range []time.Time{t0, t0.Add(time.Hour), t0.Add(2 * time.Hour)} {
			countersAgree(t, s, org.ID, p.ID, now)
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
