package web

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/talentsystems/talentsystems/internal/candidates"
	"github.com/talentsystems/talentsystems/internal/posting"
	"github.com/talentsystems/talentsystems/internal/scoring"
)

// AssessHead names the company and the job at the top of every candidate page.
type AssessHead struct {
	OrgName      string
	PostingTitle string
	// Contact is whom to ask for help (an email address), or "".
	Contact string
	// LogoURL is the address of the employer's logo, or "" without one.
	LogoURL string
}

// AssessTimer is the time left, as the server computes it; assess.js counts
// it down from Deadline.
type AssessTimer struct {
	// Deadline is zero without a time limit.
	Deadline time.Time
	Now      time.Time
	// Label says what ends: the assessment or the section.
	Label string
	// Left is the time left in words, Ends the deadline's clock time.
	Left, Ends string
	// Return is where the page goes when the time is up.
	Return string
}

// ISO formats a time for data attributes read by assess.js.
func (t AssessTimer) ISO(at time.Time) string { return at.UTC().Format(time.RFC3339) }

// AssessWelcomePage is the view of the page a link opens before the start.
type AssessWelcomePage struct {
	Base
	AssessHead
	Token                string
	Department, Location string
	// Description is the posting's description, Markdown.
	Description string
	Sections    []AssessSectionInfo
	Questions   int
	// TotalTime is the whole assessment's time limit in words, "" when the
	// limit is per section (each AssessSectionInfo has its own).
	TotalTime    string
	PerSection   bool
	ExtraTimePct int
	ExpiresAt    time.Time
	ConsentError string
}

// AssessSectionInfo describes a section on the welcome page.
type AssessSectionInfo struct {
	Name      string
	Questions int
	Time      string
}

// AssessQuestionPage is the view of one question.
type AssessQuestionPage struct {
	Base
	AssessHead
	Token string
	// N is the question's number (1-based), Total the number of questions.
	N, Total    int
	SectionName string
	Q           posting.Question
	// Editable is false for a question of a closed section: it is shown
	// read-only.
	Editable bool
	// Text, Chosen and Number are the answer shown: the stored one, or the
	// one just typed when it was refused.
	Text     string
	Chosen   map[string]bool
	Number   string
	FileName string
	MaxChars int
	Code     bool
	// Language names a code answer's language for people ("Go", "SQL"),
	// empty when the task does not say.
	Language string
	Upload   *posting.Upload
	// UploadTypes lists the accepted types for people; UploadAccept is the
	// input's accept attribute.
	UploadTypes, UploadAccept, UploadMax string
	// Error is why the answer was refused; ErrorField is "answer" or "file".
	Error, ErrorField string
	SavedAt           time.Time
	Timer             AssessTimer
	First, Last       bool
	// PrevN is the previous question's number.
	PrevN int
	// EndOfSection marks the last question of a section that another follows
	// (per-section limits): the next step is finishing the section.
	EndOfSection bool
	PerSection   bool
	NextSection  string
	// SectionUnanswered lists the other questions of the section without an
	// answer, for the warning next to Finish this section on the section's
	// last question.
	SectionUnanswered []int
	// Preview is the posting's preview address when a recruiter looks at
	// the page: nothing is saved and the buttons only move between questions.
	Preview string
}

// Answered reports whether the page shows an answer.
func (p *AssessQuestionPage) Answered() bool {
	return strings.TrimSpace(p.Text) != "" || len(p.Chosen) > 0 || p.Number != "" || p.FileName != ""
}

// AssessReviewPage is the view of the list of questions before submitting.
type AssessReviewPage struct {
	Base
	AssessHead
	Token    string
	Sections []AssessReviewSection
	// Unanswered counts every question without an answer; UnansweredClosed
	// those of them in closed sections, which can no longer be answered.
	Unanswered, UnansweredClosed int
	// OpenUnanswered lists the numbers of the current section's questions
	// without an answer: the warning before finishing it or submitting.
	OpenUnanswered []int
	// Section and NextSection name the current section and the one that
	// finishing it opens (per-section time limits only).
	Section, NextSection string
	// Finishing is true when the candidate asked to finish the section
	// from a question while questions were unanswered: the page asks again.
	Finishing bool
	// CanSubmit is false while a section with its own time limit other than
	// the last is open: it must be finished first.
	CanSubmit bool
	Current   int
	Timer     AssessTimer
}

