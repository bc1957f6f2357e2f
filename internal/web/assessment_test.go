package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/account"
	"github.com/talentsystems/talentsystems/internal/app"
	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/candidates"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/posting"
	"github.com/talentsystems/talentsystems/internal/scoring"
	"github.com/talentsystems/talentsystems/internal/store"
)

// aenv is an instance on a clock the test moves, with an organization
// ("Acme") and its admin.
type aenv struct {
	*env
	clock *apptest.Clock
	admin *model.User
}

func startAssess(t *testing.T, dbURL string) *aenv {
	t.Helper()
	box := apptest.NewMailbox(t)
	cfg := apptest.Config(t, dbURL)
	cfg.SMTP = box.SMTP()
	clock := apptest.NewClock(time.Now())
	inst := apptest.StartWith(t, cfg, app.Options{Now: clock.Now})
	if _, err := inst.Accounts.CreateUser(context.Background(), model.CommandLine(0), account.NewUser{Email: "staff@ts.test", Name: "Staff", Password: password, Role: model.RoleStaff}); err != nil {
		t.Fatal(err)
	}
	e := &aenv{env: &env{Instance: inst, box: box}, clock: clock}
	_, e.admin = e.member(t, "acme", "ann@acme.test", model.RoleAdmin)
	return e
}

// example reads an example posting, letting edit change it first.
func example(t *testing.T, name string, edit func(*posting.Posting)) *posting.Posting {
	t.Helper()
	f, err := os.Open("../../examples/postings/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := posting.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(doc)
	}
	return doc
}

// publish imports and publishes doc, returning the posting's id.
func (e *aenv) publish(t *testing.T, doc *posting.Posting) int64 {
	t.Helper()
	raw, err := posting.Encode(doc)
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.Postings.Import(context.Background(), e.admin.Actor(), bytes.NewReader(raw), true)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	finalLevels(t, e.env, e.admin, p.ID)
	return p.ID
}

// finalLevels makes a posting's automatic levels final. The flow tests
// answer in milliseconds, which the speed signal rightly flags for a
// person's review; they test the flow and the scores, and the review flow
// has tests of its own (internal/candidates, the review page).
func finalLevels(t *testing.T, e *env, admin *model.User, postingID int64) {
	t.Helper()
	rs := model.ReviewSettings{Mode: model.ReviewNever, Reviewers: 1}
	if err := e.Candidates.SetReviewSettings(context.Background(), admin.Actor(), postingID, rs); err != nil {
		t.Fatal(err)
	}
}

// candidate adds a candidate to the posting and returns it with its link's path.
func (e *aenv) candidate(t *testing.T, postingID int64, email string) (*model.Candidate, string) {
	t.Helper()
	c, err := e.Candidates.Add(context.Background(), e.admin.Actor(), postingID,
		candidates.Person{FirstName: "Cleo", LastName: "Candidate", Email: email}, candidates.AddOptions{Source: model.SourceManual, SendEmail: true})
	if err != nil {
		t.Fatal(err)
	}
	return c, strings.TrimPrefix(e.Candidates.Link(c), e.URL)
}

