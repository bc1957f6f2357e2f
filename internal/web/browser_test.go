package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/talentsystems/talentsystems/internal/apptest"
)

// TestBrowserSignIn signs in through the real page in Chromium, creates an
// organization through the staff console, and reads the invitation in the outbox.
func TestBrowserSignIn(t *testing.T) {
	t.Parallel()
	ctx := apptest.Browser(t)
	e := start(t, "")
	apptest.Do(t, ctx,
		chromedp.Navigate(e.URL+"/postings"),
		chromedp.WaitVisible(`#email`),
		chromedp.SendKeys(`#email`, "staff@ts.test"),
		chromedp.SendKeys(`#password`, "wrong password"),
	)
	apptest.Load(t, ctx, chromedp.Submit(`#password`))
	apptest.Do(t, ctx, chromedp.WaitVisible(`#login-error`))
	apptest.Screenshot(t, ctx, "login-error")
	apptest.Do(t, ctx, chromedp.SendKeys(`#password`, password))
	apptest.Load(t, ctx, chromedp.Submit(`#password`))
	if h := apptest.Get(t, ctx, chromedp.Text(`h1`)); h != "Organizations" {
		t.Errorf("after sign-in the page says %q", h)
	}
	apptest.Do(t, ctx,
		chromedp.SendKeys(`#org-name`, "Acme Corp"),
		chromedp.SendKeys(`#org-admin`, "ann@acme.test"),
	)
	apptest.Load(t, ctx, chromedp.Submit(`#org-name`))
	if flash := apptest.Get(t, ctx, chromedp.Text(`.flash`)); !strings.Contains(flash, "acme-corp") || !strings.Contains(flash, "ann@acme.test") {
		t.Errorf("flash %q", flash)
	}
	apptest.Screenshot(t, ctx, "staff-org")
	apptest.Do(t, ctx, chromedp.Navigate(e.URL+"/staff/outbox"), chromedp.WaitVisible(`table`))
	if outbox := apptest.Get(t, ctx, chromedp.Text(`table`)); !strings.Contains(outbox, "ann@acme.test") || !strings.Contains(outbox, "invited to join Acme Corp") {
		t.Errorf("outbox %q", outbox)
	}
	apptest.Screenshot(t, ctx, "outbox")
}

// signInBrowser signs email in through the real sign-in page (the test
// password) and waits for the page the sign-in leads to.
func signInBrowser(t *testing.T, ctx context.Context, baseURL, email string) {
	t.Helper()
	apptest.Do(t, ctx,
		chromedp.Navigate(baseURL+"/login"),
		chromedp.WaitVisible(`#email`),
		chromedp.SendKeys(`#email`, email),
		chromedp.SendKeys(`#password`, password),
	)
	apptest.Load(t, ctx, chromedp.Submit(`#password`))
}
