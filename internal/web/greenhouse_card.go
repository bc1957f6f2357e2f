package web

import (
	"context"
	"database/sql"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// The integration's states, as the status badge shows them.
const (
	ghNotConfigured = "Not configured"
	ghRequested     = "Requested"
	ghActive        = "Active"
	ghRevoked       = "Revoked"
)

// GreenhouseState is an organization's integration state.
type GreenhouseState struct {
	Status string
	// Key is the active key, if any.
	Key *model.APIKey
	// Newest is the newest key in any status (nil when none was ever issued).
	Newest      *model.APIKey
	RequestedAt time.Time
	Settings    *model.GreenhouseSettings
}

// BadgeClass is the CSS class of the status badge.
func (s *GreenhouseState) BadgeClass() string {
	switch s.Status {
	case ghActive:
		return "badge-active"
	case ghRequested:
		return "badge-queued"
	case ghRevoked:
		return "badge-failed"
	}
	return "badge-closed"
}

func (g *greenhouseHandlers) greenhouseState(ctx context.Context, orgID int64) (*GreenhouseState, error) {
	st := &GreenhouseState{}
	var err error
	if st.Settings, err = store.OrgGreenhouseSettings(ctx, g.store.DB, orgID); err != nil {
		return nil, err
	}
	st.RequestedAt = st.Settings.SetupRequestedAt
	keys, err := store.OrgAPIKeys(ctx, g.store.DB, orgID, 1)
	if err != nil {
		return nil, err
	}
	if len(keys) > 0 {
		st.Newest = keys[0]
		if keys[0].Status == model.KeyActive {
			st.Key = keys[0]
		}
	}
	switch {
	case st.Key != nil:
		st.Status = ghActive
	case !st.RequestedAt.IsZero():
		st.Status = ghRequested
	case st.Newest != nil && st.Newest.Status == model.KeyRevoked:
		st.Status = ghRevoked
	default:
		st.Status = ghNotConfigured
	}
	return st, nil
}

// GreenhouseEndpoint is one URL to give Greenhouse.
type GreenhouseEndpoint struct {
	ID, Field, URL string
}

func (g *greenhouseHandlers) endpoints() []GreenhouseEndpoint {
	base := strings.TrimRight(g.cfg.BaseURL, "/") + "/api/greenhouse/"
	return []GreenhouseEndpoint{
		{"gh-list", "List Tests URL", base + "list_tests"},
		{"gh-send", "Send Test URL", base + "send_test"},
		{"gh-status", "Test Status URL", base + "test_status"},
		{"gh-errors", "Error Notification URL", base + "response_errors"},
	}
}

// Trouble is one row of the troubleshooting table: the help page's issue and
// solution, and whether (and how) we see it in this organization now.
type Trouble struct {
	Issue, Solution string
	Detected        bool
	Details         []string
}

// IntegrationsPage is the view of Settings → Integrations.
type IntegrationsPage struct {
	Base
	State           *GreenhouseState
	Endpoints       []GreenhouseEndpoint
	ActivePostings  int
	Candidates      model.StatusCounts
	FailedCallbacks []*model.GreenhouseCallback
	Events          []*model.GreenhouseEvent
	Errors          []*model.ResponseError
	Troubles        []Trouble
}

// troubleWindow is how far back the card looks for recent problems.
const troubleWindow = 7 * 24 * time.Hour

func (g *greenhouseHandlers) integrationsPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	org := orgFrom(ctx)
	v := &IntegrationsPage{Base: Base{Title: "Integrations", Nav: "settings"}, Endpoints: g.endpoints()}
	var err error
	if v.State, err = g.greenhouseState(ctx, org.ID); err != nil {
		g.fail(w, r, err)
		return
	}
	counts, err := store.CountPostings(ctx, g.store.DB, org.ID)
	if err != nil {
		g.fail(w, r, err)
		return
	}
	v.ActivePostings = counts[model.PostingActive]
	now := g.now()
	if v.Candidates, err = store.GreenhouseCandidateCounts(ctx, g.store.DB, org.ID, now); err == nil {
		if v.FailedCallbacks, err = store.ListGreenhouseCallbacks(ctx, g.store.DB, model.CallbackFilter{OrgID: org.ID, Status: model.CallbackFailed, Limit: 5}); err == nil {
			if v.Events, err = store.RecentGreenhouseEvents(ctx, g.store.DB, org.ID, false, time.Time{}, 15); err == nil {
				v.Errors, err = store.ListResponseErrors(ctx, g.store.DB, org.ID, time.Time{}, 5)
			}
		}
	}
	if err != nil {
		g.fail(w, r, err)
		return
	}
	if v.Troubles, err = g.troubles(ctx, org.ID, v); err != nil {
		g.fail(w, r, err)
		return
	}
	g.render(w, r, http.StatusOK, "integrations", v)
}

