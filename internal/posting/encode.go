package posting

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// Encode writes p in canonical form: JSON indented by two spaces, fields in
// the documented order, fields with defaults written explicitly, optional
// empty fields omitted, lists always written (as [] when empty), no HTML
// escaping of "<", ">" and "&", and a final newline. Only the fields of each
// question's kind are written. For every posting p returned by Decode,
// Decode(Encode(p)) equals p. Encode does not validate; call Validate or
// Problems first. It fails only for a nil posting or a non-finite number.
func Encode(p *Posting) ([]byte, error) {
	if p == nil {
		return nil, errors.New("posting: encode: nil posting")
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(toWire(p)); err != nil {
		return nil, fmt.Errorf("posting: encode: %w", err)
	}
	return buf.Bytes(), nil
}

// The wire types fix the canonical field order and which fields are omitted
// when empty. Keep them in step with the field lists in parse.go.
type (
	wirePosting struct {
		Format           string           `json:"format"`
		Title            string           `json:"title"`
		Description      string           `json:"description,omitempty"`
		Department       string           `json:"department,omitempty"`
		Location         string           `json:"location,omitempty"`
		AssessmentType   AssessmentType   `json:"assessment_type,omitempty"`
		TimeLimit        *wireTimeLimit   `json:"time_limit,omitempty"`
		LinkValidityDays int              `json:"link_validity_days"`
		Thresholds       wireThresholds   `json:"thresholds"`
		Competencies     []wireCompetency `json:"competencies"`
		Questions        []wireQuestion   `json:"questions"`
	}
	wireTimeLimit struct {
		TotalMinutes     int `json:"total_minutes,omitempty"`
		InterviewMinutes int `json:"interview_minutes,omitempty"`
		PracticalMinutes int `json:"practical_minutes,omitempty"`
	}
	wireThresholds struct {
		StrongYes int `json:"strong_yes"`
		Yes       int `json:"yes"`
		No        int `json:"no"`
	}
	wireCompetency struct {
		Key         string  `json:"key"`
		Name        string  `json:"name"`
		Description string  `json:"description,omitempty"`
		Weight      float64 `json:"weight"`
	}
	// wireQuestion holds the fields of every kind; pointers are set only for
	// the fields of the question's kind, so the others are omitted.
	wireQuestion struct {
		Key        string  `json:"key"`
		Section    Section `json:"section"`
		Competency string  `json:"competency"`
		Kind       Kind    `json:"kind"`
		Weight     float64 `json:"weight"`

		Prompt        *string        `json:"prompt,omitempty"`
		Guidance      string         `json:"guidance,omitempty"`
		MaxChars      *int           `json:"max_chars,omitempty"`
		Rubric        *wireRubric    `json:"rubric,omitempty"`
		Multiple      *bool          `json:"multiple,omitempty"`
		PartialCredit *PartialCredit `json:"partial_credit,omitempty"`
		Options       *[]wireOption  `json:"options,omitempty"`
		Answer        *float64       `json:"answer,omitempty"`
		Tolerance     *float64       `json:"tolerance,omitempty"`
		Unit          string         `json:"unit,omitempty"`
		Brief         *string        `json:"brief,omitempty"`
		Deliverable   *wireDeliver   `json:"deliverable,omitempty"`
		Checklist     *[]wireItem    `json:"checklist,omitempty"`
		Anchors       Anchors        `json:"anchors,omitempty"`
	}
	wireRubric struct {
		ExpectedPoints []wireItem `json:"expected_points"`
		Anchors        Anchors    `json:"anchors,omitempty"`
	}
	wireItem struct {
		Text    string   `json:"text"`
		Weight  float64  `json:"weight"`
		Phrases []string `json:"phrases"`
	}
	wireOption struct {
		Key     string `json:"key"`
		Text    string `json:"text"`
		Correct bool   `json:"correct"`
	}
	wireDeliver struct {
		Format   DeliverableFormat `json:"format"`
		Language string            `json:"language,omitempty"`
		MaxChars int               `json:"max_chars"`
		Upload   *wireUpload       `json:"upload,omitempty"`
	}
	wireUpload struct {
		MaxBytes int      `json:"max_bytes"`
		Types    []string `json:"types"`
	}
)

func toWire(p *Posting) wirePosting {
	w := wirePosting{
		Format:           p.Format,
		Title:            p.Title,
		Description:      p.Description,
		Department:       p.Department,
		Location:         p.Location,
		AssessmentType:   p.AssessmentType,
		LinkValidityDays: p.LinkValidityDays,
		Thresholds:       wireThresholds{StrongYes: p.Thresholds.StrongYes, Yes: p.Thresholds.Yes, No: p.Thresholds.No},
		Competencies:     make([]wireCompetency, 0, len(p.Competencies)),
		Questions:        make([]wireQuestion, 0, len(p.Questions)),
	}
	if tl := p.TimeLimit; tl != nil {
		w.TimeLimit = &wireTimeLimit{TotalMinutes: tl.TotalMinutes, InterviewMinutes: tl.InterviewMinutes, PracticalMinutes: tl.PracticalMinutes}
	}
	for _, c := range p.Competencies {
		w.Competencies = append(w.Competencies, wireCompetency{Key: c.Key, Name: c.Name, Description: c.Description, Weight: c.Weight})
	}
	for i := range p.Questions {
		w.Questions = append(w.Questions, questionToWire(&p.Questions[i]))
	}
	return w
}

func questionToWire(q *Question) wireQuestion {
	w := wireQuestion{Key: q.Key, Section: q.Section, Competency: q.Competency, Kind: q.Kind, Weight: q.Weight}
	switch q.Kind {
	case KindFreeText:
		w.Prompt = new(q.Prompt)
		w.Guidance = q.Guidance
		w.MaxChars = new(q.MaxChars)
		if r := q.Rubric; r != nil {
			w.Rubric = &wireRubric{ExpectedPoints: itemsToWire(r.ExpectedPoints), Anchors: nonEmpty(r.Anchors)}
		}
	case KindMultipleChoice:
		w.Prompt = new(q.Prompt)
		w.Multiple = new(q.Multiple)
		w.PartialCredit = new(q.PartialCredit)
		opts := make([]wireOption, 0, len(q.Options))
		for _, o := range q.Options {
			opts = append(opts, wireOption(o))
		}
		w.Options = &opts
	case KindNumeric:
		w.Prompt = new(q.Prompt)
		if q.Answer != nil {
			w.Answer = new(*q.Answer)
		}
		w.Tolerance = new(q.Tolerance)
		w.Unit = q.Unit
	case KindTask:
		w.Brief = new(q.Brief)
		if d := q.Deliverable; d != nil {
			w.Deliverable = &wireDeliver{Format: d.Format, Language: d.Language, MaxChars: d.MaxChars}
			if u := d.Upload; u != nil {
				w.Deliverable.Upload = &wireUpload{MaxBytes: u.MaxBytes, Types: append(make([]string, 0, len(u.Types)), u.Types...)}
			}
		}
		items := itemsToWire(q.Checklist)
		w.Checklist = &items
		w.Anchors = nonEmpty(q.Anchors)
	}
	return w
}

func itemsToWire(items []RubricItem) []wireItem {
	out := make([]wireItem, 0, len(items))
	for _, it := range items {
		out = append(out, wireItem{Text: it.Text, Weight: it.Weight, Phrases: append(make([]string, 0, len(it.Phrases)), it.Phrases...)})
	}
	return out
}

func nonEmpty(a Anchors) Anchors {
	if len(a) == 0 {
		return nil
	}
	return a
}
