package scoring

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/talentsystems/talentsystems/internal/posting"
)

// Override is a recruiter's decision to set a question's level by hand. The
// app stores overrides (with their history, for the audit trail) and passes
// the current ones to Rollup; the automatic score is never changed.
type Override struct {
	// Level is the level the recruiter chose, 1 to 5.
	Level int `json:"level"`
	// Note is the recruiter's reason.
	Note string `json:"note"`
	// By identifies the recruiter, e.g. their user id or email.
	By string `json:"by"`
	// At is when the override was made.
	At time.Time `json:"at"`
}

// Validate reports whether the override can be stored: a level from 1 to 5
// and a note that is not blank. Rollup itself clamps an out-of-range level
// rather than fail.
func (o Override) Validate() error {
	var errs []error
	if o.Level < MinLevel || o.Level > MaxLevel {
		errs = append(errs, errors.New("scoring: override level must be from 1 to 5"))
	}
	if strings.TrimSpace(o.Note) == "" {
		errs = append(errs, errors.New("scoring: override needs a note"))
	}
	return errors.Join(errs...)
}

// CompetencyScore is the score of one competency.
type CompetencyScore struct {
	// Key and Name are the competency's.
	Key  string `json:"key"`
	Name string `json:"name"`
	// Weight is the competency's weight in the overall score.
	Weight float64 `json:"weight"`
	// Score is the weighted mean of the competency's question points, 0 to
	// 100, rounded to one decimal.
	Score float64 `json:"score"`
	// Questions is the number of questions that measure the competency.
	Questions int `json:"questions"`
}

// Result is a scored assessment: what a scorecard shows.
type Result struct {
	// Overall is the weighted mean of the competency scores, 0 to 100,
	// rounded to one decimal.
	Overall float64 `json:"overall"`
	// Recommendation is the posting's thresholds applied to Overall.
	Recommendation posting.Recommendation `json:"recommendation"`
	// Competencies are the scored competencies in posting order; a
	// competency without questions in the enabled sections is left out.
	Competencies []CompetencyScore `json:"competencies"`
	// Questions are the effective question scores in the order candidates
	// see the questions, overrides applied.
	Questions []QuestionScore `json:"questions"`
	// NeedsReview reports that at least one open answer's level is an
	// automatic suggestion with low confidence that no person has reviewed
	// (overridden or confirmed) yet. Recommendation does not take it into
	// account; CappedRecommendation does.
	NeedsReview bool `json:"needs_review,omitempty"`
	// PendingReview lists the keys of those questions, in the order of
	// Questions.
	PendingReview []string `json:"pending_review,omitempty"`
}

// Brief is the result without its per-question scores: the overall score,
// the recommendation, the competencies and what awaits review. It is
// stored next to the result (a tenth of its size), so that status reads such
// as Greenhouse's test_status need not decode the whole result.
func (r Result) Brief() Result {
	r.Questions = nil
	return r
}

// Pending reports whether an effective question score is an open answer's
// automatic suggestion with low confidence that no person has reviewed.
func (s QuestionScore) Pending() bool {
	return !s.Overridden && s.Confidence == ConfidenceLow &&
		(s.Kind == posting.KindFreeText || s.Kind == posting.KindTask)
}

// CappedRecommendation returns the recommendation a result supports while
// its open answers await review: a result that NeedsReview cannot be
// recommended better than "no", so that yes or better is never reached on
// multiple-choice and numeric answers and unreviewed suggestions alone. The
// second value says why in words when the recommendation was capped, and is
// empty otherwise. Results without pending reviews keep their
// recommendation.
func CappedRecommendation(r Result) (posting.Recommendation, string) {
	if !r.NeedsReview {
		return r.Recommendation, ""
	}
	switch r.Recommendation {
	case posting.RecommendStrongYes, posting.RecommendYes:
		n := len(r.PendingReview)
		what := "an open answer awaits"
		if n > 1 {
			what = fmt.Sprintf("%d open answers await", n)
		}
		return posting.RecommendNo, fmt.Sprintf("held at no (score says %s): %s review of a low-confidence automatic level", r.Recommendation, what)
	}
	return r.Recommendation, ""
}

