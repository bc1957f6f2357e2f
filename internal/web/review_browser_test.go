package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/candidates"
	"github.com/talentsystems/talentsystems/internal/model"
)

// TestBrowserReview: an admin asks for every open answer to be reviewed on
// the posting's review settings page; a candidate completes; the answers
// wait in the review queue, blind, with the recommendation held; the admin
// reviews each one and the queue empties, the scorecard no longer held.
func TestBrowserReview(t *testing.T) {
	t.Parallel()
	ctx := apptest.Browser(t)
	e := start(t, "")
	_, ann := e.member(t, "acme", "ann@acme.test", model.RoleAdmin)
	p := importExample(t, e, ann, "backend-engineer")
	signInBrowser(t, ctx, e.URL, "ann@acme.test")
	apptest.Do(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/postings/%d/review-settings", e.URL, p.ID)), chromedp.WaitVisible(`#reviewers`))
	apptest.Audit(t, ctx)
	apptest.Do(t, ctx, chromedp.Click(`input[name=review_mode][value=always]`))
	apptest.Load(t, ctx, chromedp.Submit(`#reviewers`))
	rs, err := e.Candidates.ReviewSettings(context.Background(), ann.Actor(), p.ID)
	if err != nil || rs.Mode != model.ReviewAlways {
		t.Fatalf("settings after saving the page: %+v %v", rs, err)
	}

	cand, err := e.Candidates.Add(context.Background(), ann.Actor(), p.ID, candidates.Person{FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.test"}, candidates.AddOptions{Source: model.SourceManual})
	if err != nil {
		t.Fatal(err)
	}
	complete(t, e, cand, goodAnswers(p.Doc))
	held, err := e.Candidates.Get(context.Background(), ann.Actor(), cand.ID)
	if err != nil {
		t.Fatal(err)
	}
	if held.Recommendation == "yes" || held.Recommendation == "strong_yes" {
		t.Fatalf("recommendation %q while every open answer awaits review", held.Recommendation)
	}

	apptest.Do(t, ctx, chromedp.Navigate(e.URL+"/review?blind=1"), chromedp.WaitVisible(`table`))
	apptest.Audit(t, ctx)
	if queue := apptest.Get(t, ctx, chromedp.Text(`main`)); strings.Contains(queue, "Lovelace") || !strings.Contains(queue, fmt.Sprintf("Candidate #%d", cand.ID)) {
		t.Errorf("blind queue shows %q", queue)
	}
	apptest.Screenshot(t, ctx, "review-queue")
	for i := 0; ; i++ {
		apptest.Do(t, ctx, chromedp.Navigate(e.URL+"/review?blind=1"), chromedp.WaitVisible(`main`))
		links := apptest.Get(t, ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('main td a')).map(a => a.href)`))
		if len(links) == 0 {
			break
		}
		if i > 10 {
			t.Fatalf("the queue does not empty: %v", links)
		}
		apptest.Do(t, ctx, chromedp.Navigate(links[0]), chromedp.WaitVisible(`#note`))
		if i == 0 {
			if page := apptest.Get(t, ctx, chromedp.Text(`main`)); strings.Contains(page, "ada@example.test") || !strings.Contains(page, "Suggested level") {
				t.Errorf("blind review page shows %q", page)
			}
			apptest.Audit(t, ctx)
			apptest.Screenshot(t, ctx, "review-answer")
		}
		apptest.Do(t, ctx, chromedp.Click(`input[name=level][value="4"]`))
		apptest.Load(t, ctx, chromedp.Submit(`#note`))
	}
	if page := apptest.Get(t, ctx, chromedp.Text(`main`)); !strings.Contains(page, "Nothing awaits review") {
		t.Errorf("after reviewing every answer the queue says %q", page)
	}
	final, err := e.Candidates.Get(context.Background(), ann.Actor(), cand.ID)
	if err != nil {
		t.Fatal(err)
	}
	if tasks, err := e.Candidates.ReviewQueue(context.Background(), ann.Actor()); err != nil || len(tasks) != 0 {
		t.Errorf("after every review %d answers still wait (%v)", len(tasks), err)
	}
	if final.Score == nil {
		t.Errorf("no final score")
	}
}
