package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/candidates"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/posting"
	"github.com/talentsystems/talentsystems/internal/scoring"
)

// ReviewQueuePage lists the open answers awaiting review in the
// organization.
type ReviewQueuePage struct {
	Base
	Tasks []*model.ReviewTask
	// Blind hides candidates' names in the list and the review links.
	Blind bool
}

// ReviewPage is one open answer under review.
type ReviewPage struct {
	Base
	C        *model.Candidate
	Blind    bool
	Question *posting.Question
	Answer   scoring.Answer
	// Suggestion is the automatic score: level, confidence, reasons, evidence.
	Suggestion *scoring.QuestionScore
	Signals    []scoring.Signal
	// Mine is the viewer's review, if any; Others are the other reviews,
	// shown only once the viewer has submitted (Mine != nil).
	Mine   *model.Review
	Others []*model.Review
	Needed int
	Done   int
	Levels []int
	Errors map[string]string
}

// Disagree reports a gap of two levels or more among the reviews shown.
func (v *ReviewPage) Disagree() bool {
	if v.Mine == nil {
		return false
	}
	l := []int{v.Mine.Level}
	for _, o := range v.Others {
		l = append(l, o.Level)
	}
	return scoring.Disagreement(l)
}

// Anchors are the question's level descriptions for reviewers.
func (v *ReviewPage) Anchors() posting.Anchors {
	if v.Question.Rubric != nil && len(v.Question.Rubric.Anchors) > 0 {
		return v.Question.Rubric.Anchors
	}
	return v.Question.Anchors
}

// LevelLabel is a level in words.
func (v *ReviewPage) LevelLabel(l int) string { return scoring.LevelLabel(l) }

func (s *Server) reviewQueue(w http.ResponseWriter, r *http.Request) error {
	tasks, err := s.candidates.ReviewQueue(r.Context(), actor(r))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "review_queue", &ReviewQueuePage{Base: Base{Title: "Review queue", Nav: "review"}, Tasks: tasks, Blind: r.URL.Query().Get("blind") == "1"})
	return nil
}

func (s *Server) reviewAnswer(w http.ResponseWriter, r *http.Request) error {
	return s.renderReview(w, r, http.StatusOK, nil)
}

func (s *Server) renderReview(w http.ResponseWriter, r *http.Request, status int, errs map[string]string) error {
	ctx := r.Context()
	u := actor(r)
	c, err := s.candidates.Get(ctx, u, pathID(r, "cid"))
	if err != nil {
		return err
	}
	blind := r.URL.Query().Get("blind") == "1" || r.PostFormValue("blind") == "1"
	title := c.Name()
	if blind {
		title = fmt.Sprintf("Candidate #%d", c.ID)
	}
	v := &ReviewPage{Base: Base{Title: "Review · " + title, Nav: "review"}, C: c, Blind: blind, Levels: []int{1, 2, 3, 4, 5}, Errors: errs}
	attempts, err := s.candidates.Attempts(ctx, c)
	if err != nil {
		return err
	}
	var a *model.Attempt
	for _, at := range attempts {
		if at.ID == c.AttemptID {
			a = at
		}
	}
	if a == nil || len(a.Result) == 0 {
		return apperror.New(apperror.NotFound, "This assessment has no scored answers.")
	}
	key := r.PathValue("key")
	doc, err := s.candidates.PostingOf(ctx, c, a)
	if err != nil {
		return err
	}
	for i := range doc.Questions {
		if doc.Questions[i].Key == key {
			v.Question = &doc.Questions[i]
		}
	}
	checks, err := s.candidates.Checks(ctx, a)
	if err != nil {
		return err
	}
	ck := checks[key]
	if v.Question == nil || ck == nil || !ck.NeedsReview {
		return apperror.New(apperror.NotFound, "This answer does not await review.")
	}
	v.Needed, v.Signals = ck.Reviewers, candidates.DecodeSignals(ck)
	var res scoring.Result
	if err := json.Unmarshal(a.Result, &res); err != nil {
		return fmt.Errorf("web: result of attempt %d: %w", a.ID, err)
	}
	for i := range res.Questions {
		if res.Questions[i].Key == key {
			v.Suggestion = &res.Questions[i]
		}
	}
	answers, err := s.candidates.Answers(ctx, a)
	if err != nil {
		return err
	}
	if sa := answers[key]; sa != nil && len(sa.Answer) > 0 {
		_ = json.Unmarshal(sa.Answer, &v.Answer)
	}
	reviews, err := s.candidates.Reviews(ctx, a)
	if err != nil {
		return err
	}
	var others []*model.Review
	for _, rv := range reviews {
		if rv.QuestionKey != key {
			continue
		}
		v.Done++
		if rv.UserID == u.UserID {
			v.Mine = rv
		} else {
			others = append(others, rv)
		}
	}
	if v.Mine != nil { // levels stay hidden until the viewer has submitted
		v.Others = others
	}
	s.render(w, r, status, "review", v)
	return nil
}

func (s *Server) submitReview(w http.ResponseWriter, r *http.Request) error {
	level, _ := strconv.Atoi(r.PostFormValue("level"))
	blind := r.PostFormValue("blind") == "1"
	cid, key := pathID(r, "cid"), r.PathValue("key")
	err := s.candidates.SubmitReview(r.Context(), actor(r), cid, key, level, r.PostFormValue("note"), blind)
	if err != nil {
		if k := apperror.KindOf(err); k == apperror.Invalid || k == apperror.Conflict {
			fields := apperror.FieldsOf(err)
			if fields == nil {
				fields = map[string]string{}
			}
			fields["_form"] = apperror.Message(err)
			return s.renderReview(w, r, Status(err), fields)
		}
		return err
	}
	s.flash(w, "Review saved.")
	to := "/review"
	if blind {
		to += "?blind=1"
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}
