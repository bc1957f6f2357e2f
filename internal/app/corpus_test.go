package app_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/posting"
	"github.com/talentsystems/talentsystems/internal/scoring"
)

// corpus is internal/scoring's gamed and honest corpora (written out by its
// TestCorpusFile), keyed by example posting file name.
type corpus map[string]struct {
	Closed map[string]scoring.Answer    `json:"closed"`
	Gamed  map[string]map[string]string `json:"gamed"`
	Honest map[string][]string          `json:"honest"`
}

// TestCorporaThroughService takes the gamed and honest corpora through the
// real service on each example posting, as Greenhouse candidates: sent by
// send_test, started, saved question by question on the service's clock
// (minutes per open answer, so the speed signal is clear and nothing
// recorded by a page script), submitted. Every gamed candidate answers the
// multiple-choice and numeric questions correctly, the temptation of issue
// 10. Gamed answers never get an unflagged level 4 or 5, and no gamed
// candidate is recommended yes or strong yes, neither in the stored result
// nor in the test_status answer to Greenhouse; the honest strong answers
// keep a mean level of at least 4.
func TestCorporaThroughService(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../scoring/testdata/corpus.json")
	if err != nil {
		t.Fatal(err)
	}
	var cp corpus
	if err := json.Unmarshal(raw, &cp); err != nil {
		t.Fatal(err)
	}
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		a, clock := apptest.NewApp(t, dbURL, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		org, err := a.Accounts.CreateOrg(ctx, model.CommandLine(0), "Acme", "")
		if err != nil {
			t.Fatal(err)
		}
		us := model.CommandLine(org.ID)
		issued, err := a.APIKeys.Generate(ctx, us, org.ID)
		if err != nil {
			t.Fatal(err)
		}
		caller, err := a.Greenhouse.Authenticate(ctx, "Basic "+base64.StdEncoding.EncodeToString([]byte(issued.Key+":")), "send_test")
		if err != nil {
			t.Fatal(err)
		}

		var gamed, gamedHigh, gamedUnflaggedHigh, gamedLow, gamedFlagged, gamedCands, gamedYes, heldAtGreenhouse int
		var gamedLevels, gamedScoreYes int
		var honest, honestLevels, honestFlagged int
		names := make([]string, 0, len(cp))
		for name := range cp {
			names = append(names, name)
		}
		sort.Strings(names)
		seq := 0
		for _, name := range names {
			c := cp[name]
			doc, err := os.ReadFile("../../examples/postings/" + name)
			if err != nil {
				t.Fatal(err)
			}
			p, err := a.Postings.Import(ctx, us, bytes.NewReader(doc), true)
			if err != nil {
				t.Fatal(err)
			}
			take := func(who string, open func(q posting.Question) string) (*model.Candidate, scoring.Result, map[string]*model.AnswerCheck, string) {
				t.Helper()
				seq++
				body := fmt.Sprintf(`{"partner_test_id": %q, "candidate": {"first_name": "Cand", "last_name": %q, "email": "c%d@example.test",
 "greenhouse_profile_url": "https://app.greenhouse.io/people/%d?application_id=%d"},
 "url": "http://127.0.0.1:1/take_home_tests/%d"}`, p.PublicID, who, seq, 1000+seq, 5000+seq, seq)
				sent, err := a.Greenhouse.SendTest(ctx, caller, strings.NewReader(body))
				if err != nil {
					t.Fatalf("send_test: %v", err)
				}
				cands, _, err := a.Candidates.List(ctx, us, model.CandidateFilter{OrgID: org.ID, PostingID: p.ID, Search: fmt.Sprintf("c%d@example.test", seq), Now: clock.Now()})
				if err != nil || len(cands) != 1 {
					t.Fatalf("candidate c%d: %d, %v", seq, len(cands), err)
				}
				token := a.Candidates.Link(cands[0])
				token = token[strings.LastIndex(token, "/")+1:]
				if err := a.Candidates.Start(ctx, token, true); err != nil {
					t.Fatal(err)
				}
				ss, err := a.Candidates.Open(ctx, token)
				if err != nil {
					t.Fatal(err)
				}
				for i, q := range ss.Questions {
					if !ss.Editable(i) {
						if err := a.Candidates.Advance(ctx, token); err != nil {
							t.Fatal(err)
						}
						if ss, err = a.Candidates.Open(ctx, token); err != nil || !ss.Editable(i) {
							t.Fatalf("question %d still closed: %v", i, err)
						}
					}
					if err := a.Candidates.View(ctx, token, i); err != nil {
						t.Fatal(err)
					}
					var ans scoring.Answer
					if q.Kind == posting.KindFreeText || q.Kind == posting.KindTask {
						ans.Text = open(q)
						// The page refuses more than the question's limit.
						if r := []rune(ans.Text); len(r) > maxChars(q) {
							ans.Text = string(r[:maxChars(q)])
						}
						clock.Advance(8 * time.Minute)
					} else {
						ans = c.Closed[q.Key]
						clock.Advance(30 * time.Second)
					}
					if err := a.Candidates.SaveWithActivity(ctx, token, i, ans, nil, nil); err != nil {
						t.Fatalf("%s %s: save %s: %v", name, who, q.Key, err)
					}
				}
				if err := a.Candidates.Submit(ctx, token); err != nil {
					t.Fatal(err)
				}
				got, err := a.Candidates.Get(ctx, us, cands[0].ID)
				if err != nil {
					t.Fatal(err)
				}
				at, err := a.Candidates.Attempts(ctx, got)
				if err != nil || len(at) == 0 {
					t.Fatal(err)
				}
				var res scoring.Result
				if err := json.Unmarshal(at[len(at)-1].Result, &res); err != nil {
					t.Fatal(err)
				}
				checks, err := a.Candidates.Checks(ctx, at[len(at)-1])
				if err != nil {
					t.Fatal(err)
				}
				st, err := a.Greenhouse.TestStatus(ctx, caller, url.Values{"partner_interview_id": {sent.PartnerInterviewID}})
				if err != nil {
					t.Fatal(err)
				}
				rec, _ := st.Metadata["recommendation"].(string)
				return got, res, checks, st.PartnerStatus + " " + rec
			}
			isOpen := func(k posting.Kind) bool { return k == posting.KindFreeText || k == posting.KindTask }

			// Honest candidates first, so that no gamed answer is there to
			// resemble.
			for set := range 2 {
				_, res, checks, _ := take(fmt.Sprintf("honest-%d", set), func(q posting.Question) string { return c.Honest[q.Key][set] })
				for _, q := range res.Questions {
					if isOpen(q.Kind) {
						honest++
						honestLevels += q.Level
						if ck := checks[q.Key]; ck != nil && ck.NeedsReview {
							honestFlagged++
						}
					}
				}
			}

			styleSet := map[string]bool{}
			for _, g := range c.Gamed {
				for st := range g {
					styleSet[st] = true
				}
			}
			styles := make([]string, 0, len(styleSet))
			for st := range styleSet {
				styles = append(styles, st)
			}
			sort.Strings(styles)
			for _, style := range styles {
				// A style the question has not (code styles on prose, a
				// hand-written answer for another question) falls back to
				// the bare list of every term.
				cand, res, checks, gh := take(style, func(q posting.Question) string {
					if text, ok := c.Gamed[q.Key][style]; ok {
						return text
					}
					return c.Gamed[q.Key]["bare list of every term"]
				})
				gamedCands++
				for _, q := range res.Questions {
					if !isOpen(q.Kind) {
						continue
					}
					gamed++
					gamedLevels += q.Level
					ck := checks[q.Key]
					flagged := ck != nil && ck.NeedsReview
					if flagged {
						gamedFlagged++
					}
					if q.Confidence == scoring.ConfidenceLow {
						gamedLow++
					}
					if q.Level >= 4 {
						gamedHigh++
						if !flagged {
							gamedUnflaggedHigh++
							t.Errorf("%s, %s, %s: unflagged level %d (%s confidence, reasons %v)", name, style, q.Key, q.Level, q.Confidence, q.Reasons)
						}
					}
				}
				yes := []string{string(posting.RecommendYes), string(posting.RecommendStrongYes)}
				if slices.Contains(yes, string(res.Recommendation)) {
					gamedScoreYes++ // by the score alone, before the hold
				}
				if slices.Contains(yes, cand.Recommendation) {
					gamedYes++
					t.Errorf("%s, %s: stored recommendation %s (overall %v, needs review %v)", name, style, cand.Recommendation, res.Overall, res.NeedsReview)
				}
				if f := strings.Fields(gh); len(f) == 2 && slices.Contains(yes, f[1]) {
					t.Errorf("%s, %s: test_status says %s", name, style, gh)
				}
				if res.NeedsReview {
					if !strings.HasPrefix(gh, "in_progress") {
						t.Errorf("%s, %s: reviews pending but test_status says %q", name, style, gh)
					}
					heldAtGreenhouse++
				}
			}
		}
		if gamed < 100 || honest < 12 {
			t.Fatalf("corpora too small: %d gamed and %d honest answers", gamed, honest)
		}
		mean := float64(honestLevels) / float64(honest)
		t.Logf("gamed through the service: %d candidates, %d open answers, mean level %.2f; %d at level 4 or 5, %d of them unflagged; %d low confidence, %d flagged for review; %d recommended yes or better (%d by the score alone, held); %d in progress at Greenhouse",
			gamedCands, gamed, float64(gamedLevels)/float64(gamed), gamedHigh, gamedUnflaggedHigh, gamedLow, gamedFlagged, gamedYes, gamedScoreYes, heldAtGreenhouse)
		t.Logf("honest through the service: %d open answers, mean level %.2f, %d flagged for review", honest, mean, honestFlagged)
		if mean < 4 {
			t.Errorf("honest answers' mean level %.2f, want at least 4", mean)
		}
	})
}

// maxChars is the longest answer question q takes.
func maxChars(q posting.Question) int {
	switch {
	case q.Kind == posting.KindFreeText && q.MaxChars > 0:
		return q.MaxChars
	case q.Kind == posting.KindFreeText:
		return posting.DefaultFreeTextMaxChars
	case q.Deliverable != nil && q.Deliverable.MaxChars > 0:
		return q.Deliverable.MaxChars
	}
	return posting.DefaultDeliverableMaxChars
}
