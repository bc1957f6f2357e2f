package web_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/app"
	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/config"
	"github.com/talentsystems/talentsystems/internal/greenhouse/partner"
	"github.com/talentsystems/talentsystems/internal/greenhouse/sandbox"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// TestGreenhouseCallbackRetries: Greenhouse fails five times (a 429 with
// Retry-After, then 5xx) before it takes the callback; then a final 4xx is
// recorded and not retried, until staff retry it.
func TestGreenhouseCallbackRetries(t *testing.T) {
	gh := newGreenhouse(t, sandbox.Config{})
	e := ghStart(t, "", gh, nil)
	_, user, _, publicID, key := ghOrg(t, e, "acme")
	gh.SetPartner(e.URL, key)
	failOnce := func(code int) sandbox.Fault { return sandbox.Fault{FailureRate: 1, FailureStatus: code, Count: 1} }
	if err := gh.SetFaults("patch", sandbox.Fault{RateLimitRate: 1, RetryAfter: 1, Count: 1},
		failOnce(http.StatusServiceUnavailable), failOnce(http.StatusInternalServerError), failOnce(http.StatusBadGateway), failOnce(http.StatusGatewayTimeout)); err != nil {
		t.Fatal(err)
	}

	sd, c := ghSend(t, e, gh, user, publicID, "cand5001@example.test")
	complete(t, e, c, nil)
	st := ghWait(t, gh, 20*time.Second, "the callback to get through", func(st sandbox.State) bool { return len(readsAfterPatch(t, st, sd.ID)) == 1 })
	all := patchesOf(st, sd.ID)
	if len(all) != 6 || len(deliveredOf(st, sd.ID)) != 1 {
		t.Fatalf("%d tries, want 5 failures and a success: %+v", len(all), all)
	}
	for i, want := range []int{429, 503, 500, 502, 504, 200} {
		if all[i].Answer != want || all[i].Auth != "ok" || all[i].Method != http.MethodPatch {
			t.Errorf("try %d: %+v, want answer %d with the right key", i+1, all[i], want)
		}
	}
	if gap := all[1].At.Sub(all[0].At); gap < time.Second {
		t.Errorf("Retry-After: 1 not honoured: the second try came %s after the first", gap)
	}
	if got := readsAfterPatch(t, st, sd.ID)[0]; got["partner_status"] != "complete" {
		t.Errorf("after the retries Greenhouse read %v", got)
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
	if err := gh.SetFault("patch", sandbox.Fault{FailureRate: 1, FailureStatus: http.StatusForbidden, Count: 2}); err != nil {
		t.Fatal(err)
	}
	sd2, c2 := ghSend(t, e, gh, user, publicID, "cand5002@example.test")
	complete(t, e, c2, nil)
	apptest.Eventually(t, 10*time.Second, "the final failure recorded", func() bool {
		cb = mustCallbacks(t, e, user.OrgID)[0]
		return cb.Status == model.CallbackFailed
	})
	if cb.Tries != 1 || cb.LastCode != http.StatusForbidden || !strings.Contains(cb.LastError, "403") || !strings.Contains(cb.LastError, "final") {
		t.Errorf("final failure: %+v", cb)
	}
	apptest.JobsSettled(t, e.Store.DB, partner.CallbackArgs{}.Kind(), 10*time.Second)
	if n := len(gh.Snapshot().Patches); n != 7 {
		t.Errorf("%d requests to Greenhouse, want 7: a 403 was retried", n)
	}

	// Staff see the failure with its reason, and retry it.
	staff := apptest.NewClient(t, e.URL)
	staff.SignIn("staff@ts.test", password)
	page := staff.Get("/staff/greenhouse?status=failed")
	if !strings.Contains(page.Body, "403 Forbidden") || !strings.Contains(page.Body, "/callbacks/"+strconv.FormatInt(cb.ID, 10)+"/retry") {
		t.Fatalf("staff page lacks the failure: %d", page.Status)
	}
	// The second 403 of the fault is still to come.
	r := staff.Submit("/staff/greenhouse?status=failed", "/staff/greenhouse/callbacks/"+strconv.FormatInt(cb.ID, 10)+"/retry", url.Values{"back": {"/staff/greenhouse?status=failed"}})
	if r.Status != http.StatusSeeOther || r.Location != "/staff/greenhouse?status=failed" {
		t.Fatalf("retry: %d %s", r.Status, r.Location)
	}
	apptest.Eventually(t, 10*time.Second, "the retried callback", func() bool {
		cb = mustCallbacks(t, e, user.OrgID)[0]
		return cb.Status == model.CallbackFailed && cb.Tries == 1 && len(gh.Snapshot().Patches) == 8
	})
	staff.Submit("/staff/greenhouse", "/staff/greenhouse/callbacks/"+strconv.FormatInt(cb.ID, 10)+"/retry", nil)
	apptest.Eventually(t, 10*time.Second, "the second retry to succeed", func() bool {
		return mustCallbacks(t, e, user.OrgID)[0].Status == model.CallbackDelivered
	})
	st = ghWait(t, gh, 10*time.Second, "the read after the second retry", func(st sandbox.State) bool { return len(readsAfterPatch(t, st, sd2.ID)) == 1 })
	if got := patchesOf(st, sd2.ID); len(got) != 3 || got[0].Answer != 403 || got[1].Answer != 403 || got[2].Answer != 200 || got[2].Auth != "ok" {
		t.Errorf("PATCHes of the second candidate: %+v", got)
	}
	if got := readsAfterPatch(t, st, sd2.ID)[0]; got["partner_status"] != "complete" {
		t.Errorf("after the staff retry Greenhouse read %v", got)
	}
	if r := staff.Submit("/staff/greenhouse", "/staff/greenhouse/callbacks/"+strconv.FormatInt(cb.ID, 10)+"/retry", nil); r.Status != http.StatusConflict {
		t.Errorf("retrying a delivered callback: %d", r.Status)
	}

	// A callback left pending for 20 minutes has lost its job: staff see it
	// as stuck and retry it.
	old := time.Now().Add(-20 * time.Minute).UnixMicro()
	if _, err := e.Store.DB.Exec(`UPDATE greenhouse_callbacks SET status = 'pending', next_try_at = NULL, updated_at = $1 WHERE id = $2`, old, cb.ID); err != nil {
		t.Fatal(err)
	}
	retry := "/staff/greenhouse/callbacks/" + strconv.FormatInt(cb.ID, 10) + "/retry"
	if page := staff.Get("/staff/greenhouse"); !strings.Contains(page.Body, retry) || !strings.Contains(page.Body, "stuck since") {
		t.Fatalf("a stuck callback is not shown with a retry")
	}
	if r := staff.Submit("/staff/greenhouse", retry, nil); r.Status != http.StatusSeeOther {
		t.Fatalf("retrying a stuck callback: %d", r.Status)
	}
	apptest.Eventually(t, 10*time.Second, "the stuck callback delivered", func() bool {
		return mustCallbacks(t, e, user.OrgID)[0].Status == model.CallbackDelivered
	})
}

// TestGreenhouseCallbackGivesUp: a Greenhouse that keeps failing is tried
// the configured number of times, then the callback is given up and shown.
func TestGreenhouseCallbackGivesUp(t *testing.T) {
	gh := newGreenhouse(t, sandbox.Config{Faults: map[string]sandbox.Fault{"patch": {FailureRate: 1, FailureStatus: http.StatusInternalServerError}}})
	e := ghStart(t, "", gh, func(c *config.Config) { c.Greenhouse.CallbackMaxTries = 3 })
	admin, user, _, publicID, key := ghOrg(t, e, "acme")
	gh.SetPartner(e.URL, key)
	sd, c := ghSend(t, e, gh, user, publicID, "cand6001@example.test")
	complete(t, e, c, nil)
	var cb *model.GreenhouseCallback
	apptest.Eventually(t, 10*time.Second, "the callback given up", func() bool {
		cb = mustCallbacks(t, e, user.OrgID)[0]
		return cb.Status == model.CallbackFailed
	})
	patches := gh.Snapshot().Patches
	if cb.Tries != 3 || !strings.Contains(cb.LastError, "gave up after 3 tries") || len(patches) != 3 {
		t.Errorf("callback %+v after %d requests", cb, len(patches))
	}
	for _, p := range patches {
		if p.Answer != http.StatusInternalServerError || p.Auth != "ok" {
			t.Errorf("PATCH %+v", p)
		}
	}
	if card := admin.Get("/settings/integrations").Body; !strings.Contains(card, "We could not tell Greenhouse about a result") {
		t.Error("the card does not show the failed callback")
	}
	// test_status still answers correctly for polling.
	if st, err := gh.Poll(context.Background(), sd.ID); err != nil || st.PartnerStatus != "complete" {
		t.Errorf("test_status: %v %+v", err, st)
	}
}

// TestGreenhouseCallbackSurvivesRestart: the callback is enqueued with the
// result while no instance works jobs; a new instance on the same database
// and address delivers it.
func TestGreenhouseCallbackSurvivesRestart(t *testing.T) {
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		gh := newGreenhouse(t, sandbox.Config{})
		box := apptest.NewMailbox(t)
		cfg := apptest.Config(t, dbURL)
		cfg.SMTP = box.SMTP()
		ghConfig(cfg, gh)
		first := apptest.Start(t, cfg)
		e := &env{Instance: first, box: box}
		_, user, _, publicID, key := ghOrg(t, e, "acme")
		gh.SetPartner(first.URL, key)
		sd, c := ghSend(t, e, gh, user, publicID, "cand7001@example.test")
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
		if n := len(gh.Snapshot().Patches); n != 0 {
			t.Fatalf("Greenhouse was called %d times with no instance running", n)
		}

		// The new instance takes the old one's address, where Greenhouse
		// knows the partner's endpoints.
		second := restartOn(t, cfg, first.URL)
		st := ghWait(t, gh, 20*time.Second, "the PATCH from the new instance", func(st sandbox.State) bool { return len(readsAfterPatch(t, st, sd.ID)) == 1 })
		if d := deliveredOf(st, sd.ID); len(d) != 1 || d[0].Auth != "ok" {
			t.Errorf("PATCHes after the restart: %+v", st.Patches)
		}
		if got := readsAfterPatch(t, st, sd.ID)[0]; got["partner_status"] != "complete" || !strings.HasPrefix(fmt.Sprint(got["partner_profile_url"]), second.URL+"/postings/") {
			t.Errorf("after the restart Greenhouse read %v", got)
		}
	})
}

