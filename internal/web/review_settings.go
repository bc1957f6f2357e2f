package web

import (
	"net/http"
	"strconv"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/candidates"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/postings"
)

// ReviewSettingsPage is the view of a posting's review settings: when its
// open answers need a person's review, by how many reviewers, and how far
// the reviewers agree.
type ReviewSettingsPage struct {
	Base
	Posting   *postings.Posting
	Settings  model.ReviewSettings
	Agreement candidates.Agreement
	// Provisional: the organization sends Greenhouse the provisional result
	// while reviews are pending.
	Provisional bool
	Errors      map[string]string
}

// Modes are the review modes offered, with their words.
func (ReviewSettingsPage) Modes() []ReviewModeChoice {
	return []ReviewModeChoice{
		{model.ReviewFlagged, "When the suggestion is unsure or an integrity signal fires (recommended)"},
		{model.ReviewAlways, "Always: every open answer is reviewed"},
		{model.ReviewNever, "Never: the automatic levels are final"},
	}
}

// ReviewModeChoice is one review mode with its description.
type ReviewModeChoice struct {
	Mode  model.ReviewMode
	Words string
}

// MaxReviewers is the most reviewers a posting can ask for.
func (ReviewSettingsPage) MaxReviewers() []int {
	out := make([]int, model.MaxReviewers)
	for i := range out {
		out[i] = i + 1
	}
	return out
}

func (s *Server) reviewSettingsPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderReviewSettings(w, r, http.StatusOK, nil, nil)
}

func (s *Server) renderReviewSettings(w http.ResponseWriter, r *http.Request, status int, typed *model.ReviewSettings, errs map[string]string) error {
	ctx := r.Context()
	actor := userFrom(ctx).Actor()
	p, err := s.postingFor(r)
	if err != nil {
		return err
	}
	v := &ReviewSettingsPage{Base: Base{Title: "Review of open answers · " + p.Doc.Title, Nav: "postings"}, Posting: p, Errors: errs}
	if v.Settings, err = s.candidates.ReviewSettings(ctx, actor, p.ID); err != nil {
		return err
	}
	if typed != nil {
		v.Settings = *typed
	}
	if v.Agreement, err = s.candidates.Agreement(ctx, actor, p.ID); err != nil {
		return err
	}
	if v.Provisional, err = s.candidates.Provisional(ctx, actor); err != nil {
		return err
	}
	s.render(w, r, status, "review_settings", v)
	return nil
}

func (s *Server) saveReviewSettings(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	actor := userFrom(ctx).Actor()
	p, err := s.postingFor(r)
	if err != nil {
		return err
	}
	n, _ := strconv.Atoi(r.PostForm.Get("reviewers"))
	rs := model.ReviewSettings{Mode: model.ReviewMode(r.PostForm.Get("review_mode")), Reviewers: n}
	if err := s.candidates.SetReviewSettings(ctx, actor, p.ID, rs); err != nil {
		if apperror.KindOf(err) == apperror.Invalid {
			return s.renderReviewSettings(w, r, http.StatusBadRequest, &rs, apperror.FieldsOf(err))
		}
		return err
	}
	if actor.Role == model.RoleAdmin {
		if err := s.candidates.SetProvisional(ctx, actor, r.PostForm.Get("provisional") == "on"); err != nil {
			return err
		}
	}
	s.flash(w, "Review settings saved. They apply to assessments submitted from now on.")
	http.Redirect(w, r, "/postings/"+strconv.FormatInt(p.ID, 10)+"/review-settings", http.StatusSeeOther)
	return nil
}
