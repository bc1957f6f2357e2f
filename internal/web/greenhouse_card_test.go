package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/account"
	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/greenhouse/sandbox"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

var newKeyRe = regexp.MustCompile(`<code id="gh-new-key">(gh_[0-9A-Za-z]{40})</code>`)

// TestIntegrationsCard walks the card from Not configured to Active: Request
// Setup (staff told once), staff generate the key (shown once) and the card
// shows it working; rotation and revocation from the staff console.
func TestIntegrationsCard(t *testing.T) {
	ctx := context.Background()
	e := ghStart(t, "", nil, nil)
	admin, user := e.member(t, "acme", "ann@acme.test", model.RoleAdmin)
	recruiter, _ := e.member(t, "acme", "rob@acme.test", model.RoleRecruiter)
	if _, err := e.Accounts.CreateUser(ctx, model.CommandLine(0), accountStaff("ops@ts.test")); err != nil {
		t.Fatal(err)
	}

	if r := recruiter.Get("/settings/integrations"); r.Status != http.StatusForbidden {
		t.Errorf("a recruiter opens the integrations page: %d", r.Status)
	}
	if r := admin.Get("/settings"); !strings.Contains(r.Body, `href="/settings/integrations"`) {
		t.Error("the settings page does not link to Integrations")
	}
	card := admin.Get("/settings/integrations")
	if card.Status != http.StatusOK || !strings.Contains(card.Body, `id="gh-status">Not configured<`) {
		t.Fatalf("card: %d", card.Status)
	}
	for _, ep := range []string{"list_tests", "send_test", "test_status", "response_errors"} {
		// The URL is plain text in the page (selectable without JavaScript).
		if !strings.Contains(card.Body, ">"+e.URL+"/api/greenhouse/"+ep+"</code>") {
			t.Errorf("the card lacks the %s URL", ep)
		}
	}
	for _, issue := range []string{"Postings not showing in Greenhouse", "Candidate not created", "Results not appearing in Greenhouse", "API key not working", "Greenhouse reported errors"} {
		if !strings.Contains(card.Body, issue) {
			t.Errorf("troubleshooting lacks %q", issue)
		}
	}
	if !strings.Contains(card.Body, "You have no active postings") {
		t.Error("the card does not say there are no active postings")
	}

	for i := 0; i < 3; i++ {
		r := admin.Submit("/settings/integrations", "/settings/integrations/greenhouse/request-setup", nil)
		if r.Status != http.StatusSeeOther {
			t.Fatalf("request setup: %d %s", r.Status, r.Body)
		}
	}
	card = admin.Get("/settings/integrations")
	if !strings.Contains(card.Body, `id="gh-status">Requested<`) || strings.Contains(card.Body, `id="gh-request"`) {
		t.Error("the card does not show Requested after Request Setup")
	}
	for _, to := range []string{"staff@ts.test", "ops@ts.test"} {
		m := e.box.WaitFor(t, to, 10*time.Second)
		if !strings.Contains(m.Subject, "Acme") || !strings.Contains(m.Text, "/staff/orgs/"+strconv.FormatInt(user.OrgID, 10)+"/greenhouse") {
			t.Errorf("staff mail: %q %s", m.Subject, m.Text)
		}
	}
	// The outbox commits with the request: it holds every mail the clicks made.
	outbox, err := e.Queue.Outbox(context.Background(), 50)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(outbox); n != 2 {
		t.Errorf("%d mails for three clicks, want one per staff user", n)
	}

	staff := apptest.NewClient(t, e.URL)
	staff.SignIn("staff@ts.test", password)
	overview := staff.Get("/staff/greenhouse")
	if !strings.Contains(overview.Body, "Setup requests") || !strings.Contains(overview.Body, `href="/staff/orgs/`+strconv.FormatInt(user.OrgID, 10)+`/greenhouse">Generate a key`) {
		t.Fatal("the staff queue does not list the request")
	}
	if r := admin.Get("/staff/greenhouse"); r.Status != http.StatusForbidden {
		t.Errorf("an org admin opens the staff page: %d", r.Status)
	}
	orgPage := "/staff/orgs/" + strconv.FormatInt(user.OrgID, 10) + "/greenhouse"
	if r := staff.Get("/staff/orgs/" + strconv.FormatInt(user.OrgID, 10)); !strings.Contains(r.Body, orgPage) {
		t.Error("the staff organization page does not link to its Greenhouse page")
	}
	r := staff.Submit(orgPage, orgPage+"/keys/generate", nil)
	m := newKeyRe.FindStringSubmatch(r.Body)
	if r.Status != http.StatusOK || m == nil {
		t.Fatalf("generate: %d", r.Status)
	}
	key := m[1]
	if r.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("the page with the key may be cached: %q", r.Header.Get("Cache-Control"))
	}
	if again := staff.Get(orgPage); strings.Contains(again.Body, key) || !strings.Contains(again.Body, key[:9]+"…") {
		t.Error("the key is shown again, or its prefix is not")
	}
	if strings.Contains(staff.Get("/staff/greenhouse").Body, "Generate a key") {
		t.Error("the request is still queued after a key was generated")
	}
	if r := staff.Submit(orgPage, orgPage+"/keys/generate", nil); r.Status != http.StatusConflict {
		t.Errorf("a second generate: %d", r.Status)
	}
	if status, _, _ := ghCall(t, e.URL, http.MethodGet, "/api/greenhouse/list_tests", key, ""); status != http.StatusOK {
		t.Fatalf("the generated key does not work: %d", status)
	}
	card = admin.Get("/settings/integrations")
	if !strings.Contains(card.Body, `id="gh-status">Active<`) || !strings.Contains(card.Body, key[:9]+"…") || strings.Contains(card.Body, key) {
		t.Error("the card does not show Active with the key's prefix only")
	}
	if !strings.Contains(card.Body, "Greenhouse listed your postings") {
		t.Error("the card's activity lacks the list_tests call")
	}
	if regexp.MustCompile(`Last used</dt><dd>never`).MatchString(card.Body) {
		t.Error("the key's last use is not shown")
	}

	r = staff.Submit(orgPage, orgPage+"/keys/rotate", nil)
	m = newKeyRe.FindStringSubmatch(r.Body)
	if r.Status != http.StatusOK || m == nil || m[1] == key {
		t.Fatalf("rotate: %d", r.Status)
	}
	if status, _, _ := ghCall(t, e.URL, http.MethodGet, "/api/greenhouse/list_tests", key, ""); status != http.StatusUnauthorized {
		t.Errorf("the old key after rotation: %d", status)
	}
	if status, _, _ := ghCall(t, e.URL, http.MethodGet, "/api/greenhouse/list_tests", m[1], ""); status != http.StatusOK {
		t.Errorf("the new key: %d", status)
	}
	if r := staff.Submit(orgPage, orgPage+"/keys/revoke", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", r.Status)
	}
	if status, _, _ := ghCall(t, e.URL, http.MethodGet, "/api/greenhouse/list_tests", m[1], ""); status != http.StatusUnauthorized {
		t.Errorf("the revoked key: %d", status)
	}
	events, _ := store.OrgAudit(ctx, e.Store.DB, user.OrgID, 20)
	var actions []string
	for _, ev := range events {
		actions = append(actions, ev.Action)
	}
	if got := strings.Join(actions, " "); !strings.HasPrefix(got, "apikey.revoke apikey.rotate apikey.generate greenhouse.setup_request") {
		t.Errorf("audit log: %s", got)
	}

	// Email Greenhouse candidates their link: off by default, an org setting.
	if strings.Contains(card.Body, `name="email_candidates" checked`) {
		t.Error("emailing Greenhouse candidates is on by default")
	}
	if r := admin.Submit("/settings/integrations", "/settings/integrations/greenhouse/email", url.Values{"email_candidates": {"on"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("email setting: %d", r.Status)
	}
	if s, _ := store.OrgGreenhouseSettings(ctx, e.Store.DB, user.OrgID); !s.EmailCandidates {
		t.Error("the email setting was not saved")
	}
	if !strings.Contains(admin.Get("/settings/integrations").Body, `name="email_candidates" checked`) {
		t.Error("the card does not show the email setting on")
	}
}

// TestGreenhouseEmailOptIn: with the organization's opt-in, send_test mails
// the candidate their link.
func TestGreenhouseEmailOptIn(t *testing.T) {
	ctx := context.Background()
	gh := newGreenhouse(t, sandbox.Config{})
	e := ghStart(t, "", gh, nil)
	_, user, _, publicID, key := ghOrg(t, e, "acme")
	gh.SetPartner(e.URL, key)
	if err := store.SetGreenhouseEmailCandidates(ctx, e.Store.DB, user.OrgID, true, time.Now()); err != nil {
		t.Fatal(err)
	}
	_, c := ghSend(t, e, gh, user, publicID, "cand3001@example.test")
	m := e.box.WaitFor(t, c.Email, 10*time.Second)
	if !strings.Contains(m.Text, e.Candidates.Link(c)) {
		t.Errorf("the mail lacks the link: %s", m.Text)
	}
}

func accountStaff(email string) account.NewUser {
	return account.NewUser{Email: email, Name: "Ops", Password: password, Role: model.RoleStaff}
}
