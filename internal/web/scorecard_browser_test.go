package web_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/candidates"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/scoring"
)

// TestBrowserScorecard shows a completed candidate's scorecard in Chromium,
// overrides a score through the page and sees the overall score change.
func TestBrowserScorecard(t *testing.T) {
	t.Parallel()
	ctx := apptest.Browser(t)
	e := start(t, "")
	_, ann := e.member(t, "acme", "ann@acme.test", model.RoleAdmin)
	p := importExample(t, e, ann, "backend-engineer")
	cand, err := e.Candidates.Add(context.Background(), ann.Actor(), p.ID, candidates.Person{FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.test"}, candidates.AddOptions{Source: model.SourceManual})
	if err != nil {
		t.Fatal(err)
	}
	answers := goodAnswers(p.Doc)
	first := p.Doc.Questions[0].Key
	delete(answers, first)
	complete(t, e, cand, answers)
	want := scoring.Rollup(p.Doc, scoring.ScoreAll(scoring.Rules{}, p.Doc, answers), nil)
	card := fmt.Sprintf("%s/postings/%d/candidates/%d", e.URL, p.ID, cand.ID)
	signInBrowser(t, ctx, e.URL, "ann@acme.test")
	apptest.Do(t, ctx,
		chromedp.Navigate(card),
		chromedp.WaitVisible(`.overall`),
	)
	apptest.Screenshot(t, ctx, "scorecard")
	apptest.Audit(t, ctx)
	if got := apptest.Get(t, ctx, chromedp.Text(`.overall .big`)); got != strconv.FormatFloat(want.Overall, 'g', -1, 64) {
		t.Errorf("overall on the page %q, want %v", got, want.Overall)
	}
	if got := apptest.Get(t, ctx, chromedp.Text(`.overall .rec`)); !strings.EqualFold(got, strings.ReplaceAll(string(want.Recommendation), "_", " ")) {
		t.Errorf("recommendation on the page %q, want %s", got, want.Recommendation)
	}
	sel := `#q-` + first
	apptest.Do(t, ctx,
		chromedp.Click(sel+` details.noprint summary`),
		chromedp.Click(sel+` input[name=level][value="5"]`),
		chromedp.SendKeys(sel+` textarea[name=note]`, "Strong answer given in the phone screen."),
	)
	apptest.Load(t, ctx, chromedp.Submit(sel+` textarea[name=note]`))
	after := scoring.Rollup(p.Doc, want.Questions, map[string]scoring.Override{first: {Level: 5}})
	if got := apptest.Get(t, ctx, chromedp.Text(`.overall .big`)); got != strconv.FormatFloat(after.Overall, 'g', -1, 64) {
		t.Errorf("overall after the override %q, want %v", got, after.Overall)
	}
	apptest.Screenshot(t, ctx, "scorecard-overridden")
}
