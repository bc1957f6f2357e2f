package candidates_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/talentsystems/talentsystems/internal/account"
	"github.com/talentsystems/talentsystems/internal/app"
	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/candidates"
	"github.com/talentsystems/talentsystems/internal/greenhouse"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/posting"
	"github.com/talentsystems/talentsystems/internal/scoring"
	"github.com/talentsystems/talentsystems/internal/store"
)

// take adds a candidate to posting id, answers with answer(q) and submits.
func take(t *testing.T, a *app.App, actor model.Actor, postingID int64, email string, answer func(q posting.Question) scoring.Answer) *model.Candidate {
	t.Helper()
	ctx := context.Background()
	c, err := a.Candidates.Add(ctx, actor, postingID, candidates.Person{FirstName: "Cand", LastName: email, Email: email}, candidates.AddOptions{Source: model.SourceManual})
	if err != nil {
		t.Fatal(err)
	}
	link := a.Candidates.Link(c)
	token := link[strings.LastIndex(link, "/")+1:]
	if err := a.Candidates.Start(ctx, token, true); err != nil {
		t.Fatal(err)
	}
	ss, err := a.Candidates.Open(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	for i, q := range ss.Questions {
		act := &scoring.Activity{Pastes: []int{5}}
		if err := a.Candidates.SaveWithActivity(ctx, token, i, answer(q), nil, act); err != nil {
			t.Fatalf("save %s: %v", q.Key, err)
		}
	}
	if err := a.Candidates.Submit(ctx, token); err != nil {
		t.Fatal(err)
	}
	c, err = a.Candidates.Get(ctx, actor, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// stuffed is a keyword-stuffed answer: every rubric phrase of the question,
// the gaming corpus's simplest entry; other questions get the right answer.
func stuffed(q posting.Question) scoring.Answer {
	switch q.Kind {
	case posting.KindMultipleChoice:
		for _, o := range q.Options {
			if o.Correct {
				return scoring.Answer{Choices: []string{o.Key}}
			}
		}
	case posting.KindNumeric:
		if q.Answer != nil {
			v := *q.Answer
			return scoring.Answer{Number: &v}
		}
	}
	var words []string
	items := q.Checklist
	if q.Rubric != nil {
		items = q.Rubric.ExpectedPoints
	}
	for _, it := range items {
		words = append(words, it.Phrases...)
	}
	return scoring.Answer{Text: strings.Join(words, " ")}
}

func result(t *testing.T, a *app.App, c *model.Candidate) (*model.Attempt, scoring.Result) {
	t.Helper()
	at, err := a.Candidates.Attempts(context.Background(), c)
	if err != nil || len(at) == 0 {
		t.Fatal(err)
	}
	last := at[len(at)-1]
	var r scoring.Result
	if err := json.Unmarshal(last.Result, &r); err != nil {
		t.Fatal(err)
	}
	return last, r
}

// TestReviewFlow: gamed answers are flagged and hold the recommendation and
// Greenhouse's status; with two reviewers per answer the final level is
// their mean, a wide gap is flagged, every review is audited, and the
// agreement figure is computed.
func TestReviewFlow(t *testing.T) {
	t.Parallel()
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		a, clock := open(t, dbURL)
		org, us, p := acmePosting(t, a, "data-analyst")
		if rs, err := a.Candidates.ReviewSettings(ctx, us, p.ID); err != nil || rs != model.DefaultReviewSettings() {
			t.Fatalf("default settings: %+v, %v", rs, err)
		}

		// The gamed candidate, under the default mode (flagged).
		gamed := take(t, a, us, p.ID, "gamer@example.test", stuffed)
		at, res := result(t, a, gamed)
		checks, err := a.Candidates.Checks(ctx, at)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range res.Questions {
			if q.Kind != posting.KindFreeText && q.Kind != posting.KindTask || q.Level < 4 {
				continue
			}
			if ck := checks[q.Key]; ck == nil || !ck.NeedsReview {
				t.Errorf("gamed answer %s at level %d is not flagged for review", q.Key, q.Level)
			}
		}
		if gamed.Recommendation == string(posting.RecommendYes) || gamed.Recommendation == string(posting.RecommendStrongYes) {
			if res.NeedsReview {
				t.Errorf("unreviewed gamed answers recommended %s", gamed.Recommendation)
			}
		}
		if !res.NeedsReview {
			t.Error("keyword-stuffed answers were not flagged for review")
		}
		if res.NeedsReview {
			as := greenhouse.Assessment{Status: "completed", Result: &res}
			if st := as.PartnerStatus(clock.Now()); st != greenhouse.StatusInProgress {
				t.Errorf("test_status while reviews pending = %q, want in_progress", st)
			}
		}
		for _, ck := range checks {
			if len(candidates.DecodeSignals(ck)) != 5 {
				t.Errorf("%s: want 5 signals, got %s", ck.QuestionKey, ck.Signals)
			}
		}

		// Always review, by two reviewers.
		if err := a.Candidates.SetReviewSettings(ctx, us, p.ID, model.ReviewSettings{Mode: model.ReviewAlways, Reviewers: 2}); err != nil {
			t.Fatal(err)
		}
		var reviewers []model.Actor
		for _, email := range []string{"r1@example.test", "r2@example.test"} {
			u, err := a.Accounts.CreateUser(ctx, model.CommandLine(0), account.NewUser{OrgID: org.ID, Email: email, Name: email, Password: "a long enough password", Role: model.RoleRecruiter})
			if err != nil {
				t.Fatal(err)
			}
			reviewers = append(reviewers, u.Actor())
		}
		honest := take(t, a, us, p.ID, "honest@example.test", stuffed)
		_, res = result(t, a, honest)
		queue, err := a.Candidates.ReviewQueue(ctx, reviewers[0])
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, task := range queue {
			if task.CandidateID == honest.ID {
				keys = append(keys, task.QuestionKey)
			}
		}
		if len(keys) != 3 || !res.NeedsReview {
			t.Fatalf("queue for the always-reviewed candidate: %v (needs review %v)", keys, res.NeedsReview)
		}
		levels := [][2]int{{2, 4}, {3, 4}, {5, 5}}
		for i, k := range keys {
			for r, actor := range reviewers {
				if err := a.Candidates.SubmitReview(ctx, actor, honest.ID, k, levels[i][r], "note", r == 1); err != nil {
					t.Fatalf("review %s by %d: %v", k, r, err)
				}
			}
			if err := a.Candidates.SubmitReview(ctx, us, honest.ID, k, 3, "", false); err == nil {
				t.Error("a third review was accepted")
			}
		}
		_, res = result(t, a, honest)
		if res.NeedsReview {
			t.Errorf("still pending after all reviews: %v", res.PendingReview)
		}
		want := map[string]int{keys[0]: 3, keys[1]: 4, keys[2]: 5} // means 3, 3.5→4, 5
		for _, q := range res.Questions {
			if w, ok := want[q.Key]; ok && q.Level != w {
				t.Errorf("%s final level %d, want %d", q.Key, q.Level, w)
			}
		}
		ag, err := a.Candidates.Agreement(ctx, us, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantK := scoring.WeightedKappa([]int{2, 3, 5}, []int{4, 4, 5})
		if ag.Method != "weighted kappa" || ag.Answers != 3 || ag.Disagreements != 1 || !ag.Defined || ag.Value != wantK {
			t.Errorf("agreement %+v, want kappa %.3f over 3 answers, 1 disagreement", ag, wantK)
		}
		log, err := a.Accounts.AuditLog(ctx, org.ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range log {
			if e.Action == "score.review" {
				n++
			}
		}
		if n != 6 {
			t.Errorf("%d reviews audited, want 6", n)
		}
		// The finalised reviews rewrote the results: the per-result rows and
		// the counters follow them.
		if err := store.CheckDerived(ctx, a.Store.DB); err != nil {
			t.Error(err)
		}
	})
}
