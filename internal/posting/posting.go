// Package posting is the domain model of a posting: a job and the assessment
// candidates take for it, together with its "assessment as code" JSON format
// (see docs/posting-format.md).
//
// The package has three levels of checking. Decode rejects documents that are
// structurally invalid (malformed JSON, unknown fields, wrong types, bad enum
// values, out-of-range numbers, duplicate keys, dangling references, HTML in
// text). Validate applies the same structural rules to a Posting built in Go.
// Problems adds the publish rules: a draft may be incomplete, but only a
// posting without problems may be published.
package posting

// Format is the value of the "format" field that identifies version 1 of the
// posting format.
const Format = "talentsystems.posting/v1"

// AssessmentType says which sections a posting's assessment has.
type AssessmentType string

// The assessment types.
const (
	// AssessmentInterview is an assessment with only the interview section.
	AssessmentInterview AssessmentType = "interview"
	// AssessmentPractical is an assessment with only the practical section.
	AssessmentPractical AssessmentType = "practical"
	// AssessmentBoth is an assessment with the interview section followed by
	// the practical section.
	AssessmentBoth AssessmentType = "both"
)

// AssessmentTypes lists the valid assessment types.
var AssessmentTypes = []AssessmentType{AssessmentInterview, AssessmentPractical, AssessmentBoth}

// Sections returns the sections the assessment type enables, in the order
// candidates take them. It returns nil for an unknown or empty type.
func (t AssessmentType) Sections() []Section {
	switch t {
	case AssessmentInterview:
		return []Section{SectionInterview}
	case AssessmentPractical:
		return []Section{SectionPractical}
	case AssessmentBoth:
		return []Section{SectionInterview, SectionPractical}
	}
	return nil
}

// Enables reports whether the assessment type includes section s.
func (t AssessmentType) Enables(s Section) bool {
	for _, e := range t.Sections() {
		if e == s {
			return true
		}
	}
	return false
}

// Section is one of the two parts of an assessment.
type Section string

// The sections.
const (
	// SectionInterview holds questions answered in writing or by choice.
	SectionInterview Section = "interview"
	// SectionPractical holds hands-on work: tasks and supporting questions.
	SectionPractical Section = "practical"
)

// Sections lists the valid sections in the order candidates take them.
var Sections = []Section{SectionInterview, SectionPractical}

// Kind is the kind of a question, which decides its kind-specific fields.
type Kind string

// The question kinds.
const (
	// KindFreeText is a written answer scored against expected points.
	KindFreeText Kind = "free_text"
	// KindMultipleChoice is a choice among options scored exactly.
	KindMultipleChoice Kind = "multiple_choice"
	// KindNumeric is a number scored against an answer and a tolerance.
	KindNumeric Kind = "numeric"
	// KindTask is a practical work sample scored against a checklist; it is
	// allowed only in the practical section.
	KindTask Kind = "task"
)

// Kinds lists the valid question kinds.
var Kinds = []Kind{KindFreeText, KindMultipleChoice, KindNumeric, KindTask}

// PartialCredit says how a multiple-answer question is scored.
type PartialCredit string

// The partial credit modes.
const (
	// PartialCreditNone gives full credit only for exactly the correct set.
	PartialCreditNone PartialCredit = "none"
	// PartialCreditProportional gives (correct chosen - wrong chosen) /
	// number of correct options, floored at zero.
	PartialCreditProportional PartialCredit = "proportional"
)

// DeliverableFormat is the form of a task's typed answer.
type DeliverableFormat string

// The deliverable formats.
const (
	// DeliverableText is prose written in a text area.
	DeliverableText DeliverableFormat = "text"
	// DeliverableCode is source code written in a code editor.
	DeliverableCode DeliverableFormat = "code"
)

// Defaults and limits of the format. They are documented in
// docs/posting-format.md and mirrored in docs/posting.schema.json.
const (
	// MaxDocumentBytes is the largest document Decode reads.
	MaxDocumentBytes = 1 << 20
	// DefaultLinkValidityDays is the default lifetime of an assessment link.
	DefaultLinkValidityDays = 14
	// DefaultWeight is the weight of a competency, question or rubric item
	// that does not set one.
	DefaultWeight = 1.0
	// MaxWeight is the largest allowed weight.
	MaxWeight = 1000.0
	// DefaultFreeTextMaxChars is the answer length limit of a free-text
	// question that does not set one.
	DefaultFreeTextMaxChars = 5000
	// MaxFreeTextMaxChars is the largest allowed free-text answer limit.
	MaxFreeTextMaxChars = 50000
	// DefaultDeliverableMaxChars is the answer length limit of a task that
	// does not set one.
	DefaultDeliverableMaxChars = 20000
	// MaxDeliverableMaxChars is the largest allowed task answer limit.
	MaxDeliverableMaxChars = 200000
	// MaxUploadBytes is the largest allowed upload limit (10 MiB), and the
	// default when an upload does not set one.
	MaxUploadBytes = 10 << 20
	// MaxMinutes is the largest allowed time limit of a posting or section.
	MaxMinutes = 600
)

