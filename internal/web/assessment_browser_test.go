package web_test

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/posting"
	"github.com/talentsystems/talentsystems/internal/scoring"
	"github.com/talentsystems/talentsystems/internal/store"
)

// TestBrowserAssessment adds a candidate, reads the invitation from the SMTP
// server, takes the whole backend-engineer assessment in Chromium, with and
// without JavaScript, and finds the score the scoring package computes for
// the same answers. Every page type is audited for accessibility, and
// screenshots are taken on a desktop and a phone viewport.
func TestBrowserAssessment(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		js   bool
	}{{"javascript", true}, {"no javascript", false}} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := apptest.Browser(t)
			e := startAssess(t, "")
			doc := example(t, "backend-engineer.json", nil)
			pid := e.publish(t, doc)
			// A recruiter adds the candidate through the posting's page.
			apptest.Do(t, ctx,
				chromedp.Navigate(e.URL+"/login"),
				chromedp.SendKeys(`#email`, "ann@acme.test"),
				chromedp.SendKeys(`#password`, password),
			)
			apptest.Load(t, ctx, chromedp.Submit(`#password`))
			apptest.Do(t, ctx,
				chromedp.Navigate(fmt.Sprintf("%s/postings/%d/candidates", e.URL, pid)),
				chromedp.WaitVisible(`#first_name`),
				chromedp.SendKeys(`#first_name`, "Cleo"),
				chromedp.SendKeys(`#last_name`, "Candidate"),
				chromedp.SendKeys(`#email`, "cleo@example.test"),
			)
			apptest.Load(t, ctx, chromedp.Submit(`#first_name`))
			if tc.js {
				apptest.Audit(t, ctx)
				apptest.Screenshot(t, ctx, "posting-candidates")
			}
			list, _, err := store.ListCandidates(context.Background(), e.Store.DB, model.CandidateFilter{OrgID: e.admin.OrgID, PostingID: pid, Now: time.Now()})
			if err != nil || len(list) != 1 {
				t.Fatalf("candidates after adding one: %d, %v", len(list), err)
			}
			cand := list[0]
			mail := e.box.WaitFor(t, "cleo@example.test", 10*time.Second)
			link := e.URL + "/a/" + strings.TrimSpace(strings.SplitN(strings.SplitN(mail.Text, e.URL+"/a/", 2)[1], "\n", 2)[0])
			if link != e.Candidates.Link(cand) {
				t.Fatalf("the mail's link %q is not the candidate's", link)
			}
			shot := func(name string) {
				apptest.Screenshot(t, ctx, "assess-"+strings.ReplaceAll(tc.name, " ", "-")+"-"+name)
			}
			audit := func() {
				if tc.js {
					apptest.Audit(t, ctx)
				}
			}
			if !tc.js {
				apptest.Do(t, ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
					_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
					return err
				}))
			}

			apptest.Do(t, ctx, chromedp.Navigate(link), chromedp.WaitVisible(`#consent`))
			audit()
			shot("welcome")
			apptest.Do(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
			shot("welcome-phone")
			apptest.Do(t, ctx, chromedp.EmulateViewport(1280, 900))
			next := func(sel string) {
				t.Helper()
				clickAndWait(t, ctx, sel)
			}
			apptest.Do(t, ctx, chromedp.Click(`#consent`))
			next(`.a-start button`)

			answerText := func(text string) {
				apptest.Do(t, ctx, chromedp.SetValue(`#answer`, text))
			}
			expectHeading := func(want string) {
				t.Helper()
				if h := apptest.Get(t, ctx, chromedp.Text(`h1`)); h != want {
					t.Fatalf("heading %q, want %q", h, want)
				}
			}

			expectHeading("Question 1 of 6")
			// With JavaScript the server's "45 minutes" becomes a countdown.
			if timer := apptest.Get(t, ctx, chromedp.Text(`.a-timer-left`)); tc.js != strings.HasSuffix(timer, "45:00") {
				t.Errorf("timer %q with JavaScript %v", timer, tc.js)
			}
			answerText(webhookAnswer)
			audit()
			shot("free-text")
			next(`button[value="next"]`)

			expectHeading("Question 2 of 6")
			apptest.Do(t, ctx, chromedp.Click(`input[value="b"]`))
			audit()
			shot("single-choice")
			next(`button[value="next"]`)

			expectHeading("Question 3 of 6")
			for _, k := range []string{"index", "volatile-default", "type-change"} {
				apptest.Do(t, ctx, chromedp.Click(`input[value="`+k+`"]`))
			}
			audit()
			next(`button[value="next"]`)

			expectHeading("Question 4 of 6")
			apptest.Do(t, ctx, chromedp.SendKeys(`#answer`, "thirty"))
			next(`button[value="next"]`)
			expectHeading("Question 4 of 6") // refused, with the message
			if msg := apptest.Get(t, ctx, chromedp.Text(`.problems`)); !strings.Contains(msg, "Enter a number") {
				t.Errorf("numeric error %q", msg)
			}
			audit()
			shot("numeric-error")
			answerText("30")
			next(`button[value="next"]`)

			expectHeading("Question 5 of 6")
			answerText(incidentAnswer)
			if tc.js {
				// Autosave: the status says saved without leaving the page.
				apptest.Do(t, ctx, chromedp.SendKeys(`#answer`, " "))
				apptest.Get(t, ctx, chromedp.Poll[bool](`document.getElementById('save-status').textContent.startsWith('Saved at')`))
				if got := e.storedAnswers(t, e.stored(t, cand.ID))["incident-review"].Text; got != incidentAnswer+" " {
					t.Errorf("autosaved %q", got)
				}
				if timer := apptest.Get(t, ctx, chromedp.Text(`.a-timer-left`)); !strings.HasPrefix(timer, "Time left in this section: 4") || !strings.Contains(timer, ":") {
					t.Errorf("countdown %q", timer)
				}
			}
			shot("section-end")
			next(`button[value="finish_section"]`)

			expectHeading("Question 6 of 6")
			answerText(limiterAnswer)
			audit()
			shot("task")
			apptest.Do(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
			shot("task-phone")
			next(`button[value="review"]`)

			expectHeading("Review your answers")
			audit()
			shot("review-phone")
			apptest.Do(t, ctx, chromedp.EmulateViewport(1280, 900))
			shot("review")
			next(`.a-submit button`)
			expectHeading("Thank you")
			audit()
			shot("completed")

			done := e.stored(t, cand.ID)
			thirty := 30.0
			want := scoring.Rollup(doc, scoring.ScoreAll(scoring.Rules{}, doc, map[string]scoring.Answer{
				"idempotent-webhook":  {Text: webhookAnswer},
				"lost-update":         {Choices: []string{"b"}},
				"blocking-migrations": {Choices: []string{"index", "volatile-default", "type-change"}},
				"connection-pool":     {Number: &thirty},
				"incident-review":     {Text: incidentAnswer + map[bool]string{true: " "}[tc.js]},
				"rate-limiter":        {Text: limiterAnswer},
			}), nil)
			if done.Status != model.CandidateCompleted || done.Score == nil || *done.Score != want.Overall || done.Recommendation != string(want.Recommendation) {
				t.Errorf("candidate %s score %v %q, want %v %q", done.Status, done.Score, done.Recommendation, want.Overall, want.Recommendation)
			}
			if want.Recommendation == posting.RecommendStrongNo {
				t.Errorf("the rubric answers are recommended %s", want.Recommendation)
			}
			// The recruiter finds the same score and recommendation on the scorecard.
			apptest.Do(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/postings/%d/candidates/%d", e.URL, pid, cand.ID)), chromedp.WaitVisible(`.overall`))
			if got := apptest.Get(t, ctx, chromedp.Text(`.overall .big`)); got != strconv.FormatFloat(want.Overall, 'g', -1, 64) {
				t.Errorf("scorecard overall %q, want %v", got, want.Overall)
			}
			if got := apptest.Get(t, ctx, chromedp.Text(`.overall .rec`)); !strings.EqualFold(got, strings.ReplaceAll(string(want.Recommendation), "_", " ")) {
				t.Errorf("scorecard recommendation %q, want %s", got, want.Recommendation)
			}
			shot("scorecard")
		})
	}
}