// AssessReviewSection is one section of the review page.
type AssessReviewSection struct {
	Name string
	// Closed sections can no longer be changed; Upcoming ones are not open yet.
	Closed, Upcoming bool
	Items            []AssessReviewItem
}

// AssessReviewItem is one question on the review page.
type AssessReviewItem struct {
	N        int
	Excerpt  string
	Answered bool
}

// AssessStatusPage is the view of a page that says where a link stands:
// completed, expired, closed, replaced, erased, unknown or throttled.
type AssessStatusPage struct {
	Base
	AssessHead
	State       string
	Heading     string
	Notice      string
	Paragraphs  []string
	SubmittedAt time.Time
	TimeUp      bool
	// Survey is the voluntary survey's state (fairness.Survey*), Token the
	// link, for the survey's address.
	Survey, Token string
}

func questionURL(token string, i int) string {
	return "/a/" + token + "/q/" + strconv.Itoa(i+1)
}

// current returns the index of the question the candidate is at: where they
// stopped, or the first open question of the current section.
func current(ss *candidates.Session) int {
	if ss.Attempt != nil && ss.Editable(ss.Attempt.Position) {
		return ss.Attempt.Position
	}
	for i := range ss.Questions {
		if ss.Editable(i) {
			return i
		}
	}
	return 0
}

func head(ss *candidates.Session) AssessHead {
	h := AssessHead{}
	if ss.Org != nil {
		h.OrgName = ss.Org.Name
	}
	h.Contact = ss.Contact
	if ss.Org != nil && !ss.Org.LogoAt.IsZero() {
		v := "?v=" + strconv.FormatInt(ss.Org.LogoAt.UnixMicro(), 36)
		if ss.Token != "" {
			h.LogoURL = "/a/" + ss.Token + "/logo" + v
		} else {
			h.LogoURL = "/settings/logo" + v // a recruiter's preview
		}
	}
	if ss.Doc != nil {
		h.PostingTitle = ss.Doc.Title
	}
	return h
}

func sectionName(s posting.Section) string {
	if s == posting.SectionPractical {
		return "Practical"
	}
	return "Interview"
}

func (a *assess) welcomeView(ss *candidates.Session, token string) *AssessWelcomePage {
	doc := ss.Doc
	v := &AssessWelcomePage{Base: Base{Title: doc.Title}, AssessHead: head(ss), Token: token,
		Department: doc.Department, Location: doc.Location, Description: doc.Description,
		Questions: len(ss.Questions), PerSection: candidates.PerSection(doc),
		ExtraTimePct: ss.Candidate.ExtraTimePct, ExpiresAt: ss.Candidate.ExpiresAt}
	pct := ss.Candidate.ExtraTimePct
	for _, sec := range doc.AssessmentType.Sections() {
		info := AssessSectionInfo{Name: sectionName(sec), Questions: len(doc.QuestionsIn(sec))}
		if tl := doc.TimeLimit; v.PerSection {
			m := tl.InterviewMinutes
			if sec == posting.SectionPractical {
				m = tl.PracticalMinutes
			}
			info.Time = durationWords(withExtra(m, pct))
		}
		v.Sections = append(v.Sections, info)
	}
	if tl := doc.TimeLimit; tl != nil && tl.TotalMinutes > 0 {
		v.TotalTime = durationWords(withExtra(tl.TotalMinutes, pct))
	}
	return v
}

// withExtra is minutes lengthened by the candidate's extra time, computed as
// the candidates service computes deadlines.
func withExtra(minutes, pct int) time.Duration {
	d := time.Duration(minutes) * time.Minute
	return d + d*time.Duration(pct)/100
}

// durationWords says a duration like "1 hour 30 minutes".
func durationWords(d time.Duration) string {
	d = d.Round(time.Second)
	h, m, s := int(d/time.Hour), int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second)
	var parts []string
	add := func(n int, unit string) {
		if n == 1 {
			parts = append(parts, "1 "+unit)
		} else if n > 1 {
			parts = append(parts, strconv.Itoa(n)+" "+unit+"s")
		}
	}
	add(h, "hour")
	add(m, "minute")
	add(s, "second")
	if len(parts) == 0 {
		return "0 minutes"
	}
	return strings.Join(parts, " ")
}