func (e *aenv) stored(t *testing.T, id int64) *model.Candidate {
	t.Helper()
	c, err := store.OrgCandidate(context.Background(), e.Store.DB, e.admin.OrgID, id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// storedAnswers returns the answers of the candidate's current attempt.
func (e *aenv) storedAnswers(t *testing.T, c *model.Candidate) map[string]scoring.Answer {
	t.Helper()
	rows, err := store.AttemptAnswers(context.Background(), e.Store.DB, c.AttemptID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]scoring.Answer{}
	for k, r := range rows {
		var a scoring.Answer
		if len(r.Answer) > 0 {
			if err := json.Unmarshal(r.Answer, &a); err != nil {
				t.Fatal(err)
			}
			out[k] = a
		}
	}
	return out
}

func expectStatus(t *testing.T, what string, r *apptest.Response, status int, contains ...string) {
	t.Helper()
	if r.Status != status {
		t.Errorf("%s: status %d, want %d\n%s", what, r.Status, status, excerptBody(r.Body))
		return
	}
	for _, s := range contains {
		if !strings.Contains(r.Body, s) {
			t.Errorf("%s: the page lacks %q\n%s", what, s, excerptBody(r.Body))
		}
	}
}

func expectRedirect(t *testing.T, what string, r *apptest.Response, location string) {
	t.Helper()
	if r.Status != http.StatusSeeOther || r.Location != location {
		t.Errorf("%s: %d to %q, want 303 to %q\n%s", what, r.Status, r.Location, location, excerptBody(r.Body))
	}
}

var mainRe = regexp.MustCompile(`(?s)<main id="main">(.*)</main>`)

func excerptBody(b string) string {
	if m := mainRe.FindStringSubmatch(b); m != nil {
		b = m[1]
	}
	if len(b) > 3000 {
		b = b[:3000] + "…"
	}
	return b
}

func csrfOf(t *testing.T, body string) string {
	t.Helper()
	m := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF token in\n%s", excerptBody(body))
	}
	return m[1]
}

// postFile posts the question form of page to action as multipart, with a file.
func postFile(t *testing.T, c *apptest.Client, page, action string, fields url.Values, name, contentType string, data []byte) *apptest.Response {
	t.Helper()
	token := csrfOf(t, c.Get(page).Body)
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf_token", token)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="`+name+`"`)
	h.Set("Content-Type", contentType)
	part, err := mw.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	part.Write(data)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.Base()+action, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body bytes.Buffer
	body.ReadFrom(resp.Body)
	return &apptest.Response{Status: resp.StatusCode, Body: body.String(), Location: resp.Header.Get("Location"), Header: resp.Header}
}

// The answers that hit the backend-engineer rubric, as a candidate types them.
const (
	webhookAnswer = "Store the provider's event id with a unique constraint so a duplicate delivery is already processed; " +
		"apply the state change and record the event in the same transaction; compare a version or timestamp to handle " +
		"out-of-order events; verify the HMAC signature; acknowledge fast and queue slow work. <script>alert('x')</script>"
	incidentAnswer = "An alert paged the on-call engineer; we rolled back the deploy to mitigate, found the root cause " +
		"in a postmortem with action items, and kept customers informed on the status page."
	limiterAnswer = "package ratelimit\n\n// Limiter is a token bucket per key; idle keys are evicted.\ntype Limiter struct {\n\tmu sync.Mutex\n\tnow func() time.Time\n}\n\n" +
		"func (l *Limiter) Allow(key string) bool {\n\tl.mu.Lock()\n\tdefer l.mu.Unlock()\n\t// refill tokens by elapsed time, cap at burst\n\t_ = l.now()\n\treturn true\n}\n\n" +
		"func TestAllow(t *testing.T) {\n\ttests := []struct{ name string }{{\"burst\"}, {\"refill\"}}\n\tfor _, tc := range tests {\n\t\tt.Run(tc.name, func(t *testing.T) {})\n\t}\n}\n"
)

// TestAssessmentFlow takes the backend-engineer assessment (per-section time
// limits) over HTTP: consent, answers with validation errors, a closed tab,
// back and forward, finishing a section, review and submission, and checks
// the stored score against the scoring package.
func TestAssessmentFlow(t *testing.T) {
	t.Parallel()
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		e := startAssess(t, dbURL)
		doc := example(t, "backend-engineer.json", nil)
		pid := e.publish(t, doc)
		cand, path := e.candidate(t, pid, "cleo@example.test")
		c := apptest.NewClient(t, e.URL)

		expectStatus(t, "welcome", c.Get(path), http.StatusOK, "Senior Backend Engineer (Go)", "Acme",
			"6 questions", "Interview: 5 questions, 45 minutes", "Practical: 1 question, 1 hour 15 minutes",
			"I agree that Acme processes my answers to assess my application", "Start before", "About the role")
		expectStatus(t, "start without consent", c.Submit(path, path+"/start", nil), http.StatusBadRequest, "Please confirm that you agree", `aria-invalid="true"`)
		if got := e.stored(t, cand.ID).Status; got != model.CandidateSent {
			t.Fatalf("refused start changed the status to %s", got)
		}
		expectRedirect(t, "start", c.Submit(path, path+"/start", url.Values{"consent": {"yes"}}), path)
		expectRedirect(t, "resume", c.Get(path), path+"/q/1")

		q1 := c.Get(path + "/q/1")
		expectStatus(t, "question 1", q1, http.StatusOK, "Interview section", "Question 1 of 6", `<progress`, `value="1"`,
			"Time left in this section: 45 minutes", `maxlength="4000"`, "<code>POST /webhooks/payments</code>", "Aim for 150 to 300 words",
			`data-deadline="`, "Save and next", `<script src="/static/assess.`)
		if strings.Contains(q1.Body, `value="prev"`) {
			t.Error("the first question has a Previous button")
		}

		// Refused answers show the message and keep what was typed.
		long := strings.Repeat("x", 4001)
		bad := []struct {
			name, n string
			form    url.Values
			status  int
			want    []string
		}{
			{"too long", "1", url.Values{"answer": {long}, "action": {"next"}}, http.StatusBadRequest, []string{"at most 4000", long, `aria-invalid="true"`}},
			{"unknown option", "2", url.Values{"answer": {"z"}}, http.StatusBadRequest, []string{"Choose among the options shown"}},
			{"two answers to a single choice", "2", url.Values{"answer": {"a", "b"}}, http.StatusBadRequest, []string{"Choose one option"}},
			{"not a number", "4", url.Values{"answer": {"thirty"}}, http.StatusBadRequest, []string{"Enter a number", `value="thirty"`}},
			{"thousands separator", "4", url.Values{"answer": {"1,200"}}, http.StatusBadRequest, []string{"without commas", `value="1,200"`}},
			{"infinity", "4", url.Values{"answer": {"Inf"}}, http.StatusBadRequest, []string{"Enter a number"}},
		}
		for _, tc := range bad {
			t.Run(tc.name, func(t *testing.T) {
				p := path + "/q/" + tc.n
				expectStatus(t, tc.name, c.Submit(p, p, tc.form), tc.status, tc.want...)
			})
		}
		expectStatus(t, "a file on a free-text question", postFile(t, c, path+"/q/1", path+"/q/1", url.Values{"answer": {"x"}}, "a.txt", "text/plain", []byte("hi")),
			http.StatusBadRequest, "does not take a file")
		if got := e.storedAnswers(t, e.stored(t, cand.ID)); len(got) != 0 {
			t.Fatalf("refused answers were stored: %+v", got)
		}

		// Answers, with back and forward.
		expectRedirect(t, "answer 1", c.Submit(path+"/q/1", path+"/q/1", url.Values{"answer": {crlf(webhookAnswer + "\nSecond line.")}, "action": {"next"}}), path+"/q/2")
		expectRedirect(t, "answer 2", c.Submit(path+"/q/2", path+"/q/2", url.Values{"answer": {"b"}, "action": {"next"}}), path+"/q/3")
		expectRedirect(t, "back from 3", c.Submit(path+"/q/3", path+"/q/3", url.Values{"answer": {"index"}, "action": {"prev"}}), path+"/q/2")
		expectStatus(t, "question 2 again", c.Get(path+"/q/2"), http.StatusOK, `value="b" id="answer-1" checked`, "Choose one.")
		expectRedirect(t, "forward to 3", c.Submit(path+"/q/2", path+"/q/2", url.Values{"answer": {"b"}, "action": {"next"}}), path+"/q/3")
		expectStatus(t, "question 3 kept", c.Get(path+"/q/3"), http.StatusOK, `type="checkbox" name="answer" value="index" id="answer" checked`, "Choose all that apply.")
		expectRedirect(t, "answer 3", c.Submit(path+"/q/3", path+"/q/3", url.Values{"answer": {"index", "volatile-default", "type-change"}, "action": {"next"}}), path+"/q/4")
		expectStatus(t, "question 4", c.Get(path+"/q/4"), http.StatusOK, "Your answer (in connections)", `inputmode="decimal"`)

		// A closed tab: a new browser resumes at the last question seen,
		// with the answers saved.
		tab := apptest.NewClient(t, e.URL)
		expectRedirect(t, "resume in a new tab", tab.Get(path), path+"/q/4")
		q1 = tab.Get(path + "/q/1")
		expectStatus(t, "escaped answer", q1, http.StatusOK, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;", "Saved at ")
		if strings.Contains(q1.Body, "<script>alert") {
			t.Error("an answer's HTML is not escaped")
		}
		expectRedirect(t, "answer 4", tab.Submit(path+"/q/4", path+"/q/4", url.Values{"answer": {"30"}, "action": {"next"}}), path+"/q/5")

		// The practical section does not open before the interview is finished.
		expectRedirect(t, "practical too early", tab.Get(path+"/q/6"), path+"/q/4")
		q5 := tab.Get(path + "/q/5")
		expectStatus(t, "last interview question", q5, http.StatusOK, `value="finish_section"`, "the practical section starts with its own time limit")
		if strings.Contains(q5.Body, `value="next"`) {
			t.Error("the section's last question offers Save and next")
		}
		expectRedirect(t, "finish the interview", tab.Submit(path+"/q/5", path+"/q/5", url.Values{"answer": {incidentAnswer}, "action": {"finish_section"}}), path)
		expectRedirect(t, "on to the practical", tab.Get(path), path+"/q/6")

		// The interview is now closed: shown read-only, refused when posted.
		ro := tab.Get(path + "/q/1")
		expectStatus(t, "closed question", ro, http.StatusOK, "This section is closed", "&lt;script&gt;", "Second line.")
		if strings.Contains(ro.Body, "<textarea") {
			t.Error("a closed question is editable")
		}
		expectStatus(t, "answering a closed question", c.Submit(path+"/q/6", path+"/q/1", url.Values{"answer": {"late"}}), http.StatusConflict, "section that is closed")

		q6 := tab.Get(path + "/q/6")
		expectStatus(t, "task", q6, http.StatusOK, "Practical section", "Question 6 of 6", `class="code"`, "Your answer (Go code)",
			"Time left in this section: 1 hour 15 minutes", "Review and submit", `maxlength="30000"`)
		expectRedirect(t, "answer 6", tab.Submit(path+"/q/6", path+"/q/6", url.Values{"answer": {crlf(limiterAnswer)}, "action": {"review"}}), path+"/review")

		review := tab.Get(path + "/review")
		expectStatus(t, "review", review, http.StatusOK, "Review your answers", "Question 6", "Answered", "cannot change your answers", path+"/submit")
		if strings.Contains(review.Body, "Not answered") {
			t.Error("the review lists an unanswered question")
		}

		expectRedirect(t, "submit", tab.Submit(path+"/review", path+"/submit", nil), path)
		expectStatus(t, "thank you", tab.Get(path), http.StatusOK, "Thank you", "Your answers were submitted on")
		expectRedirect(t, "question after the end", c.Get(path+"/q/2"), path)
		expectStatus(t, "answer after the end", c.Submit("/login", path+"/q/6", url.Values{"answer": {"more"}}), http.StatusOK, "already submitted")
		expectStatus(t, "submit again", c.Submit("/login", path+"/submit", nil), http.StatusSeeOther)

		// The stored score is what the scoring package gives these answers.
		done := e.stored(t, cand.ID)
		answers := e.storedAnswers(t, done)
		if got := answers["idempotent-webhook"].Text; got != webhookAnswer+"\nSecond line." {
			t.Errorf("stored text %q (line breaks must be \\n)", got)
		}
		thirty := 30.0
		want := scoring.Rollup(doc, scoring.ScoreAll(scoring.Rules{}, doc, map[string]scoring.Answer{
			"idempotent-webhook":  {Text: webhookAnswer + "\nSecond line."},
			"lost-update":         {Choices: []string{"b"}},
			"blocking-migrations": {Choices: []string{"index", "volatile-default", "type-change"}},
			"connection-pool":     {Number: &thirty},
			"incident-review":     {Text: incidentAnswer},
			"rate-limiter":        {Text: limiterAnswer},
		}), nil)
		if done.Status != model.CandidateCompleted || done.Score == nil || *done.Score != want.Overall || done.Recommendation != string(want.Recommendation) {
			t.Errorf("candidate %s score %v %s, want %v %s", done.Status, done.Score, done.Recommendation, want.Overall, want.Recommendation)
		}
		if want.Overall < 70 {
			t.Errorf("the rubric answers score only %v", want.Overall)
		}
	})
}

