package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/app"
	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/config"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// ghSend sends a candidate for take-home test testID and returns it.
func ghSend(t *testing.T, e *env, fake *fakeGreenhouse, user *model.User, publicID, key, testID string) *model.Candidate {
	t.Helper()
	status, body, _ := ghCall(t, e.URL, http.MethodPost, "/api/greenhouse/send_test", key, sendTestBody(publicID, "cand"+testID+"@example.test", fake.callbackURL(testID)))
	if status != http.StatusOK {
		t.Fatalf("send_test: %d %s", status, body)
	}
	id := interviewID(t, body)
	fake.expect(testID, id)
	n, _ := strconv.ParseInt(id, 10, 64)
	return mustCandidate(t, e, user, n)
}

// TestGreenhouseCallbackRetries: Greenhouse fails five times (a 429 with
// Retry-After, then 5xx) before it takes the callback; then a final 4xx is
// recorded and not retried, until staff retry it.
func TestGreenhouseCallbackRetries(t *testing.T) {
	fake := newFakeGreenhouse(t)
	e := ghStart(t, "", fake, nil)
	_, user, _, publicID, key := ghOrg(t, e, "acme")
	fake.set(e.URL, key)
	fake.retryAfter = "1"
	fake.failWith(http.StatusTooManyRequests, http.StatusServiceUnavailable, http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout)

	c := ghSend(t, e, fake, user, publicID, key, "5001")
	complete(t, e, c, nil)
	apptest.Eventually(t, 20*time.Second, "the callback to get through", func() bool { return len(fake.delivered()) == 1 })
	all := fake.list()
	if len(all) != 6 {
		t.Fatalf("%d tries, want 5 failures and a success", len(all))
	}
	if gap := all[1].At.Sub(all[0].At); gap < time.Second {
		t.Errorf("Retry-After: 1 not honoured: the second try came %s after the first", gap)
	}
	if all[5].Status["partner_status"] != "complete" {
		t.Errorf("after the retries Greenhouse read %v", all[5].Status)
	}
	var cb *model.GreenhouseCallback
	apptest.Eventually(t, 5*time.Second, "the callback recorded", func() bool {
		cb = mustCallbacks(t, e, user.OrgID)[0]
		return cb.Status == model.CallbackDelivered
	})
	if cb.Tries != 6 || cb.LastCode != http.StatusOK || cb.DeliveredAt.IsZero() {
		t.Errorf("callback %+v", cb)
	}

	// A 4xx other than 429 is final: recorded, not retried.
	fake.failWith(http.StatusForbidden, http.StatusForbidden)
	c2 := ghSend(t, e, fake, user, publicID, key, "5002")
	complete(t, e, c2, nil)
	apptest.Eventually(t, 10*time.Second, "the final failure recorded", func() bool {
		cb = mustCallbacks(t, e, user.OrgID)[0]
		return cb.Status == model.CallbackFailed
	})
	if cb.Tries != 1 || cb.LastCode != http.StatusForbidden || !strings.Contains(cb.LastError, "403") || !strings.Contains(cb.LastError, "final") {
		t.Errorf("final failure: %+v", cb)
	}
	time.Sleep(300 * time.Millisecond)
	if n := len(fake.list()); n != 7 {
		t.Errorf("%d requests to Greenhouse, want 7: a 403 was retried", n)
	}

	// Staff see the failure with its reason, and retry it.
	staff := apptest.NewClient(t, e.URL)
	staff.SignIn("staff@ts.test", password)
	page := staff.Get("/staff/greenhouse?status=failed")
	if !strings.Contains(page.Body, "403 Forbidden") || !strings.Contains(page.Body, "/callbacks/"+strconv.FormatInt(cb.ID, 10)+"/retry") {
		t.Fatalf("staff page lacks the failure: %d", page.Status)
	}
	fake.failWith() // the second 403 is still queued
	r := staff.Submit("/staff/greenhouse?status=failed", "/staff/greenhouse/callbacks/"+strconv.FormatInt(cb.ID, 10)+"/retry", url.Values{"back": {"/staff/greenhouse?status=failed"}})
	if r.Status != http.StatusSeeOther || r.Location != "/staff/greenhouse?status=failed" {
		t.Fatalf("retry: %d %s", r.Status, r.Location)
	}
	apptest.Eventually(t, 10*time.Second, "the retried callback", func() bool {
		cb = mustCallbacks(t, e, user.OrgID)[0]
		return cb.Status == model.CallbackFailed && cb.Tries == 1 && len(fake.list()) == 8
	})
	staff.Submit("/staff/greenhouse", "/staff/greenhouse/callbacks/"+strconv.FormatInt(cb.ID, 10)+"/retry", nil)
	apptest.Eventually(t, 10*time.Second, "the second retry to succeed", func() bool {
		return mustCallbacks(t, e, user.OrgID)[0].Status == model.CallbackDelivered
	})
	if r := staff.Submit("/staff/greenhouse", "/staff/greenhouse/callbacks/"+strconv.FormatInt(cb.ID, 10)+"/retry", nil); r.Status != http.StatusConflict {
		t.Errorf("retrying a delivered callback: %d", r.Status)
	}
}

