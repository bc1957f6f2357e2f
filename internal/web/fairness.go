package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/fairness"
	"github.com/talentsystems/talentsystems/internal/model"
)

// fairnessRoutes registers the adverse-impact report, its CSV export and the
// survey setting. The candidate's survey pages are in assessmentRoutes.
func (s *Server) fairnessRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /fairness", s.requireOrg(s.fairnessReport))
	mux.HandleFunc("GET /fairness/report.csv", s.requireOrg(s.fairnessCSV))
	mux.HandleFunc("POST /fairness/survey", s.requireAdmin(s.fairnessSurveySetting))
}

// FairnessPage is the view of the adverse-impact report.
type FairnessPage struct {
	Base
	Postings []*model.Posting
	Options  fairness.Options
	Scope    string
	Report   *fairness.Report
	Levels   []string
	// SurveyOn is the organization's survey setting.
	SurveyOn bool
	// CSVLink is the export of the same report.
	CSVLink string
}

// Pct formats a rate as a percentage with one decimal.
func (FairnessPage) Pct(v float64) string { return strconv.FormatFloat(100*v, 'f', 1, 64) + " %" }

// Num formats a ratio or p value with three decimals.
func (FairnessPage) Num(v float64) string { return strconv.FormatFloat(v, 'f', 3, 64) }

// fairnessOptions reads the report's options from the query; bad values are
// Invalid with the field named.
func fairnessOptions(r *http.Request) (fairness.Options, error) {
	q := r.URL.Query()
	o := fairness.Options{Basis: fairness.Basis(q.Get("basis")), Level: q.Get("level")}
	if v := q.Get("posting"); v != "" && v != "all" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return o, apperror.Field("posting", "Choose a posting from the list.")
		}
		o.PostingID = id
	}
	if v := q.Get("min"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return o, apperror.Field("min", "The minimum group size must be a whole number.")
		}
		o.MinCount = n
	}
	return o, o.Check()
}

// fairnessData computes the report the request asks for and names its scope.
func (s *Server) fairnessData(r *http.Request) (*fairness.Report, fairness.Options, []*model.Posting, string, error) {
	actor := userFrom(r.Context()).Actor()
	o, err := fairnessOptions(r)
	if err != nil {
		return nil, o, nil, "", err
	}
	list, err := s.postings.List(r.Context(), actor, "")
	if err != nil {
		return nil, o, nil, "", err
	}
	rep, err := s.fairness.Report(r.Context(), actor, o)
	if err != nil {
		return nil, o, nil, "", err
	}
	scope := "All postings"
	for _, p := range list {
		if p.ID == o.PostingID {
			scope = p.Title
		}
	}
	return rep, o, list, scope, nil
}

func (s *Server) fairnessReport(w http.ResponseWriter, r *http.Request) error {
	rep, o, list, scope, err := s.fairnessData(r)
	if err != nil {
		return err
	}
	on, err := s.fairness.SurveyEnabled(r.Context(), userFrom(r.Context()).Actor())
	if err != nil {
		return err
	}
	q := url.Values{"basis": {string(o.Basis)}, "level": {o.Level}, "min": {strconv.Itoa(o.MinCount)}}
	if o.PostingID != 0 {
		q.Set("posting", strconv.FormatInt(o.PostingID, 10))
	}
	s.render(w, r, http.StatusOK, "fairness", &FairnessPage{Base: Base{Title: "Fairness", Nav: "fairness"},
		Postings: list, Options: o, Scope: scope, Report: rep, Levels: fairness.Levels, SurveyOn: on,
		CSVLink: "/fairness/report.csv?" + q.Encode()})
	return nil
}

func (s *Server) fairnessCSV(w http.ResponseWriter, r *http.Request) error {
	rep, o, _, scope, err := s.fairnessData(r)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := rep.WriteCSV(&b, scope); err != nil {
		return err
	}
	name := "adverse-impact-all.csv"
	if o.PostingID != 0 {
		name = fmt.Sprintf("adverse-impact-posting-%d.csv", o.PostingID)
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Write(b.Bytes())
	return nil
}

// fairnessSurveySetting switches the organization's survey on or off.
func (s *Server) fairnessSurveySetting(w http.ResponseWriter, r *http.Request) error {
	var on bool
	switch r.PostForm.Get("survey") {
	case "on":
		on = true
	case "off":
	default:
		return apperror.Field("survey", "Choose whether to offer the survey: on or off.")
	}
	if err := s.fairness.SetSurvey(r.Context(), userFrom(r.Context()).Actor(), on); err != nil {
		return err
	}
	if on {
		s.flash(w, "Candidates are offered the voluntary survey after they submit.")
	} else {
		s.flash(w, "The voluntary survey is switched off.")
	}
	http.Redirect(w, r, "/fairness", http.StatusSeeOther)
	return nil
}