// troubles fills in the help page's troubleshooting table with what we see.
func (g *greenhouseHandlers) troubles(ctx context.Context, orgID int64, v *IntegrationsPage) ([]Trouble, error) {
	since := g.now().Add(-troubleWindow)
	failed, err := store.RecentGreenhouseEvents(ctx, g.store.DB, orgID, true, since, 50)
	if err != nil {
		return nil, err
	}
	latest := func(kind string) []string {
		for _, e := range failed {
			if e.Kind == kind {
				return []string{ghDate(e.CreatedAt) + ": " + e.Detail}
			}
		}
		return nil
	}
	postings := Trouble{Issue: "Postings not showing in Greenhouse", Solution: "Make sure the posting is active (not draft) and your API key is valid."}
	if v.ActivePostings == 0 {
		postings.Detected = true
		postings.Details = append(postings.Details, "You have no active postings: Greenhouse lists only active ones. Publish a posting to offer it.")
	}
	if v.State.Status != ghActive {
		postings.Detected = true
		postings.Details = append(postings.Details, "Your organization has no valid API key, so Greenhouse cannot connect.")
	}
	notCreated := Trouble{Issue: "Candidate not created", Solution: "Check that the Greenhouse job is mapped to the correct posting."}
	if d := latest("send_test"); d != nil {
		notCreated.Detected, notCreated.Details = true, d
	}
	results := Trouble{Issue: "Results not appearing in Greenhouse", Solution: "The assessment may still be in progress — Greenhouse polls for status automatically."}
	if n := v.Candidates[model.CandidateSent] + v.Candidates[model.CandidateStarted]; n > 0 {
		results.Detected = true
		results.Details = append(results.Details, fmt.Sprintf("%d %s from Greenhouse %s not finished the assessment yet (%d not started, %d in progress).",
			n, pluralWord(n, "candidate", "candidates"), pluralWord(n, "has", "have"), v.Candidates[model.CandidateSent], v.Candidates[model.CandidateStarted]))
	}
	if n := len(v.FailedCallbacks); n > 0 {
		results.Detected = true
		cb := v.FailedCallbacks[0]
		results.Details = append(results.Details, fmt.Sprintf("We could not tell Greenhouse about a result (candidate #%d, %s): %s. Talent Systems staff can see and retry it.", cb.CandidateID, ghDate(cb.UpdatedAt), cb.LastError))
	}
	key := Trouble{Issue: "API key not working", Solution: "Contact your administrator — the key may have been revoked or rotated."}
	if v.State.Status == ghRevoked {
		key.Detected = true
		key.Details = append(key.Details, "Your API key "+v.State.Newest.Prefix+"… was revoked on "+ghDate(v.State.Newest.EndedAt)+". Request a new key with Request Setup.")
	}
	if d := latest("auth"); d != nil {
		key.Detected = true
		key.Details = append(key.Details, d...)
	}
	reported := Trouble{Issue: "Greenhouse reported errors", Solution: "Greenhouse told us that one of our answers was malformed. Talent Systems staff see these reports too; if they continue, contact support with the time shown."}
	if len(v.Errors) > 0 && v.Errors[0].CreatedAt.After(since) {
		e := v.Errors[0]
		reported.Detected = true
		reported.Details = []string{ghDate(e.CreatedAt) + ": in " + e.APICall + ": " + strings.Join(e.Errors, "; ")}
	}
	return []Trouble{postings, notCreated, results, key, reported}, nil
}