// timer describes the time left of the session.
func (a *assess) timer(ss *candidates.Session, token string) AssessTimer {
	d := ss.Deadline()
	if d.IsZero() {
		return AssessTimer{}
	}
	now := a.now()
	t := AssessTimer{Deadline: d, Now: now, Label: "Time left", Return: "/a/" + token}
	if candidates.PerSection(ss.Doc) {
		t.Label = "Time left in this section"
	}
	left := d.Sub(now).Round(time.Second) // stored times have microseconds
	switch {
	case left < time.Minute:
		t.Left = "less than a minute"
	default:
		t.Left = durationWords(left.Truncate(time.Minute))
	}
	layout := "15:04 UTC"
	if d.UTC().YearDay() != now.UTC().YearDay() {
		layout = "2 Jan 15:04 UTC"
	}
	t.Ends = d.UTC().Format(layout)
	return t
}

// storedAnswer decodes the stored answer to question key.
func storedAnswer(ss *candidates.Session, key string) (scoring.Answer, time.Time) {
	var ans scoring.Answer
	sa := ss.Answers[key]
	if sa == nil || len(sa.Answer) == 0 {
		return ans, time.Time{}
	}
	json.Unmarshal(sa.Answer, &ans)
	return ans, sa.AnsweredAt
}

// answered reports whether an answer says anything.
func answered(a scoring.Answer) bool {
	return strings.TrimSpace(a.Text) != "" || len(a.Choices) > 0 || a.Number != nil || a.FileName != ""
}

func (a *assess) questionView(ss *candidates.Session, token string, i int) *AssessQuestionPage {
	q := ss.Questions[i]
	v := &AssessQuestionPage{AssessHead: head(ss), Token: token, N: i + 1, Total: len(ss.Questions),
		SectionName: sectionName(q.Section), Q: q, Editable: ss.Editable(i), Timer: a.timer(ss, token),
		First: i == 0, Last: i == len(ss.Questions)-1, PrevN: i, PerSection: candidates.PerSection(ss.Doc)}
	v.Title = fmt.Sprintf("Question %d of %d", v.N, v.Total)
	if v.PerSection && !v.Last && ss.Questions[i+1].Section != q.Section {
		v.EndOfSection = true
	}
	if v.PerSection && !v.Last {
		for _, later := range ss.Questions[i+1:] {
			if later.Section != q.Section {
				v.NextSection = strings.ToLower(sectionName(later.Section))
				break
			}
		}
	}
	if v.EndOfSection && ss.Attempt != nil {
		for _, n := range openUnanswered(ss) {
			if n != v.N {
				v.SectionUnanswered = append(v.SectionUnanswered, n)
			}
		}
	}
	switch q.Kind {
	case posting.KindFreeText:
		v.MaxChars = q.MaxChars
		if v.MaxChars == 0 {
			v.MaxChars = posting.DefaultFreeTextMaxChars
		}
	case posting.KindTask:
		v.MaxChars = posting.DefaultDeliverableMaxChars
		if d := q.Deliverable; d != nil {
			if d.MaxChars > 0 {
				v.MaxChars = d.MaxChars
			}
			v.Code = d.Format == posting.DeliverableCode
			if v.Code {
				v.Language = languageName(d.Language)
			}
			if u := d.Upload; u != nil {
				v.Upload = u
				v.UploadTypes = strings.Join(u.Types, ", ")
				v.UploadAccept = strings.Join(u.Types, ",")
				v.UploadMax = byteWords(u.MaxBytes)
			}
		}
	}
	ans, at := storedAnswer(ss, q.Key)
	v.setAnswer(ans, "")
	v.SavedAt = at
	return v
}

// setAnswer shows ans on the page; number is the raw text of a numeric
// answer when it could not be read.
func (v *AssessQuestionPage) setAnswer(ans scoring.Answer, number string) {
	v.Text = ans.Text
	v.Chosen = map[string]bool{}
	for _, c := range ans.Choices {
		v.Chosen[c] = true
	}
	v.Number = number
	if ans.Number != nil {
		v.Number = strconv.FormatFloat(*ans.Number, 'f', -1, 64)
	}
	if ans.FileName != "" {
		v.FileName = ans.FileName
	}
}

func byteWords(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.Itoa(n>>20) + " MB"
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	case n >= 1<<10:
		return strconv.Itoa(n>>10) + " KB"
	}
	return strconv.Itoa(n) + " bytes"
}

// excerpt is the start of a Markdown prompt as plain text, for lists.
func excerpt(md string) string {
	first := strings.TrimSpace(md)
	if i := strings.Index(first, "\n\n"); i >= 0 {
		first = first[:i]
	}
	first = strings.NewReplacer("**", "", "`", "", "\n", " ", "# ", "").Replace(first)
	first = strings.Join(strings.Fields(first), " ")
	if r := []rune(first); len(r) > 120 {
		first = strings.TrimSpace(string(r[:117])) + "…"
	}
	return first
}

