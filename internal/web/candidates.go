package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/talentsystems/talentsystems/internal/analytics"
	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/candidates"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/posting"
	"github.com/talentsystems/talentsystems/internal/postings"
	"github.com/talentsystems/talentsystems/internal/safetext"
	"github.com/talentsystems/talentsystems/internal/scoring"
)

// pageSize is the number of candidates a list page shows.
const pageSize = 50

// CandidateRow is one candidate in a list.
type CandidateRow struct {
	*model.Candidate
	Effective model.CandidateStatus
	URL       string
	// Percentile places a scored candidate among their posting's scored candidates.
	Percentile analytics.Percentile
}

// Duration is how long the candidate took, started to completed, or "".
func (r CandidateRow) Duration() string {
	if r.StartedAt.IsZero() || r.CompletedAt.IsZero() {
		return ""
	}
	d := r.CompletedAt.Sub(r.StartedAt).Round(time.Minute)
	if d < time.Minute {
		return "under a minute"
	}
	if d < time.Hour {
		return plural(int(d.Minutes()), "minute")
	}
	return fmt.Sprintf("%d h %02d min", int(d.Hours()), int(d.Minutes())%60)
}

// CandidateList is a filtered, sorted, paginated list of candidates.
type CandidateList struct {
	Rows                  []CandidateRow
	Total                 int
	Page, Pages           int
	Status, Source, Query string
	Sort                  string
	Desc                  bool
	// PostingID filters the organization-wide list by posting (0: all);
	// Postings are the choices, empty on a posting's own list.
	PostingID int64
	Postings  []*model.Posting
	// BulkAction is where the selected rows are posted; page is the view's
	// Base, whose CSRF token the bulk form carries.
	BulkAction string
	page       *Base
	// Params is the query string without the page, for pagination links.
	Params string
	// Compare is the address of the comparison form on one posting's list
	// ("" on the list of every posting): each row then has a checkbox.
	Compare string
}

// SortLink returns the query for sorting by col (toggling direction when it is
// the current sort).
func (l *CandidateList) SortLink(col string) string {
	v := l.values()
	v.Set("sort", col)
	v.Del("dir")
	if l.Sort == col && !l.Desc {
		v.Set("dir", "desc")
	}
	return "?" + v.Encode()
}

// CSRF is the page's form token, for the bulk form.
func (l *CandidateList) CSRF() string {
	if l.page == nil {
		return ""
	}
	return l.page.CSRF
}

// values is the list's filter as a query.
func (l *CandidateList) values() url.Values {
	v := url.Values{"status": {l.Status}, "source": {l.Source}, "q": {l.Query}}
	if l.PostingID != 0 && l.Postings != nil {
		v.Set("posting", strconv.FormatInt(l.PostingID, 10))
	}
	return v
}

// SortState is the aria-sort value of a column header.
func (l *CandidateList) SortState(col string) string {
	switch {
	case l.Sort != col:
		return "none"
	case l.Desc:
		return "descending"
	}
	return "ascending"
}