// restartOn starts an instance for cfg on the address of base, the URL of
// an instance that was shut down, and stops it when the test ends.
func restartOn(t *testing.T, cfg *config.Config, base string) *apptest.Instance {
	t.Helper()
	ln, err := net.Listen("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatalf("listen on the old instance's address: %v", err)
	}
	cfg.BaseURL = base
	a, err := app.New(context.Background(), cfg, app.Options{Log: apptest.Logger(t)})
	if err != nil {
		ln.Close()
		t.Fatalf("app.New: %v", err)
	}
	if err := a.StartOn(context.Background(), ln); err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() { a.Shutdown(context.Background()) })
	return &apptest.Instance{App: a, URL: base}
}

// TestGreenhouseCallbackGuard: a callback url outside greenhouse.io and the
// sandbox hosts is never called, and the reason is recorded. The foreign
// host is a second sandbox that no operator allowed.
func TestGreenhouseCallbackGuard(t *testing.T) {
	gh := newGreenhouse(t, sandbox.Config{})
	elsewhere := newGreenhouse(t, sandbox.Config{})
	e := ghStart(t, "", gh, nil)
	admin, user, _, publicID, key := ghOrg(t, e, "acme")
	elsewhere.SetPartner(e.URL, key)
	sd, c := ghSend(t, e, elsewhere, user, publicID, "evil@example.test")
	if c.GHCallbackURL != sd.URL || !strings.HasPrefix(sd.URL, elsewhere.URL()) {
		t.Fatalf("callback url %q for send %+v", c.GHCallbackURL, sd)
	}
	complete(t, e, c, nil)
	var cb *model.GreenhouseCallback
	apptest.Eventually(t, 10*time.Second, "the refusal recorded", func() bool {
		cbs := mustCallbacks(t, e, user.OrgID)
		if len(cbs) == 0 {
			return false
		}
		cb = cbs[0]
		return cb.Status == model.CallbackFailed
	})
	hits := len(elsewhere.Snapshot().Patches) + len(gh.Snapshot().Patches)
	if hits != 0 || !strings.Contains(cb.LastError, "not sent: refused") || cb.Tries != 0 {
		t.Errorf("callback to a foreign host: %d hits, %+v", hits, cb)
	}
	if card := admin.Get("/settings/integrations").Body; !strings.Contains(card, "will not be pushed to Greenhouse") {
		t.Error("the card does not warn about the callback url at send_test")
	}
}

