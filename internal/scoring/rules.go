package scoring

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/talentsystems/talentsystems/internal/posting"
)

// MaxScoredChars is the most characters of a text answer that are ever
// scored, whatever the question's own limit says (it matches
// posting.MaxDeliverableMaxChars).
const MaxScoredChars = posting.MaxDeliverableMaxChars

// Rules is the default Scorer, named "rules/v1". It scores:
//
//   - multiple_choice exactly: a single-answer question by its one correct
//     option; a multiple-answer question by the exact set ("none" partial
//     credit) or by (correct chosen − wrong chosen) ÷ number of correct
//     options, at least 0 ("proportional"); an unknown option key counts as
//     a wrong choice;
//   - numeric by |given − answer| ≤ tolerance, allowing for floating-point
//     rounding;
//   - free_text against the rubric's expected points and task deliverables
//     against their checklist: an item is found when any of its phrases
//     matches the normalised answer (see tokenize) where it is used in
//     context (see context.go: in a sentence, not negated, in code outside
//     comments, not handed by the question), and the credit is the weight
//     of the found items over the weight of all items.
//
// The credit is mapped to a level by LevelFor; an unanswered question is
// level 1. The level of an open answer is a suggestion: it is capped when
// the answer looks gamed (see Caps) and carries a Confidence with Reasons.
// Rules does not read attached files; it says so in the score's Note.
type Rules struct{}

// ScoreQuestion implements Scorer.
func (Rules) ScoreQuestion(p *posting.Posting, q *posting.Question, a Answer) QuestionScore {
	s := QuestionScore{
		Key:        q.Key,
		Section:    q.Section,
		Competency: q.Competency,
		Kind:       q.Kind,
		Weight:     weightOf(q.Weight),
		Evidence:   []Evidence{},
		Scorer:     RulesName,
	}
	var notes []string
	var open *openText // set for free text and tasks
	switch q.Kind {
	case posting.KindFreeText:
		s.Answered = strings.TrimSpace(a.Text) != ""
		var items []posting.RubricItem
		if q.Rubric != nil {
			items = q.Rubric.ExpectedPoints
		}
		notes, open = scoreText(&s, p, q, a.Text, charLimit(q.MaxChars, posting.DefaultFreeTextMaxChars), items, "expected points", false, "")
	case posting.KindTask:
		s.Answered = strings.TrimSpace(a.Text) != "" || a.FileName != ""
		limit := posting.DefaultDeliverableMaxChars
		code, lang := false, ""
		if q.Deliverable != nil {
			limit = charLimit(q.Deliverable.MaxChars, limit)
			code, lang = q.Deliverable.Format == posting.DeliverableCode, q.Deliverable.Language
		}
		notes, open = scoreText(&s, p, q, a.Text, limit, q.Checklist, "checklist items", code, lang)
		if a.FileName != "" {
			notes = append(notes, fmt.Sprintf("The attached file %q is not scored automatically; review it and override the level if it changes the score.", a.FileName))
		}
	case posting.KindMultipleChoice:
		notes = scoreChoice(&s, q, a.Choices)
	case posting.KindNumeric:
		notes = scoreNumber(&s, q, a.Number)
	default:
		notes = []string{fmt.Sprintf("Questions of kind %q cannot be scored automatically; score it by hand.", q.Kind)}
	}
	if !s.Answered {
		s.Fraction = 0
	}
	s.Level = LevelFor(s.Fraction)
	if open != nil {
		suggest(&s, q, a, *open)
	}
	s.OriginalLevel = s.Level
	s.Points = Points(s.Level)
	s.Note = strings.Join(notes, " ")
	return s
}

// charLimit returns the number of characters of an answer to score: the
// question's limit, or def when it sets none, and never more than
// MaxScoredChars.
func charLimit(limit, def int) int {
	if limit <= 0 {
		limit = def
	}
	return min(limit, MaxScoredChars)
}

// scoreText scores a free-text answer or a task deliverable against its
// rubric items, reading the phrases in context (see context.go). noun names
// the items in notes; code says the deliverable is code in language lang.
func scoreText(s *QuestionScore, p *posting.Posting, q *posting.Question, text string, limit int, items []posting.RubricItem, noun string, code bool, lang string) (notes []string, open *openText) {
	if len(items) == 0 {
		notes = append(notes, "The question has no "+noun+" to score against; score it by hand.")
	}
	scored := cutRunes(text, limit)
	if len(scored) < len(text) {
		notes = append(notes, fmt.Sprintf("Only the first %d characters of the answer were scored.", limit))
	}
	var hits []itemHit
	ot := openText{}
	if s.Answered && strings.TrimSpace(scored) != "" {
		hits, ot = readOpen(p, q, scored, items, code, lang)
	}
	var total, got float64
	for i, it := range items {
		w := weightOf(it.Weight)
		total += w
		ev := Evidence{Item: it.Text, Weight: w, Start: -1, End: -1}
		if hits != nil {
			h := hits[i]
			switch {
			case h.found:
				got += w
				ev.Found, ev.Phrase = true, h.phrase
				ev.Start, ev.End = h.m.start, h.m.end
				ev.Snippet = snippet(scored, h.m.start, h.m.end)
			case h.why != counted:
				ev.Note = "not counted, " + discountReason(h.why, h.quote).Text
			}
		}
		s.Evidence = append(s.Evidence, ev)
	}
	if total > 0 {
		s.Fraction = got / total
	}
	return notes, &ot
}

