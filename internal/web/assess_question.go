package web

import (
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/candidates"
	"github.com/talentsystems/talentsystems/internal/posting"
	"github.com/talentsystems/talentsystems/internal/safetext"
	"github.com/talentsystems/talentsystems/internal/scoring"
)

// lateNotice is shown when an answer arrives after the attempt ended.
const lateNotice = "Your last answer arrived after the time was up, so it was not saved."

// index reads the question number of the path (1-based); no such question
// is a 404 with a page that says how many there are.
func index(ss *candidates.Session, n string) (int, error) {
	i, err := strconv.Atoi(n)
	if err != nil || i < 1 || i > len(ss.Questions) {
		return 0, &pageError{status: http.StatusNotFound, page: "a_status", view: &AssessStatusPage{Base: Base{Title: "No such question"}, AssessHead: head(ss),
			Heading: "No such question", Paragraphs: []string{"This assessment has " + strconv.Itoa(len(ss.Questions)) + " questions."}}}
	}
	return i - 1, nil
}

// notInProgress returns the answer to a request that needs an attempt under
// way when there is none (the landing page says why), or nil when there is one.
func (a *assess) notInProgress(r *http.Request, ss *candidates.Session, token string) handlerFunc {
	if ss.State == candidates.StateInProgress {
		return nil
	}
	if r.Method == http.MethodPost && ss.State == candidates.StateCompleted {
		notice := "This assessment was already submitted, so this answer was not saved."
		if ss.Attempt != nil && ss.Attempt.SubmitReason == "time_limit" {
			notice = lateNotice
		}
		return func(w http.ResponseWriter, r *http.Request) error { return a.statusPage(w, r, ss, notice) }
	}
	return func(w http.ResponseWriter, r *http.Request) error {
		http.Redirect(w, r, "/a/"+token, http.StatusSeeOther)
		return nil
	}
}

// question shows question n. Questions of a section that is not open yet
// are not shown; those of a closed section are shown read-only.
func (a *assess) question(w http.ResponseWriter, r *http.Request) error {
	ss, token, err := a.open(r)
	if err != nil {
		return err
	}
	if h := a.notInProgress(r, ss, token); h != nil {
		return h(w, r)
	}
	i, err := index(ss, r.PathValue("n"))
	if err != nil {
		return err
	}
	if !ss.Editable(i) && i > current(ss) {
		http.Redirect(w, r, questionURL(token, current(ss)), http.StatusSeeOther)
		return nil
	}
	if ss.Editable(i) && !ss.Viewed(i) {
		if err := a.candidates.View(r.Context(), token, i); err != nil {
			if apperror.KindOf(err) == apperror.Conflict {
				http.Redirect(w, r, "/a/"+token, http.StatusSeeOther) // the time ran out just now
				return nil
			}
			return err
		}
	}
	v := a.questionView(ss, token, i)
	if notice := timeUpNotice(ss, false); notice != "" {
		v.Warn(notice)
	}
	a.render(w, r, http.StatusOK, "a_question", v)
	return nil
}

