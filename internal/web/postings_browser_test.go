package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// TestBrowserCreateAndPublishPosting builds a small posting through the
// pages in Chromium, sees the publish rules refuse it while incomplete, and
// publishes it once complete.
func TestBrowserCreateAndPublishPosting(t *testing.T) {
	t.Parallel()
	ctx := apptest.Browser(t)
	e := start(t, "")
	e.member(t, "acme", "ann@acme.test", model.RoleAdmin)
	signInBrowser(t, ctx, e.URL, "ann@acme.test")
	apptest.Load(t, ctx, chromedp.Click(`a[href="/postings/new"]`))
	apptest.Do(t, ctx,
		chromedp.SendKeys(`#title`, "Support Engineer"),
		chromedp.SendKeys(`#description`, "Help customers **fast**."),
		chromedp.Click(`input[name=assessment_type][value=interview]`),
		chromedp.SendKeys(`#total_minutes`, "30"),
	)
	apptest.Screenshot(t, ctx, "posting-new")
	apptest.Audit(t, ctx)
	apptest.Load(t, ctx, chromedp.Submit(`#title`))
	apptest.Screenshot(t, ctx, "posting-draft")
	// Publishing now lists what is missing and changes nothing.
	apptest.Load(t, ctx, chromedp.Click(`form[action$="/actions/publish"] button`))
	if problems := apptest.Get(t, ctx, chromedp.Text(`.problems`)); !strings.Contains(problems, "competency") {
		t.Errorf("publish problems: %q", problems)
	}
	apptest.Load(t, ctx, chromedp.Click(`a[href$="/new-competency"]`))
	apptest.Do(t, ctx,
		chromedp.SendKeys(`#name`, "Troubleshooting"),
		chromedp.SendKeys(`#key`, "troubleshooting"),
	)
	apptest.Load(t, ctx, chromedp.Submit(`#name`))
	apptest.Load(t, ctx, chromedp.Submit(`#new-kind`))
	apptest.Do(t, ctx,
		chromedp.SendKeys(`#prompt`, "A customer cannot log in. What do you check first?"),
		chromedp.SendKeys(`#point_text_0`, "Checks the account status"),
		chromedp.SendKeys(`#point_phrases_0`, "account status\nlocked"),
		chromedp.SendKeys(`#anchor_5`, "Systematic and complete"),
	)
	apptest.Screenshot(t, ctx, "question-form")
	apptest.Audit(t, ctx)
	apptest.Load(t, ctx, chromedp.Submit(`#prompt`))
	apptest.Do(t, ctx, chromedp.WaitVisible(`.ready`))
	apptest.Load(t, ctx, chromedp.Click(`form[action$="/actions/publish"] button`))
	apptest.Do(t, ctx, chromedp.WaitVisible(`.badge-active`))
	apptest.Screenshot(t, ctx, "posting-active")
	apptest.Audit(t, ctx)
	if flash := apptest.Get(t, ctx, chromedp.Text(`.flash`)); !strings.Contains(flash, "Published") {
		t.Errorf("flash %q", flash)
	}
	apptest.Load(t, ctx, chromedp.Click(`a[href$="/preview"]`))
	apptest.Load(t, ctx, chromedp.Click(`a[href$="/preview/q/1"]`))
	if h := apptest.Get(t, ctx, chromedp.Text(`h1`)); h != "Question 1 of 1" {
		t.Errorf("preview heading %q", h)
	}
	apptest.Audit(t, ctx)
	apptest.Screenshot(t, ctx, "preview-question")
	list, err := store.ListPostings(t.Context(), e.Store.DB, 1, model.PostingActive)
	if err != nil || len(list) != 1 || list[0].Title != "Support Engineer" || list[0].Version != 1 {
		t.Fatalf("stored postings: %+v, %v", list, err)
	}
}