func (s *Server) candidateList(r *http.Request, postingID int64) (*CandidateList, error) {
	q := r.URL.Query()
	l := &CandidateList{Status: q.Get("status"), Source: q.Get("source"), Query: strings.TrimSpace(q.Get("q")), Sort: q.Get("sort"), Desc: q.Get("dir") == "desc"}
	if l.Sort == "" {
		l.Sort, l.Desc = "created", q.Get("dir") != "asc"
	}
	l.Page, _ = strconv.Atoi(q.Get("page"))
	l.Page = max(1, l.Page)
	if postingID == 0 {
		var err error
		if l.Postings, err = s.postings.List(r.Context(), actor(r), ""); err != nil {
			return nil, err
		}
		if p := q.Get("posting"); p != "" {
			id, err := strconv.ParseInt(p, 10, 64)
			if err != nil || !slices.ContainsFunc(l.Postings, func(p *model.Posting) bool { return p.ID == id }) {
				return nil, apperror.Field("posting", "%q is not one of your postings", p)
			}
			l.PostingID = id
		}
	}
	rows, total, err := s.candidates.List(r.Context(), actor(r), model.CandidateFilter{
		PostingID: max(postingID, l.PostingID), Status: model.CandidateStatus(l.Status), Source: model.Source(l.Source), Search: l.Query,
		Sort: l.Sort, Desc: l.Desc, Limit: pageSize, Offset: (l.Page - 1) * pageSize, Now: s.now(),
	})
	if err != nil {
		return nil, err
	}
	pcs, err := s.reports.Percentiles(r.Context(), actor(r), rows)
	if err != nil {
		return nil, err
	}
	now := s.now()
	for _, c := range rows {
		l.Rows = append(l.Rows, CandidateRow{Candidate: c, Effective: c.EffectiveStatus(now), URL: candidateURL(c), Percentile: pcs[c.ID]})
	}
	l.Total, l.Pages = total, max(1, (total+pageSize-1)/pageSize)
	dir := "asc"
	if l.Desc {
		dir = "desc"
	}
	v := l.values()
	v.Set("sort", l.Sort)
	v.Set("dir", dir)
	l.Params = v.Encode()
	return l, nil
}

func candidateURL(c *model.Candidate) string {
	return fmt.Sprintf("/postings/%d/candidates/%d", c.PostingID, c.ID)
}

// CandidatesPage is the view of every candidate of the organization.
type CandidatesPage struct {
	Base
	List *CandidateList
}

func (s *Server) allCandidates(w http.ResponseWriter, r *http.Request) error {
	l, err := s.candidateList(r, 0)
	if err != nil {
		return err
	}
	v := &CandidatesPage{Base: Base{Title: "Candidates", Nav: "candidates"}, List: l}
	l.BulkAction, l.page = "/candidates/bulk", &v.Base
	s.render(w, r, http.StatusOK, "candidates", v)
	return nil
}

// PostingCandidatesPage is the view of one posting's candidates with the add form.
type PostingCandidatesPage struct {
	Base
	Posting *postings.Posting
	List    *CandidateList
	Counts  model.StatusCounts
	Person  candidates.Person
	Errors  map[string]string
	// Export downloads the list, with its filters, as CSV.
	Export string
}

func (s *Server) postingCandidates(w http.ResponseWriter, r *http.Request) error {
	p, err := s.postingFor(r)
	if err != nil {
		return err
	}
	return s.renderPostingCandidates(w, r, http.StatusOK, p, &PostingCandidatesPage{})
}

func (s *Server) renderPostingCandidates(w http.ResponseWriter, r *http.Request, status int, p *postings.Posting, v *PostingCandidatesPage) error {
	var err error
	if v.List, err = s.candidateList(r, p.ID); err == nil {
		v.List.BulkAction, v.List.page = postingURL(p, "/candidates/bulk"), &v.Base
		v.Counts, err = s.candidates.Counts(r.Context(), actor(r), p.ID)
	}
	if err != nil {
		return err
	}
	v.Title, v.Nav, v.Posting = "Candidates · "+p.Doc.Title, "postings", p
	v.List.Compare = fmt.Sprintf("/postings/%d/compare", p.ID)
	v.Export = fmt.Sprintf("/postings/%d/candidates/export?%s", p.ID, v.List.Params)
	s.render(w, r, status, "posting_candidates", v)
	return nil
}