// Default recommendation thresholds.
const (
	// DefaultStrongYes is the default lowest score for "strong_yes".
	DefaultStrongYes = 85
	// DefaultYes is the default lowest score for "yes".
	DefaultYes = 70
	// DefaultNo is the default lowest score for "no".
	DefaultNo = 50
)

// Posting is a job and the assessment candidates take for it.
type Posting struct {
	// Format is always the Format constant.
	Format string
	// Title is the job title, plain text.
	Title string
	// Description is the job description, Markdown.
	Description string
	// Department is an optional plain-text department name.
	Department string
	// Location is an optional plain-text location.
	Location string
	// AssessmentType says which sections are enabled; empty in an
	// unfinished draft.
	AssessmentType AssessmentType
	// TimeLimit is nil for an untimed draft; publishing needs one.
	TimeLimit *TimeLimit
	// LinkValidityDays is how long an assessment link stays valid.
	LinkValidityDays int
	// Thresholds turn an overall score into a recommendation.
	Thresholds Thresholds
	// Competencies are what the assessment measures, in display order.
	Competencies []Competency
	// Questions are asked in array order within each section.
	Questions []Question
}

// TimeLimit is either a total for the whole assessment or a limit per
// section; never both.
type TimeLimit struct {
	// TotalMinutes limits the whole assessment; 0 when limits are per section.
	TotalMinutes int
	// InterviewMinutes limits the interview section; 0 when unset.
	InterviewMinutes int
	// PracticalMinutes limits the practical section; 0 when unset.
	PracticalMinutes int
}

// Thresholds map an overall score (0–100) to a recommendation. They must be
// strictly descending.
type Thresholds struct {
	// StrongYes is the lowest score recommended "strong_yes".
	StrongYes int
	// Yes is the lowest score recommended "yes".
	Yes int
	// No is the lowest score recommended "no"; below it is "strong_no".
	No int
}

// DefaultThresholds returns the thresholds used when a posting sets none.
func DefaultThresholds() Thresholds {
	return Thresholds{StrongYes: DefaultStrongYes, Yes: DefaultYes, No: DefaultNo}
}

// Recommendation is the hiring recommendation derived from a score.
type Recommendation string

// The recommendations, strongest first.
const (
	// RecommendStrongYes is a score at or above Thresholds.StrongYes.
	RecommendStrongYes Recommendation = "strong_yes"
	// RecommendYes is a score at or above Thresholds.Yes.
	RecommendYes Recommendation = "yes"
	// RecommendNo is a score at or above Thresholds.No.
	RecommendNo Recommendation = "no"
	// RecommendStrongNo is a score below Thresholds.No.
	RecommendStrongNo Recommendation = "strong_no"
)

// Recommend returns the recommendation for an overall score between 0 and
// 100: a score at or above a threshold earns that threshold's recommendation.
func (t Thresholds) Recommend(score float64) Recommendation {
	switch {
	case score >= float64(t.StrongYes):
		return RecommendStrongYes
	case score >= float64(t.Yes):
		return RecommendYes
	case score >= float64(t.No):
		return RecommendNo
	}
	return RecommendStrongNo
}

// Competency is a skill the assessment measures. Question scores roll up to
// competency scores, and competency scores roll up to the overall score, each
// weighted.
type Competency struct {
	// Key identifies the competency within the posting.
	Key string
	// Name is the plain-text label shown on scorecards.
	Name string
	// Description is optional plain text (newlines allowed) for reviewers.
	Description string
	// Weight is the competency's share of the overall score, relative to the
	// other competencies' weights.
	Weight float64
}

// Question is one item of the assessment. Which fields apply depends on Kind;
// fields of other kinds must stay empty.
type Question struct {
	// Key identifies the question within the posting.
	Key string
	// Section is the section the question belongs to.
	Section Section
	// Competency is the key of the competency the question measures.
	Competency string
	// Kind decides which of the fields below apply.
	Kind Kind
	// Weight is the question's share of its competency, relative to the
	// other questions of that competency.
	Weight float64

	// Prompt is the question text, Markdown (free_text, multiple_choice,
	// numeric).
	Prompt string
	// Guidance is optional Markdown help shown to the candidate (free_text).
	Guidance string
	// Rubric scores a free_text answer; nil in an unfinished draft.
	Rubric *Rubric
	// MaxChars limits the length of a free_text answer.
	MaxChars int

	// Options are the choices of a multiple_choice question, in display order.
	Options []Option
	// Multiple allows choosing several options (multiple_choice).
	Multiple bool
	// PartialCredit says how a multiple-answer question is scored
	// (multiple_choice).
	PartialCredit PartialCredit

	// Answer is the expected number (numeric); nil in an unfinished draft.
	Answer *float64
	// Tolerance is the largest accepted absolute difference from Answer
	// (numeric).
	Tolerance float64
	// Unit is an optional plain-text unit shown next to the input (numeric).
	Unit string

	// Brief is the task description, Markdown (task).
	Brief string
	// Deliverable describes what the candidate hands in (task); nil in an
	// unfinished draft.
	Deliverable *Deliverable
	// Checklist scores the deliverable (task).
	Checklist []RubricItem
	// Anchors optionally describe the 1–5 levels of a task for reviewers
	// (task). Free-text anchors live in Rubric.
	Anchors Anchors
}

