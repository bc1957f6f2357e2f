package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/posting"
	"github.com/talentsystems/talentsystems/internal/postings"
)

// Problem is one located problem of a posting, in words.
type Problem struct {
	Where   string
	Pointer string // RFC 6901 pointer into the posting's JSON document
	Message string
}

// pointerRe finds a JSON pointer into a posting inside a message.
var pointerRe = regexp.MustCompile(`/(competencies|questions)/\d+(/[A-Za-z0-9_]+)*`)

func problemsOf(doc *posting.Posting, list []posting.FieldError) []Problem {
	out := make([]Problem, len(list))
	for i, p := range list {
		// A message may name another place by its pointer ("also used by
		// /competencies/2"): recruiters read words, not pointers.
		msg := pointerRe.ReplaceAllStringFunc(p.Message, func(ptr string) string { return describePointer(doc, ptr) })
		out[i] = Problem{Where: describePointer(doc, p.Pointer), Pointer: p.Pointer, Message: msg}
	}
	return out
}

// PostingsPage is the view of the postings list.
type PostingsPage struct {
	Base
	Postings []*model.Posting
	Status   model.PostingStatus
	Counts   model.PostingCounts
	// Candidates counts each posting's candidates by status.
	Candidates map[int64]model.StatusCounts
}

func (s *Server) postingsList(w http.ResponseWriter, r *http.Request) error {
	status := model.PostingStatus(r.URL.Query().Get("status"))
	if status != "" && status != model.PostingDraft && status != model.PostingActive && status != model.PostingClosed {
		status = ""
	}
	list, err := s.postings.List(r.Context(), actor(r), status)
	if err != nil {
		return err
	}
	counts, err := s.postings.Counts(r.Context(), actor(r))
	if err != nil {
		return err
	}
	cands, err := s.candidates.CountsByPosting(r.Context(), actor(r))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "postings", &PostingsPage{Base: Base{Title: "Postings", Nav: "postings"}, Postings: list, Status: status, Counts: counts, Candidates: cands})
	return nil
}

// postingFor loads the posting named in the path for the signed-in organization.
func (s *Server) postingFor(r *http.Request) (*postings.Posting, error) {
	return s.postings.Get(r.Context(), actor(r), pathID(r, "id"))
}

func postingURL(p *postings.Posting, rest string) string {
	return "/postings/" + strconv.FormatInt(p.ID, 10) + rest
}

// BasicsPage is the view of the form for a posting's title, description,
// assessment type, time limit, link validity and thresholds.
type BasicsPage struct {
	Base
	Posting  *postings.Posting // nil for a new posting
	Doc      *posting.Posting
	Revision int
	Action   string
	Problems []Problem
	TimeMode string
}

func timeMode(doc *posting.Posting) string {
	if doc.TimeLimit != nil && doc.TimeLimit.TotalMinutes == 0 {
		return "sections"
	}
	if doc.TimeLimit == nil {
		return "none"
	}
	return "total"
}

func (s *Server) newPostingPage(w http.ResponseWriter, r *http.Request) error {
	doc := &posting.Posting{}
	doc.ApplyDefaults()
	s.render(w, r, http.StatusOK, "posting_basics", &BasicsPage{Base: Base{Title: "New posting", Nav: "postings"}, Doc: doc, Action: "/postings", TimeMode: "total"})
	return nil
}

func (s *Server) createPosting(w http.ResponseWriter, r *http.Request) error {
	doc := &posting.Posting{}
	view := &BasicsPage{Base: Base{Title: "New posting", Nav: "postings"}, Doc: doc, Action: "/postings", TimeMode: line(r.PostForm, "time_mode")}
	err := applyBasics(doc, r.PostForm)
	var p *postings.Posting
	if err == nil {
		p, err = s.postings.Create(r.Context(), actor(r), doc)
	}
	if err != nil {
		return s.formError(w, r, "posting_basics", view, &view.Base, &view.Problems, doc, err)
	}
	s.flash(w, "Draft created. Add competencies and questions, then publish.")
	http.Redirect(w, r, postingURL(p, ""), http.StatusSeeOther)
	return nil
}