func (s *Server) addCandidate(w http.ResponseWriter, r *http.Request) error {
	p, err := s.postingFor(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	person := candidates.Person{FirstName: f.Get("first_name"), LastName: f.Get("last_name"), Email: f.Get("email"), Phone: f.Get("phone")}
	c, err := s.candidates.Add(r.Context(), actor(r), p.ID, person, candidates.AddOptions{Source: model.SourceManual, SendEmail: true})
	if err != nil {
		if k := apperror.KindOf(err); k == apperror.Invalid || k == apperror.Conflict {
			v := &PostingCandidatesPage{Person: person, Errors: apperror.FieldsOf(err)}
			v.Flash = apperror.Message(err)
			return s.renderPostingCandidates(w, r, Status(err), p, v)
		}
		return err
	}
	s.flash(w, fmt.Sprintf("%s added; the invitation is on its way to %s.", c.Name(), c.Email))
	http.Redirect(w, r, postingURL(p, "/candidates"), http.StatusSeeOther)
	return nil
}

// CSVPage is the view of the CSV import: the upload form, then a preview.
type CSVPage struct {
	Base
	Posting *postings.Posting
	Rows    []candidates.CSVRow
	Bad     int
	// New counts the rows that will be added; the others already are candidates.
	New int
	// Content is the uploaded CSV, carried to the confirmation.
	Content string
	// Format says how the file was read (encoding, separator).
	Format string
}

func (s *Server) csvPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.postingFor(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "candidates_import", &CSVPage{Base: Base{Title: "Import candidates", Nav: "postings"}, Posting: p})
	return nil
}

// importCSV previews an uploaded file, or imports the previewed content when confirmed.
func (s *Server) importCSV(w http.ResponseWriter, r *http.Request) error {
	p, err := s.postingFor(r)
	if err != nil {
		return err
	}
	v := &CSVPage{Base: Base{Title: "Import candidates", Nav: "postings"}, Posting: p}
	var content []byte
	if r.PostForm.Get("confirm") != "" {
		content = []byte(r.PostForm.Get("content"))
	} else {
		file, _, err := r.FormFile("file")
		if err != nil {
			v.Flash = "Choose a CSV file to import."
			s.render(w, r, http.StatusBadRequest, "candidates_import", v)
			return nil
		}
		defer file.Close()
		var buf bytes.Buffer
		if _, err := buf.ReadFrom(http.MaxBytesReader(w, file, 2<<20)); err != nil {
			v.Flash = "The file is larger than 2 MiB; split it."
			s.render(w, r, http.StatusRequestEntityTooLarge, "candidates_import", v)
			return nil
		}
		content = buf.Bytes()
	}
	rows, text, format, err := candidates.ParseUpload(content)
	if err != nil {
		v.Fail(apperror.Message(err))
		s.render(w, r, Status(err), "candidates_import", v)
		return nil
	}
	content, v.Format = []byte(text), format.String()
	if err := s.candidates.MarkExisting(r.Context(), actor(r), p.ID, rows); err != nil {
		return err
	}
	v.Rows, v.Content = rows, string(content)
	for _, row := range rows {
		switch {
		case row.Error != "":
			v.Bad++
		case row.Existing == nil:
			v.New++
		}
	}
	if r.PostForm.Get("confirm") == "" || v.Bad > 0 {
		status := http.StatusOK
		if v.Bad > 0 {
			status = http.StatusBadRequest
			v.Flash = fmt.Sprintf("%d of %d rows have problems. Fix the file and upload it again; nothing was imported.", v.Bad, len(rows))
		}
		s.render(w, r, status, "candidates_import", v)
		return nil
	}
	added, skipped, err := s.candidates.ImportCSV(r.Context(), actor(r), p.ID, rows)
	if err != nil {
		if k := apperror.KindOf(err); k == apperror.Invalid || k == apperror.Conflict {
			v.Flash = apperror.Message(err)
			s.render(w, r, Status(err), "candidates_import", v)
			return nil
		}
		return err
	}
	msg := plural(len(added), "candidate") + " imported; their invitations are on their way."
	if len(added) == 1 {
		msg = "1 candidate imported; the invitation is on its way."
	}
	if len(skipped) > 0 {
		msg += fmt.Sprintf(" %s already on this posting: skipped, no second link or invitation.", plural(len(skipped), "person was", "people were"))
	}
	s.flash(w, msg)
	http.Redirect(w, r, postingURL(p, "/candidates"), http.StatusSeeOther)
	return nil
}