// answer saves the answer to question n and goes where the pressed button says.
func (a *assess) answer(w http.ResponseWriter, r *http.Request) error {
	ss, token, err := a.openToSave(r)
	if err != nil {
		return err
	}
	if h := a.notInProgress(r, ss, token); h != nil {
		return h(w, r)
	}
	i, err := index(ss, r.PathValue("n"))
	if err != nil {
		return err
	}
	if notice := timeUpNotice(ss, false); notice != "" {
		// The section's time ran out before this answer arrived.
		a.flashAs(w, FlashWarning, notice+" Your last answer arrived after the time was up, so it was not saved.")
		http.Redirect(w, r, questionURL(token, current(ss)), http.StatusSeeOther)
		return nil
	}
	ans, raw, file, err := formAnswer(r, ss.Questions[i], true)
	if err == nil {
		err = a.candidates.SaveInSession(r.Context(), ss, token, i, ans, file, formActivity(r))
	}
	if err != nil {
		return a.answerFailed(w, r, ss, token, i, ans, raw, err)
	}
	next := "/a/" + token + "/review"
	switch r.PostForm.Get("action") {
	case "prev":
		if i > 0 {
			next = questionURL(token, i-1)
		}
	case "review":
	case "finish_section":
		// Unanswered questions in the section: ask again on the review
		// page, which lists them, before closing it for good.
		now, err := a.candidates.Open(r.Context(), token)
		if err != nil {
			return err
		}
		if now.State == candidates.StateInProgress && len(openUnanswered(now)) > 0 {
			http.Redirect(w, r, "/a/"+token+"/review?finish=1#finish", http.StatusSeeOther)
			return nil
		}
		if err := a.candidates.Advance(r.Context(), token); err != nil {
			return a.answerFailed(w, r, ss, token, i, ans, raw, err)
		}
		next = "/a/" + token
	default: // "next", or Enter pressed in a field
		if i+1 < len(ss.Questions) {
			next = questionURL(token, i+1)
		}
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// answerFailed shows the question again with the refused answer and why,
// or, when the attempt ended meanwhile, the page that says so.
func (a *assess) answerFailed(w http.ResponseWriter, r *http.Request, ss *candidates.Session, token string, i int, ans scoring.Answer, raw string, err error) error {
	switch apperror.KindOf(err) {
	case apperror.Invalid, apperror.TooLarge, apperror.Conflict:
	default:
		return err
	}
	if apperror.KindOf(err) == apperror.Conflict {
		now, oerr := a.candidates.Open(r.Context(), token)
		if oerr != nil {
			return oerr
		}
		if h := a.notInProgress(r, now, token); h != nil {
			return h(w, r)
		}
		ss = now
	} else if err := a.candidates.ReadAnswers(r.Context(), ss); err != nil {
		return err // opened by openToSave: the page shows the stored answers
	}
	v := a.questionView(ss, token, i)
	if ss.Editable(i) {
		ans.FileName = v.FileName // a refused file is not attached; an earlier one still is
		v.setAnswer(ans, raw)
	}
	v.Error = apperror.Message(err)
	v.ErrorField = "answer"
	for f := range apperror.FieldsOf(err) {
		v.ErrorField = f
	}
	if apperror.KindOf(err) == apperror.TooLarge {
		v.ErrorField = "file"
	}
	v.Title = "Problem: " + v.Title
	a.render(w, r, Status(err), "a_question", v)
	return nil
}

var numberRe = regexp.MustCompile(`^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$`)

// maxFileName bounds the stored name of an attached file.
const maxFileName = 200

// formAnswer reads the answer to q from the form, with the attached file
// when withFile. raw is the typed text of a numeric answer.
func formAnswer(r *http.Request, q posting.Question, withFile bool) (ans scoring.Answer, raw string, file *candidates.File, err error) {
	switch q.Kind {
	case posting.KindFreeText, posting.KindTask:
		// Browsers send line breaks as CRLF but count them as one
		// character against maxlength; store them as the candidate saw them.
		ans.Text = strings.ReplaceAll(r.PostForm.Get("answer"), "\r\n", "\n")
	case posting.KindMultipleChoice:
		ans.Choices = r.PostForm["answer"]
	case posting.KindNumeric:
		raw = strings.TrimSpace(r.PostForm.Get("answer"))
		if raw != "" {
			compact := strings.ReplaceAll(raw, " ", "")
			if strings.Contains(compact, ",") {
				return ans, raw, nil, apperror.Field("answer", "Write the number without commas: use a point for decimals (2.5) and no thousands separators (1200).")
			}
			f, perr := strconv.ParseFloat(compact, 64)
			if !numberRe.MatchString(compact) || perr != nil {
				return ans, raw, nil, apperror.Field("answer", "Enter a number: digits only, with a point for decimals.")
			}
			ans.Number = &f
		}
	}
	if withFile && r.MultipartForm != nil {
		for _, fh := range r.MultipartForm.File["file"] {
			if fh.Filename == "" {
				continue
			}
			f, oerr := fh.Open()
			if oerr != nil {
				return ans, raw, nil, apperror.New(apperror.Invalid, "The file could not be read.")
			}
			data, rerr := io.ReadAll(f)
			f.Close()
			if rerr != nil {
				return ans, raw, nil, apperror.New(apperror.Invalid, "The file could not be read.")
			}
			file = &candidates.File{Name: cleanFileName(fh.Filename), ContentType: fh.Header.Get("Content-Type"), Data: data}
			break
		}
	}
	return ans, raw, file, nil
}

// cleanFileName keeps the last element of a file name, without control,
// bidirectional-override or other invisible format characters (a name like
// "cv\u202efdp.exe" must not read as "cvexe.pdf"), at most maxFileName bytes.
func cleanFileName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	name = safetext.FileName(name)
	for len(name) > maxFileName {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	if name == "" || name == "." || name == "/" {
		name = "file"
	}
	return name
}

// autosave saves the current question's answer for assess.js, without a file
// and without navigating.
func (a *assess) autosave(w http.ResponseWriter, r *http.Request) error {
	ss, token, err := a.openToSave(r)
	if err != nil {
		return err
	}
	if ss.State != candidates.StateInProgress {
		writeJSON(w, http.StatusConflict, map[string]string{"error": "This assessment is no longer in progress.", "state": ss.State})
		return nil
	}
	if notice := timeUpNotice(ss, false); notice != "" {
		// The section's time ran out: the next page (assess.js goes there on
		// 409) says so.
		a.flashAs(w, FlashWarning, notice)
		writeJSON(w, http.StatusConflict, map[string]string{"error": "The time for this section ran out.", "state": ss.State})
		return nil
	}
	n, err := strconv.Atoi(r.PostForm.Get("q"))
	if err != nil || n < 1 || n > len(ss.Questions) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "No such question."})
		return nil
	}
	ans, _, _, err := formAnswer(r, ss.Questions[n-1], false)
	if err == nil {
		err = a.candidates.SaveInSession(r.Context(), ss, token, n-1, ans, nil, formActivity(r))
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"saved_at": a.now().UTC().Format("2006-01-02T15:04:05Z07:00")})
	return nil
}

