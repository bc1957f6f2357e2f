package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/config"
	"github.com/talentsystems/talentsystems/internal/greenhouse/sandbox"
	"github.com/talentsystems/talentsystems/internal/model"
)

// TestBrowserHarvestConnectAndImport: an admin presses Connect to
// Greenhouse, allows access on the sandbox's consent page, comes back to a
// Connected badge, imports a job from the Postings page and sees it marked
// Imported, linking to the draft. The pages pass the accessibility audit.
func TestBrowserHarvestConnectAndImport(t *testing.T) {
	ctx := apptest.Browser(t)
	sb := sandbox.New(sandbox.Config{})
	if err := sb.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	e := ghStart(t, "", nil, func(cfg *config.Config) {
		g := &cfg.Greenhouse
		g.SandboxHosts = []string{sb.Addr()}
		g.OAuthClientID, g.OAuthClientSecret = "sandbox-client", "sandbox-secret"
		g.AuthURL, g.HarvestURL = sb.URL(), sb.URL()
	})
	e.member(t, "acme", "ann@acme.test", model.RoleAdmin)
	signInBrowser(t, ctx, e.URL, "ann@acme.test")
	apptest.Do(t, ctx, chromedp.Navigate(e.URL+"/settings/integrations"), chromedp.WaitVisible(`#gh-harvest-status`))
	if s := apptest.Get(t, ctx, chromedp.Text(`#gh-harvest-status`)); s != "Not connected" {
		t.Errorf("badge %q", s)
	}
	apptest.Audit(t, ctx)
	apptest.Load(t, ctx, chromedp.Click(`#gh-harvest-connect`))
	apptest.Do(t, ctx, chromedp.WaitVisible(`#allow`))
	apptest.Load(t, ctx, chromedp.Click(`#allow`))
	apptest.Do(t, ctx, chromedp.WaitVisible(`#gh-harvest-status`))
	if s := apptest.Get(t, ctx, chromedp.Text(`#gh-harvest-status`)); s != "Connected" {
		t.Fatalf("badge after authorizing %q (flash %q)", s, apptest.Get(t, ctx, chromedp.Text(`body`)))
	}
	apptest.Audit(t, ctx)
	apptest.Screenshot(t, ctx, "harvest-connected")

	apptest.Do(t, ctx, chromedp.Navigate(e.URL+"/postings"), chromedp.WaitVisible(`#import-greenhouse`))
	apptest.Load(t, ctx, chromedp.Click(`#import-greenhouse`))
	apptest.Do(t, ctx, chromedp.WaitVisible(`#q`), chromedp.SendKeys(`#q`, "Data Analyst"))
	apptest.Load(t, ctx, chromedp.Submit(`#q`))
	apptest.Audit(t, ctx)
	apptest.Do(t, ctx, chromedp.Click(`table.harvest-jobs input[name=job_id]`))
	apptest.Load(t, ctx, chromedp.Click(`#harvest-import-button`))
	if title := apptest.Get(t, ctx, chromedp.Text(`h1`)); !strings.HasPrefix(title, "Data Analyst") {
		t.Errorf("after import: page %q", title)
	}
	apptest.Do(t, ctx, chromedp.Navigate(e.URL+"/postings/import/greenhouse?q=Data+Analyst"), chromedp.WaitVisible(`a.imported`))
	if href := apptest.Get(t, ctx, chromedp.AttributeValue(`a.imported`, "href")); href.Value == "" {
		t.Error("the Imported badge links nowhere")
	}
	apptest.Audit(t, ctx)
	apptest.Screenshot(t, ctx, "harvest-imported")
}