// candidateFor loads the candidate in the path, checking it belongs to the
// posting in the path and to the signed-in organization.
func (s *Server) candidateFor(r *http.Request) (*model.Candidate, error) {
	c, err := s.candidates.Get(r.Context(), actor(r), pathID(r, "cid"))
	if err == nil && c.PostingID != pathID(r, "id") {
		err = apperror.New(apperror.NotFound, "candidate not found")
	}
	return c, err
}

// TranscriptItem is one question of the scorecard: the question, the answer,
// when and how long, and its score with evidence.
type TranscriptItem struct {
	N          int
	Q          posting.Question
	Answer     scoring.Answer
	Answered   bool
	AnsweredAt string
	Spent      string
	Score      *scoring.QuestionScore
	Competency string
	Anchors    posting.Anchors
	History    []*model.Override
	// Signals are the open answer's integrity signals, in words; they
	// inform and never change the score.
	Signals []scoring.Signal
}

// SignalsRaised counts the raised signals.
func (t TranscriptItem) SignalsRaised() int {
	n := 0
	for _, g := range t.Signals {
		if g.Status == scoring.SignalRaised {
			n++
		}
	}
	return n
}

// ChoiceText returns the text of an option key.
func (t TranscriptItem) ChoiceText(key string) string {
	for _, o := range t.Q.Options {
		if o.Key == key {
			return o.Text
		}
	}
	return key
}

// Highlight returns the answer with the evidence matches marked.
func (t TranscriptItem) Highlight() []Span {
	return highlight(t.Answer.Text, t.Score)
}

// Span is a piece of an answer, marked when it is evidence.
type Span struct {
	Text string
	Mark bool
}

func highlight(text string, qs *scoring.QuestionScore) []Span {
	if qs == nil {
		return []Span{{Text: text}}
	}
	marks := make([]bool, len(text)+1)
	for _, e := range qs.Evidence {
		if e.Found && e.Start >= 0 && e.End <= len(text) && e.Start < e.End {
			for i := e.Start; i < e.End; i++ {
				marks[i] = true
			}
		}
	}
	var out []Span
	start := 0
	for i := 1; i <= len(text); i++ {
		if i == len(text) || marks[i] != marks[start] {
			out = append(out, Span{Text: text[start:i], Mark: marks[start]})
			start = i
		}
	}
	return out
}

// ScorecardPage is the view of one candidate: the scorecard, the transcript
// and the recruiter's actions.
type ScorecardPage struct {
	Base
	C         *model.Candidate
	Effective model.CandidateStatus
	Link      string
	Result    *scoring.Result
	Attempt   *model.Attempt
	Attempts  []*model.Attempt
	// Resets are when the candidate's link was reset, oldest first.
	Resets     []time.Time
	Items      []TranscriptItem
	Thresholds posting.Thresholds
	Errors     map[string]string
	// Pushes are the notes to Greenhouse (Harvest) of a Greenhouse candidate.
	Pushes []*model.HarvestPush
	// Percentile places the candidate among the posting's scored candidates.
	Percentile analytics.Percentile
}

// Shown is the recommendation the scorecard shows: held below yes while
// open answers await review (scoring.CappedRecommendation, applied by the
// candidates service when it stores the result).
func (v *ScorecardPage) Shown() posting.Recommendation {
	if v.Result == nil {
		return ""
	}
	rec, _ := scoring.CappedRecommendation(*v.Result)
	return rec
}

// Held says why the recommendation is held, or "".
func (v *ScorecardPage) Held() string {
	if v.Result == nil {
		return ""
	}
	_, why := scoring.CappedRecommendation(*v.Result)
	return why
}