// TestBrowserAssessmentTimer checks assess.js's countdown: the warnings at 5
// and 1 minutes and the return to the server at zero, which submits.
func TestBrowserAssessmentTimer(t *testing.T) {
	t.Parallel()
	ctx := apptest.Browser(t)
	e := startAssess(t, "")
	pid := e.publish(t, example(t, "backend-engineer.json", func(d *posting.Posting) {
		d.TimeLimit = &posting.TimeLimit{TotalMinutes: 10}
	}))
	cand, path := e.candidate(t, pid, "tim@example.test")
	apptest.NewClient(t, e.URL).Submit(path, path+"/start", url.Values{"consent": {"yes"}})
	waitFor := func(what, js string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js)); err == nil && ok {
				return
			}
			if time.Now().After(deadline) {
				loc, _ := chromedp.Run(ctx, chromedp.Location())
				text, _ := chromedp.Run(ctx, chromedp.Text(`main`))
				t.Fatalf("timed out waiting for %s at %s:\n%s", what, loc, text)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	warning := `document.getElementById('time-warning').textContent`

	// set moves the server's clock to at after the start.
	elapsed := time.Duration(0)
	set := func(at time.Duration) { e.clock.Advance(at - elapsed); elapsed = at }
	set(5*time.Minute - time.Second) // 5:01 left
	apptest.Do(t, ctx, chromedp.Navigate(e.URL+path+"/q/1"), chromedp.WaitVisible(`#answer`))
	if w := apptest.Get(t, ctx, chromedp.Evaluate[string](warning)); w != "" {
		t.Errorf("warning %q with more than 5 minutes left", w)
	}
	waitFor("the 5-minute warning", warning+`.startsWith('5 minutes left')`)
	apptest.Screenshot(t, ctx, "assess-timer-warning")

	set(9*time.Minute - 2*time.Second) // 1:02 left
	apptest.Do(t, ctx, chromedp.Navigate(e.URL+path+"/q/2"), chromedp.WaitVisible(`input[name=answer]`))
	waitFor("the 1-minute warning", warning+` === '1 minute left.'`)

	set(10*time.Minute - 2*time.Second) // 2 s left
	apptest.Do(t, ctx, chromedp.Navigate(e.URL+path+"/q/3"), chromedp.WaitVisible(`input[name=answer]`))
	set(10*time.Minute + time.Second) // the server's deadline passes with the page's
	waitFor("the page to go to the server at zero", `document.querySelector('h1').textContent === 'Thank you'`)
	if body := apptest.Get(t, ctx, chromedp.Text(`main`)); !strings.Contains(body, "The time limit ended") {
		t.Errorf("after the countdown: %q", body)
	}
	if got := e.stored(t, cand.ID).Status; got != model.CandidateCompleted {
		t.Errorf("candidate %s", got)
	}
}

// TestBrowserLoginAudit audits the dashboard's sign-in page.
func TestBrowserLoginAudit(t *testing.T) {
	t.Parallel()
	ctx := apptest.Browser(t)
	e := start(t, "")
	apptest.Do(t, ctx, chromedp.Navigate(e.URL+"/login"), chromedp.WaitVisible(`#email`))
	apptest.Audit(t, ctx)
}

// clickAndWait clicks sel and waits until the next page has loaded. It polls
// from Go, so it works with the page's JavaScript disabled too.
func clickAndWait(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	apptest.Load(t, ctx, chromedp.Click(sel))
}