// TestGreenhouseCallbackGivesUp: a Greenhouse that keeps failing is tried
// the configured number of times, then the callback is given up and shown.
func TestGreenhouseCallbackGivesUp(t *testing.T) {
	fake := newFakeGreenhouse(t)
	e := ghStart(t, "", fake, func(c *config.Config) { c.Greenhouse.CallbackMaxTries = 3 })
	admin, user, _, publicID, key := ghOrg(t, e, "acme")
	fake.set(e.URL, key)
	fake.failWith(500, 500, 500, 500, 500)
	c := ghSend(t, e, fake, user, publicID, key, "6001")
	complete(t, e, c, nil)
	var cb *model.GreenhouseCallback
	apptest.Eventually(t, 10*time.Second, "the callback given up", func() bool {
		cb = mustCallbacks(t, e, user.OrgID)[0]
		return cb.Status == model.CallbackFailed
	})
	if cb.Tries != 3 || !strings.Contains(cb.LastError, "gave up after 3 tries") || len(fake.list()) != 3 {
		t.Errorf("callback %+v after %d requests", cb, len(fake.list()))
	}
	if card := admin.Get("/settings/integrations").Body; !strings.Contains(card, "We could not tell Greenhouse about a result") {
		t.Error("the card does not show the failed callback")
	}
	// test_status still answers correctly for polling.
	_, body, _ := ghCall(t, e.URL, http.MethodGet, "/api/greenhouse/test_status?partner_interview_id="+strconv.FormatInt(c.ID, 10), key, "")
	if !strings.Contains(body, `"partner_status":"complete"`) {
		t.Errorf("test_status: %s", body)
	}
}

