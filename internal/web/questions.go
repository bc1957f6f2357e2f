package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/posting"
	"github.com/talentsystems/talentsystems/internal/postings"
)

// blankRows is how many empty rows a question form offers for new rubric
// items or options; saving with all of them filled offers more.
const blankRows = 3

// ItemRow is one rubric item row of the question form.
type ItemRow struct {
	N       int
	Text    string
	Weight  string
	Phrases string
}

// OptionRow is one option row of the question form.
type OptionRow struct {
	N       int
	Key     string
	Text    string
	Correct bool
}

// QuestionPage is the view of the form for one question.
type QuestionPage struct {
	Base
	Posting      *postings.Posting
	Q            posting.Question
	OldKey       string // empty for a new question
	Competencies []posting.Competency
	Items        []ItemRow
	Options      []OptionRow
	Rows         int
	Anchors      []AnchorRow
	Weight       string
	Answer       string
	Tolerance    string
	UploadTypes  string
	Problems     []Problem
	// Focus is the id of the row just added, "" otherwise.
	Focus string
}

// addRows offers at least n item and option rows, the new ones empty.
func (v *QuestionPage) addRows(n int) {
	v.Rows = max(v.Rows, n, len(v.Items), len(v.Options))
	for i := len(v.Items); i < v.Rows; i++ {
		v.Items = append(v.Items, ItemRow{N: i})
	}
	for i := len(v.Options); i < v.Rows; i++ {
		v.Options = append(v.Options, OptionRow{N: i})
	}
}

// AnchorRow is one behavioural anchor of the question form.
type AnchorRow struct {
	Level string
	Text  string
}

func newQuestionPage(p *postings.Posting, q posting.Question, oldKey string) *QuestionPage {
	v := &QuestionPage{Base: Base{Title: "Question", Nav: "postings"}, Posting: p, Q: q, OldKey: oldKey, Competencies: p.Doc.Competencies,
		Weight: fmtNum(q.Weight)}
	var items []posting.RubricItem
	var anchors posting.Anchors
	switch q.Kind {
	case posting.KindFreeText:
		if q.Rubric != nil {
			items, anchors = q.Rubric.ExpectedPoints, q.Rubric.Anchors
		}
	case posting.KindTask:
		items, anchors = q.Checklist, q.Anchors
		if q.Deliverable != nil && q.Deliverable.Upload != nil {
			v.UploadTypes = strings.Join(q.Deliverable.Upload.Types, ", ")
		}
	case posting.KindNumeric:
		if q.Answer != nil {
			v.Answer = fmtNum(*q.Answer)
		}
		v.Tolerance = fmtNum(q.Tolerance)
	}
	for i, it := range items {
		v.Items = append(v.Items, ItemRow{N: i, Text: it.Text, Weight: fmtNum(it.Weight), Phrases: strings.Join(it.Phrases, "\n")})
	}
	for i, o := range q.Options {
		v.Options = append(v.Options, OptionRow{N: i, Key: o.Key, Text: o.Text, Correct: o.Correct})
	}
	v.addRows(max(len(v.Items), len(v.Options)) + blankRows)
	for _, l := range posting.AnchorLevels {
		v.Anchors = append(v.Anchors, AnchorRow{Level: l, Text: anchors[l]})
	}
	return v
}

func (s *Server) questionPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.postingFor(r)
	if err != nil {
		return err
	}
	key := r.PathValue("key")
	if key == "" {
		kind := posting.Kind(r.URL.Query().Get("kind"))
		if !slices.Contains(posting.Kinds, kind) {
			return apperror.New(apperror.Invalid, "Choose a question kind: %s.", strings.Join([]string{"free_text", "multiple_choice", "numeric", "task"}, ", "))
		}
		sec := posting.Section(r.URL.Query().Get("section"))
		if !slices.Contains(posting.Sections, sec) {
			sec = posting.SectionInterview
		}
		if kind == posting.KindTask {
			sec = posting.SectionPractical
		}
		q := posting.Question{Key: nextQuestionKey(p.Doc), Kind: kind, Section: sec}
		if kind == posting.KindTask {
			q.Deliverable = &posting.Deliverable{Format: posting.DeliverableText}
		}
		if len(p.Doc.Competencies) > 0 {
			q.Competency = p.Doc.Competencies[0].Key
		}
		// The format's defaults (weights, answer limits, scoring mode) prefill the form.
		tmp := posting.Posting{Questions: []posting.Question{q}}
		tmp.ApplyDefaults()
		q = tmp.Questions[0]
		v := newQuestionPage(p, q, "")
		v.Title = "New question"
		s.render(w, r, http.StatusOK, "question", v)
		return nil
	}
	i := questionIndex(p.Doc, key)
	if i < 0 {
		return apperror.New(apperror.NotFound, "question not found")
	}
	v := newQuestionPage(p, p.Doc.Questions[i], key)
	v.Title = "Edit question " + key
	s.render(w, r, http.StatusOK, "question", v)
	return nil
}

