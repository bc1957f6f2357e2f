package partner

import (
	"context"
	"database/sql"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// The integration's states, as the status badge shows them.
const (
	NotConfigured = "Not configured"
	Requested     = "Requested"
	Active        = "Active"
	Revoked       = "Revoked"
)

// State is an organization's integration state.
type State struct {
	Status string
	// Key is the active key, if any.
	Key *model.APIKey
	// Newest is the newest key in any status (nil when none was ever issued).
	Newest      *model.APIKey
	RequestedAt time.Time
	Settings    *model.GreenhouseSettings
}

// BadgeClass is the CSS class of the status badge.
func (s *State) BadgeClass() string {
	switch s.Status {
	case Active:
		return "badge-active"
	case Requested:
		return "badge-queued"
	case Revoked:
		return "badge-failed"
	}
	return "badge-closed"
}

// State returns an organization's integration state.
func (s *Service) State(ctx context.Context, orgID int64) (*State, error) {
	st := &State{}
	var err error
	if st.Settings, err = store.OrgGreenhouseSettings(ctx, s.store.DB, orgID); err != nil {
		return nil, err
	}
	st.RequestedAt = st.Settings.SetupRequestedAt
	keys, err := store.OrgAPIKeys(ctx, s.store.DB, orgID, 1)
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
		st.Status = Active
	case !st.RequestedAt.IsZero():
		st.Status = Requested
	case st.Newest != nil && st.Newest.Status == model.KeyRevoked:
		st.Status = Revoked
	default:
		st.Status = NotConfigured
	}
	return st, nil
}

// Trouble is one row of the troubleshooting table: the help page's issue and
// solution, and whether (and how) we see it in this organization now.
type Trouble struct {
	Issue, Solution string
	Detected        bool
	Details         []string
}

// Card is what an organization's admins see of the integration.
type Card struct {
	State           *State
	Endpoints       []Endpoint
	ActivePostings  int
	Candidates      model.StatusCounts
	FailedCallbacks []*model.GreenhouseCallback
	Events          []*model.GreenhouseEvent
	Errors          []*model.ResponseError
	Troubles        []Trouble
}

// troubleWindow is how far back the card looks for recent problems.
const troubleWindow = 7 * 24 * time.Hour

// Card returns the organization's integration card; the moments its
// messages name are shown in the reader's time zone.
func (s *Service) Card(ctx context.Context, orgID int64, reader model.Actor) (*Card, error) {
	s.Flush(ctx, orgID) // this instance's counted reads show at once
	c := &Card{Endpoints: s.Endpoints()}
	var err error
	if c.State, err = s.State(ctx, orgID); err != nil {
		return nil, err
	}
	counts, err := store.CountPostings(ctx, s.store.DB, orgID)
	if err != nil {
		return nil, err
	}
	c.ActivePostings = counts.Active()
	if c.Candidates, err = store.GreenhouseCandidateCounts(ctx, s.store.DB, orgID, s.now()); err != nil {
		return nil, err
	}
	if c.FailedCallbacks, err = store.ListGreenhouseCallbacks(ctx, s.store.DB, model.CallbackFilter{OrgID: orgID, Status: model.CallbackFailed, Limit: 5}); err != nil {
		return nil, err
	}
	if c.Events, err = store.RecentGreenhouseEvents(ctx, s.store.DB, orgID, false, time.Time{}, 15); err != nil {
		return nil, err
	}
	if c.Errors, err = store.ListResponseErrors(ctx, s.store.DB, orgID, time.Time{}, 5); err != nil {
		return nil, err
	}
	if c.Troubles, err = s.troubles(ctx, orgID, c, reader); err != nil {
		return nil, err
	}
	return c, nil
}

