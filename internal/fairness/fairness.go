// Package fairness keeps candidates' voluntary self-identification apart from
// their applications and computes the adverse-impact report a customer runs on
// its own candidates: selection or scoring rates by sex, race/ethnicity and
// their intersection, impact ratios (the four-fifths rule, 29 CFR 1607.4(D),
// in the layout of NYC Local Law 144 bias audits, 6 RCNY §5-301), Fisher's
// exact test and a practical-significance check.
//
// The answers are read only here, and only in aggregate: no page, list,
// export, log line or Greenhouse call gets them per candidate.
package fairness

import (
	"context"
	"database/sql"
	"slices"
	"time"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// Service applies the fairness rules to the store.
type Service struct {
	Store *store.Store
	Now   func() time.Time
}

// The survey's states, as the candidate's completed page shows them.
const (
	SurveyNone     = ""         // not offered: the assessment is not finished
	SurveyOff      = "off"      // the organization switched the survey off
	SurveyOpen     = "open"     // offered, not answered yet
	SurveyAnswered = "answered" // answered
)

// SurveyState says whether candidate c is offered the survey.
func (s *Service) SurveyState(ctx context.Context, c *model.Candidate) (string, error) {
	if c == nil || c.Status != model.CandidateCompleted || !c.ErasedAt.IsZero() {
		return SurveyNone, nil
	}
	off, err := store.SurveyOff(ctx, s.Store.DB, c.OrgID)
	if err != nil || off {
		return SurveyOff, err
	}
	done, err := store.HasSelfIdentification(ctx, s.Store.DB, c.ID)
	if err != nil {
		return "", err
	}
	if done {
		return SurveyAnswered, nil
	}
	return SurveyOpen, nil
}

// Record stores candidate c's answers. Each must be one of the survey's codes
// ("I prefer not to say" included); the candidate must have finished the
// assessment and the organization must offer the survey. Answering again
// replaces the earlier answers.
func (s *Service) Record(ctx context.Context, c *model.Candidate, sex, race string) error {
	if !valid(SexOptions, sex) {
		return apperror.Field("sex", "Choose one of the answers about sex, or “I prefer not to say”.")
	}
	if !valid(RaceOptions, race) {
		return apperror.Field("race", "Choose one of the answers about race or ethnicity, or “I prefer not to say”.")
	}
	state, err := s.SurveyState(ctx, c)
	if err != nil {
		return err
	}
	switch state {
	case SurveyNone:
		return apperror.New(apperror.Conflict, "The survey opens once the assessment is submitted.")
	case SurveyOff:
		return apperror.New(apperror.Conflict, "This organization does not ask for self-identification.")
	}
	return s.Store.Tx(ctx, func(tx *sql.Tx) error {
		return store.SaveSelfIdentification(ctx, tx, c.OrgID, c.ID, store.SelfIdentification{Sex: sex, Race: race}, s.Now())
	})
}

// SurveyEnabled reports whether the actor's organization offers the survey.
func (s *Service) SurveyEnabled(ctx context.Context, actor model.Actor) (bool, error) {
	off, err := store.SurveyOff(ctx, s.Store.DB, actor.OrgID)
	return !off, err
}

// SetSurvey switches the actor's organization's survey on or off (admins
// only). Answers already given stay, for the reports.
func (s *Service) SetSurvey(ctx context.Context, actor model.Actor, on bool) error {
	if actor.Role != model.RoleAdmin || actor.OrgID == 0 {
		return apperror.New(apperror.Forbidden, "Only an organization admin can change the survey setting.")
	}
	return s.Store.Tx(ctx, func(tx *sql.Tx) error {
		if err := store.SetSurveyOff(ctx, tx, actor.OrgID, !on, s.Now()); err != nil {
			return err
		}
		detail := "survey on"
		if !on {
			detail = "survey off"
		}
		return store.Audit(ctx, tx, actor.OrgID, actor.UserID, "fairness.survey", detail, s.Now())
	})
}

// Options choose a report.
type Options struct {
	// PostingID is the posting reported on; 0 for all of the organization's.
	PostingID int64
	Basis     Basis
	// Level is the lowest recommendation that counts as selected (Selection).
	Level    string
	MinCount int
}

// Check validates the options, filling in defaults.
func (o *Options) Check() error {
	if o.Basis == "" {
		o.Basis = Selection
	}
	if o.Basis != Selection && o.Basis != Scoring {
		return apperror.Field("basis", "Choose selection rate or scoring rate.")
	}
	if o.Level == "" {
		o.Level = "yes"
	}
	if !slices.Contains(Levels, o.Level) {
		return apperror.Field("level", "Choose a recommendation level: strong_yes, yes, no or strong_no.")
	}
	if o.MinCount == 0 {
		o.MinCount = DefaultMinCount
	}
	if o.MinCount < 2 || o.MinCount > 100 {
		return apperror.Field("min", "The minimum group size must be between 2 and 100.")
	}
	if o.PostingID < 0 {
		return apperror.Field("posting", "Choose a posting.")
	}
	return nil
}

// Report computes the adverse-impact report on the actor's organization's
// scored candidates (of one posting, or all).
func (s *Service) Report(ctx context.Context, actor model.Actor, o Options) (*Report, error) {
	if err := o.Check(); err != nil {
		return nil, err
	}
	if o.PostingID != 0 {
		if _, err := store.OrgPosting(ctx, s.Store.DB, actor.OrgID, o.PostingID); err != nil {
			return nil, err
		}
	}
	samples, err := store.FairnessSamples(ctx, s.Store.DB, actor.OrgID, o.PostingID)
	if err != nil {
		return nil, err
	}
	return Build(samples, o.Basis, o.Level, o.MinCount), nil
}
