package web_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// TestGreenhouseToldOfExpiry lets a Greenhouse candidate's link lapse
// unstarted: the sweep tells Greenhouse once, which reads "expired"; after an
// extension and a second lapse it is told again.
func TestGreenhouseToldOfExpiry(t *testing.T) {
	ctx := context.Background()
	fake := newFakeGreenhouse(t)
	e := ghStart(t, "", fake, nil)
	_, user, _, publicID, key := ghOrg(t, e, "acme")
	fake.set(e.URL, key)
	status, body, _ := ghCall(t, e.URL, http.MethodPost, "/api/greenhouse/send_test", key, sendTestBody(publicID, "hp@example.edu", fake.callbackURL("555")))
	if status != http.StatusOK {
		t.Fatalf("send_test: %d %s", status, body)
	}
	id := interviewID(t, body)
	fake.expect("555", id)
	cid, _ := strconv.ParseInt(id, 10, 64)
	lapse := func() {
		c := mustCandidate(t, e, user, cid)
		c.ExpiresAt = time.Now().Add(-time.Millisecond) // just lapsed, after anything reported before
		if err := store.UpdateCandidate(ctx, e.Store.DB, c, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.Candidates.SubmitOverdue(ctx); err != nil {
		t.Fatal(err)
	}
	lapse()
	for range 2 { // the second sweep must not report it again
		if _, err := e.Candidates.SubmitOverdue(ctx); err != nil {
			t.Fatal(err)
		}
	}
	apptest.Eventually(t, 10*time.Second, "the PATCH for the expiry", func() bool { return len(fake.delivered()) == 1 })
	if st := fake.delivered()[0].Status; st["partner_status"] != "expired" {
		t.Errorf("Greenhouse read %v", st)
	}
	if cbs := mustCallbacks(t, e, user.OrgID); len(cbs) != 1 || cbs[0].Reason != model.CallbackExpired {
		t.Fatalf("callbacks: %d", len(cbs))
	}
	if err := e.Candidates.Extend(ctx, user.Actor(), cid, 3); err != nil {
		t.Fatal(err)
	}
	e.Candidates.SubmitOverdue(ctx)
	if cbs := mustCallbacks(t, e, user.OrgID); len(cbs) != 1 {
		t.Errorf("an extended link was reported: %d callbacks", len(cbs))
	}
	lapse()
	e.Candidates.SubmitOverdue(ctx)
	apptest.Eventually(t, 10*time.Second, "the PATCH for the second expiry", func() bool { return len(fake.delivered()) == 2 })
}
