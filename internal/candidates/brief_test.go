package candidates_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/talentsystems/talentsystems/internal/account"
	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/candidates"
	"github.com/talentsystems/talentsystems/internal/greenhouse"
	"github.com/talentsystems/talentsystems/internal/greenhouse/partner"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/scoring"
)

// TestResultBrief: every attempt's stored brief (what test_status reads) is
// the brief of its stored result, after scoring, an override, a review, an
// erasure and a reset; and test_status answers from it exactly what it
// answers from the whole result.
func TestResultBrief(t *testing.T) {
	t.Parallel()
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		a, clock := open(t, dbURL)
		org, us, p := acmePosting(t, a, "data-analyst")
		caller := &partner.Caller{Org: org}
		status := func(c *model.Candidate) []byte {
			t.Helper()
			st, err := a.Greenhouse.TestStatus(ctx, caller, url.Values{"partner_interview_id": {strconv.FormatInt(c.ID, 10)}})
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(st)
			return b
		}
		// check compares the stored brief with the stored result's, and
		// test_status with the answer built from the whole result.
		check := func(step string, c *model.Candidate) {
			t.Helper()
			c, err := a.Candidates.Get(ctx, us, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			attempts, err := a.Candidates.Attempts(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			var current *scoring.Result
			for _, at := range attempts {
				if len(at.Result) == 0 {
					if len(at.Brief) != 0 {
						t.Errorf("%s: attempt %d has a brief and no result", step, at.ID)
					}
					continue
				}
				var full, brief scoring.Result
				if err := json.Unmarshal(at.Result, &full); err != nil {
					t.Fatal(err)
				}
				if err := json.Unmarshal(at.Brief, &brief); err != nil {
					t.Fatalf("%s: brief of attempt %d: %v", step, at.ID, err)
				}
				if want := full.Brief(); !reflect.DeepEqual(brief, want) || brief.Questions != nil {
					t.Errorf("%s: stored brief of attempt %d\n%+v\nwant\n%+v", step, at.ID, brief, want)
				}
				if at.ID == c.AttemptID {
					current = &full
				}
			}
			if c.Source != model.SourceGreenhouse {
				return
			}
			as := greenhouse.Assessment{CandidateID: c.ID, PostingID: c.PostingID, Status: string(c.Status), ExpiresAt: c.ExpiresAt,
				Score: c.Score, Recommendation: c.Recommendation, StartedAt: c.StartedAt, CompletedAt: c.CompletedAt,
				AssessmentType: "practical"}
			if c.Status == model.CandidateCompleted {
				as.Result = current
			}
			want, _ := json.Marshal(greenhouse.BuildStatus(as, a.Config.BaseURL, clock.Now()))
			if got := status(c); !bytes.Equal(got, want) {
				t.Errorf("%s: test_status\n%s\nwant (from the whole result)\n%s", step, got, want)
			}
		}

		gh := func(email string) *model.Candidate {
			t.Helper()
			c, err := a.Candidates.Add(ctx, us, p.ID, candidates.Person{FirstName: "G", LastName: email, Email: email}, candidates.AddOptions{
				Source: model.SourceGreenhouse, Greenhouse: &candidates.Greenhouse{TestID: "test-" + email,
					CallbackURL: "https://app.greenhouse.io/integrations/testing_partners/take_home_tests/" + email}})
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		answerAll := func(c *model.Candidate) string {
			t.Helper()
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
				if err := a.Candidates.Save(ctx, token, i, stuffed(q), nil); err != nil {
					t.Fatalf("save %s: %v", q.Key, err)
				}
			}
			return token
		}

		c := gh("one@example.test")
		check("sent", c)
		token := answerAll(c)
		check("started", c)
		if err := a.Candidates.Submit(ctx, token); err != nil {
			t.Fatal(err)
		}
		check("submitted", c)
		_, res := result(t, a, c)
		if !res.NeedsReview || len(res.PendingReview) == 0 {
			t.Fatalf("stuffed answers await no review: %+v", res.PendingReview)
		}
		if err := a.Candidates.Override(ctx, us, c.ID, res.Questions[0].Key, 2, "checked by hand"); err != nil {
			t.Fatal(err)
		}
		check("overridden", c)
		reviewer, err := a.Accounts.CreateUser(ctx, model.CommandLine(0), account.NewUser{OrgID: org.ID, Email: "r@example.test", Name: "R",
			Password: "a long enough password", Role: model.RoleRecruiter})
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range res.PendingReview {
			if err := a.Candidates.SubmitReview(ctx, reviewer.Actor(), c.ID, k, 3, "", false); err != nil {
				t.Fatal(err)
			}
			check("reviewed "+k, c)
		}
		if _, res = result(t, a, c); res.NeedsReview {
			t.Errorf("still awaiting review: %v", res.PendingReview)
		}
		if err := a.Candidates.Reset(ctx, us, c.ID); err != nil {
			t.Fatal(err)
		}
		check("reset", c)

		// An erased candidate keeps the scores of an anonymous result.
		d := gh("two@example.test")
		if err := a.Candidates.Submit(ctx, answerAll(d)); err != nil {
			t.Fatal(err)
		}
		check("two submitted", d)
		if err := a.Candidates.Erase(ctx, us, d.ID); err != nil {
			t.Fatal(err)
		}
		check("two erased", d)
	})
}
