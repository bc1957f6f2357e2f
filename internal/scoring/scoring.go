// Package scoring scores a candidate's answers against a posting and rolls
// the question scores up to competency scores, an overall 0–100 score and a
// recommendation. It is pure and deterministic: no clock, no randomness, no
// I/O, and the same inputs always give the same result, down to the bytes of
// its JSON encoding. docs/scoring.md explains the rules for recruiters and
// operators.
//
// Scoring happens in two steps. On submission, ScoreAll runs a Scorer (the
// default is Rules) over every question of the enabled sections; the app
// stores the resulting QuestionScores, evidence included. Rollup then turns
// the stored question scores plus any recruiter overrides into a Result;
// it is cheap and is run again whenever an override is added or removed or
// the posting's thresholds change. Overrides are applied only in Rollup, so
// they work the same whatever scorer produced the automatic score.
package scoring

import (
	"math"

	"github.com/talentsystems/talentsystems/internal/posting"
)

// The level scale. Every question score is a level from MinLevel to MaxLevel.
const (
	// MinLevel is the lowest level: nothing demonstrated, or unanswered.
	MinLevel = 1
	// MaxLevel is the highest level.
	MaxLevel = 5
)

// RulesName is the Scorer name recorded by Rules. Version 2 reads phrases
// in context and caps gamed answers (docs/scoring.md).
const RulesName = "rules/v2"

// Answer is a candidate's answer to one question. The zero Answer means the
// question was not answered.
type Answer struct {
	// Text is the written answer of a free_text question or the typed
	// deliverable of a task.
	Text string `json:"text,omitempty"`
	// Choices are the option keys chosen in a multiple_choice question.
	Choices []string `json:"choices,omitempty"`
	// Number is the value given to a numeric question; nil when unanswered.
	Number *float64 `json:"number,omitempty"`
	// FileName is the name of the file attached to a task, if any. Files are
	// not read by the scorer.
	FileName string `json:"file_name,omitempty"`
}

// Evidence explains one part of a question score: a rubric point or
// checklist item and whether and where the answer shows it, an option of a
// multiple-choice question, or the value of a numeric answer.
type Evidence struct {
	// Item is what was looked for: the rubric point or checklist item text,
	// the option text, or the expected number.
	Item string `json:"item"`
	// Weight is the item's weight in the question score (1 for options and
	// numbers).
	Weight float64 `json:"weight"`
	// Found reports that the item is evidenced: the point was found in the
	// answer, the option was handled correctly, the number is within
	// tolerance.
	Found bool `json:"found"`
	// Phrase is the rubric phrase, as written in the posting, that matched
	// (text items); the option key (multiple choice); or the number given
	// (numeric).
	Phrase string `json:"phrase,omitempty"`
	// Start and End are the byte offsets of the match in the original
	// answer text, for highlighting: Answer.Text[Start:End]. Both are -1 when
	// nothing was found and for non-text questions.
	Start int `json:"start"`
	End   int `json:"end"`
	// Snippet is about 100 characters of the answer around the match, with
	// runs of white space shown as one space and "…" where it was cut.
	Snippet string `json:"snippet,omitempty"`
	// Note explains the result in words for options and numbers, e.g.
	// "correct option, chosen" or "answered 31, off by 1".
	Note string `json:"note,omitempty"`
}