// suggest turns the level of an open answer into a suggestion: it applies
// the gaming caps and sets the confidence with its reasons.
func suggest(s *QuestionScore, q *posting.Question, a Answer, ot openText) {
	rubric := len(q.Checklist) > 0 || q.Rubric != nil && len(q.Rubric.ExpectedPoints) > 0
	switch {
	case !s.Answered:
		s.Confidence = ConfidenceHigh
		s.Reasons = []Reason{{ReasonNoAnswer, "not answered"}}
		return
	case !rubric:
		s.Confidence = ConfidenceLow
		s.Reasons = []Reason{{ReasonNotScored, "no rubric to score against; a person must score it"}}
		return
	}
	if strings.TrimSpace(a.Text) != "" {
		assess(s, ot)
	}
	if a.FileName != "" {
		s.Confidence = ConfidenceLow
		s.Reasons = append(s.Reasons, Reason{ReasonNotScored, fmt.Sprintf("the attached file %q is not read; a person must look at it", a.FileName)})
	}
}

// scoreChoice scores a multiple-choice answer.
func scoreChoice(s *QuestionScore, q *posting.Question, choices []string) (notes []string) {
	s.Answered = len(choices) > 0
	chosen := map[string]bool{}
	for _, c := range choices {
		chosen[c] = true
	}
	known := map[string]bool{}
	correct, correctChosen, wrongChosen := 0, 0, 0
	for _, o := range q.Options {
		known[o.Key] = true
		ev := Evidence{Item: o.Text, Weight: 1, Phrase: o.Key, Start: -1, End: -1}
		switch {
		case o.Correct && chosen[o.Key]:
			correct++
			correctChosen++
			ev.Found, ev.Note = true, "correct option, chosen"
		case o.Correct:
			correct++
			ev.Note = "correct option, not chosen"
		case chosen[o.Key]:
			wrongChosen++
			ev.Note = "incorrect option, chosen"
		default:
			continue
		}
		s.Evidence = append(s.Evidence, ev)
	}
	var unknown []string
	for c := range chosen {
		if !known[c] {
			unknown = append(unknown, c)
		}
	}
	slices.Sort(unknown)
	for _, c := range unknown {
		wrongChosen++
		s.Evidence = append(s.Evidence, Evidence{
			Item: fmt.Sprintf("unknown option %q", c), Weight: 1, Phrase: c, Start: -1, End: -1,
			Note: "not an option of this question; counts as an incorrect choice",
		})
	}
	switch {
	case correct == 0:
		notes = append(notes, "The question has no correct option; score it by hand.")
	case !q.Multiple:
		if correctChosen == 1 && wrongChosen == 0 {
			s.Fraction = 1
		}
	case q.PartialCredit == posting.PartialCreditProportional:
		s.Fraction = max(0, float64(correctChosen-wrongChosen)/float64(correct))
	default:
		if correctChosen == correct && wrongChosen == 0 {
			s.Fraction = 1
		}
	}
	return notes
}

// scoreNumber scores a numeric answer.
func scoreNumber(s *QuestionScore, q *posting.Question, given *float64) (notes []string) {
	s.Answered = given != nil
	if q.Answer == nil {
		return []string{"The question has no expected answer; score it by hand."}
	}
	want := *q.Answer
	tol := q.Tolerance
	if !(tol > 0) || math.IsInf(tol, 0) {
		tol = 0
	}
	unit := ""
	if q.Unit != "" {
		unit = " " + q.Unit
	}
	ev := Evidence{Item: "expected " + formatNumber(want) + unit, Weight: 1, Start: -1, End: -1}
	if tol > 0 {
		ev.Item = "expected " + formatNumber(want) + " ± " + formatNumber(tol) + unit
	}
	switch {
	case given == nil:
		ev.Note = "not answered"
	case withinTolerance(*given, want, tol):
		ev.Found = true
		ev.Phrase = formatNumber(*given)
		if *given == want {
			ev.Note = "answered " + ev.Phrase + unit + ", correct"
		} else {
			ev.Note = "answered " + ev.Phrase + unit + ", within tolerance"
		}
	default:
		ev.Phrase = formatNumber(*given)
		ev.Note = "answered " + ev.Phrase + unit
		if d := math.Abs(*given - want); !math.IsNaN(d) && !math.IsInf(d, 0) {
			ev.Note += ", off by " + strconv.FormatFloat(d, 'g', 6, 64)
		}
	}
	if ev.Found {
		s.Fraction = 1
	}
	s.Evidence = append(s.Evidence, ev)
	return nil
}

// withinTolerance reports whether |given − want| ≤ tol, allowing a relative
// error of 1e-9 so that, for example, 88.1 is within 0.1 of 88.2 although
// 88.2 − 88.1 is 0.10000000000000853 in floating point.
func withinTolerance(given, want, tol float64) bool {
	if math.IsNaN(given) || math.IsInf(given, 0) || math.IsNaN(want) || math.IsInf(want, 0) {
		return false
	}
	eps := 1e-9 * max(1, math.Abs(given), math.Abs(want))
	return math.Abs(given-want) <= tol+eps
}

func formatNumber(f float64) string {
	return strconv.FormatFloat(f, 'g', -1, 64)
}
