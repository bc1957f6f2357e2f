package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/greenhouse/sandbox"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// TestGreenhouseToldOfExpiry lets a Greenhouse candidate's link lapse
// unstarted: the sweep tells Greenhouse once, which reads "expired"; after an
// extension and a second lapse it is told again.
func TestGreenhouseToldOfExpiry(t *testing.T) {
	ctx := context.Background()
	gh := newGreenhouse(t, sandbox.Config{})
	e := ghStart(t, "", gh, nil)
	_, user, _, publicID, key := ghOrg(t, e, "acme")
	gh.SetPartner(e.URL, key)
	sd, c := ghSend(t, e, gh, user, publicID, "hp@example.edu")
	cid := c.ID
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
	st := ghWait(t, gh, 10*time.Second, "the PATCH for the expiry", func(st sandbox.State) bool { return len(readsAfterPatch(t, st, sd.ID)) == 1 })
	if got := readsAfterPatch(t, st, sd.ID)[0]; got["partner_status"] != "expired" {
		t.Errorf("Greenhouse read %v", got)
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
	st = ghWait(t, gh, 10*time.Second, "the PATCH for the second expiry", func(st sandbox.State) bool { return len(readsAfterPatch(t, st, sd.ID)) == 2 })
	if got := readsAfterPatch(t, st, sd.ID)[1]; got["partner_status"] != "expired" {
		t.Errorf("after the second lapse Greenhouse read %v", got)
	}
	if d := deliveredOf(st, sd.ID); len(d) != 2 || len(st.Patches) != 2 {
		t.Errorf("%d PATCHes accepted of %d, want 2 of 2", len(d), len(st.Patches))
	}
}
