package posting

import "fmt"

// Problems returns everything that stops the posting from being published,
// in plain language and ordered by pointer; an empty result means the
// posting is fully configured. It includes the structural problems of
// Validate and adds the publish rules, which drafts may break:
//
//   - an assessment type is chosen;
//   - there is at least one competency, and every competency has at least one
//     question in an enabled section;
//   - every enabled section has at least one question, and no question is in
//     a section the assessment type does not enable;
//   - a time limit is set, covering every enabled section when it is given
//     per section, and no limit is set for a section that is not enabled;
//   - the thresholds are strictly descending (strong_yes > yes > no);
//   - every question is scorable: a prompt or brief is written; free_text
//     has at least one expected point and every point has text and at least
//     one phrase; multiple_choice has at least two options with text, at
//     least one correct option, exactly one unless multiple answers are
//     allowed, and proportional partial credit only with multiple answers;
//     numeric has an answer; task has a deliverable, at least one checklist
//     item with text and at least one phrase, a language only for code, and
//     at least one accepted type when it allows an upload.
func (p *Posting) Problems() []FieldError {
	var l errorList
	p.validate(&l)
	p.completeness(&l)
	return l.sorted()
}

func (p *Posting) completeness(l *errorList) {
	typeKnown := len(p.AssessmentType.Sections()) > 0
	if p.AssessmentType == "" {
		l.add("/assessment_type", "Choose an assessment type: interview, practical or both.")
	}
	if len(p.Competencies) == 0 {
		l.add("/competencies", "Add at least one competency.")
	}

	if typeKnown {
		for _, s := range p.AssessmentType.Sections() {
			if len(p.QuestionsIn(s)) == 0 {
				l.add("/questions", "Add at least one question to the %s section.", s)
			}
		}
		for i, q := range p.Questions {
			if (q.Section == SectionInterview || q.Section == SectionPractical) && !p.AssessmentType.Enables(q.Section) {
				l.add(ptr("/questions").index(i).key("section"),
					"The assessment type is %q, so there is no %s section: move this question or change the assessment type.",
					p.AssessmentType, q.Section)
			}
		}
		for i, c := range p.Competencies {
			if c.Key != "" && !p.measured(c.Key) {
				l.add(ptr("/competencies").index(i),
					"Competency %q has no questions in the enabled sections; add one or remove the competency.", c.Name)
			}
		}
	}

	p.timeLimitProblems(l, typeKnown)

	t := p.Thresholds
	if t.Yes >= t.StrongYes {
		l.add("/thresholds/yes", "Must be lower than strong_yes (%d).", t.StrongYes)
	}
	if t.No >= t.Yes {
		l.add("/thresholds/no", "Must be lower than yes (%d).", t.Yes)
	}

	for i := range p.Questions {
		p.Questions[i].problems(l, ptr("/questions").index(i))
	}
}

// measured reports whether a question in an enabled section measures the
// competency with the given key.
func (p *Posting) measured(key string) bool {
	for _, q := range p.Questions {
		if q.Competency == key && p.AssessmentType.Enables(q.Section) {
			return true
		}
	}
	return false
}

func (p *Posting) timeLimitProblems(l *errorList, typeKnown bool) {
	tl := p.TimeLimit
	if tl == nil {
		l.add("/time_limit", "Set a time limit, for the whole assessment or per section.")
		return
	}
	if tl.TotalMinutes != 0 || !typeKnown {
		return
	}
	for _, s := range Sections {
		minutes, field := tl.InterviewMinutes, "interview_minutes"
		if s == SectionPractical {
			minutes, field = tl.PracticalMinutes, "practical_minutes"
		}
		enabled := p.AssessmentType.Enables(s)
		switch {
		case enabled && minutes == 0:
			l.add(ptr("/time_limit").key(field), "Set a time limit for the %s section.", s)
		case !enabled && minutes != 0:
			l.add(ptr("/time_limit").key(field), "There is no %s section; remove this time limit.", s)
		}
	}
}

func (q *Question) problems(l *errorList, qp ptr) {
	switch q.Kind {
	case KindFreeText:
		needText(l, qp.key("prompt"), q.Prompt, "Write the question prompt.")
		if q.Rubric == nil || len(q.Rubric.ExpectedPoints) == 0 {
			l.add(qp.key("rubric").key("expected_points"), "Add at least one expected point to the rubric.")
		} else {
			itemProblems(l, qp.key("rubric").key("expected_points"), q.Rubric.ExpectedPoints, "point")
		}
	case KindMultipleChoice:
		needText(l, qp.key("prompt"), q.Prompt, "Write the question prompt.")
		op := qp.key("options")
		if len(q.Options) < 2 {
			l.add(op, "Add at least two options.")
		}
		correct := 0
		for i, o := range q.Options {
			needText(l, op.index(i).key("text"), o.Text, "Write the option text.")
			if o.Correct {
				correct++
			}
		}
		switch {
		case correct == 0 && len(q.Options) > 0:
			l.add(op, "Mark at least one option as correct.")
		case correct > 1 && !q.Multiple:
			l.add(op, "%d options are marked correct; mark exactly one, or allow multiple answers.", correct)
		}
		if q.PartialCredit == PartialCreditProportional && !q.Multiple {
			l.add(qp.key("partial_credit"), "Proportional partial credit needs multiple answers; allow multiple answers or use \"none\".")
		}
	case KindNumeric:
		needText(l, qp.key("prompt"), q.Prompt, "Write the question prompt.")
		if q.Answer == nil {
			l.add(qp.key("answer"), "Set the correct answer.")
		}
	case KindTask:
		needText(l, qp.key("brief"), q.Brief, "Write the task brief.")
		if d := q.Deliverable; d == nil {
			l.add(qp.key("deliverable"), "Describe the deliverable: text or code.")
		} else {
			dp := qp.key("deliverable")
			if d.Language != "" && d.Format != DeliverableCode {
				l.add(dp.key("language"), "A language applies only to code deliverables; remove it or change the format to code.")
			}
			if d.Upload != nil && len(d.Upload.Types) == 0 {
				l.add(dp.key("upload").key("types"), "List at least one accepted file type, such as \"application/pdf\" or \".pdf\".")
			}
		}
		if len(q.Checklist) == 0 {
			l.add(qp.key("checklist"), "Add at least one checklist item.")
		} else {
			itemProblems(l, qp.key("checklist"), q.Checklist, "item")
		}
	}
}

func itemProblems(l *errorList, p ptr, items []RubricItem, noun string) {
	for i, it := range items {
		ip := p.index(i)
		needText(l, ip.key("text"), it.Text, fmt.Sprintf("Describe the %s.", noun))
		if len(it.Phrases) == 0 {
			l.add(ip.key("phrases"), "Add at least one phrase that shows an answer covers this %s.", noun)
		}
	}
}

func needText(l *errorList, p ptr, s, msg string) {
	if isBlank(s) {
		l.add(p, "%s", msg)
	}
}