func (a *assess) reviewView(ss *candidates.Session, token string) *AssessReviewPage {
	v := &AssessReviewPage{Base: Base{Title: "Review your answers"}, AssessHead: head(ss), Token: token,
		Timer: a.timer(ss, token), Current: current(ss) + 1, CanSubmit: true}
	var sec *AssessReviewSection
	for i, q := range ss.Questions {
		if sec == nil || sec.Name != sectionName(q.Section) {
			v.Sections = append(v.Sections, AssessReviewSection{Name: sectionName(q.Section)})
			sec = &v.Sections[len(v.Sections)-1]
		}
		if candidates.PerSection(ss.Doc) && string(q.Section) != ss.Attempt.Section {
			// A later section must not be read before it opens; an
			// earlier one is closed.
			if i > current(ss) {
				sec.Upcoming, v.CanSubmit = true, false
				continue
			}
			sec.Closed = true
		}
		text := q.Prompt
		if q.Kind == posting.KindTask {
			text = q.Brief
		}
		ans, _ := storedAnswer(ss, q.Key)
		item := AssessReviewItem{N: i + 1, Excerpt: excerpt(text), Answered: answered(ans)}
		if !item.Answered {
			v.Unanswered++
			if ss.Editable(i) {
				v.OpenUnanswered = append(v.OpenUnanswered, i+1)
			} else {
				v.UnansweredClosed++
			}
		}
		sec.Items = append(sec.Items, item)
	}
	if candidates.PerSection(ss.Doc) && ss.Attempt != nil {
		v.Section = sectionName(posting.Section(ss.Attempt.Section))
		for _, q := range ss.Questions[current(ss):] {
			if string(q.Section) != ss.Attempt.Section {
				v.NextSection = sectionName(q.Section)
				break
			}
		}
	}
	return v
}

// languageName is how people write a code language's name.
func languageName(l string) string {
	names := map[string]string{"go": "Go", "golang": "Go", "sql": "SQL", "python": "Python", "py": "Python", "javascript": "JavaScript",
		"js": "JavaScript", "typescript": "TypeScript", "ts": "TypeScript", "java": "Java", "ruby": "Ruby", "rust": "Rust", "c": "C",
		"cpp": "C++", "c++": "C++", "csharp": "C#", "c#": "C#", "shell": "Shell", "bash": "Bash", "sh": "Shell", "r": "R", "yaml": "YAML",
		"kotlin": "Kotlin", "swift": "Swift", "php": "PHP", "html": "HTML", "css": "CSS"}
	if n, ok := names[strings.ToLower(strings.TrimSpace(l))]; ok {
		return n
	}
	return strings.TrimSpace(l)
}

// openUnanswered lists the numbers of the open questions without an answer.
func openUnanswered(ss *candidates.Session) []int {
	var out []int
	for i, q := range ss.Questions {
		if ans, _ := storedAnswer(ss, q.Key); ss.Editable(i) && !answered(ans) {
			out = append(out, i+1)
		}
	}
	return out
}

// questionList says question numbers for people: "question 2",
// "questions 2, 4 and 5".
func questionList(ns []int) string {
	if len(ns) == 1 {
		return "question " + strconv.Itoa(ns[0])
	}
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = strconv.Itoa(n)
	}
	return "questions " + strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// timeUpNotice says that a section's time ran out and the candidate was
// moved on to the next one, or "" when that did not just happen. asked is
// true when the page was asked for because the countdown reached zero.
func timeUpNotice(ss *candidates.Session, asked bool) string {
	if ss.State != candidates.StateInProgress || !candidates.PerSection(ss.Doc) || ss.Attempt == nil {
		return ""
	}
	ended := ss.TimeUpSection
	if ended == "" && asked {
		// The minute sweep may have moved the candidate on before the
		// countdown's page arrived: name the section before the current one.
		secs := ss.Doc.AssessmentType.Sections()
		for i, sec := range secs {
			if string(sec) == ss.Attempt.Section && i > 0 {
				ended = secs[i-1]
			}
		}
	}
	if ended == "" {
		return ""
	}
	return "The time for the " + sectionName(ended) + " section ran out, so it was closed with your answers as they stood. You are now in the " +
		sectionName(posting.Section(ss.Attempt.Section)) + " section, which has its own time limit."
}
