package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/candidates"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// TestFairnessSurveyAndReport answers the survey through the candidate's
// pages, checks that the answers show on no scorecard, list or export, runs
// the report and its CSV, refuses bad input, and switches the survey off.
func TestFairnessSurveyAndReport(t *testing.T) {
	t.Parallel()
	e := start(t, "")
	ann, u := e.member(t, "acme", "ann@acme.test", model.RoleAdmin)
	p := importExample(t, e, u, "backend-engineer")
	ctx := context.Background()
	cand, err := e.Candidates.Add(ctx, u.Actor(), p.ID, candidates.Person{FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.test"}, candidates.AddOptions{Source: model.SourceManual})
	if err != nil {
		t.Fatal(err)
	}
	complete(t, e, cand, goodAnswers(p.Doc))
	token := tokenOf(e, cand)
	page, survey := "/a/"+token, "/a/"+token+"/survey"
	cc := apptest.NewClient(t, e.URL)
	if r := cc.Get(page); !strings.Contains(r.Body, `href="`+survey+`"`) {
		t.Fatalf("completed page offers no survey:\n%s", excerptBody(r.Body))
	}
	has := func() bool {
		ok, err := store.HasSelfIdentification(ctx, e.Store.DB, cand.ID)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	for _, bad := range []url.Values{{"sex": {"alien"}, "race": {"white"}}, {"sex": {"female"}}, {"sex": {"female"}, "race": {"martian"}}} {
		expectStatus(t, "bad survey answer", cc.Submit(survey, survey, bad), http.StatusBadRequest, "Choose one of the answers")
		if has() {
			t.Fatalf("%v was stored", bad)
		}
	}
	expectRedirect(t, "survey", cc.Submit(survey, survey, url.Values{"sex": {"female"}, "race": {"pacific"}}), page)
	if !has() {
		t.Fatal("answers not stored")
	}
	expectStatus(t, "completed page", cc.Get(page), http.StatusOK, "Thank you for answering")

	// The answers appear on no page about the candidate, list or export.
	for _, path := range []string{
		fmt.Sprintf("/postings/%d/candidates/%d", p.ID, cand.ID),
		fmt.Sprintf("/postings/%d/candidates", p.ID),
		"/candidates",
		fmt.Sprintf("/postings/%d/export", p.ID),
		fmt.Sprintf("/postings/%d", p.ID),
	} {
		r := ann.Get(path)
		if r.Status != http.StatusOK {
			t.Fatalf("%s: %d", path, r.Status)
		}
		for _, leak := range []string{"Pacific Islander", "pacific", "Female", "female"} {
			if strings.Contains(r.Body, leak) {
				t.Errorf("%s shows %q", path, leak)
			}
		}
	}

	// The report: one person, so every group is hidden.
	r := ann.Get(fmt.Sprintf("/fairness?posting=%d", p.ID))
	expectStatus(t, "report", r, http.StatusOK, "1 people assessed", "Hidden: Female", "fewer than 5 people")
	csv := ann.Get(fmt.Sprintf("/fairness/report.csv?posting=%d&basis=scoring", p.ID))
	if csv.Status != http.StatusOK || !strings.HasPrefix(csv.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(csv.Body, "scoring_rate") || !strings.Contains(csv.Body, "method note") || !strings.Contains(csv.Body, "Sex,Female,,,") {
		t.Errorf("CSV %d %q:\n%s", csv.Status, csv.Header.Get("Content-Type"), csv.Body)
	}
	for q, status := range map[string]int{"level=maybe": 400, "basis=mood": 400, "posting=abc": 400, "min=1": 400, "min=x": 400, "posting=999999": 404} {
		if got := ann.Get("/fairness?" + q).Status; got != status {
			t.Errorf("/fairness?%s: %d, want %d", q, got, status)
		}
	}
	other, _ := e.member(t, "globex", "gus@globex.test", model.RoleAdmin)
	if got := other.Get(fmt.Sprintf("/fairness?posting=%d", p.ID)).Status; got != http.StatusNotFound {
		t.Errorf("another organization's posting: %d", got)
	}
	rec, _ := e.member(t, "acme", "rita@acme.test", model.RoleRecruiter)
	if got := rec.Post("/fairness/survey", url.Values{"survey": {"off"}}).Status; got != http.StatusForbidden {
		t.Errorf("recruiter switching the survey: %d", got)
	}

	// Switched off: no offer, and answers are refused.
	csrf := csrfOf(t, cc.Get(survey).Body)
	expectRedirect(t, "survey off", ann.Submit("/fairness", "/fairness/survey", url.Values{"survey": {"off"}}), "/fairness")
	if r := cc.Get(page); strings.Contains(r.Body, survey) {
		t.Error("survey still offered after switching it off")
	}
	expectStatus(t, "survey when off", cc.Post(survey, url.Values{"csrf_token": {csrf}, "sex": {"male"}, "race": {"white"}}), http.StatusConflict)
}
