package sandbox_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/greenhouse/sandbox"
)

// TestBrowserStage drives the stage page in Chromium: pick the product's
// test, send a candidate, see it listed; after the candidate completes, see
// Complete with score and link. The stage and consent pages pass axe.
func TestBrowserStage(t *testing.T) {
	ctx := apptest.Browser(t)
	s := sandbox.New(sandbox.Config{Log: apptest.Logger(t), ClientID: "cid"})
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	p := startProduct(t, "", s.Addr())
	s.SetPartner(p.URL, p.key)

	apptest.Do(t, ctx, chromedp.Navigate(s.URL()+"/"), chromedp.WaitVisible(`#test_id`))
	apptest.Audit(t, ctx)
	apptest.Do(t, ctx,
		chromedp.SetValue(`#test_id`, p.publicID),
		chromedp.SendKeys(`#first_name`, "Luna"),
		chromedp.SendKeys(`#last_name`, "Lovegood"),
		chromedp.SendKeys(`#email`, "luna@example.test"),
	)
	apptest.Load(t, ctx, chromedp.Click(`#send`))
	if notice := apptest.Get(t, ctx, chromedp.Text(`#notice`)); !strings.Contains(notice, "Sent Luna Lovegood") {
		t.Fatalf("notice after sending: %q", notice)
	}
	row := apptest.Get(t, ctx, chromedp.Text(`#sends tbody tr`))
	if !strings.Contains(row, "Luna Lovegood") || !strings.Contains(row, "Sent") {
		t.Errorf("the sends table shows %q", row)
	}
	apptest.Audit(t, ctx)

	sd := s.Snapshot().Sends[0]
	takeAssessment(t, p, sd.InterviewID)
	wctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := s.Wait(wctx, func(st sandbox.State) bool {
		return st.Sends[0].Status != nil && st.Sends[0].Status.PartnerStatus == "complete"
	}); err != nil {
		t.Fatal("the completion never reached the sandbox")
	}
	apptest.Do(t, ctx, chromedp.Navigate(s.URL()+"/"), chromedp.WaitVisible(`#sends`))
	if got := apptest.Get(t, ctx, chromedp.Text(`#sends .status`)); got != "Complete" {
		t.Errorf("status shown %q", got)
	}
	if got := apptest.Get(t, ctx, chromedp.Text(`#sends .score`)); got == "" {
		t.Error("no score shown")
	}
	if n := apptest.Get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('#sends a[href^="`+p.URL+`/postings/"]').length`)); n != 1 {
		t.Errorf("%d result links", n)
	}
	apptest.Audit(t, ctx)
	apptest.Screenshot(t, ctx, "sandbox-stage")

	q := url.Values{"response_type": {"code"}, "client_id": {"cid"}, "redirect_uri": {"https://partner.example/cb"}, "scope": {"harvest:jobs:list"}, "state": {"s"}}
	apptest.Do(t, ctx, chromedp.Navigate(s.URL()+"/authorize?"+q.Encode()), chromedp.WaitVisible(`#allow`))
	apptest.Audit(t, ctx)
	apptest.Screenshot(t, ctx, "sandbox-consent")
}