// Rubric scores a free-text answer.
type Rubric struct {
	// ExpectedPoints are what a good answer contains.
	ExpectedPoints []RubricItem
	// Anchors optionally describe the 1–5 levels for reviewers.
	Anchors Anchors
}

// RubricItem is an expected point of a free-text rubric or an item of a task
// checklist. An item is evidenced when the answer contains any of its phrases
// (case-insensitive).
type RubricItem struct {
	// Text is the plain-text statement of the point.
	Text string
	// Weight is the item's share of the question score.
	Weight float64
	// Phrases are words or phrases whose presence evidences the item.
	Phrases []string
}

// Anchors map a level "1" to "5" to a plain-text description of an answer
// at that level, shown to reviewers who override a score.
type Anchors map[string]string

// AnchorLevels lists the valid anchor keys in order.
var AnchorLevels = []string{"1", "2", "3", "4", "5"}

// Option is a choice of a multiple-choice question.
type Option struct {
	// Key identifies the option within its question.
	Key string
	// Text is the plain-text label shown to the candidate.
	Text string
	// Correct marks the option as (one of) the right answer(s).
	Correct bool
}

// Deliverable describes what a candidate hands in for a task.
type Deliverable struct {
	// Format is the form of the typed answer.
	Format DeliverableFormat
	// Language is an optional editor language hint for code, e.g. "go".
	Language string
	// MaxChars limits the length of the typed answer.
	MaxChars int
	// Upload optionally allows attaching one file.
	Upload *Upload
}

// Upload limits an optional file attached to a task's deliverable.
type Upload struct {
	// MaxBytes is the largest accepted file size.
	MaxBytes int
	// Types are accepted MIME types ("application/pdf") or file name
	// extensions (".pdf").
	Types []string
}

// ApplyDefaults fills zero values of a Posting built in Go with the format's
// defaults, the same ones Decode applies to omitted fields: format, link
// validity, thresholds, weights, answer length limits and upload size. Decode
// already applies them, so decoded postings need no call.
func (p *Posting) ApplyDefaults() {
	if p.Format == "" {
		p.Format = Format
	}
	if p.LinkValidityDays == 0 {
		p.LinkValidityDays = DefaultLinkValidityDays
	}
	d := DefaultThresholds()
	if p.Thresholds.StrongYes == 0 {
		p.Thresholds.StrongYes = d.StrongYes
	}
	if p.Thresholds.Yes == 0 {
		p.Thresholds.Yes = d.Yes
	}
	if p.Thresholds.No == 0 {
		p.Thresholds.No = d.No
	}
	for i := range p.Competencies {
		defaultWeight(&p.Competencies[i].Weight)
	}
	for i := range p.Questions {
		q := &p.Questions[i]
		defaultWeight(&q.Weight)
		switch q.Kind {
		case KindFreeText:
			if q.MaxChars == 0 {
				q.MaxChars = DefaultFreeTextMaxChars
			}
			if q.Rubric != nil {
				defaultItemWeights(q.Rubric.ExpectedPoints)
			}
		case KindMultipleChoice:
			if q.PartialCredit == "" {
				q.PartialCredit = PartialCreditNone
			}
		case KindTask:
			defaultItemWeights(q.Checklist)
			if d := q.Deliverable; d != nil {
				if d.MaxChars == 0 {
					d.MaxChars = DefaultDeliverableMaxChars
				}
				if d.Upload != nil && d.Upload.MaxBytes == 0 {
					d.Upload.MaxBytes = MaxUploadBytes
				}
			}
		}
	}
}

func defaultWeight(w *float64) {
	if *w == 0 {
		*w = DefaultWeight
	}
}

func defaultItemWeights(items []RubricItem) {
	for i := range items {
		defaultWeight(&items[i].Weight)
	}
}

// QuestionsIn returns the questions of section s in the order candidates see
// them.
func (p *Posting) QuestionsIn(s Section) []Question {
	var qs []Question
	for _, q := range p.Questions {
		if q.Section == s {
			qs = append(qs, q)
		}
	}
	return qs
}

// Competency returns the competency with the given key, or nil.
func (p *Posting) Competency(key string) *Competency {
	for i := range p.Competencies {
		if p.Competencies[i].Key == key {
			return &p.Competencies[i]
		}
	}
	return nil
}