// TestGreenhouseCallbackCredential: with TS_GREENHOUSE_CALLBACK_AUTH=basic
// the configured credential is sent instead of the organization's key: a
// Greenhouse that expects exactly that credential takes the PATCH.
func TestGreenhouseCallbackCredential(t *testing.T) {
	gh := newGreenhouse(t, sandbox.Config{PatchCredential: "partner:s3cret"})
	e := ghStart(t, "", gh, func(c *config.Config) {
		c.Greenhouse.CallbackAuth = "basic"
		c.Greenhouse.CallbackCredential = "partner:s3cret"
	})
	_, user, _, publicID, key := ghOrg(t, e, "acme")
	gh.SetPartner(e.URL, key)
	sd, c := ghSend(t, e, gh, user, publicID, "cand9001@example.test")
	complete(t, e, c, nil)
	st := ghWait(t, gh, 10*time.Second, "the callback", func(st sandbox.State) bool { return len(st.Patches) == 1 })
	if got := st.Patches[0]; got.Auth != "ok" || got.Answer != http.StatusOK || got.SendID != sd.ID {
		t.Errorf("callback credential %s (answer %d), want partner:s3cret", got.Auth, got.Answer)
	}
	apptest.Eventually(t, 5*time.Second, "the callback recorded as delivered", func() bool {
		cbs := mustCallbacks(t, e, user.OrgID)
		return len(cbs) == 1 && cbs[0].Status == model.CallbackDelivered
	})
}