// formError re-renders a posting form with the error's problems, or fails
// for errors that are not about the form's content.
func (s *Server) formError(w http.ResponseWriter, r *http.Request, page string, view interface{ base() *Base }, b *Base, problems *[]Problem, doc *posting.Posting, err error) error {
	switch apperror.KindOf(err) {
	case apperror.Invalid, apperror.Conflict:
	default:
		return err
	}
	if list := postings.ProblemsOf(err); list != nil {
		*problems = problemsOf(doc, list)
	} else if fields := apperror.FieldsOf(err); fields != nil {
		for k, msg := range fields {
			*problems = append(*problems, Problem{Where: fieldLabel(k), Message: msg})
		}
	}
	b.Flash = apperror.Message(err)
	s.render(w, r, Status(err), page, view)
	return nil
}

func (s *Server) editPostingPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.postingFor(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "posting_basics", &BasicsPage{Base: Base{Title: "Edit " + p.Doc.Title, Nav: "postings"},
		Posting: p, Doc: p.Doc, Revision: p.Revision, Action: postingURL(p, "/edit"), TimeMode: timeMode(p.Doc)})
	return nil
}

// revisionOf returns the revision a form was rendered at.
func revisionOf(f url.Values) int {
	n, _ := strconv.Atoi(f.Get("revision"))
	return n
}

func (s *Server) updatePosting(w http.ResponseWriter, r *http.Request) error {
	p, err := s.postingFor(r)
	if err != nil {
		return err
	}
	view := &BasicsPage{Base: Base{Title: "Edit " + p.Doc.Title, Nav: "postings"}, Posting: p, Doc: p.Doc, Revision: p.Revision,
		Action: postingURL(p, "/edit"), TimeMode: line(r.PostForm, "time_mode")}
	_, err = s.postings.Update(r.Context(), actor(r), p.ID, revisionOf(r.PostForm), func(doc *posting.Posting) error {
		view.Doc = doc
		return applyBasics(doc, r.PostForm)
	})
	if err != nil {
		return s.formError(w, r, "posting_basics", view, &view.Base, &view.Problems, view.Doc, err)
	}
	s.flash(w, "Saved.")
	http.Redirect(w, r, postingURL(p, ""), http.StatusSeeOther)
	return nil
}

// SectionView is one section of a posting with its questions.
type SectionView struct {
	Name      posting.Section
	Enabled   bool
	Questions []QuestionRow
}

// QuestionRow is a question in the posting overview.
type QuestionRow struct {
	Q           posting.Question
	First, Last bool
	Competency  string
}

func sectionsOf(doc *posting.Posting) []SectionView {
	var out []SectionView
	for _, sec := range posting.Sections {
		sv := SectionView{Name: sec, Enabled: doc.AssessmentType.Enables(sec)}
		qs := doc.QuestionsIn(sec)
		for i, q := range qs {
			row := QuestionRow{Q: q, First: i == 0, Last: i == len(qs)-1, Competency: q.Competency}
			if c := doc.Competency(q.Competency); c != nil {
				row.Competency = c.Name
			}
			sv.Questions = append(sv.Questions, row)
		}
		if sv.Enabled || len(qs) > 0 {
			out = append(out, sv)
		}
	}
	return out
}

// PostingPage is the view of one posting: its configuration, competencies,
// questions, and whether it can be published.
type PostingPage struct {
	Base
	Posting  *postings.Posting
	Doc      *posting.Posting
	Sections []SectionView
	Problems []Problem
	Kinds    []posting.Kind
}

func (s *Server) postingPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.postingFor(r)
	if err != nil {
		return err
	}
	return s.renderPosting(w, r, http.StatusOK, p, nil)
}