// QuestionScore is the score of one question with its evidence.
//
// A Scorer fills in everything but the override fields, with OriginalLevel
// equal to Level. Rollup returns effective scores: Level is then the
// override's level when there is one, and OriginalLevel is still the
// scorer's level.
type QuestionScore struct {
	// Key, Section, Competency, Kind and Weight are copied from the question.
	Key        string          `json:"key"`
	Section    posting.Section `json:"section"`
	Competency string          `json:"competency"`
	Kind       posting.Kind    `json:"kind"`
	Weight     float64         `json:"weight"`
	// Answered reports that the candidate gave an answer.
	Answered bool `json:"answered"`
	// Fraction is the raw credit from 0 to 1 before it is mapped to a level.
	Fraction float64 `json:"fraction"`
	// Level is the effective level, 1 to 5.
	Level int `json:"level"`
	// Points is Level on the 0–100 scale: (Level − 1) / 4 × 100.
	Points float64 `json:"points"`
	// Evidence explains the score, in rubric, checklist or option order.
	Evidence []Evidence `json:"evidence"`
	// Scorer names the scorer and its version, e.g. "rules/v1".
	Scorer string `json:"scorer"`
	// Note is a remark for reviewers, e.g. that an attached file was not
	// scored or that the answer was cut at the question's length limit.
	Note string `json:"note,omitempty"`
	// Confidence says how far the level of an open answer (free text or
	// task) can be trusted: it is a suggestion, and a person should review
	// it when the confidence is low. It is empty for multiple-choice and
	// numeric questions, which are scored exactly, and for scores stored
	// before confidences existed.
	Confidence Confidence `json:"confidence,omitempty"`
	// Reasons explain the confidence and any cap in words, e.g. "too short
	// for level 5: 12 words" or "negated: \"no transaction\"".
	Reasons []Reason `json:"reasons,omitempty"`
	// Cap is the highest level the answer may have because a gaming
	// indicator fired (see Reasons); 0 when nothing capped the level.
	Cap int `json:"cap,omitempty"`
	// UncappedLevel is the level the credit alone would give when Cap
	// lowered it; 0 otherwise.
	UncappedLevel int `json:"uncapped_level,omitempty"`
	// OriginalLevel is the level the scorer gave.
	OriginalLevel int `json:"original_level"`
	// Overridden reports that a recruiter set the level.
	Overridden bool `json:"overridden"`
	// Override is the recruiter's override when Overridden is true.
	Override *Override `json:"override,omitempty"`
}

// Scorer scores one answer to one question. Implementations must be
// deterministic for a given posting, question and answer, must return a
// Level from 1 to 5 (an unanswered question is level 1) and should record
// their name and version in QuestionScore.Scorer. Rules is the default; a
// scorer backed by a language model can implement the same interface, and
// recruiter overrides apply to its scores in the same way.
type Scorer interface {
	ScoreQuestion(p *posting.Posting, q *posting.Question, a Answer) QuestionScore
}

// ScoreAll scores every question of the sections the posting's assessment
// type enables, in the order candidates see them (interview section first,
// then practical; posting order within a section). A question without an
// entry in answers is scored as unanswered.
func ScoreAll(s Scorer, p *posting.Posting, answers map[string]Answer) []QuestionScore {
	qs := []QuestionScore{}
	for _, q := range enabledQuestions(p) {
		qs = append(qs, s.ScoreQuestion(p, &q, answers[q.Key]))
	}
	return qs
}

// enabledQuestions returns the questions of the enabled sections in the
// order candidates see them.
func enabledQuestions(p *posting.Posting) []posting.Question {
	var qs []posting.Question
	for _, s := range p.AssessmentType.Sections() {
		qs = append(qs, p.QuestionsIn(s)...)
	}
	return qs
}

// LevelFor maps a fraction of credit from 0 to 1 to a level:
// 1 + round(4 × fraction), halves rounded up. So 0 is level 1, 0.5 is level
// 3 and 1 is level 5. Fractions outside 0..1 are clamped; NaN is level 1.
func LevelFor(fraction float64) int {
	if math.IsNaN(fraction) || fraction <= 0 {
		return MinLevel
	}
	if fraction >= 1 {
		return MaxLevel
	}
	// The epsilon keeps fractions such as 3/8, computed as 0.37499999…,
	// on the side of the half they mean.
	return MinLevel + int(math.Floor(4*fraction+0.5+1e-9))
}

// Points returns a level on the 0–100 scale: (level − 1) / 4 × 100, so
// levels 1 to 5 are worth 0, 25, 50, 75 and 100 points. Levels outside 1..5
// are clamped.
func Points(level int) float64 {
	return float64(clampLevel(level)-MinLevel) * 100 / (MaxLevel - MinLevel)
}

// LevelLabel returns the words for a level shown on scorecards, or "" for a
// level outside 1..5.
func LevelLabel(level int) string {
	switch level {
	case 1:
		return "Not demonstrated"
	case 2:
		return "Limited"
	case 3:
		return "Adequate"
	case 4:
		return "Strong"
	case 5:
		return "Exceptional"
	}
	return ""
}

func clampLevel(level int) int {
	return min(max(level, MinLevel), MaxLevel)
}

// weightOf returns a weight to compute with: posting weights are positive
// once defaults are applied, and a zero (unset) or invalid weight counts as
// the default weight, as posting.ApplyDefaults would set it.
func weightOf(w float64) float64 {
	if !(w > 0) || math.IsInf(w, 0) {
		return posting.DefaultWeight
	}
	return w
}