func (s *Server) saveQuestion(w http.ResponseWriter, r *http.Request) error {
	p, err := s.postingFor(r)
	if err != nil {
		return err
	}
	oldKey := r.PathValue("key")
	q, err := questionFromForm(r.PostForm)
	if r.PostForm.Get("add_row") != "" {
		// "Add a row" (without JavaScript): the same form again, nothing
		// saved, with one more empty row than was posted.
		v := newQuestionPage(p, q, oldKey)
		v.Title = "Edit question " + oldKey
		if oldKey == "" {
			v.Title = "New question"
		}
		v.Weight, v.Answer, v.Tolerance = r.PostForm.Get("weight"), r.PostForm.Get("answer"), r.PostForm.Get("tolerance")
		v.addRows(rowCount(r.PostForm) + 1)
		v.Focus = "row-" + strconv.Itoa(v.Rows-1)
		s.render(w, r, http.StatusOK, "question", v)
		return nil
	}
	var doc *posting.Posting
	if err == nil {
		_, err = s.postings.Update(r.Context(), actor(r), p.ID, revisionOf(r.PostForm), func(d *posting.Posting) error {
			doc = d
			if q.Key == "" {
				q.Key = nextQuestionKey(d)
			}
			if oldKey == "" {
				d.Questions = append(d.Questions, q)
			} else {
				i := questionIndex(d, oldKey)
				if i < 0 {
					return apperror.New(apperror.NotFound, "question not found")
				}
				d.Questions[i] = q
			}
			sortBySection(d)
			return nil
		})
	}
	if err != nil {
		v := newQuestionPage(p, q, oldKey)
		// Keep what the person typed, even where it did not parse.
		v.Weight, v.Answer, v.Tolerance = r.PostForm.Get("weight"), r.PostForm.Get("answer"), r.PostForm.Get("tolerance")
		return s.formError(w, r, "question", v, &v.Base, &v.Problems, doc, err)
	}
	s.flash(w, "Question "+q.Key+" saved.")
	http.Redirect(w, r, postingURL(p, "#q-"+q.Key), http.StatusSeeOther)
	return nil
}

func (s *Server) moveQuestion(w http.ResponseWriter, r *http.Request) error {
	key := r.PathValue("key")
	s.editPosting(w, r, "Question moved.", "#q-"+key, func(d *posting.Posting) error {
		i := questionIndex(d, key)
		if i < 0 {
			return apperror.New(apperror.NotFound, "question not found")
		}
		step, err := direction(r)
		if err != nil {
			return err
		}
		// Swap with the nearest question of the same section in that direction.
		for j := i + step; j >= 0 && j < len(d.Questions); j += step {
			if d.Questions[j].Section == d.Questions[i].Section {
				d.Questions[i], d.Questions[j] = d.Questions[j], d.Questions[i]
				return nil
			}
		}
		return nil
	})
	return nil
}

func (s *Server) deleteQuestion(w http.ResponseWriter, r *http.Request) error {
	key := r.PathValue("key")
	p, err := s.postingFor(r)
	if err != nil {
		return err
	}
	if questionIndex(p.Doc, key) < 0 {
		return apperror.New(apperror.NotFound, "question not found")
	}
	if !s.confirmed(w, r, confirmation{Heading: "Delete question " + key + "?", Button: "Delete question " + key, Cancel: postingURL(p, "#questions"),
		Effects: []string{"The question and its scoring are removed from the posting “" + p.Doc.Title + "”.", versionEffect(p.Version)}}) {
		return nil
	}
	s.editPosting(w, r, "Question "+key+" deleted.", "#questions", func(d *posting.Posting) error {
		i := questionIndex(d, key)
		if i < 0 {
			return apperror.New(apperror.NotFound, "question not found")
		}
		d.Questions = slices.Delete(d.Questions, i, i+1)
		return nil
	})
	return nil
}