// Rollup computes the result of an assessment from its question scores (as
// ScoreAll returned them, or as stored) and the current overrides, keyed by
// question key.
//
// Only questions in the sections the posting's assessment type enables
// count; scores for other questions are ignored, and a question without a
// score counts as unanswered. A question's effective level is its
// override's level if it has one, else the scorer's level (OriginalLevel,
// so passing a Result's questions back in is safe). Its points are
// (level − 1) / 4 × 100. A competency's score is the mean of its questions'
// points weighted by question weight; the overall score is the mean of the
// competency scores weighted by competency weight, computed from the
// unrounded competency scores and then rounded half up to one decimal. The
// recommendation is taken from the rounded overall score, so the number on
// the scorecard and the recommendation always agree.
func Rollup(p *posting.Posting, qs []QuestionScore, overrides map[string]Override) Result {
	byKey := make(map[string]*QuestionScore, len(qs))
	for i := range qs {
		if _, dup := byKey[qs[i].Key]; !dup {
			byKey[qs[i].Key] = &qs[i]
		}
	}
	type sums struct {
		weight, weighted float64
		n                int
	}
	perCompetency := map[string]*sums{}

	res := Result{Competencies: []CompetencyScore{}, Questions: []QuestionScore{}}
	for _, q := range enabledQuestions(p) {
		e := effective(q, byKey[q.Key], overrides)
		res.Questions = append(res.Questions, e)
		if e.Pending() {
			res.NeedsReview = true
			res.PendingReview = append(res.PendingReview, e.Key)
		}
		c := perCompetency[q.Competency]
		if c == nil {
			c = &sums{}
			perCompetency[q.Competency] = c
		}
		c.weight += e.Weight
		c.weighted += e.Weight * e.Points
		c.n++
	}

	var weight, weighted float64
	for _, c := range p.Competencies {
		s := perCompetency[c.Key]
		if s == nil || s.n == 0 {
			continue
		}
		score := s.weighted / s.weight
		w := weightOf(c.Weight)
		weight += w
		weighted += w * score
		res.Competencies = append(res.Competencies, CompetencyScore{
			Key: c.Key, Name: c.Name, Weight: w, Score: round1(score), Questions: s.n,
		})
	}
	if weight > 0 {
		res.Overall = round1(weighted / weight)
	}
	res.Recommendation = thresholds(p).Recommend(res.Overall)
	return res
}

// effective returns the effective score of question q from its automatic
// score s (nil if there is none) and the overrides.
func effective(q posting.Question, s *QuestionScore, overrides map[string]Override) QuestionScore {
	var e QuestionScore
	if s != nil {
		e = *s
		e.Evidence = slices.Clone(s.Evidence)
		e.Reasons = slices.Clone(s.Reasons)
	} else {
		e = QuestionScore{Note: "This question has no recorded score; it counts as unanswered."}
	}
	if e.Evidence == nil {
		e.Evidence = []Evidence{}
	}
	e.Key, e.Section, e.Competency, e.Kind, e.Weight = q.Key, q.Section, q.Competency, q.Kind, weightOf(q.Weight)

	auto := e.Level
	if e.OriginalLevel != 0 {
		auto = e.OriginalLevel
	}
	auto = clampLevel(auto)
	e.OriginalLevel, e.Level = auto, auto
	e.Overridden, e.Override = false, nil
	if o, ok := overrides[q.Key]; ok {
		o.Level = clampLevel(o.Level)
		e.Level, e.Overridden, e.Override = o.Level, true, &o
	}
	e.Points = Points(e.Level)
	return e
}

// thresholds returns the posting's thresholds, with the default for any
// that is unset (zero), as posting.ApplyDefaults would set them.
func thresholds(p *posting.Posting) posting.Thresholds {
	t, d := p.Thresholds, posting.DefaultThresholds()
	if t.StrongYes == 0 {
		t.StrongYes = d.StrongYes
	}
	if t.Yes == 0 {
		t.Yes = d.Yes
	}
	if t.No == 0 {
		t.No = d.No
	}
	return t
}

// round1 rounds a score from 0 to 100 to one decimal, halves up. The
// epsilon keeps a score such as 72.25, which floating point may compute as
// 72.24999999999999, on the side of the half it means.
func round1(x float64) float64 {
	if math.IsNaN(x) {
		return 0
	}
	return math.Floor(x*10+0.5+1e-9) / 10
}