func (s *Server) renderPosting(w http.ResponseWriter, r *http.Request, status int, p *postings.Posting, problems []Problem) error {
	if problems == nil {
		problems = problemsOf(p.Doc, p.Doc.Problems())
	}
	s.render(w, r, status, "posting", &PostingPage{Base: Base{Title: p.Doc.Title, Nav: "postings"}, Posting: p, Doc: p.Doc,
		Sections: sectionsOf(p.Doc), Problems: problems, Kinds: posting.Kinds})
	return nil
}

// postingAction runs a status change or other one-click action on a posting.
func (s *Server) postingAction(w http.ResponseWriter, r *http.Request) error {
	p, err := s.postingFor(r)
	if err != nil {
		return err
	}
	u := actor(r)
	next, msg := postingURL(p, ""), ""
	switch r.PathValue("action") {
	case "close":
		if p.Status == model.PostingActive && !s.confirmed(w, r, confirmation{Heading: "Close “" + p.Doc.Title + "”?", Button: "Close the posting", Cancel: postingURL(p, ""),
			Effects: []string{"The posting takes no new candidates, by hand, CSV or Greenhouse.", "Invited candidates who have not started can no longer start; those who started can finish, and every result stays.", "You can reopen it later."}}) {
			return nil
		}
	case "delete":
		if p.Status == model.PostingDraft && p.Version == 0 && !s.confirmed(w, r, confirmation{Heading: "Delete the draft “" + p.Doc.Title + "”?", Button: "Delete the draft for good", Cancel: postingURL(p, ""),
			Effects: []string{"The draft, its competencies and its questions are deleted for good; this cannot be undone.", "To keep a copy, cancel and use Export JSON first."}}) {
			return nil
		}
	}
	switch r.PathValue("action") {
	case "publish":
		err, msg = s.postings.Publish(r.Context(), u, p.ID), "Published. The posting now takes candidates."
	case "close":
		err, msg = s.postings.Close(r.Context(), u, p.ID), "Closed. The posting takes no new candidates."
	case "reopen":
		err, msg = s.postings.Reopen(r.Context(), u, p.ID), "Reopened. The posting takes candidates again."
	case "duplicate":
		var c *postings.Posting
		if c, err = s.postings.Duplicate(r.Context(), u, p.ID); err == nil {
			next, msg = postingURL(c, ""), "This is a copy, saved as a draft."
		}
	case "delete":
		err, next, msg = s.postings.Delete(r.Context(), u, p.ID), "/postings", "Draft deleted."
	default:
		return s.notFound(w, r)
	}
	return s.afterEdit(w, r, p, err, msg, next)
}

