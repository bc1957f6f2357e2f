package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/model"
)

// TestBrowserAnalyticsAndCompare opens a posting's analytics, picks two
// candidates on the list with the checkboxes, compares them, and audits
// each page with axe.
func TestBrowserAnalyticsAndCompare(t *testing.T) {
	t.Parallel()
	ctx := apptest.Browser(t)
	e := start(t, "")
	_, ann := e.member(t, "acme", "ann@acme.test", model.RoleRecruiter)
	p := importExample(t, e, ann, "data-analyst")
	seeded := apptest.SeedCandidates(t, e.App, ann.OrgID, p.Doc, 60, 5, time.Now())
	signInBrowser(t, ctx, e.URL, "ann@acme.test")
	apptest.Do(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/postings/%d/analytics", e.URL, p.ID)), chromedp.WaitVisible(`#fun-h`))
	apptest.Screenshot(t, ctx, "analytics-posting")
	apptest.Audit(t, ctx)
	if n := apptest.Get(t, ctx, chromedp.TextContent(`#funnel-t`)); n != "Candidates at each step" {
		t.Errorf("funnel chart title %q", n)
	}

	apptest.Do(t, ctx, chromedp.Navigate(e.URL+"/analytics"), chromedp.WaitVisible(`#act-h`))
	apptest.Screenshot(t, ctx, "analytics-overview")
	apptest.Audit(t, ctx)

	apptest.Do(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/postings/%d/candidates?status=completed", e.URL, p.ID)), chromedp.WaitVisible(`form.bulk`))
	var a, b *apptest.Seeded
	for _, s := range seeded {
		if s.Result != nil && s.ID > 40 { // on the first page, newest first
			if a == nil {
				a = s
			} else if b == nil {
				b = s
			}
		}
	}
	apptest.Do(t, ctx,
		chromedp.Click(fmt.Sprintf(`#sel-%d`, a.ID)),
		chromedp.Click(fmt.Sprintf(`#sel-%d`, b.ID)),
	)
	apptest.Load(t, ctx, chromedp.Click(`form.bulk button[value=compare]`))
	apptest.Do(t, ctx, chromedp.WaitVisible(`table.compare`))
	apptest.Screenshot(t, ctx, "compare")
	apptest.Audit(t, ctx)
	head := apptest.Get(t, ctx, chromedp.Text(`table.compare thead`))
	if !strings.Contains(head, a.FirstName) || !strings.Contains(head, b.FirstName) {
		t.Errorf("comparison heads %q, want %s and %s", head, a.FirstName, b.FirstName)
	}
}
