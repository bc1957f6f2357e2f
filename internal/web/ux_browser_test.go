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

// TestBrowserPhoneAndMessages opens the recruiter's main pages and the
// candidate's at 1280 and 390 px: nothing is wider than a phone's screen
// (code blocks and tables scroll inside themselves), every page passes the
// accessibility audit, an error is announced as an alert, and a
// destructive action asks first.
func TestBrowserPhoneAndMessages(t *testing.T) {
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
	waiting, err := e.Candidates.Add(context.Background(), ann.Actor(), p.ID, candidates.Person{FirstName: "Alan", LastName: "Turing", Email: "alan@example.test"}, candidates.AddOptions{Source: model.SourceManual})
	if err != nil {
		t.Fatal(err)
	}
	signInBrowser(t, ctx, e.URL, "ann@acme.test")
	// look visits a page at both widths, checks it fits a phone and audits it.
	look := func(name, url string) {
		t.Helper()
		apptest.Load(t, ctx, chromedp.Navigate(url))
		apptest.Do(t, ctx, chromedp.EmulateViewport(1280, 900))
		apptest.Screenshot(t, ctx, "ux-"+name+"-1280")
		apptest.Audit(t, ctx)
		apptest.Do(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
		apptest.Screenshot(t, ctx, "ux-"+name+"-390")
		if w := apptest.Get(t, ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 390 {
			wide := apptest.Get(t, ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > 392).slice(0, 6).map(e => e.tagName + "." + e.className + " " + Math.round(e.getBoundingClientRect().right)).join(" | ")`))
			t.Errorf("%s is %d px wide on a 390 px screen: %s", name, w, wide)
		}
		apptest.Do(t, ctx, chromedp.EmulateViewport(1280, 900))
	}
	base := fmt.Sprintf("%s/postings/%d", e.URL, p.ID)
	look("postings", e.URL+"/postings")
	look("posting", base)
	look("preview", base+"/preview/q/1")
	look("candidates", e.URL+"/candidates")
	look("posting-candidates", base+"/candidates")
	look("scorecard", fmt.Sprintf("%s/candidates/%d", base, cand.ID))
	look("settings", e.URL+"/settings")
	look("candidate-welcome", e.Candidates.Link(waiting))

	// An error is an alert, styled as one.
	apptest.Load(t, ctx, chromedp.Navigate(base+"/candidates"))
	apptest.Do(t, ctx,
		chromedp.SendKeys(`#first_name`, "Ada"),
		chromedp.SendKeys(`#last_name`, "Again"),
		chromedp.SendKeys(`#email`, "ADA@example.test"),
	)
	apptest.Load(t, ctx, chromedp.Submit(`#email`))
	if role := apptest.Get(t, ctx, chromedp.Evaluate[string](`document.querySelector(".flash").getAttribute("role") + " " + document.querySelector(".flash").className`)); role != "alert flash flash-error" {
		t.Errorf("the duplicate's message is %q", role)
	}
	apptest.Screenshot(t, ctx, "ux-error-1280")
	apptest.Audit(t, ctx)

	// Closing asks first and says what will happen.
	apptest.Load(t, ctx, chromedp.Navigate(base))
	apptest.Load(t, ctx, chromedp.Click(`form[action$="/actions/close"] button`))
	if text := apptest.Get(t, ctx, chromedp.Text(`main`)); !strings.Contains(text, "What will happen") {
		t.Fatalf("no confirmation step: %q", text)
	}
	apptest.Screenshot(t, ctx, "ux-confirm-1280")
	apptest.Audit(t, ctx)
	apptest.Load(t, ctx, chromedp.Click(`main form button.danger`))
	apptest.Do(t, ctx, chromedp.WaitVisible(`.badge-closed`))
}
