package web_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/candidates"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// TestBrowserFairness fills the voluntary survey in Chromium after
// submitting, then opens the adverse-impact report; both pages pass axe.
func TestBrowserFairness(t *testing.T) {
	t.Parallel()
	ctx := apptest.Browser(t)
	e := start(t, "")
	_, ann := e.member(t, "acme", "ann@acme.test", model.RoleAdmin)
	p := importExample(t, e, ann, "backend-engineer")
	cand, err := e.Candidates.Add(context.Background(), ann.Actor(), p.ID, candidates.Person{FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.test"}, candidates.AddOptions{Source: model.SourceManual})
	if err != nil {
		t.Fatal(err)
	}
	complete(t, e, cand, goodAnswers(p.Doc))
	apptest.Do(t, ctx, chromedp.Navigate(e.URL+"/a/"+tokenOf(e, cand)), chromedp.WaitVisible(`.a-survey-offer a`))
	apptest.Load(t, ctx, chromedp.Click(`.a-survey-offer a`))
	apptest.Do(t, ctx, chromedp.WaitVisible(`form.a-survey`))
	apptest.Audit(t, ctx)
	apptest.Do(t, ctx,
		chromedp.Click(`input[name=sex][value=female]`),
		chromedp.Click(`input[name=race][value=asian]`),
	)
	apptest.Load(t, ctx, chromedp.Submit(`form.a-survey button`))
	apptest.Screenshot(t, ctx, "survey-answered")
	if ok, err := store.HasSelfIdentification(context.Background(), e.Store.DB, cand.ID); err != nil || !ok {
		t.Fatalf("answers not stored: %v", err)
	}
	signInBrowser(t, ctx, e.URL, "ann@acme.test")
	apptest.Do(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/fairness?posting=%d", e.URL, p.ID)), chromedp.WaitVisible(`.fairness-table`))
	apptest.Screenshot(t, ctx, "fairness-report")
	apptest.Audit(t, ctx)
}
