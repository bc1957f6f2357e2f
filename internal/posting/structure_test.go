package posting

import "testing"

func TestStructureChanged(t *testing.T) {
	for _, tc := range []struct {
		name   string
		edit   func(p *Posting)
		change bool
	}{
		{name: "no edit", edit: func(p *Posting) {}},

		// Cosmetic edits.
		{name: "title", edit: func(p *Posting) { p.Title = "Senior Backend Engineer" }},
		{name: "description", edit: func(p *Posting) { p.Description = "New text." }},
		{name: "department and location", edit: func(p *Posting) { p.Department, p.Location = "Platform", "Berlin" }},
		{name: "link validity", edit: func(p *Posting) { p.LinkValidityDays = 30 }},
		{name: "thresholds", edit: func(p *Posting) { p.Thresholds = Thresholds{StrongYes: 90, Yes: 75, No: 40} }},
		{name: "competency name and description", edit: func(p *Posting) {
			p.Competencies[0].Name = "Golang"
			p.Competencies[0].Description = "Writing Go."
		}},
		{name: "competency order", edit: func(p *Posting) {
			p.Competencies[0], p.Competencies[1] = p.Competencies[1], p.Competencies[0]
		}},
		{name: "nil and empty lists", edit: func(p *Posting) { p.Questions[3].Deliverable.Upload.Types = []string{"application/pdf", ".zip"} }},

		// Structural edits.
		{name: "assessment type", edit: func(p *Posting) { p.AssessmentType = AssessmentInterview }, change: true},
		{name: "time limit", edit: func(p *Posting) { p.TimeLimit.TotalMinutes = 90 }, change: true},
		{name: "time limit removed", edit: func(p *Posting) { p.TimeLimit = nil }, change: true},
		{name: "time limit per section", edit: func(p *Posting) { p.TimeLimit = &TimeLimit{InterviewMinutes: 30, PracticalMinutes: 30} }, change: true},
		{name: "competency added", edit: func(p *Posting) {
			p.Competencies = append(p.Competencies, Competency{Key: "k8s", Name: "Kubernetes", Weight: 1})
		}, change: true},
		{name: "competency removed", edit: func(p *Posting) { p.Competencies = p.Competencies[:1] }, change: true},
		{name: "competency key", edit: func(p *Posting) { p.Competencies[0].Key = "golang" }, change: true},
		{name: "competency weight", edit: func(p *Posting) { p.Competencies[1].Weight = 3 }, change: true},
		{name: "question added", edit: func(p *Posting) {
			p.Questions = append(p.Questions, Question{Key: "new", Section: SectionInterview, Competency: "go", Kind: KindNumeric, Weight: 1, Prompt: "n?", Answer: new(2.0)})
		}, change: true},
		{name: "question removed", edit: func(p *Posting) { p.Questions = p.Questions[1:] }, change: true},
		{name: "questions reordered", edit: func(p *Posting) {
			p.Questions[1], p.Questions[2] = p.Questions[2], p.Questions[1]
		}, change: true},
		{name: "question key", edit: func(p *Posting) { p.Questions[0].Key = "q-text" }, change: true},
		{name: "question section", edit: func(p *Posting) { p.Questions[2].Section = SectionPractical }, change: true},
		{name: "question competency", edit: func(p *Posting) { p.Questions[2].Competency = "go" }, change: true},
		{name: "question weight", edit: func(p *Posting) { p.Questions[2].Weight = 2 }, change: true},
		{name: "question kind", edit: func(p *Posting) {
			q := &p.Questions[2]
			q.Kind, q.Answer, q.Tolerance, q.Unit = KindFreeText, nil, 0, ""
		}, change: true},
		{name: "prompt wording", edit: func(p *Posting) { p.Questions[0].Prompt = "Explain goroutines, please." }, change: true},
		{name: "guidance", edit: func(p *Posting) { p.Questions[0].Guidance = "Be brief." }, change: true},
		{name: "brief", edit: func(p *Posting) { p.Questions[3].Brief = "Write two functions." }, change: true},
		{name: "max chars", edit: func(p *Posting) { p.Questions[0].MaxChars = 100 }, change: true},
		{name: "rubric phrase", edit: func(p *Posting) {
			p.Questions[0].Rubric.ExpectedPoints[0].Phrases = append(p.Questions[0].Rubric.ExpectedPoints[0].Phrases, "runtime")
		}, change: true},
		{name: "rubric point weight", edit: func(p *Posting) { p.Questions[0].Rubric.ExpectedPoints[0].Weight = 5 }, change: true},
		{name: "anchors", edit: func(p *Posting) { p.Questions[0].Rubric.Anchors["3"] = "Fair." }, change: true},
		{name: "option added", edit: func(p *Posting) {
			p.Questions[1].Options = append(p.Questions[1].Options, Option{Key: "c", Text: "Maybe"})
		}, change: true},
		{name: "option text", edit: func(p *Posting) { p.Questions[1].Options[1].Text = "Also wrong" }, change: true},
		{name: "correct answer", edit: func(p *Posting) {
			p.Questions[1].Options[0].Correct, p.Questions[1].Options[1].Correct = false, true
		}, change: true},
		{name: "multiple", edit: func(p *Posting) { p.Questions[1].Multiple = true }, change: true},
		{name: "partial credit", edit: func(p *Posting) { p.Questions[1].PartialCredit = PartialCreditProportional }, change: true},
		{name: "numeric answer", edit: func(p *Posting) { p.Questions[2].Answer = new(31.0) }, change: true},
		{name: "numeric tolerance", edit: func(p *Posting) { p.Questions[2].Tolerance = 1 }, change: true},
		{name: "unit", edit: func(p *Posting) { p.Questions[2].Unit = "records" }, change: true},
		{name: "deliverable", edit: func(p *Posting) { p.Questions[3].Deliverable.Language = "python" }, change: true},
		{name: "upload", edit: func(p *Posting) { p.Questions[3].Deliverable.Upload = nil }, change: true},
		{name: "checklist", edit: func(p *Posting) { p.Questions[3].Checklist[0].Text = "Has good tests" }, change: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			old := mustDecode(t, baseJSON)
			updated := mustDecode(t, baseJSON)
			tc.edit(updated)
			if got := StructureChanged(old, updated); got != tc.change {
				t.Errorf("StructureChanged = %v, want %v", got, tc.change)
			}
			if got := StructureChanged(updated, old); got != tc.change {
				t.Errorf("StructureChanged (reversed) = %v, want %v", got, tc.change)
			}
		})
	}

	t.Run("nil", func(t *testing.T) {
		p := mustDecode(t, baseJSON)
		if !StructureChanged(nil, p) || !StructureChanged(p, nil) {
			t.Error("a nil posting should differ from a real one")
		}
		if StructureChanged(nil, nil) {
			t.Error("two nil postings should not differ")
		}
	})
	t.Run("unencodable", func(t *testing.T) {
		p := mustDecode(t, baseJSON)
		q := mustDecode(t, baseJSON)
		q.Questions[0].Weight = nan()
		if !StructureChanged(p, q) {
			t.Error("an unencodable posting should count as changed")
		}
	})
}
