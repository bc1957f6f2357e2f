package analytics_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/scoring"
	"github.com/talentsystems/talentsystems/internal/store"
)

// TestDerivedFollowChanges: after an override, a reset and an erasure the
// per-result rows, the counters and the running item sums still equal the
// stored results and the candidates, the item analysis from the running sums
// equals the one summed from the rows, and the competency figures and percentiles still equal a
// computation from the decoded results, on both databases.
func TestDerivedFollowChanges(t *testing.T) {
	t.Parallel()
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		f := setup(t, dbURL, 60)
		ctx := context.Background()
		var done []int64
		for _, s := range f.seeded {
			if s.Result != nil {
				done = append(done, s.ID)
			}
		}
		if len(done) < 4 {
			t.Fatalf("%d completed candidates", len(done))
		}
		check := func(step string) {
			t.Helper()
			if err := store.CheckDerived(ctx, f.a.Store.DB); err != nil {
				t.Fatalf("after %s: %v", step, err)
			}
			r, err := f.a.Analytics.Posting(ctx, f.us, f.p.ID, start.AddDate(-1, 0, 0), start.AddDate(1, 0, 0))
			if err != nil {
				t.Fatal(err)
			}
			// Without a range, the figures kept with each change equal those
			// computed from the candidates (a range around all of them).
			all, err := f.a.Analytics.Posting(ctx, f.us, f.p.ID, time.Time{}, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			if all.Funnel != r.Funnel || all.ToStart != r.ToStart || all.ToComplete != r.ToComplete || !reflect.DeepEqual(all.Outcomes, r.Outcomes) {
				t.Errorf("after %s: kept funnel %+v, steps %+v %+v, outcomes %+v; computed %+v, %+v %+v, %+v", step,
					all.Funnel, all.ToStart, all.ToComplete, all.Outcomes, r.Funnel, r.ToStart, r.ToComplete, r.Outcomes)
			}
			// The overview without a range (kept counts) equals the one
			// computed over a range around every candidate.
			ko, err := f.a.Analytics.Overview(ctx, f.us, time.Time{}, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			so, err := f.a.Analytics.Overview(ctx, f.us, start.AddDate(-1, 0, 0), start.AddDate(1, 0, 0))
			if err != nil {
				t.Fatal(err)
			}
			if ko.Total != so.Total || !reflect.DeepEqual(ko.Activity, so.Activity) || len(ko.Postings) != len(so.Postings) || len(ko.Activity) == 0 {
				t.Errorf("after %s: kept overview %+v %+v, computed %+v %+v", step, ko.Total, ko.Activity, so.Total, so.Activity)
			}
			for i := range min(len(ko.Postings), len(so.Postings)) {
				a, b := *ko.Postings[i], *so.Postings[i]
				if a.PostingID != b.PostingID || a.Title != b.Title || a.FunnelCounts != b.FunnelCounts || (a.MeanScore == nil) != (b.MeanScore == nil) {
					t.Errorf("after %s: kept posting figures %+v, computed %+v", step, a, b)
				} else if a.MeanScore != nil {
					close(t, step+": kept mean score", *a.MeanScore, *b.MeanScore)
				}
			}
			if all.Histogram != r.Histogram || !reflect.DeepEqual(all.Recommendations, r.Recommendations) || !reflect.DeepEqual(all.Versions, r.Versions) {
				t.Errorf("after %s: kept histogram %v, split %v, versions %v; computed %v, %v, %v", step,
					all.Histogram, all.Recommendations, all.Versions, r.Histogram, r.Recommendations, r.Versions)
			}
			if len(all.Competencies) != len(r.Competencies) {
				t.Errorf("after %s: kept %d competencies, computed %d", step, len(all.Competencies), len(r.Competencies))
			}
			for i := range min(len(all.Competencies), len(r.Competencies)) {
				a, b := all.Competencies[i], r.Competencies[i]
				if a.Key != b.Key || a.Name != b.Name || a.N != b.N {
					t.Errorf("after %s: kept competency %+v, computed %+v", step, a, b)
				}
				close(t, step+": kept "+a.Key+" mean", a.Mean, b.Mean)
				close(t, step+": kept "+a.Key+" sd", a.SD, b.SD)
			}
			// The item analysis from the running sums (no range) equals the
			// one summed from the per-result rows (a range around every
			// candidate), figure for figure.
			kept, err := f.a.Analytics.Items(ctx, f.us, model.AnalyticsScope{PostingID: f.p.ID}, 1)
			if err != nil {
				t.Fatal(err)
			}
			scanned, err := f.a.Analytics.Items(ctx, f.us, model.AnalyticsScope{PostingID: f.p.ID, From: start.AddDate(-1, 0, 0), To: start.AddDate(1, 0, 0)}, 1)
			if err != nil {
				t.Fatal(err)
			}
			if kept.N == 0 || !reflect.DeepEqual(kept, scanned) {
				t.Errorf("after %s: item analysis from the running sums\n%+v\nfrom the rows\n%+v", step, kept, scanned)
			}
			comps := map[string][]float64{}
			sc := model.AnalyticsScope{OrgID: f.us.OrgID, PostingID: f.p.ID}
			err = store.ScoredResults(ctx, f.a.Store.DB, sc, 0, func(_ int, raw []byte) error {
				var res scoring.Result
				if err := json.Unmarshal(raw, &res); err != nil {
					return err
				}
				for _, c := range res.Competencies {
					comps[c.Key] = append(comps[c.Key], c.Score)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Competencies) != len(comps) {
				t.Errorf("after %s: %d competencies, want %d", step, len(r.Competencies), len(comps))
			}
			for _, c := range r.Competencies {
				m, sd := meanSD(comps[c.Key])
				close(t, step+": "+c.Key+" mean", c.Mean, m)
				close(t, step+": "+c.Key+" sd", c.SD, sd)
				if c.N != len(comps[c.Key]) {
					t.Errorf("after %s: %s n = %d, want %d", step, c.Key, c.N, len(comps[c.Key]))
				}
			}
			for _, id := range done {
				c, err := f.a.Candidates.Get(ctx, f.us, id)
				if err != nil {
					t.Fatal(err)
				}
				pc, err := f.a.Analytics.Percentile(ctx, f.us, c)
				if err != nil {
					t.Fatal(err)
				}
				var higher, n int
				if err := f.a.Store.DB.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN score > $2 THEN 1 ELSE 0 END), 0) FROM candidates
WHERE posting_id = $1 AND status = 'completed' AND score IS NOT NULL`, f.p.ID, c.Score).Scan(&n, &higher); err != nil {
					t.Fatal(err)
				}
				if c.Score != nil && (pc.Rank != higher+1 || pc.N != n) {
					t.Errorf("after %s: candidate %d rank %d of %d, want %d of %d", step, id, pc.Rank, pc.N, higher+1, n)
				}
			}
		}
		check("seeding")
		c, err := f.a.Candidates.Get(ctx, f.us, done[0])
		if err != nil {
			t.Fatal(err)
		}
		var q0 string
		for _, s := range f.seeded {
			if s.ID == done[0] {
				for k := range s.Levels {
					if q0 == "" || k < q0 {
						q0 = k
					}
				}
			}
		}
		level := 1
		if c.Score != nil && *c.Score < 50 {
			level = 5
		}
		if err := f.a.Candidates.Override(ctx, f.us, done[0], q0, level, "a second look"); err != nil {
			t.Fatal(err)
		}
		check("override")
		if err := f.a.Candidates.Reset(ctx, f.us, done[1]); err != nil {
			t.Fatal(err)
		}
		check("reset")
		if err := f.a.Candidates.Erase(ctx, f.us, done[2]); err != nil {
			t.Fatal(err)
		}
		check("erase")

		// Outcomes stored, changed and removed by the Harvest sync, a
		// candidate deleted, and step durations that are not whole seconds.
		var app int64
		for _, s := range f.seeded {
			if s.Outcome != "" && s.ID != done[2] {
				fmt.Sscan(s.GHApplicationID, &app)
				break
			}
		}
		out := &model.HarvestOutcome{OrgID: f.us.OrgID, GHApplicationID: app, GHCandidateID: 1, GHJobID: 1, Status: "hired", FetchedAt: start}
		for _, st := range []string{"hired", "rejected"} {
			out.Status = st
			if err := store.SaveHarvestOutcome(ctx, f.a.Store.DB, out); err != nil {
				t.Fatal(err)
			}
			check("outcome " + st)
		}
		if _, err := f.a.Store.DB.ExecContext(ctx, `DELETE FROM harvest_outcomes WHERE org_id = $1 AND gh_application_id = $2`, f.us.OrgID, app); err != nil {
			t.Fatal(err)
		}
		check("outcome removed")
		out.Status = "active"
		if err := store.SaveHarvestOutcome(ctx, f.a.Store.DB, out); err != nil {
			t.Fatal(err)
		}
		check("outcome stored")
		for i, id := range done[3:] {
			if _, err := f.a.Store.DB.ExecContext(ctx, `UPDATE candidates SET started_at = started_at + $2, completed_at = completed_at + $3 WHERE id = $1`,
				id, 1_000_000-int64(i)*7_919, int64(i)*104_729); err != nil {
				t.Fatal(err)
			}
		}
		check("sub-second durations")
		// (A sent and a started one: the item sums of a completed one are
		// kept by the code that changes it, not by triggers.)
		if _, err := f.a.Store.DB.ExecContext(ctx, `DELETE FROM candidates WHERE id IN ($1, $2)`, f.seeded[1].ID, f.seeded[2].ID); err != nil {
			t.Fatal(err)
		}
		check("delete")
	})
}