// smallPosting has an interview question and a practical task that takes a
// file, with a time limit per section.
func smallPosting() *posting.Posting {
	doc, err := posting.Decode(strings.NewReader(`{
  "format": "talentsystems.posting/v1",
  "title": "Data Wrangler",
  "description": "Clean data.",
  "assessment_type": "both",
  "time_limit": {"interview_minutes": 1, "practical_minutes": 2},
  "competencies": [{"key": "data", "name": "Data"}],
  "questions": [
    {"key": "pick", "section": "interview", "competency": "data", "kind": "multiple_choice", "prompt": "Pick one.",
     "options": [{"key": "a", "text": "x < y & z", "correct": true}, {"key": "b", "text": "B"}]},
    {"key": "clean", "section": "practical", "competency": "data", "kind": "task", "brief": "Clean the **file**.",
     "deliverable": {"format": "text", "max_chars": 500, "upload": {"max_bytes": 1024, "types": [".txt", "application/pdf"]}},
     "checklist": [{"text": "Removes duplicates", "phrases": ["duplicates"]}]}
  ]
}`))
	if err != nil {
		panic(err)
	}
	return doc
}

// TestAssessmentSectionLimits checks that a section's time limit closes it
// and opens the next, that the last one submits, and uploads.
func TestAssessmentSectionLimits(t *testing.T) {
	t.Parallel()
	e := startAssess(t, "")
	pid := e.publish(t, smallPosting())
	cand, path := e.candidate(t, pid, "sam@example.test")
	c := apptest.NewClient(t, e.URL)
	expectStatus(t, "welcome", c.Get(path), http.StatusOK, "Interview: 1 question, 1 minute", "Practical: 1 question, 2 minutes")
	c.Submit(path, path+"/start", url.Values{"consent": {"yes"}})
	expectStatus(t, "option text escaped", c.Get(path+"/q/1"), http.StatusOK, "x &lt; y &amp; z", "Time left in this section: 1 minute")
	expectRedirect(t, "answer", c.Submit(path+"/q/1", path+"/q/1", url.Values{"answer": {"a"}, "action": {"next"}}), path+"/q/2")
	expectRedirect(t, "practical before its time", c.Get(path+"/q/2"), path+"/q/1")
	for _, n := range []string{"0", "3", "x"} {
		expectStatus(t, "question "+n, c.Get(path+"/q/"+n), http.StatusNotFound, "No such question")
	}

	e.clock.Advance(61 * time.Second)
	expectRedirect(t, "interview time up", c.Get(path), path+"/q/2")
	expectStatus(t, "practical", c.Get(path+"/q/2"), http.StatusOK, "Time left in this section: 2 minutes", `type="file"`,
		`accept=".txt,application/pdf"`, "Accepted: .txt, application/pdf. At most 1 KB.", `enctype="multipart/form-data"`)
	expectStatus(t, "interview closed", c.Get(path+"/q/1"), http.StatusOK, "This section is closed", "x &lt; y &amp; z")

	files := []struct {
		name, file, contentType string
		size, status            int
		want                    string
	}{
		{"too large", "notes.txt", "text/plain", 2000, http.StatusRequestEntityTooLarge, "at most 1 KiB"},
		{"wrong type", "tool.exe", "application/octet-stream", 10, http.StatusBadRequest, "not accepted"},
	}
	for _, tc := range files {
		t.Run(tc.name, func(t *testing.T) {
			r := postFile(t, c, path+"/q/2", path+"/q/2", url.Values{"answer": {"typed before the file"}}, tc.file, tc.contentType, bytes.Repeat([]byte("x"), tc.size))
			expectStatus(t, tc.name, r, tc.status, tc.want, "typed before the file", `id="file-error"`)
		})
	}
	expectRedirect(t, "good file", postFile(t, c, path+"/q/2", path+"/q/2", url.Values{"answer": {"no duplicates"}, "action": {"review"}}, `..\dir\notes.txt`, "text/plain", []byte("a,b\n")), path+"/review")
	expectStatus(t, "attached", c.Get(path+"/q/2"), http.StatusOK, "Attached now: <strong class=\"a-file\">notes.txt</strong>")
	expectRedirect(t, "save without a new file", c.Submit(path+"/q/2", path+"/q/2", url.Values{"answer": {"no duplicates at all"}, "action": {"review"}}), path+"/review")
	// A refused file: the page (from a session opened without the answers)
	// still shows the stored attachment.
	expectStatus(t, "refused file", postFile(t, c, path+"/q/2", path+"/q/2", url.Values{"answer": {"typed"}}, "big.txt", "text/plain", bytes.Repeat([]byte("x"), 2000)),
		http.StatusRequestEntityTooLarge, "Attached now: <strong class=\"a-file\">notes.txt</strong>")
	if a := e.storedAnswers(t, e.stored(t, cand.ID))["clean"]; a.FileName != "notes.txt" || a.Text != "no duplicates at all" {
		t.Errorf("stored %+v", a)
	}
	up, err := store.GetUpload(context.Background(), e.Store.DB, e.stored(t, cand.ID).AttemptID, "clean")
	if err != nil || string(up.Data) != "a,b\n" {
		t.Errorf("upload %v %v", up, err)
	}

	e.clock.Advance(2 * time.Minute)
	// The page was loaded before the time ran out; the form arrives after.
	expectStatus(t, "late answer", c.Submit("/login", path+"/q/2", url.Values{"answer": {"too late"}}), http.StatusOK,
		"after the time was up", "The time limit ended, so your answers were submitted")
	if got := e.stored(t, cand.ID); got.Status != model.CandidateCompleted || e.storedAnswers(t, got)["clean"].Text != "no duplicates at all" {
		t.Errorf("after the last section: %s %+v", got.Status, e.storedAnswers(t, got))
	}
}

