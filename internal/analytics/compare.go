package analytics

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/posting"
	"github.com/talentsystems/talentsystems/internal/postings"
	"github.com/talentsystems/talentsystems/internal/scoring"
	"github.com/talentsystems/talentsystems/internal/store"
)

// The number of candidates a comparison takes.
const (
	MinCompare = 2
	MaxCompare = 6
)

// Compared is one candidate of a comparison.
type Compared struct {
	C          *model.Candidate
	Scored     bool
	Overall    float64
	Percentile Percentile
}

// Cell is one candidate's value in a row of a comparison.
type Cell struct {
	Has bool
	// Score is a competency score (0–100) or a question level (1–5).
	Score    float64
	Evidence string
	Answer   string
}

// Row is one aligned row of a comparison: a competency or a question.
type Row struct {
	Label, Detail string
	Cells         []Cell
}

// Comparison shows 2–6 candidates of one posting side by side.
type Comparison struct {
	Posting      *postings.Posting
	Candidates   []*Compared
	Competencies []Row
	Questions    []Row
}

// Compare returns the comparison of candidates ids of one of the actor's
// organization's postings. Fewer than MinCompare or more than MaxCompare
// distinct candidates is Invalid; a candidate of another posting or
// organization is NotFound.
func (s *Service) Compare(ctx context.Context, actor model.Actor, postingID int64, ids []int64) (*Comparison, error) {
	seen := map[int64]bool{}
	var uniq []int64
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			uniq = append(uniq, id)
		}
	}
	if len(uniq) < MinCompare || len(uniq) > MaxCompare {
		return nil, apperror.New(apperror.Invalid, "choose between %d and %d candidates to compare (%d chosen)", MinCompare, MaxCompare, len(uniq))
	}
	p, err := s.Postings.Get(ctx, actor, postingID)
	if err != nil {
		return nil, err
	}
	cmp := &Comparison{Posting: p}
	var qs []posting.Question
	for _, sec := range p.Doc.AssessmentType.Sections() {
		qs = append(qs, p.Doc.QuestionsIn(sec)...)
	}
	for _, c := range p.Doc.Competencies {
		cmp.Competencies = append(cmp.Competencies, Row{Label: c.Name, Detail: c.Key})
	}
	for i, q := range qs {
		cmp.Questions = append(cmp.Questions, Row{Label: fmt.Sprintf("Question %d", i+1), Detail: q.Key})
	}
	for _, id := range uniq {
		c, err := store.OrgCandidate(ctx, s.Store.DB, actor.OrgID, id)
		if err != nil {
			return nil, err
		}
		if c.PostingID != p.ID {
			return nil, apperror.New(apperror.NotFound, "candidate %d is not a candidate of this posting", id)
		}
		one := &Compared{C: c}
		if one.Percentile, err = s.Percentile(ctx, actor, c); err != nil {
			return nil, err
		}
		var res scoring.Result
		answers := map[string]*model.Answer{}
		if c.AttemptID != 0 && c.Score != nil {
			a, err := store.GetAttempt(ctx, s.Store.DB, c.ID, c.AttemptID)
			if err != nil {
				return nil, err
			}
			if len(a.Result) > 0 {
				if err := json.Unmarshal(a.Result, &res); err != nil {
					return nil, fmt.Errorf("analytics: candidate %d result: %w", c.ID, err)
				}
				one.Scored, one.Overall = true, res.Overall
			}
			if answers, err = store.AttemptAnswers(ctx, s.Store.DB, a.ID); err != nil {
				return nil, err
			}
		}
		comp := map[string]float64{}
		for _, cs := range res.Competencies {
			comp[cs.Key] = cs.Score
		}
		for i, k := range p.Doc.Competencies {
			v, ok := comp[k.Key]
			cmp.Competencies[i].Cells = append(cmp.Competencies[i].Cells, Cell{Has: ok, Score: v})
		}
		byKey := map[string]*scoring.QuestionScore{}
		for i := range res.Questions {
			byKey[res.Questions[i].Key] = &res.Questions[i]
		}
		for i, q := range qs {
			cell := Cell{}
			if qsc := byKey[q.Key]; qsc != nil {
				cell.Has, cell.Score, cell.Evidence = true, float64(qsc.Level), evidence(qsc)
			}
			if a := answers[q.Key]; a != nil {
				cell.Answer = answerText(q, a.Answer)
			}
			cmp.Questions[i].Cells = append(cmp.Questions[i].Cells, cell)
		}
		cmp.Candidates = append(cmp.Candidates, one)
	}
	return cmp, nil
}

// evidence lists what a question's answer was found to show.
func evidence(q *scoring.QuestionScore) string {
	var found []string
	for _, e := range q.Evidence {
		if e.Found {
			found = append(found, e.Item)
		}
	}
	if len(found) == 0 {
		return fmt.Sprintf("none of %d items", len(q.Evidence))
	}
	return fmt.Sprintf("%d of %d: %s", len(found), len(q.Evidence), strings.Join(found, "; "))
}

// answerText is a stored answer in words.
func answerText(q posting.Question, raw []byte) string {
	var a scoring.Answer
	if json.Unmarshal(raw, &a) != nil {
		return ""
	}
	switch {
	case a.Text != "":
		return a.Text
	case len(a.Choices) > 0:
		var names []string
		for _, k := range a.Choices {
			name := k
			for _, o := range q.Options {
				if o.Key == k {
					name = o.Text
				}
			}
			names = append(names, name)
		}
		return strings.Join(names, "; ")
	case a.Number != nil:
		return strconv.FormatFloat(*a.Number, 'f', -1, 64)
	case a.FileName != "":
		return "file: " + a.FileName
	}
	return ""
}

// WriteCSV writes the comparison as CSV (UTF-8 with a byte-order mark):
// one column per candidate, one row per figure.
func (c *Comparison) WriteCSV(w io.Writer) error {
	if _, err := io.WriteString(w, BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	row := func(label string, f func(i int) string) {
		r := []string{label}
		for i := range c.Candidates {
			r = append(r, f(i))
		}
		for i := range r {
			r[i] = Neutralise(r[i])
		}
		cw.Write(r)
	}
	row("candidate", func(i int) string { return c.Candidates[i].C.Name() })
	row("id", func(i int) string { return strconv.FormatInt(c.Candidates[i].C.ID, 10) })
	row("overall", func(i int) string {
		if !c.Candidates[i].Scored {
			return ""
		}
		return strconv.FormatFloat(c.Candidates[i].Overall, 'f', 1, 64)
	})
	row("recommendation", func(i int) string { return c.Candidates[i].C.Recommendation })
	row("percentile", func(i int) string { return c.Candidates[i].Percentile.String() })
	for _, r := range c.Competencies {
		row("competency: "+r.Label, func(i int) string { return scoreText(r.Cells[i], 1) })
	}
	for _, r := range c.Questions {
		row(r.Label+" level ("+r.Detail+")", func(i int) string { return scoreText(r.Cells[i], 0) })
		row(r.Label+" evidence", func(i int) string { return r.Cells[i].Evidence })
		row(r.Label+" answer", func(i int) string { return r.Cells[i].Answer })
	}
	cw.Flush()
	return cw.Error()
}

func scoreText(c Cell, prec int) string {
	if !c.Has {
		return ""
	}
	return strconv.FormatFloat(c.Score, 'f', prec, 64)
}
