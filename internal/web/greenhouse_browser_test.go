package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/model"
)

// TestBrowserIntegrationsCard: an admin opens Settings → Integrations, sees
// the Greenhouse card Not configured, presses Request Setup and sees the
// Requested badge. The page passes the accessibility audit.
func TestBrowserIntegrationsCard(t *testing.T) {
	ctx := apptest.Browser(t)
	e := ghStart(t, "", nil, nil)
	e.member(t, "acme", "ann@acme.test", model.RoleAdmin)
	signInBrowser(t, ctx, e.URL, "ann@acme.test")
	apptest.Do(t, ctx, chromedp.Navigate(e.URL+"/settings"))
	apptest.Load(t, ctx, chromedp.Click(`a[href="/settings/integrations"]`))
	if s := apptest.Get(t, ctx, chromedp.Text(`#gh-status`)); s != "Not configured" {
		t.Errorf("badge %q", s)
	}
	if urls := apptest.Get(t, ctx, chromedp.Text(`table.gh-urls`)); !strings.Contains(urls, e.URL+"/api/greenhouse/send_test") {
		t.Errorf("URL table %q", urls)
	}
	apptest.Audit(t, ctx)
	apptest.Screenshot(t, ctx, "integrations-not-configured")
	apptest.Load(t, ctx, chromedp.Click(`#gh-request`))
	if s := apptest.Get(t, ctx, chromedp.Text(`#gh-status`)); s != "Requested" {
		t.Errorf("badge after Request Setup %q", s)
	}
	if flash := apptest.Get(t, ctx, chromedp.Text(`.flash`)); !strings.Contains(flash, "Setup requested") {
		t.Errorf("flash %q", flash)
	}
	apptest.Audit(t, ctx)
	apptest.Screenshot(t, ctx, "integrations-requested")
}
