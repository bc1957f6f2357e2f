package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/model"
)

// An admin removes a teammate (after confirming), resends and revokes
// pending invitations, and cannot invite the same address twice.
func TestTeamAdmin(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := start(t, "")
	admin, ann := e.member(t, "acme", "ann@acme.test", model.RoleAdmin)
	bobC, bob := e.member(t, "acme", "bob@acme.test", model.RoleRecruiter)
	other, _ := e.member(t, "globex", "gus@globex.test", model.RoleAdmin)

	invite := url.Values{"email": {"cat@acme.test"}, "role": {"recruiter"}}
	mustStatus(t, "invite", admin.Submit("/settings", "/settings/teammates", invite), http.StatusSeeOther)
	first := linkRe.FindString(e.box.WaitFor(t, "cat@acme.test", 10*time.Second).Text)
	if r := admin.Submit("/settings", "/settings/teammates", invite); r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "already invited") {
		t.Errorf("second invitation to the same address: %d", r.Status)
	}
	pending, _ := e.Accounts.PendingInvitations(ctx, ann.OrgID)
	if len(pending) != 1 {
		t.Fatalf("%d pending invitations", len(pending))
	}
	if r := other.Submit("/settings", fmt.Sprintf("/settings/invitations/%d/revoke", pending[0].ID), nil); r.Status != http.StatusNotFound {
		t.Errorf("another organization revoked an invitation: %d", r.Status)
	}
	mustStatus(t, "resend", admin.Submit("/settings", fmt.Sprintf("/settings/invitations/%d/resend", pending[0].ID), nil), http.StatusSeeOther)
	var second string
	for deadline := time.Now().Add(10 * time.Second); second == "" || second == first; time.Sleep(50 * time.Millisecond) {
		for _, m := range e.box.Messages() {
			if l := linkRe.FindString(m.Text); m.To == "cat@acme.test" && l != first {
				second = l
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("no second invitation mail")
		}
	}
	path := func(link string) string { return link[strings.Index(link, "/invite/"):] }
	if r := admin.Get(path(first)); r.Status == http.StatusOK {
		t.Error("the replaced invitation link still works")
	}
	if r := admin.Get(path(second)); r.Status != http.StatusOK {
		t.Errorf("the resent link: %d", r.Status)
	}
	pending, _ = e.Accounts.PendingInvitations(ctx, ann.OrgID)
	mustStatus(t, "revoke", admin.Submit("/settings", fmt.Sprintf("/settings/invitations/%d/revoke", pending[0].ID), nil), http.StatusSeeOther)
	if r := admin.Get(path(second)); r.Status == http.StatusOK {
		t.Error("the revoked invitation link still works")
	}

	remove := fmt.Sprintf("/settings/teammates/%d/remove", bob.ID)
	if r := admin.Submit("/settings", remove, nil); r.Status != http.StatusOK || !strings.Contains(r.Body, "can no longer sign in") {
		t.Fatalf("remove without confirmation: %d", r.Status)
	}
	if r := admin.Submit("/settings", fmt.Sprintf("/settings/teammates/%d/remove", ann.ID), url.Values{"confirm": {"yes"}}); r.Status != http.StatusConflict {
		t.Errorf("removing oneself: %d", r.Status)
	}
	mustStatus(t, "remove", admin.Submit("/settings", remove, url.Values{"confirm": {"yes"}}), http.StatusSeeOther)
	if r := bobC.Get("/postings"); r.Status == http.StatusOK {
		t.Error("the removed teammate is still signed in")
	}
	members, _ := e.Accounts.Members(ctx, ann.OrgID)
	if len(members) != 1 {
		t.Errorf("%d members after removal", len(members))
	}
}