// troubles fills in the help page's troubleshooting table with what we see.
func (s *Service) troubles(ctx context.Context, orgID int64, c *Card, reader model.Actor) ([]Trouble, error) {
	since := s.now().Add(-troubleWindow)
	failed, err := store.RecentGreenhouseEvents(ctx, s.store.DB, orgID, true, since, 50)
	if err != nil {
		return nil, err
	}
	latest := func(kind string) []string {
		for _, e := range failed {
			if e.Kind == kind {
				return []string{reader.Moment(e.CreatedAt) + ": " + e.Detail}
			}
		}
		return nil
	}
	postings := Trouble{Issue: "Postings not showing in Greenhouse", Solution: "Make sure the posting is active (not draft) and your API key is valid."}
	if c.ActivePostings == 0 {
		postings.Detected = true
		postings.Details = append(postings.Details, "You have no active postings: Greenhouse lists only active ones. Publish a posting to offer it.")
	}
	if c.State.Status != Active {
		postings.Detected = true
		postings.Details = append(postings.Details, "Your organization has no valid API key, so Greenhouse cannot connect.")
	}
	notCreated := Trouble{Issue: "Candidate not created", Solution: "Check that the Greenhouse job is mapped to the correct posting."}
	if d := latest("send_test"); d != nil {
		notCreated.Detected, notCreated.Details = true, d
	}
	results := Trouble{Issue: "Results not appearing in Greenhouse", Solution: "The assessment may still be in progress — Greenhouse polls for status automatically."}
	if n := c.Candidates.Sent() + c.Candidates.Started(); n > 0 {
		results.Detected = true
		results.Details = append(results.Details, fmt.Sprintf("%d %s from Greenhouse %s not finished the assessment yet (%d not started, %d in progress).",
			n, plural(n, "candidate", "candidates"), plural(n, "has", "have"), c.Candidates.Sent(), c.Candidates.Started()))
	}
	if len(c.FailedCallbacks) > 0 {
		results.Detected = true
		cb := c.FailedCallbacks[0]
		results.Details = append(results.Details, fmt.Sprintf("We could not tell Greenhouse about a result (candidate #%d, %s): %s. Talent Systems staff can see and retry it.", cb.CandidateID, reader.Moment(cb.UpdatedAt), cb.LastError))
	}
	key := Trouble{Issue: "API key not working", Solution: "Contact your administrator — the key may have been revoked or rotated."}
	if c.State.Status == Revoked {
		key.Detected = true
		key.Details = append(key.Details, "Your API key "+c.State.Newest.Prefix+"… was revoked on "+reader.Moment(c.State.Newest.EndedAt)+". Request a new key with Request Setup.")
	}
	if d := latest("auth"); d != nil {
		key.Detected = true
		key.Details = append(key.Details, d...)
	}
	reported := Trouble{Issue: "Greenhouse reported errors", Solution: "Greenhouse told us that one of our answers was malformed. Talent Systems staff see these reports too; if they continue, contact support with the time shown."}
	if len(c.Errors) > 0 && c.Errors[0].CreatedAt.After(since) {
		e := c.Errors[0]
		reported.Detected = true
		reported.Details = []string{reader.Moment(e.CreatedAt) + ": in " + e.APICall + ": " + strings.Join(e.Errors, "; ")}
	}
	return []Trouble{postings, notCreated, results, key, reported}, nil
}

// SetupRequest is the outcome of RequestSetup.
type SetupRequest struct {
	// AlreadyActive: the integration has a key, nothing was requested.
	AlreadyActive bool
	// Fresh: this request was recorded and staff were mailed; otherwise one
	// was already pending since RequestedAt.
	Fresh       bool
	RequestedAt time.Time
}

// RequestSetup asks staff for a key: the card then shows Requested, and
// staff are mailed (and see the request in their console) once, however
// often it is asked.
func (s *Service) RequestSetup(ctx context.Context, actor model.Actor) (*SetupRequest, error) {
	st, err := s.State(ctx, actor.OrgID)
	if err != nil {
		return nil, err
	}
	if st.Status == Active {
		return &SetupRequest{AlreadyActive: true}, nil
	}
	out := &SetupRequest{RequestedAt: st.RequestedAt}
	err = s.store.Tx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		var err error
		if out.Fresh, err = store.RequestGreenhouseSetup(ctx, tx, actor.OrgID, actor.UserID, now); err != nil || !out.Fresh {
			return err
		}
		out.RequestedAt = now.Truncate(time.Microsecond) // as stored
		if err := store.Audit(ctx, tx, actor.OrgID, actor.UserID, "greenhouse.setup_request", "requested by "+actor.Email, now); err != nil {
			return err
		}
		s.event(ctx, tx, actor.OrgID, "key", true, actor.Name+" requested the Greenhouse setup.")
		return s.notifyStaff(ctx, tx, actor)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// notifyStaff mails every staff user about a setup request, in tx.
func (s *Service) notifyStaff(ctx context.Context, tx *sql.Tx, actor model.Actor) error {
	org, err := store.OrgByID(ctx, tx, actor.OrgID)
	if err != nil {
		return err
	}
	staff, err := store.StaffEmails(ctx, tx)
	if err != nil {
		return err
	}
	link := fmt.Sprintf("%s/staff/orgs/%d/greenhouse", s.baseURL, org.ID)
	text := fmt.Sprintf("%s (%s) asked for the Greenhouse Assessment Partner integration of %s (%s).\n\nGenerate the organization's API key here:\n%s\n\nThe request waits in the staff console under Greenhouse until a key is generated.\n",
		actor.Name, actor.Email, org.Name, org.Slug, link)
	html := fmt.Sprintf(`<p>%s (%s) asked for the Greenhouse Assessment Partner integration of <strong>%s</strong> (<code>%s</code>).</p><p><a href="%s">Generate the organization's API key</a></p><p>The request waits in the staff console under Greenhouse until a key is generated.</p>`,
		template.HTMLEscapeString(actor.Name), template.HTMLEscapeString(actor.Email), template.HTMLEscapeString(org.Name), template.HTMLEscapeString(org.Slug), template.HTMLEscapeString(link))
	for _, to := range staff {
		if err := s.queue.SendEmail(ctx, tx, &model.Email{To: to, Subject: "Greenhouse setup requested by " + org.Name, Text: text, HTML: html, CreatedAt: s.now()}); err != nil {
			return err
		}
	}
	return nil
}

// SetEmailCandidates turns the invitation mail for Greenhouse candidates on or off.
func (s *Service) SetEmailCandidates(ctx context.Context, actor model.Actor, on bool) error {
	return s.store.Tx(ctx, func(tx *sql.Tx) error {
		if err := store.SetGreenhouseEmailCandidates(ctx, tx, actor.OrgID, on, s.now()); err != nil {
			return err
		}
		return store.Audit(ctx, tx, actor.OrgID, actor.UserID, "greenhouse.email_candidates", fmt.Sprintf("set to %t", on), s.now())
	})
}
