package web

import (
	"net/http"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/candidates"
	"github.com/talentsystems/talentsystems/internal/fairness"
)

// AssessSurveyPage is the view of the voluntary self-identification survey a
// candidate may answer after submitting.
type AssessSurveyPage struct {
	Base
	AssessHead
	Token             string
	SexOptions        []fairness.Option
	RaceOptions       []fairness.Option
	Sex, Race         string
	Errors            map[string]string
	AlreadyAnswered   bool
	MinCount, Percent int
}

func (a *assess) surveyView(ss *candidates.Session, token string) *AssessSurveyPage {
	v := &AssessSurveyPage{Base: Base{Title: "Voluntary self-identification"}, Token: token,
		SexOptions: fairness.SexOptions, RaceOptions: fairness.RaceOptions, MinCount: fairness.DefaultMinCount}
	if ss.Org != nil {
		v.OrgName = ss.Org.Name
	}
	if ss.Doc != nil {
		v.PostingTitle = ss.Doc.Title
	}
	return v
}

// survey shows the survey to a candidate who has submitted, when the
// organization offers it; anyone else is sent back to the link's page.
func (a *assess) survey(w http.ResponseWriter, r *http.Request) error {
	ss, token, err := a.open(r)
	if err != nil {
		return err
	}
	state, err := a.fairness.SurveyState(r.Context(), ss.Candidate)
	if err != nil {
		return err
	}
	if state != fairness.SurveyOpen && state != fairness.SurveyAnswered {
		http.Redirect(w, r, "/a/"+token, http.StatusSeeOther)
		return nil
	}
	v := a.surveyView(ss, token)
	v.AlreadyAnswered = state == fairness.SurveyAnswered
	a.render(w, r, http.StatusOK, "a_survey", v)
	return nil
}

// answerSurvey records the answers; a missing or unknown answer shows the
// form again with the reason and stores nothing.
func (a *assess) answerSurvey(w http.ResponseWriter, r *http.Request) error {
	ss, token, err := a.open(r)
	if err != nil {
		return err
	}
	sex, race := r.PostForm.Get("sex"), r.PostForm.Get("race")
	err = a.fairness.Record(r.Context(), ss.Candidate, sex, race)
	if apperror.KindOf(err) == apperror.Invalid {
		v := a.surveyView(ss, token)
		v.Sex, v.Race, v.Errors = sex, race, apperror.FieldsOf(err)
		a.render(w, r, http.StatusBadRequest, "a_survey", v)
		return nil
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/a/"+token, http.StatusSeeOther)
	return nil
}
