package web

import (
	"net/http"
	"strconv"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/candidates"
	"github.com/talentsystems/talentsystems/internal/model"
)

// preview shows a recruiter question n of a posting exactly as candidates
// see it, with nothing saved.
func (a *assess) preview(w http.ResponseWriter, r *http.Request) error {
	p, err := a.postingFor(r)
	if err != nil {
		return err
	}
	ss := &candidates.Session{State: candidates.StateInProgress, Candidate: &model.Candidate{}, Org: orgFrom(r.Context()), Doc: p.Doc}
	for _, sec := range p.Doc.AssessmentType.Sections() {
		ss.Questions = append(ss.Questions, p.Doc.QuestionsIn(sec)...)
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 || n > len(ss.Questions) {
		return apperror.New(apperror.NotFound, "This posting has no question %s (it has %d in its enabled sections).", r.PathValue("n"), len(ss.Questions))
	}
	// Every question is open in a preview, whatever its section.
	ss.Attempt = &model.Attempt{Section: string(ss.Questions[n-1].Section)}
	v := a.questionView(ss, "", n-1)
	v.Preview = postingURL(p, "/preview")
	v.Title = "Preview: " + v.Title
	a.render(w, r, http.StatusOK, "a_question", v)
	return nil
}