// TestAssessmentDeadline checks the total time limit, with and without
// extra time, and the autosave endpoint.
func TestAssessmentDeadline(t *testing.T) {
	t.Parallel()
	e := startAssess(t, "")
	pid := e.publish(t, example(t, "backend-engineer.json", func(d *posting.Posting) {
		d.TimeLimit = &posting.TimeLimit{TotalMinutes: 1}
	}))
	cand, path := e.candidate(t, pid, "tom@example.test")
	extra, extraPath := e.candidate(t, pid, "xena@example.test")
	if err := e.Candidates.SetAccommodation(context.Background(), e.admin.Actor(), extra.ID, 50); err != nil {
		t.Fatal(err)
	}
	c, x := apptest.NewClient(t, e.URL), apptest.NewClient(t, e.URL)
	expectStatus(t, "welcome", c.Get(path), http.StatusOK, "1 minute in total")
	expectStatus(t, "welcome with extra time", x.Get(extraPath), http.StatusOK, "1 minute 30 seconds in total", "extra time of 50%")
	c.Submit(path, path+"/start", url.Values{"consent": {"yes"}})
	x.Submit(extraPath, extraPath+"/start", url.Values{"consent": {"yes"}})

	q1 := c.Get(path + "/q/1")
	expectStatus(t, "question", q1, http.StatusOK, "Time left: 1 minute", `data-autosave="`+path+`/autosave"`)
	autosave := func(c *apptest.Client, path string, form url.Values) (int, map[string]string) {
		req, _ := http.NewRequest(http.MethodPost, e.URL+path+"/autosave", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8")
		req.Header.Set("Accept", "application/json")
		resp, err := c.HTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]string
		json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	token := csrfOf(t, q1.Body)
	if status, out := autosave(c, path, url.Values{"csrf_token": {token}, "q": {"1"}, "answer": {"draft"}}); status != http.StatusOK || out["saved_at"] == "" {
		t.Errorf("autosave: %d %v", status, out)
	}
	if status, out := autosave(c, path, url.Values{"csrf_token": {token}, "q": {"1"}, "answer": {strings.Repeat("y", 4001)}}); status != http.StatusBadRequest || !strings.Contains(out["error"], "at most 4000") {
		t.Errorf("autosave too long: %d %v", status, out)
	}
	if status, _ := autosave(c, path, url.Values{"q": {"1"}, "answer": {"forged"}}); status != http.StatusForbidden {
		t.Errorf("autosave without CSRF token: %d", status)
	}
	if got := e.storedAnswers(t, e.stored(t, cand.ID))["idempotent-webhook"].Text; got != "draft" {
		t.Errorf("autosaved %q", got)
	}

	e.clock.Advance(61 * time.Second)
	expectStatus(t, "answer after the deadline", c.Submit("/login", path+"/q/2", url.Values{"answer": {"b"}}), http.StatusOK,
		"after the time was up", "The time limit ended")
	done := e.stored(t, cand.ID)
	attempt, err := store.GetAttempt(context.Background(), e.Store.DB, done.ID, done.AttemptID)
	if err != nil || done.Status != model.CandidateCompleted || attempt.SubmitReason != "time_limit" {
		t.Fatalf("after the deadline: %s %+v %v", done.Status, attempt, err)
	}
	if _, ok := e.storedAnswers(t, done)["lost-update"]; ok {
		t.Error("an answer after the deadline was stored")
	}
	if status, out := autosave(c, path, url.Values{"csrf_token": {token}, "q": {"1"}, "answer": {"later"}}); status != http.StatusConflict {
		t.Errorf("autosave after the end: %d %v", status, out)
	}
	expectStatus(t, "completed page", c.Get(path), http.StatusOK, "The time limit ended, so your answers were submitted as they stood")

	// Extra time: 50 % more than one minute.
	expectStatus(t, "within extra time", x.Get(extraPath+"/q/1"), http.StatusOK, "Time left: less than a minute")
	e.clock.Advance(30 * time.Second)
	expectRedirect(t, "extra time over", x.Get(extraPath+"/q/1"), extraPath)
	if got := e.stored(t, extra.ID).Status; got != model.CandidateCompleted {
		t.Errorf("with extra time, after 91 s: %s", got)
	}
}

// TestAssessmentDoubleSubmit submits from two tabs at once: one completion,
// scored once.
func TestAssessmentDoubleSubmit(t *testing.T) {
	t.Parallel()
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		e := startAssess(t, dbURL)
		pid := e.publish(t, example(t, "backend-engineer.json", func(d *posting.Posting) {
			d.TimeLimit = &posting.TimeLimit{TotalMinutes: 120}
		}))
		cand, path := e.candidate(t, pid, "dora@example.test")
		a, b := apptest.NewClient(t, e.URL), apptest.NewClient(t, e.URL)
		a.Submit(path, path+"/start", url.Values{"consent": {"yes"}})
		a.Submit(path+"/q/2", path+"/q/2", url.Values{"answer": {"b"}})
		forms := []url.Values{}
		for _, c := range []*apptest.Client{a, b} {
			forms = append(forms, url.Values{"csrf_token": {csrfOf(t, c.Get(path+"/review").Body)}})
		}
		var wg sync.WaitGroup
		statuses := make([]int, 2)
		for i, c := range []*apptest.Client{a, b} {
			wg.Go(func() { statuses[i] = c.Post(path+"/submit", forms[i]).Status })
		}
		wg.Wait()
		if statuses[0] != http.StatusSeeOther || statuses[1] != http.StatusSeeOther {
			t.Errorf("submit statuses %v", statuses)
		}
		events, err := store.OrgAudit(context.Background(), e.Store.DB, e.admin.OrgID, 100)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, ev := range events {
			if ev.Action == "candidate.complete" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d completions recorded", n)
		}
		if got := e.stored(t, cand.ID); got.Status != model.CandidateCompleted || got.Score == nil {
			t.Errorf("candidate %s score %v", got.Status, got.Score)
		}
	})
}