func (s *Server) scorecard(w http.ResponseWriter, r *http.Request) error {
	c, err := s.candidateFor(r)
	if err != nil {
		return err
	}
	return s.renderScorecard(w, r, http.StatusOK, c, nil)
}

func (s *Server) renderScorecard(w http.ResponseWriter, r *http.Request, status int, c *model.Candidate, errs map[string]string) error {
	ctx := r.Context()
	v := &ScorecardPage{Base: Base{Title: c.Name() + " · " + c.PostingTitle, Nav: "candidates"}, C: c, Effective: c.EffectiveStatus(s.now()), Errors: errs}
	if c.ErasedAt.IsZero() && c.Status != model.CandidateCompleted {
		v.Link = s.candidates.Link(c)
	}
	var err error
	if v.Attempts, err = s.candidates.Attempts(ctx, c); err != nil {
		return err
	}
	if v.Resets, err = s.candidates.Resets(ctx, c); err != nil {
		return err
	}
	for _, a := range v.Attempts {
		if a.ID == c.AttemptID {
			v.Attempt = a
		}
	}
	doc, err := s.candidates.PostingOf(ctx, c, v.Attempt)
	if err != nil {
		return err
	}
	if v.Attempt != nil {
		if err := s.transcript(r, v, doc); err != nil {
			return err
		}
	}
	v.Thresholds = doc.Thresholds
	if v.Percentile, err = s.reports.Percentile(ctx, actor(r), c); err != nil {
		return err
	}
	if c.Source == model.SourceGreenhouse {
		if v.Pushes, err = s.harvest.Pushes(ctx, c.OrgID, c.ID); err != nil {
			return err
		}
	}
	s.render(w, r, status, "candidate", v)
	return nil
}

func (s *Server) transcript(r *http.Request, v *ScorecardPage, doc *posting.Posting) error {
	a := v.Attempt
	if len(a.Result) > 0 {
		v.Result = &scoring.Result{}
		if err := json.Unmarshal(a.Result, v.Result); err != nil {
			return fmt.Errorf("web: result of attempt %d: %w", a.ID, err)
		}
	}
	answers, err := s.candidates.Answers(r.Context(), a)
	if err != nil {
		return err
	}
	overrides, err := s.candidates.Overrides(r.Context(), a)
	if err != nil {
		return err
	}
	checks, err := s.candidates.Checks(r.Context(), a)
	if err != nil {
		return err
	}
	n := 0
	for _, sec := range doc.AssessmentType.Sections() {
		for _, q := range doc.QuestionsIn(sec) {
			n++
			it := TranscriptItem{N: n, Q: q, Competency: q.Competency}
			if c := doc.Competency(q.Competency); c != nil {
				it.Competency = c.Name
			}
			it.Anchors = q.Anchors
			if q.Rubric != nil {
				it.Anchors = q.Rubric.Anchors
			}
			if sa := answers[q.Key]; sa != nil {
				if len(sa.Answer) > 0 && json.Unmarshal(sa.Answer, &it.Answer) == nil {
					it.Answered = it.Answer.Text != "" || len(it.Answer.Choices) > 0 || it.Answer.Number != nil || it.Answer.FileName != ""
				}
				if !sa.AnsweredAt.IsZero() {
					it.AnsweredAt = sa.AnsweredAt.In(userLocation(userFrom(r.Context()), orgFrom(r.Context()))).Format("2 Jan 15:04:05 MST")
					it.Spent = humanDuration(sa.TimeSpentMS)
				}
			}
			if v.Result != nil {
				for i := range v.Result.Questions {
					if v.Result.Questions[i].Key == q.Key {
						it.Score = &v.Result.Questions[i]
					}
				}
			}
			for _, o := range overrides {
				if o.QuestionKey == q.Key {
					it.History = append(it.History, o)
				}
			}
			it.Signals = candidates.DecodeSignals(checks[q.Key])
			v.Items = append(v.Items, it)
		}
	}
	return nil
}