// TestGreenhouseCallbackSurvivesRestart: the callback is enqueued with the
// result while no instance works jobs; a new instance on the same database
// delivers it.
func TestGreenhouseCallbackSurvivesRestart(t *testing.T) {
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		fake := newFakeGreenhouse(t)
		box := apptest.NewMailbox(t)
		cfg := apptest.Config(t, dbURL)
		cfg.SMTP = box.SMTP()
		ghConfig(cfg, fake)
		first := apptest.Start(t, cfg)
		e := &env{Instance: first, box: box}
		_, user, _, publicID, key := ghOrg(t, e, "acme")
		fake.set(first.URL, key)
		c := ghSend(t, e, fake, user, publicID, key, "7001")
		if err := first.Shutdown(ctx); err != nil {
			t.Fatal(err)
		}

		// An instance that serves nothing and works no jobs (as a command
		// line tool would be) records the result: the callback waits in the queue.
		idle, err := app.New(ctx, cfg, app.Options{Log: apptest.Logger(t)})
		if err != nil {
			t.Fatal(err)
		}
		complete(t, &env{Instance: &apptest.Instance{App: idle, URL: first.URL}}, c, nil)
		cbs, err := store.ListGreenhouseCallbacks(ctx, idle.Store.DB, model.CallbackFilter{OrgID: user.OrgID})
		if err != nil || len(cbs) != 1 || cbs[0].Status != model.CallbackPending {
			t.Fatalf("callbacks before the restart: %+v %v", cbs, err)
		}
		if err := idle.Close(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(200 * time.Millisecond)
		if n := len(fake.list()); n != 0 {
			t.Fatalf("Greenhouse was called %d times with no instance running", n)
		}

		second := apptest.Start(t, cfg)
		fake.set(second.URL, key)
		apptest.Eventually(t, 20*time.Second, "the PATCH from the new instance", func() bool { return len(fake.delivered()) == 1 })
		if st := fake.delivered()[0].Status; st["partner_status"] != "complete" || !strings.HasPrefix(st["partner_profile_url"].(string), second.URL+"/postings/") {
			t.Errorf("after the restart Greenhouse read %v", st)
		}
	})
}

// TestGreenhouseCallbackGuard: a callback url outside greenhouse.io and the
// sandbox hosts is never called, and the reason is recorded.
func TestGreenhouseCallbackGuard(t *testing.T) {
	var hits atomic.Int32
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer evil.Close()
	fake := newFakeGreenhouse(t)
	e := ghStart(t, "", fake, nil)
	admin, user, _, publicID, key := ghOrg(t, e, "acme")
	evilURL := evil.URL + "/integrations/testing_partners/take_home_tests/8001"
	status, body, _ := ghCall(t, e.URL, http.MethodPost, "/api/greenhouse/send_test", key, sendTestBody(publicID, "evil@example.test", evilURL))
	if status != http.StatusOK {
		t.Fatalf("send_test: %d %s", status, body)
	}
	id, _ := strconv.ParseInt(interviewID(t, body), 10, 64)
	complete(t, e, mustCandidate(t, e, user, id), nil)
	var cb *model.GreenhouseCallback
	apptest.Eventually(t, 10*time.Second, "the refusal recorded", func() bool {
		cbs := mustCallbacks(t, e, user.OrgID)
		if len(cbs) == 0 {
			return false
		}
		cb = cbs[0]
		return cb.Status == model.CallbackFailed
	})
	if hits.Load() != 0 || !strings.Contains(cb.LastError, "not sent: refused") || cb.Tries != 0 {
		t.Errorf("callback to a foreign host: %d hits, %+v", hits.Load(), cb)
	}
	if card := admin.Get("/settings/integrations").Body; !strings.Contains(card, "will not be pushed to Greenhouse") {
		t.Error("the card does not warn about the callback url at send_test")
	}
}

// TestGreenhouseCallbackCredential: with TS_GREENHOUSE_CALLBACK_AUTH=basic
// the configured credential is sent instead of the organization's key.
func TestGreenhouseCallbackCredential(t *testing.T) {
	fake := newFakeGreenhouse(t)
	e := ghStart(t, "", fake, func(c *config.Config) {
		c.Greenhouse.CallbackAuth = "basic"
		c.Greenhouse.CallbackCredential = "partner:s3cret"
	})
	_, user, _, publicID, key := ghOrg(t, e, "acme")
	fake.set(e.URL, key)
	c := ghSend(t, e, fake, user, publicID, key, "9001")
	complete(t, e, c, nil)
	apptest.Eventually(t, 10*time.Second, "the callback", func() bool { return len(fake.list()) == 1 })
	if got := fake.list()[0]; got.Auth != "Basic cGFydG5lcjpzM2NyZXQ=" || got.Answer != http.StatusForbidden {
		t.Errorf("callback authorization %q (answer %d)", got.Auth, got.Answer)
	}
}