// TestAssessmentLinkPages checks the pages of links that cannot be taken.
func TestAssessmentLinkPages(t *testing.T) {
	t.Parallel()
	e := startAssess(t, "")
	ctx := context.Background()
	pid := e.publish(t, example(t, "backend-engineer.json", nil))
	cases := []struct {
		name   string
		change func(t *testing.T, c *model.Candidate)
		status int
		want   []string
	}{
		{"expired", func(t *testing.T, c *model.Candidate) {
			c.ExpiresAt = e.clock.Now().Add(-time.Hour)
			if err := store.UpdateCandidate(ctx, e.Store.DB, c, e.clock.Now()); err != nil {
				t.Fatal(err)
			}
		}, http.StatusGone, []string{"This link has expired", "extend your link"}},
		{"reset", func(t *testing.T, c *model.Candidate) {
			if err := e.Candidates.Reset(ctx, e.admin.Actor(), c.ID); err != nil {
				t.Fatal(err)
			}
		}, http.StatusGone, []string{"replaced by a newer one", "most recent invitation", "contact the recruiter"}},
		{"erased", func(t *testing.T, c *model.Candidate) {
			if err := e.Candidates.Erase(ctx, e.admin.Actor(), c.ID); err != nil {
				t.Fatal(err)
			}
		}, http.StatusGone, []string{"no longer available"}},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cand, path := e.candidate(t, pid, "c"+strconv.Itoa(i)+"@example.test")
			c := apptest.NewClient(t, e.URL)
			tok := csrfOf(t, c.Get(path).Body)
			tc.change(t, e.stored(t, cand.ID))
			expectStatus(t, tc.name, c.Get(path), tc.status, tc.want...)
			expectRedirect(t, tc.name+": start", c.Post(path+"/start", url.Values{"csrf_token": {tok}, "consent": {"yes"}}), path)
			expectRedirect(t, tc.name+": question", c.Get(path+"/q/1"), path)
			if got := e.stored(t, cand.ID).Status; got == model.CandidateStarted {
				t.Error("the link could still be started")
			}
		})
	}
	t.Run("reset gives a working link", func(t *testing.T) {
		cand, _ := e.candidate(t, pid, "new@example.test")
		e.Candidates.Reset(ctx, e.admin.Actor(), cand.ID)
		path := strings.TrimPrefix(e.Candidates.Link(e.stored(t, cand.ID)), e.URL)
		expectStatus(t, "new link", apptest.NewClient(t, e.URL).Get(path), http.StatusOK, "I agree that")
	})
	t.Run("link expiring during the attempt", func(t *testing.T) {
		cand, path := e.candidate(t, pid, "mid@example.test")
		c := apptest.NewClient(t, e.URL)
		c.Submit(path, path+"/start", url.Values{"consent": {"yes"}})
		expectRedirect(t, "answer", c.Submit(path+"/q/2", path+"/q/2", url.Values{"answer": {"b"}}), path+"/q/3")
		started := e.stored(t, cand.ID)
		started.ExpiresAt = e.clock.Now().Add(time.Minute)
		if err := store.UpdateCandidate(ctx, e.Store.DB, started, e.clock.Now()); err != nil {
			t.Fatal(err)
		}
		// The link lapses, the section's time does not: the attempt goes on.
		e.clock.Advance(2 * time.Minute)
		expectStatus(t, "after the link's expiry", c.Get(path+"/q/3"), http.StatusOK, "Question 3 of 6")
		// Once the time is up too, the attempt is submitted and scored,
		// not left started behind an expired link.
		e.clock.Advance(time.Hour)
		expectStatus(t, "after the time limit", c.Get(path), http.StatusOK, "The time limit ended")
		if got := e.stored(t, cand.ID); got.Status != model.CandidateCompleted || got.Score == nil {
			t.Errorf("candidate %s score %v", got.Status, got.Score)
		}
	})
	t.Run("closed posting", func(t *testing.T) {
		_, path := e.candidate(t, pid, "late@example.test")
		if err := e.Postings.Close(ctx, e.admin.Actor(), pid); err != nil {
			t.Fatal(err)
		}
		expectStatus(t, "closed", apptest.NewClient(t, e.URL).Get(path), http.StatusConflict, "no longer takes assessments", "Senior Backend Engineer (Go)")
	})
}