func humanDuration(ms int64) string {
	sec := ms / 1000
	if sec < 60 {
		return fmt.Sprintf("%d s", sec)
	}
	return fmt.Sprintf("%d min %d s", sec/60, sec%60)
}

// candidateAction runs a recruiter's action on a candidate.
func (s *Server) candidateAction(w http.ResponseWriter, r *http.Request) error {
	c, err := s.candidateFor(r)
	if err != nil {
		return err
	}
	u, f := actor(r), r.PostForm
	var msg string
	switch r.PathValue("action") {
	case "reset":
		effects := []string{"The current link stops working at once.", "Their progress is cleared; the current attempt" + " is kept in the scorecard's history."}
		if c.Source == model.SourceManual {
			effects = append(effects, "A new link is mailed to "+c.Email+".")
		} else {
			effects = append(effects, "No mail is sent: re-notify the candidate from Greenhouse.")
		}
		if !s.confirmed(w, r, confirmation{Heading: "Reset " + c.Name() + "?", Button: "Reset and issue a new link", Cancel: candidateURL(c), Effects: effects}) {
			return nil
		}
		err = s.candidates.Reset(r.Context(), u, c.ID)
		msg = "A new link was issued and the old one stopped working."
		if c.Source == model.SourceManual {
			msg += " The candidate was mailed the new link."
		} else {
			msg += " No mail was sent: re-notify the candidate from Greenhouse."
		}
	case "remind":
		err, msg = s.candidates.Remind(r.Context(), u, c.ID), "A reminder with the same link is on its way to "+c.Email+"."
	case "extend":
		days, perr := strconv.Atoi(strings.TrimSpace(f.Get("days")))
		if perr != nil {
			err = apperror.Field("days", "give the number of days as a whole number")
		} else {
			err, msg = s.candidates.Extend(r.Context(), u, c.ID, days), "The link's expiry was extended."
		}
	case "accommodation":
		pct, perr := strconv.Atoi(strings.TrimSpace(f.Get("extra_time_pct")))
		if perr != nil {
			err = apperror.Field("extra_time_pct", "give the extra time as a whole percentage")
		} else {
			err, msg = s.candidates.SetAccommodation(r.Context(), u, c.ID, pct), fmt.Sprintf("Extra time set to %d%%.", pct)
		}
	case "erase":
		if f.Get("confirm") != "erase" {
			err = apperror.Field("confirm", "type erase to confirm that the candidate's data is to be deleted")
		} else {
			err, msg = s.candidates.Erase(r.Context(), u, c.ID), "The candidate's personal data, answers and files were erased."
		}
	case "override":
		level, _ := strconv.Atoi(f.Get("level"))
		err = s.candidates.Override(r.Context(), u, c.ID, f.Get("question"), level, f.Get("note"))
		msg = "Score overridden; the scorecard was recomputed."
	default:
		return s.notFound(w, r)
	}
	if err != nil {
		if k := apperror.KindOf(err); k == apperror.Invalid || k == apperror.Conflict {
			fields := apperror.FieldsOf(err)
			if fields == nil {
				fields = map[string]string{}
			}
			fields["_form"] = apperror.Message(err)
			if fresh, gerr := s.candidates.Get(r.Context(), u, c.ID); gerr == nil {
				c = fresh
			}
			return s.renderScorecard(w, r, Status(err), c, fields)
		}
		return err
	}
	s.flash(w, msg)
	http.Redirect(w, r, candidateURL(c), http.StatusSeeOther)
	return nil
}

func (s *Server) candidateFile(w http.ResponseWriter, r *http.Request) error {
	c, err := s.candidateFor(r)
	if err != nil {
		return err
	}
	u, err := s.candidates.Upload(r.Context(), c, r.PathValue("key"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": safetext.FileName(u.FileName)}))
	w.Write(u.Data)
	return nil
}