func ghDate(t time.Time) string { return t.UTC().Format("2 Jan 2006 15:04 UTC") }

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// requestSetup asks staff for a key: the card then shows Requested, and staff
// are mailed (and see the request in their console) once, however often the
// button is pressed.
func (g *greenhouseHandlers) requestSetup(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	org, user := orgFrom(ctx), userFrom(ctx)
	st, err := g.greenhouseState(ctx, org.ID)
	if err != nil {
		g.fail(w, r, err)
		return
	}
	if st.Status == ghActive {
		g.flash(w, "The Greenhouse integration is already active: there is nothing to request.")
		http.Redirect(w, r, "/settings/integrations", http.StatusSeeOther)
		return
	}
	var fresh bool
	err = g.store.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if fresh, err = store.RequestGreenhouseSetup(ctx, tx, org.ID, user.ID, g.now()); err != nil || !fresh {
			return err
		}
		if err := store.Audit(ctx, tx, org.ID, user.ID, "greenhouse.setup_request", "requested by "+user.Email, g.now()); err != nil {
			return err
		}
		g.event(ctx, tx, org.ID, "key", true, user.Name+" requested the Greenhouse setup.")
		return g.notifyStaff(ctx, tx, org, user)
	})
	if err != nil {
		g.fail(w, r, err)
		return
	}
	if fresh {
		g.flash(w, "Setup requested. The Talent Systems team has been notified and will set up your API key.")
	} else {
		g.flash(w, "Setup was already requested on "+ghDate(st.RequestedAt)+"; the Talent Systems team is on it.")
	}
	http.Redirect(w, r, "/settings/integrations", http.StatusSeeOther)
}

// notifyStaff mails every staff user about a setup request, in tx.
func (g *greenhouseHandlers) notifyStaff(ctx context.Context, tx *sql.Tx, org *model.Org, user *model.User) error {
	staff, err := store.StaffEmails(ctx, tx)
	if err != nil {
		return err
	}
	link := fmt.Sprintf("%s/staff/orgs/%d/greenhouse", g.cfg.BaseURL, org.ID)
	text := fmt.Sprintf("%s (%s) asked for the Greenhouse Assessment Partner integration of %s (%s).\n\nGenerate the organization's API key here:\n%s\n\nThe request waits in the staff console under Greenhouse until a key is generated.\n",
		user.Name, user.Email, org.Name, org.Slug, link)
	html := fmt.Sprintf(`<p>%s (%s) asked for the Greenhouse Assessment Partner integration of <strong>%s</strong> (<code>%s</code>).</p><p><a href="%s">Generate the organization's API key</a></p><p>The request waits in the staff console under Greenhouse until a key is generated.</p>`,
		template.HTMLEscapeString(user.Name), template.HTMLEscapeString(user.Email), template.HTMLEscapeString(org.Name), template.HTMLEscapeString(org.Slug), template.HTMLEscapeString(link))
	for _, to := range staff {
		if err := g.queue.SendEmail(ctx, tx, &model.Email{To: to, Subject: "Greenhouse setup requested by " + org.Name, Text: text, HTML: html, CreatedAt: g.now()}); err != nil {
			return err
		}
	}
	return nil
}

func (g *greenhouseHandlers) setEmailCandidates(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	org, user := orgFrom(ctx), userFrom(ctx)
	on := r.PostForm.Get("email_candidates") == "on"
	err := g.store.Tx(ctx, func(tx *sql.Tx) error {
		if err := store.SetGreenhouseEmailCandidates(ctx, tx, org.ID, on, g.now()); err != nil {
			return err
		}
		return store.Audit(ctx, tx, org.ID, user.ID, "greenhouse.email_candidates", fmt.Sprintf("set to %t", on), g.now())
	})
	if err != nil {
		g.fail(w, r, err)
		return
	}
	if on {
		g.flash(w, "Candidates sent from Greenhouse will now get their assessment link by email from Talent Systems.")
	} else {
		g.flash(w, "Candidates sent from Greenhouse get no email from Talent Systems: Greenhouse handles candidate communication.")
	}
	http.Redirect(w, r, "/settings/integrations", http.StatusSeeOther)
}
