package posting

import (
	"slices"
	"strings"
	"testing"
)

func TestProblems(t *testing.T) {
	type want struct {
		pointer string
		message string // a substring of the message
	}
	for _, tc := range []struct {
		name   string
		mutate func(p *Posting)
		want   []want
	}{
		{name: "complete", mutate: func(p *Posting) {}},

		// Assessment type, competencies and sections.
		{name: "no assessment type", mutate: func(p *Posting) { p.AssessmentType = "" }, want: []want{{"/assessment_type", "Choose an assessment type"}}},
		{name: "no competencies or questions", mutate: func(p *Posting) { p.Competencies, p.Questions = nil, nil }, want: []want{
			{"/competencies", "Add at least one competency"},
			{"/questions", "interview section"},
			{"/questions", "practical section"},
		}},
		{name: "competency without questions", mutate: func(p *Posting) {
			p.Competencies = append(p.Competencies, Competency{Key: "k8s", Name: "Kubernetes", Weight: 1})
		}, want: []want{{"/competencies/2", `Competency "Kubernetes" has no questions`}}},
		{name: "competency only in a disabled section", mutate: func(p *Posting) {
			p.AssessmentType = AssessmentPractical
			p.Questions = append(p.Questions, Question{Key: "q-num2", Section: SectionPractical, Competency: "go", Kind: KindNumeric, Weight: 1, Prompt: "n?", Answer: new(1.0)})
		}, want: []want{
			{"/competencies/1", `Competency "SQL" has no questions in the enabled sections`},
			{"/questions/0/section", "no interview section"},
			{"/questions/1/section", "no interview section"},
			{"/questions/2/section", "no interview section"},
		}},
		{name: "practical question on interview posting", mutate: func(p *Posting) { p.AssessmentType = AssessmentInterview }, want: []want{
			{"/questions/3/section", `The assessment type is "interview", so there is no practical section`},
		}},
		{name: "enabled section without questions", mutate: func(p *Posting) { p.Questions = p.Questions[:3] }, want: []want{
			{"/questions", "Add at least one question to the practical section"},
		}},

		// Time limits.
		{name: "no time limit", mutate: func(p *Posting) { p.TimeLimit = nil }, want: []want{{"/time_limit", "Set a time limit"}}},
		{name: "per-section limit missing a section", mutate: func(p *Posting) { p.TimeLimit = &TimeLimit{InterviewMinutes: 30} }, want: []want{
			{"/time_limit/practical_minutes", "Set a time limit for the practical section"},
		}},
		{name: "per-section limit complete", mutate: func(p *Posting) { p.TimeLimit = &TimeLimit{InterviewMinutes: 30, PracticalMinutes: 90} }},
		{name: "limit for a disabled section", mutate: func(p *Posting) {
			p.AssessmentType = AssessmentInterview
			p.Questions = p.Questions[:3]
			p.TimeLimit = &TimeLimit{InterviewMinutes: 30, PracticalMinutes: 90}
		}, want: []want{{"/time_limit/practical_minutes", "There is no practical section"}}},

		// Thresholds.
		{name: "yes not below strong_yes", mutate: func(p *Posting) { p.Thresholds.Yes = 85 }, want: []want{{"/thresholds/yes", "lower than strong_yes (85)"}}},
		{name: "no above yes", mutate: func(p *Posting) { p.Thresholds.No = 75 }, want: []want{{"/thresholds/no", "lower than yes (70)"}}},

		// Free text.
		{name: "free text without prompt", mutate: func(p *Posting) { p.Questions[0].Prompt = " " }, want: []want{{"/questions/0/prompt", "Write the question prompt"}}},
		{name: "free text without rubric", mutate: func(p *Posting) { p.Questions[0].Rubric = nil }, want: []want{{"/questions/0/rubric/expected_points", "at least one expected point"}}},
		{name: "free text with empty rubric", mutate: func(p *Posting) { p.Questions[0].Rubric.ExpectedPoints = nil }, want: []want{{"/questions/0/rubric/expected_points", "at least one expected point"}}},
		{name: "point without phrases", mutate: func(p *Posting) { p.Questions[0].Rubric.ExpectedPoints[0].Phrases = nil }, want: []want{{"/questions/0/rubric/expected_points/0/phrases", "at least one phrase"}}},
		{name: "point without text", mutate: func(p *Posting) { p.Questions[0].Rubric.ExpectedPoints[0].Text = "" }, want: []want{{"/questions/0/rubric/expected_points/0/text", "Describe the point"}}},

		// Multiple choice.
		{name: "mc without prompt", mutate: func(p *Posting) { p.Questions[1].Prompt = "" }, want: []want{{"/questions/1/prompt", "Write the question prompt"}}},
		{name: "mc with one option", mutate: func(p *Posting) { p.Questions[1].Options = p.Questions[1].Options[:1] }, want: []want{{"/questions/1/options", "at least two options"}}},
		{name: "mc without options", mutate: func(p *Posting) { p.Questions[1].Options = nil }, want: []want{{"/questions/1/options", "at least two options"}}},
		{name: "mc without correct option", mutate: func(p *Posting) { p.Questions[1].Options[0].Correct = false }, want: []want{{"/questions/1/options", "Mark at least one option as correct"}}},
		{name: "single-answer mc with two correct", mutate: func(p *Posting) { p.Questions[1].Options[1].Correct = true }, want: []want{{"/questions/1/options", "2 options are marked correct"}}},
		{name: "multiple-answer mc with two correct", mutate: func(p *Posting) {
			p.Questions[1].Options[1].Correct = true
			p.Questions[1].Multiple = true
			p.Questions[1].PartialCredit = PartialCreditProportional
		}},
		{name: "proportional credit on single answer", mutate: func(p *Posting) { p.Questions[1].PartialCredit = PartialCreditProportional }, want: []want{{"/questions/1/partial_credit", "needs multiple answers"}}},
		{name: "option without text", mutate: func(p *Posting) { p.Questions[1].Options[1].Text = "" }, want: []want{{"/questions/1/options/1/text", "Write the option text"}}},

		// Numeric.
		{name: "numeric without prompt", mutate: func(p *Posting) { p.Questions[2].Prompt = "" }, want: []want{{"/questions/2/prompt", "Write the question prompt"}}},
		{name: "numeric without answer", mutate: func(p *Posting) { p.Questions[2].Answer = nil }, want: []want{{"/questions/2/answer", "Set the correct answer"}}},
		{name: "numeric answer zero is set", mutate: func(p *Posting) { p.Questions[2].Answer = new(0.0) }},

		// Task.
		{name: "task without brief", mutate: func(p *Posting) { p.Questions[3].Brief = "" }, want: []want{{"/questions/3/brief", "Write the task brief"}}},
		{name: "task without deliverable", mutate: func(p *Posting) { p.Questions[3].Deliverable = nil }, want: []want{{"/questions/3/deliverable", "Describe the deliverable"}}},
		{name: "task without checklist", mutate: func(p *Posting) { p.Questions[3].Checklist = nil }, want: []want{{"/questions/3/checklist", "at least one checklist item"}}},
		{name: "checklist item without phrases", mutate: func(p *Posting) { p.Questions[3].Checklist[0].Phrases = nil }, want: []want{{"/questions/3/checklist/0/phrases", "at least one phrase"}}},
		{name: "checklist item without text", mutate: func(p *Posting) { p.Questions[3].Checklist[0].Text = "" }, want: []want{{"/questions/3/checklist/0/text", "Describe the item"}}},
		{name: "language on text deliverable", mutate: func(p *Posting) { p.Questions[3].Deliverable.Format = DeliverableText }, want: []want{{"/questions/3/deliverable/language", "only to code deliverables"}}},
		{name: "upload without types", mutate: func(p *Posting) { p.Questions[3].Deliverable.Upload.Types = nil }, want: []want{{"/questions/3/deliverable/upload/types", "at least one accepted file type"}}},

		// Structural problems (Validate) are publish problems too.
		{name: "zero weights", mutate: func(p *Posting) {
			p.Competencies[0].Weight = 0
			p.Questions[2].Weight = 0
			p.Questions[3].Checklist[0].Weight = -1
		}, want: []want{
			{"/competencies/0/weight", "greater than 0"},
			{"/questions/2/weight", "greater than 0"},
			{"/questions/3/checklist/0/weight", "greater than 0"},
		}},
		{name: "duplicate question key", mutate: func(p *Posting) { p.Questions[2].Key = "q-mc" }, want: []want{{"/questions/2/key", "duplicate question key"}}},
		{name: "field of another kind set in Go", mutate: func(p *Posting) { p.Questions[2].Options = []Option{{Key: "a", Text: "A"}} }, want: []want{{"/questions/2/options", "does not apply to numeric questions"}}},
		{name: "NaN weight", mutate: func(p *Posting) { p.Questions[0].Weight = nan() }, want: []want{{"/questions/0/weight", "finite"}}},
		{name: "invalid UTF-8 in Go", mutate: func(p *Posting) { p.Department = "R\xffD" }, want: []want{{"/department", "UTF-8"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := mustDecode(t, baseJSON)
			tc.mutate(p)
			probs := p.Problems()
			var got, exp []string
			for _, fe := range probs {
				got = append(got, fe.Pointer)
			}
			for _, w := range tc.want {
				exp = append(exp, w.pointer)
			}
			if !slices.Equal(got, exp) {
				t.Fatalf("pointers = %q, want %q\nproblems: %v", got, exp, probs)
			}
			for i, w := range tc.want {
				if !strings.Contains(probs[i].Message, w.message) {
					t.Errorf("problem %d = %q, want it to contain %q", i, probs[i].Message, w.message)
				}
			}
		})
	}
}

// Drafts may be incomplete: every publish rule above is a Problem, not a
// Decode error, so an incomplete draft still imports and round-trips.
func TestIncompleteDraftDecodes(t *testing.T) {
	doc := `{
  "format": "talentsystems.posting/v1",
  "title": "Draft",
  "competencies": [{"key": "go", "name": "Go"}],
  "questions": [
    {"key": "a", "section": "practical", "competency": "go", "kind": "free_text", "rubric": {"expected_points": [{"text": "", "phrases": []}]}},
    {"key": "b", "section": "interview", "competency": "go", "kind": "multiple_choice", "options": [{"key": "x", "text": "", "correct": true}, {"key": "y", "text": "Y", "correct": true}]},
    {"key": "c", "section": "interview", "competency": "go", "kind": "numeric"},
    {"key": "d", "section": "practical", "competency": "go", "kind": "task", "deliverable": {"format": "text", "language": "go", "upload": {}}},
    {"key": "e", "section": "practical", "competency": "go", "kind": "task"}
  ],
  "thresholds": {"strong_yes": 50, "yes": 60, "no": 70}
}`
	p := mustDecode(t, doc)
	got := pointers(p.Problems())
	want := []string{
		"/assessment_type",
		"/questions/0/prompt",
		"/questions/0/rubric/expected_points/0/phrases",
		"/questions/0/rubric/expected_points/0/text",
		"/questions/1/options",
		"/questions/1/options/0/text",
		"/questions/1/prompt",
		"/questions/2/answer",
		"/questions/2/prompt",
		"/questions/3/brief",
		"/questions/3/checklist",
		"/questions/3/deliverable/language",
		"/questions/3/deliverable/upload/types",
		"/questions/4/brief",
		"/questions/4/checklist",
		"/questions/4/deliverable",
		"/thresholds/no",
		"/thresholds/yes",
		"/time_limit",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("Problems pointers = %q\nwant %q", got, want)
	}
	enc, err := Encode(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Decode(strings.NewReader(string(enc))); err != nil {
		t.Fatalf("draft does not round-trip: %v", err)
	}
}