// review lists every question with whether it is answered, above the form
// that submits the assessment.
func (a *assess) review(w http.ResponseWriter, r *http.Request) error {
	ss, token, err := a.open(r)
	if err != nil {
		return err
	}
	if h := a.notInProgress(r, ss, token); h != nil {
		return h(w, r)
	}
	v := a.reviewView(ss, token)
	v.Finishing = r.URL.Query().Has("finish") && !v.CanSubmit && len(v.OpenUnanswered) > 0
	if notice := timeUpNotice(ss, false); notice != "" {
		v.Warn(notice)
	}
	a.render(w, r, http.StatusOK, "a_review", v)
	return nil
}

// finishSection closes the current section (after the review page listed
// its unanswered questions) and opens the next one.
func (a *assess) finishSection(w http.ResponseWriter, r *http.Request) error {
	ss, token, err := a.open(r)
	if err != nil {
		return err
	}
	if h := a.notInProgress(r, ss, token); h != nil {
		return h(w, r)
	}
	if ss.TimeUpSection == "" {
		if err := a.candidates.Advance(r.Context(), token); err != nil && apperror.KindOf(err) != apperror.Conflict {
			return err
		}
	} else {
		a.flashAs(w, FlashWarning, timeUpNotice(ss, false))
	}
	http.Redirect(w, r, "/a/"+token, http.StatusSeeOther)
	return nil
}

// submit ends the attempt. Opening the link first enforces the time limit,
// so a late submission is recorded as ended by the clock.
func (a *assess) submit(w http.ResponseWriter, r *http.Request) error {
	ss, token, err := a.open(r)
	if err != nil {
		return err
	}
	if ss.State == candidates.StateInProgress {
		if err := a.candidates.Submit(r.Context(), token); err != nil && apperror.KindOf(err) != apperror.Conflict {
			return err
		}
	}
	http.Redirect(w, r, "/a/"+token, http.StatusSeeOther)
	return nil
}