// TestAssessmentUnknownLinks checks that unknown tokens get a 404 page, that
// guessing is throttled per client address, and that a valid link still opens.
func TestAssessmentUnknownLinks(t *testing.T) {
	t.Parallel()
	e := startAssess(t, "")
	_, path := e.candidate(t, e.publish(t, example(t, "backend-engineer.json", nil)), "val@example.test")
	c := apptest.NewClient(t, e.URL)
	expectStatus(t, "valid link", c.Get(path), http.StatusOK)
	for i := range 20 {
		r := c.Get("/a/guess" + strconv.Itoa(i))
		if r.Status != http.StatusNotFound || !strings.Contains(r.Body, "This assessment link is not valid") {
			t.Fatalf("guess %d: %d", i, r.Status)
		}
	}
	r := c.Get("/a/guess-21")
	if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" || !strings.Contains(r.Body, "Too many attempts") {
		t.Fatalf("21st guess: %d %q", r.Status, r.Header.Get("Retry-After"))
	}
	// Only misses are limited: a valid link still opens (a candidate behind
	// the same address as a guesser is not turned away).
	if r := c.Get(path); r.Status != http.StatusOK {
		t.Errorf("a valid link while throttled: %d", r.Status)
	}
	if r := c.Get("/a/" + strings.Repeat("x", 5000) + "/q/1"); r.Status != http.StatusTooManyRequests {
		t.Errorf("a long token while throttled: %d", r.Status)
	}
}