func (s *Server) exportPosting(w http.ResponseWriter, r *http.Request) error {
	p, err := s.postingFor(r)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="posting-%s.json"`, p.PublicID))
	w.Write(p.Document)
	return nil
}

// ImportPage is the view of the posting import form.
type ImportPage struct {
	Base
	Problems []Problem
}

func (s *Server) importPage(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "posting_import", &ImportPage{Base: Base{Title: "Import a posting", Nav: "postings"}})
	return nil
}

func (s *Server) importPosting(w http.ResponseWriter, r *http.Request) error {
	view := &ImportPage{Base: Base{Title: "Import a posting", Nav: "postings"}}
	file, _, err := r.FormFile("file")
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			err = apperror.New(apperror.TooLarge, "The file is larger than %d KiB, the most a posting file may be.", posting.MaxDocumentBytes>>10)
		} else {
			err = apperror.Field("file", "Choose a posting JSON file to import.")
		}
		return s.formError(w, r, "posting_import", view, &view.Base, &view.Problems, nil, err)
	}
	defer file.Close()
	p, err := s.postings.Import(r.Context(), actor(r), file, r.PostForm.Get("publish") == "on")
	if err != nil {
		if apperror.KindOf(err) == apperror.TooLarge {
			view.Flash = apperror.Message(err)
			s.render(w, r, http.StatusRequestEntityTooLarge, "posting_import", view)
			return nil
		}
		return s.formError(w, r, "posting_import", view, &view.Base, &view.Problems, nil, err)
	}
	s.flash(w, fmt.Sprintf("Imported as %s posting.", article(string(p.Status))))
	http.Redirect(w, r, postingURL(p, ""), http.StatusSeeOther)
	return nil
}

// PreviewPage shows a posting as candidates will see it.
type PreviewPage struct {
	Base
	Posting  *postings.Posting
	Doc      *posting.Posting
	Sections []SectionView
}

func (s *Server) previewPosting(w http.ResponseWriter, r *http.Request) error {
	p, err := s.postingFor(r)
	if err != nil {
		return err
	}
	var secs []SectionView
	for _, sv := range sectionsOf(p.Doc) {
		if sv.Enabled {
			secs = append(secs, sv)
		}
	}
	s.render(w, r, http.StatusOK, "posting_preview", &PreviewPage{Base: Base{Title: "Preview: " + p.Doc.Title, Nav: "postings"}, Posting: p, Doc: p.Doc, Sections: secs})
	return nil
}

// CompetencyPage is the view of the form for one competency.
type CompetencyPage struct {
	Base
	Posting  *postings.Posting
	C        posting.Competency
	OldKey   string // empty for a new competency
	Problems []Problem
}

// KeyFixed reports whether the competency's key can no longer change: once
// the posting was published, scorecards, exports and Greenhouse results
// name the competency by it.
func (v *CompetencyPage) KeyFixed() bool {
	return v.OldKey != "" && v.Posting.Status != model.PostingDraft
}

func (s *Server) competencyPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.postingFor(r)
	if err != nil {
		return err
	}
	view := &CompetencyPage{Base: Base{Title: "New competency", Nav: "postings"}, Posting: p, C: posting.Competency{Weight: posting.DefaultWeight}}
	if key := r.PathValue("key"); key != "" {
		i := competencyIndex(p.Doc, key)
		if i < 0 {
			return apperror.New(apperror.NotFound, "competency not found")
		}
		view.C, view.OldKey, view.Title = p.Doc.Competencies[i], key, "Edit competency"
	}
	s.render(w, r, http.StatusOK, "competency", view)
	return nil
}

func (s *Server) saveCompetency(w http.ResponseWriter, r *http.Request) error {
	p, err := s.postingFor(r)
	if err != nil {
		return err
	}
	oldKey := r.PathValue("key")
	c, err := competencyFromForm(r.PostForm)
	view := &CompetencyPage{Base: Base{Title: "Competency", Nav: "postings"}, Posting: p, C: c, OldKey: oldKey}
	var doc *posting.Posting
	if err == nil {
		_, err = s.postings.Update(r.Context(), actor(r), p.ID, revisionOf(r.PostForm), func(d *posting.Posting) error {
			doc = d
			if oldKey == "" {
				if c.Key == "" {
					c.Key = keyFromName(c.Name, func(k string) bool { return competencyIndex(d, k) >= 0 })
				}
				d.Competencies = append(d.Competencies, c)
				return nil
			}
			i := competencyIndex(d, oldKey)
			if i < 0 {
				return apperror.New(apperror.NotFound, "competency not found")
			}
			if c.Key == "" {
				c.Key = oldKey
			}
			d.Competencies[i] = c
			if c.Key != oldKey {
				for j := range d.Questions {
					if d.Questions[j].Competency == oldKey {
						d.Questions[j].Competency = c.Key
					}
				}
			}
			return nil
		})
	}
	if err != nil {
		return s.formError(w, r, "competency", view, &view.Base, &view.Problems, doc, err)
	}
	s.flash(w, "Competency saved.")
	http.Redirect(w, r, postingURL(p, "#competencies"), http.StatusSeeOther)
	return nil
}

func (s *Server) deleteCompetency(w http.ResponseWriter, r *http.Request) error {
	key := r.PathValue("key")
	p, err := s.postingFor(r)
	if err != nil {
		return err
	}
	i := competencyIndex(p.Doc, key)
	if i < 0 {
		return apperror.New(apperror.NotFound, "competency not found")
	}
	measured := slices.ContainsFunc(p.Doc.Questions, func(q posting.Question) bool { return q.Competency == key })
	if !measured && !s.confirmed(w, r, confirmation{Heading: "Delete the competency " + p.Doc.Competencies[i].Name + "?", Button: "Delete the competency", Cancel: postingURL(p, "#competencies"),
		Effects: []string{"The competency is removed from the posting “" + p.Doc.Title + "” and from its scorecards' rollup for new candidates.", versionEffect(p.Version)}}) {
		return nil
	}
	s.editPosting(w, r, "Competency deleted.", "#competencies", func(d *posting.Posting) error {
		i := competencyIndex(d, key)
		if i < 0 {
			return apperror.New(apperror.NotFound, "competency not found")
		}
		if slices.ContainsFunc(d.Questions, func(q posting.Question) bool { return q.Competency == key }) {
			return apperror.New(apperror.Conflict, "Questions still measure this competency: move or delete them first.")
		}
		d.Competencies = slices.Delete(d.Competencies, i, i+1)
		return nil
	})
	return nil
}

func (s *Server) moveCompetency(w http.ResponseWriter, r *http.Request) error {
	key := r.PathValue("key")
	s.editPosting(w, r, "Competency moved.", "#competencies", func(d *posting.Posting) error {
		i := competencyIndex(d, key)
		if i < 0 {
			return apperror.New(apperror.NotFound, "competency not found")
		}
		step, err := direction(r)
		if j := i + step; err == nil && j >= 0 && j < len(d.Competencies) {
			d.Competencies[i], d.Competencies[j] = d.Competencies[j], d.Competencies[i]
		}
		return err
	})
	return nil
}

// direction reads the form's move direction as a step: -1 up, +1 down.
func direction(r *http.Request) (int, error) {
	switch r.PostForm.Get("direction") {
	case "up":
		return -1, nil
	case "down":
		return 1, nil
	}
	return 0, apperror.Field("direction", "move up or down")
}

// editPosting applies a one-click edit to the posting in the path, at the
// revision the form was rendered at, then goes back to the posting (at
// anchor) or shows why the edit was refused.
func (s *Server) editPosting(w http.ResponseWriter, r *http.Request, msg, anchor string, edit func(d *posting.Posting) error) error {
	p, err := s.postingFor(r)
	if err != nil {
		return err
	}
	_, err = s.postings.Update(r.Context(), actor(r), p.ID, revisionOf(r.PostForm), edit)
	return s.afterEdit(w, r, p, err, msg, postingURL(p, anchor))
}

// afterEdit redirects back to the posting after a one-click edit, or shows
// why it failed there.
func (s *Server) afterEdit(w http.ResponseWriter, r *http.Request, p *postings.Posting, err error, msg, next string) error {
	if err != nil {
		if k := apperror.KindOf(err); k == apperror.Invalid || k == apperror.Conflict {
			var problems []Problem
			if list := postings.ProblemsOf(err); list != nil {
				problems = problemsOf(p.Doc, list)
			}
			view := &PostingPage{Base: Base{Title: p.Doc.Title, Nav: "postings", Flash: apperror.Message(err)}, Posting: p, Doc: p.Doc,
				Sections: sectionsOf(p.Doc), Problems: problems, Kinds: posting.Kinds}
			if problems == nil {
				view.Problems = problemsOf(p.Doc, p.Doc.Problems())
			}
			s.render(w, r, Status(err), "posting", view)
			return nil
		}
		return err
	}
	s.flash(w, msg)
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}
