package web_test

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/candidates"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/posting"
	"github.com/talentsystems/talentsystems/internal/postings"
	"github.com/talentsystems/talentsystems/internal/scoring"
	"github.com/talentsystems/talentsystems/internal/store"
)

// importExample imports and publishes an example posting for user.
func importExample(t *testing.T, e *env, u *model.User, name string) *postings.Posting {
	t.Helper()
	b, err := os.ReadFile("../../examples/postings/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.Postings.Import(context.Background(), u.Actor(), bytes.NewReader(b), true)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// tokenOf returns the token of a candidate's current link.
func tokenOf(e *env, c *model.Candidate) string {
	l := e.Candidates.Link(c)
	return l[strings.LastIndex(l, "/")+1:]
}

// goodAnswers answers every question of doc well: the first phrase of each
// rubric item, the correct options, the exact number.
func goodAnswers(doc *posting.Posting) map[string]scoring.Answer {
	out := map[string]scoring.Answer{}
	for _, q := range doc.Questions {
		var a scoring.Answer
		switch q.Kind {
		case posting.KindFreeText, posting.KindTask:
			items := q.Checklist
			if q.Rubric != nil {
				items = q.Rubric.ExpectedPoints
			}
			var parts []string
			for _, it := range items {
				parts = append(parts, "I would make sure of "+it.Phrases[0]+".")
			}
			a.Text = strings.Join(parts, " ") + " <b>not bold</b>"
		case posting.KindMultipleChoice:
			for _, o := range q.Options {
				if o.Correct {
					a.Choices = append(a.Choices, o.Key)
				}
			}
		case posting.KindNumeric:
			n := *q.Answer
			a.Number = &n
		}
		out[q.Key] = a
	}
	return out
}

// complete takes the assessment through the service with answers.
func complete(t *testing.T, e *env, c *model.Candidate, answers map[string]scoring.Answer) *candidates.Session {
	t.Helper()
	ctx := context.Background()
	token := tokenOf(e, c)
	if err := e.Candidates.Start(ctx, token, true); err != nil {
		t.Fatal(err)
	}
	ss, err := e.Candidates.Open(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	for i, q := range ss.Questions {
		if !ss.Editable(i) { // a per-section time limit: move on to the next section
			if err := e.Candidates.Advance(ctx, token); err != nil {
				t.Fatal(err)
			}
			if ss, err = e.Candidates.Open(ctx, token); err != nil || !ss.Editable(i) {
				t.Fatalf("question %d still closed after advancing: %v", i, err)
			}
		}
		if err := e.Candidates.View(ctx, token, i); err != nil {
			t.Fatal(err)
		}
		if a, ok := answers[q.Key]; ok {
			if err := e.Candidates.Save(ctx, token, i, a, nil); err != nil {
				t.Fatalf("save %s: %v", q.Key, err)
			}
		}
	}
	if err := e.Candidates.Submit(ctx, token); err != nil {
		t.Fatal(err)
	}
	return ss
}

func TestAddCandidateAndScorecard(t *testing.T) {
	t.Parallel()
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		e := start(t, dbURL)
		c, ann := e.member(t, "acme", "ann@acme.test", model.RoleRecruiter)
		p := importExample(t, e, ann, "customer-support-lead")
		base := "/postings/" + strconv.FormatInt(p.ID, 10) + "/candidates"
		for _, bad := range []url.Values{
			{"first_name": {""}, "last_name": {"X"}, "email": {"x@example.test"}},
			{"first_name": {"<script>"}, "last_name": {"X"}, "email": {"x@example.test"}},
			{"first_name": {"Ada"}, "last_name": {"L"}, "email": {"not an email"}},
		} {
			if r := c.Submit(base, base, bad); r.Status != http.StatusBadRequest {
				t.Errorf("add %v: %d", bad, r.Status)
			}
		}
		r := c.Submit(base, base, url.Values{"first_name": {"Ada"}, "last_name": {"Lovelace"}, "email": {"Ada@Example.test"}, "phone": {"+44 1"}})
		mustStatus(t, "add", r, http.StatusSeeOther)
		mail := e.box.WaitFor(t, "ada@example.test", 10*time.Second)
		link := regexpLink(mail.Text)
		if link == "" || !strings.Contains(mail.Text, "40 minutes") || !strings.Contains(mail.HTML, "Start the assessment") {
			t.Fatalf("invitation mail:\n%s", mail.Text)
		}
		if token := link[strings.LastIndex(link, "/")+1:]; len(token) < 43 {
			t.Errorf("link token %q has fewer than 256 bits", token)
		}
		list, _, _ := store.ListCandidates(ctx, e.Store.DB, model.CandidateFilter{OrgID: ann.OrgID, Now: time.Now()})
		if len(list) != 1 {
			t.Fatalf("%d candidates", len(list))
		}
		cand := list[0]
		if cand.Source != model.SourceManual || cand.Status != model.CandidateSent || e.Candidates.Link(cand) != link {
			t.Errorf("stored candidate: %+v", cand)
		}

		answers := goodAnswers(p.Doc)
		// Leave one question unanswered: it scores the lowest level.
		skipped := p.Doc.Questions[len(p.Doc.Questions)-1].Key
		delete(answers, skipped)
		complete(t, e, cand, answers)
		want := scoring.Rollup(p.Doc, scoring.ScoreAll(scoring.Rules{}, p.Doc, answers), nil)
		cand, _ = store.OrgCandidate(ctx, e.Store.DB, ann.OrgID, cand.ID)
		if cand.Status != model.CandidateCompleted || cand.Score == nil || *cand.Score != want.Overall || cand.Recommendation != string(want.Recommendation) {
			t.Fatalf("stored result %v %s, want %v %s", cand.Score, cand.Recommendation, want.Overall, want.Recommendation)
		}
		page := c.Get(base + "/" + strconv.FormatInt(cand.ID, 10))
		mustStatus(t, "scorecard", page, http.StatusOK)
		for _, s := range []string{strconv.FormatFloat(want.Overall, 'g', -1, 64), strings.ReplaceAll(string(want.Recommendation), "_", " "), "<mark>", "Not answered.",
			"&lt;b&gt;not bold&lt;/b&gt;", html.EscapeString(want.Competencies[0].Name), "time spent"} {
			if !strings.Contains(page.Body, s) {
				t.Errorf("scorecard lacks %q", s)
			}
		}
		if strings.Contains(page.Body, "<b>not bold</b>") {
			t.Error("HTML in an answer is rendered, not escaped")
		}

		// Override the skipped question to level 5: everything recomputes.
		cardURL := base + "/" + strconv.FormatInt(cand.ID, 10)
		if r := c.Submit(cardURL, cardURL+"/override", url.Values{"question": {skipped}, "level": {"5"}, "note": {""}}); r.Status != http.StatusBadRequest {
			t.Errorf("override without a note: %d", r.Status)
		}
		mustStatus(t, "override", c.Submit(cardURL, cardURL+"/override", url.Values{"question": {skipped}, "level": {"5"}, "note": {"Answered in the live interview."}}), http.StatusSeeOther)
		want = scoring.Rollup(p.Doc, want.Questions, map[string]scoring.Override{skipped: {Level: 5}})
		cand, _ = store.OrgCandidate(ctx, e.Store.DB, ann.OrgID, cand.ID)
		if *cand.Score != want.Overall {
			t.Errorf("after override score %v, want %v", *cand.Score, want.Overall)
		}
		page = c.Get(cardURL)
		if !strings.Contains(page.Body, "overridden from level 1") || !strings.Contains(page.Body, "Answered in the live interview.") {
			t.Error("the scorecard does not show the override and its note")
		}
		events, _ := store.OrgAudit(ctx, e.Store.DB, ann.OrgID, 50)
		found := false
		for _, ev := range events {
			found = found || (ev.Action == "score.override" && strings.Contains(ev.Detail, "level 1→5"))
		}
		if !found {
			t.Error("the override is not in the audit log")
		}
	})
}

func regexpLink(text string) string {
	i := strings.Index(text, "http://")
	if i < 0 {
		return ""
	}
	return strings.Fields(text[i:])[0]
}

func TestResetExtendAccommodateErase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := start(t, "")
	c, ann := e.member(t, "acme", "ann@acme.test", model.RoleAdmin)
	p := importExample(t, e, ann, "customer-support-lead") // one 40-minute limit
	cand, err := e.Candidates.Add(ctx, ann.Actor(), p.ID, candidates.Person{FirstName: "Grace", LastName: "Hopper", Email: "grace@example.test"}, candidates.AddOptions{Source: model.SourceManual, SendEmail: true})
	if err != nil {
		t.Fatal(err)
	}
	oldToken := tokenOf(e, cand)
	if err := e.Candidates.Start(ctx, oldToken, true); err != nil {
		t.Fatal(err)
	}
	if err := e.Candidates.SaveWithActivity(ctx, oldToken, 0, scoring.Answer{Text: "first try"}, nil, &scoring.Activity{Recorded: true, Pastes: []int{40}}); err != nil {
		t.Fatal(err)
	}
	cardURL := fmt.Sprintf("/postings/%d/candidates/%d", p.ID, cand.ID)

	// Accommodation moves the running deadline.
	before, _ := store.GetAttempt(ctx, e.Store.DB, cand.ID, mustCandidate(t, e, ann, cand.ID).AttemptID)
	mustStatus(t, "accommodation", c.Submit(cardURL, cardURL+"/accommodation", url.Values{"extra_time_pct": {"50"}}), http.StatusSeeOther)
	after, _ := store.GetAttempt(ctx, e.Store.DB, cand.ID, before.ID)
	if a, b := after.DeadlineAt.Sub(after.StartedAt), before.DeadlineAt.Sub(before.StartedAt); a != b*3/2 {
		t.Errorf("50%% extra time: %v → %v", b, a)
	}
	if r := c.Submit(cardURL, cardURL+"/accommodation", url.Values{"extra_time_pct": {"900"}}); r.Status != http.StatusBadRequest {
		t.Errorf("900%% extra time: %d", r.Status)
	}

	// Reset: a new link, the old one dead at once, the attempt kept in history, a new mail.
	mustStatus(t, "reset", c.Submit(cardURL, cardURL+"/reset", url.Values{"confirm": {"yes"}}), http.StatusSeeOther)
	cand = mustCandidate(t, e, ann, cand.ID)
	newToken := tokenOf(e, cand)
	if newToken == oldToken || cand.Status != model.CandidateSent || cand.AttemptID != 0 {
		t.Fatalf("after reset: %+v", cand)
	}
	if ss, err := e.Candidates.Open(ctx, oldToken); err != nil || ss.State != candidates.StateReset {
		t.Errorf("old link after reset: %+v, %v", ss, err)
	}
	if err := e.Candidates.Save(ctx, oldToken, 0, scoring.Answer{Text: "late"}, nil); err == nil {
		t.Error("the old link still takes answers")
	}
	attempts, _ := store.CandidateAttempts(ctx, e.Store.DB, cand.ID)
	if len(attempts) != 1 || attempts[0].Status != model.AttemptReset {
		t.Errorf("attempt history after reset: %+v", attempts)
	}
	apptest.Eventually(t, 10*time.Second, "two invitations", func() bool {
		n := 0
		for _, m := range e.box.Messages() {
			if m.To == "grace@example.test" {
				n++
			}
		}
		return n == 2
	})
	if ss, _ := e.Candidates.Open(ctx, newToken); ss.State != candidates.StateWelcome {
		t.Errorf("new link: %s", ss.State)
	}

	// Extend an expired link.
	cand.ExpiresAt = time.Now().Add(-time.Hour)
	store.UpdateCandidate(ctx, e.Store.DB, cand, time.Now())
	if ss, _ := e.Candidates.Open(ctx, newToken); ss.State != candidates.StateExpired {
		t.Errorf("expired link: %s", ss.State)
	}
	mustStatus(t, "extend", c.Submit(cardURL, cardURL+"/extend", url.Values{"days": {"3"}}), http.StatusSeeOther)
	cand = mustCandidate(t, e, ann, cand.ID)
	if d := time.Until(cand.ExpiresAt); d < 71*time.Hour || d > 73*time.Hour {
		t.Errorf("extended expiry in %v", d)
	}
	if r := c.Submit(cardURL, cardURL+"/extend", url.Values{"days": {"zero"}}); r.Status != http.StatusBadRequest {
		t.Errorf("extend by zero: %d", r.Status)
	}

	// Erase: personal data and answers gone, anonymous score kept.
	complete(t, e, cand, goodAnswers(p.Doc))
	if r := c.Submit(cardURL, cardURL+"/erase", url.Values{"confirm": {"no"}}); r.Status != http.StatusBadRequest {
		t.Errorf("erase without confirmation: %d", r.Status)
	}
	mustStatus(t, "erase", c.Submit(cardURL, cardURL+"/erase", url.Values{"confirm": {"erase"}}), http.StatusSeeOther)
	cand = mustCandidate(t, e, ann, cand.ID)
	if cand.Email != "" || cand.FirstName != "" || cand.Score == nil || cand.ErasedAt.IsZero() {
		t.Errorf("after erasure: %+v", cand)
	}
	answers, _ := store.AttemptAnswers(ctx, e.Store.DB, cand.AttemptID)
	if len(answers) != 0 {
		t.Errorf("%d answers survive erasure", len(answers))
	}
	if acts, _ := store.AttemptActivity(ctx, e.Store.DB, before.ID); len(acts) != 0 {
		t.Errorf("the recorded activity of %d answers survives erasure", len(acts))
	}
	page := c.Get(cardURL)
	if strings.Contains(page.Body, "Grace") || strings.Contains(page.Body, "grace@example.test") || strings.Contains(page.Body, "I would make sure") {
		t.Error("the scorecard still shows personal data or answers")
	}
	if ss, _ := e.Candidates.Open(ctx, newToken); ss.State != candidates.StateErased {
		t.Errorf("link after erasure: %+v", ss)
	}
}

func mustCandidate(t *testing.T, e *env, u *model.User, id int64) *model.Candidate {
	t.Helper()
	c, err := store.OrgCandidate(context.Background(), e.Store.DB, u.OrgID, id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCSVImport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := start(t, "")
	c, ann := e.member(t, "acme", "ann@acme.test", model.RoleAdmin)
	p := importExample(t, e, ann, "data-analyst")
	page := fmt.Sprintf("/postings/%d/candidates/import", p.ID)
	post := func(csv string) *apptest.Response {
		return uploadTo(t, c, page, page, "file", "people.csv", []byte(csv), nil)
	}
	bad := "first_name,last_name,email\nAda,Lovelace,ada@example.test\n,Nobody,n@example.test\nAlan,Turing,not-an-email\nAda,Again,ada@example.test\n"
	r := post(bad)
	if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "3 of 4 rows have problems") || !strings.Contains(r.Body, "also on line 2") {
		t.Errorf("bad CSV preview: %d", r.Status)
	}
	if r := post("name,mail\nx,y\n"); r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "first_name") {
		t.Errorf("bad header: %d", r.Status)
	}
	good := "First Name,Last Name,Email,Phone\nAda,Lovelace,ada@example.test,\nAlan,Turing,alan@example.test,+44 2\n"
	r = post(good)
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "Import 2 candidates") {
		t.Fatalf("good CSV preview: %d", r.Status)
	}
	if list, _, _ := store.ListCandidates(ctx, e.Store.DB, model.CandidateFilter{OrgID: ann.OrgID, Now: time.Now()}); len(list) != 0 {
		t.Fatal("the preview imported candidates")
	}
	// A tampered confirmation is parsed again and refused whole.
	if r := c.Submit(page, page, url.Values{"confirm": {"1"}, "content": {bad}}); r.Status != http.StatusBadRequest {
		t.Errorf("tampered confirmation: %d", r.Status)
	}
	mustStatus(t, "confirm", c.Submit(page, page, url.Values{"confirm": {"1"}, "content": {good}}), http.StatusSeeOther)
	list, total, _ := store.ListCandidates(ctx, e.Store.DB, model.CandidateFilter{OrgID: ann.OrgID, Now: time.Now()})
	if total != 2 || len(list) != 2 {
		t.Fatalf("%d candidates after import", total)
	}
	e.box.WaitFor(t, "alan@example.test", 10*time.Second)
	e.box.WaitFor(t, "ada@example.test", 10*time.Second)
}

// uploadTo posts a multipart form with one file, taking the CSRF token from page.
func uploadTo(t *testing.T, c *apptest.Client, page, action, field, name string, content []byte, extra url.Values) *apptest.Response {
	t.Helper()
	token := regexpCSRF(t, c.Get(page).Body)
	var body bytes.Buffer
	mw := multipartWriter(&body)
	mw.WriteField("csrf_token", token)
	for k, vs := range extra {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile(field, name)
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.Base()+action, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return &apptest.Response{Status: resp.StatusCode, Body: b.String(), Location: resp.Header.Get("Location")}
}

func TestCandidateListAndWalls(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := start(t, "")
	c, ann := e.member(t, "acme", "ann@acme.test", model.RoleAdmin)
	p := importExample(t, e, ann, "customer-support-lead")
	for i := range 120 {
		if _, err := e.Candidates.Add(ctx, ann.Actor(), p.ID, candidates.Person{FirstName: fmt.Sprintf("Person%03d", i), LastName: "Test", Email: fmt.Sprintf("p%03d@example.test", i)}, candidates.AddOptions{Source: model.SourceManual}); err != nil {
			t.Fatal(err)
		}
	}
	base := fmt.Sprintf("/postings/%d/candidates", p.ID)
	r := c.Get(base + "?sort=name")
	if !strings.Contains(r.Body, "120 candidates") || !strings.Contains(r.Body, "page 1 of 3") || !strings.Contains(r.Body, "Person000") || strings.Contains(r.Body, "Person050") {
		t.Errorf("first page sorted by name is wrong")
	}
	if r := c.Get(base + "?sort=name&page=3"); !strings.Contains(r.Body, "Person119") || strings.Contains(r.Body, "Person000") {
		t.Error("third page is wrong")
	}
	if r := c.Get(base + "?q=person07"); !strings.Contains(r.Body, "10 candidates") {
		t.Error("search does not narrow the list")
	}
	if r := c.Get(base + "?q=%25"); !strings.Contains(r.Body, "0 candidates") {
		t.Error("a % in the search is a wildcard")
	}
	if r := c.Get(base + "?status=completed"); !strings.Contains(r.Body, "0 candidates") {
		t.Error("status filter")
	}
	if r := c.Get("/candidates?source=greenhouse"); !strings.Contains(r.Body, "0 candidates") {
		t.Error("source filter")
	}
	other, _ := e.member(t, "globex", "gus@globex.test", model.RoleAdmin)
	list, _, _ := store.ListCandidates(ctx, e.Store.DB, model.CandidateFilter{OrgID: ann.OrgID, Limit: 1, Now: time.Now()})
	card := fmt.Sprintf("%s/%d", base, list[0].ID)
	for _, path := range []string{card, base, fmt.Sprintf("/postings/%d/candidates/%d", p.ID+1, list[0].ID)} {
		if r := other.Get(path); r.Status != http.StatusNotFound {
			t.Errorf("another organization GET %s: %d", path, r.Status)
		}
	}
	if r := other.Submit("/candidates", card+"/reset", nil); r.Status != http.StatusNotFound {
		t.Errorf("another organization resets: %d", r.Status)
	}
	if r := other.Get("/candidates"); strings.Contains(r.Body, "Person0") {
		t.Error("another organization lists the candidates")
	}
	// A closed posting takes no candidates.
	e.Postings.Close(ctx, ann.Actor(), p.ID)
	if r := c.Submit(base, base, url.Values{"first_name": {"Late"}, "last_name": {"Comer"}, "email": {"late@example.test"}}); r.Status != http.StatusConflict {
		t.Errorf("add to a closed posting: %d", r.Status)
	}
}

// TestCandidatesKeepTheirVersion edits an active posting's question while a
// candidate is under way: they keep the version they started; a new
// candidate gets the new one.
func TestCandidatesKeepTheirVersion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := start(t, "")
	c, ann := e.member(t, "acme", "ann@acme.test", model.RoleAdmin)
	p := importExample(t, e, ann, "customer-support-lead")
	early, _ := e.Candidates.Add(ctx, ann.Actor(), p.ID, candidates.Person{FirstName: "Early", LastName: "Bird", Email: "early@example.test"}, candidates.AddOptions{Source: model.SourceManual})
	if err := e.Candidates.Start(ctx, tokenOf(e, early), true); err != nil {
		t.Fatal(err)
	}
	oldPrompt := p.Doc.Questions[0].Prompt
	if _, err := e.Postings.Update(ctx, ann.Actor(), p.ID, 0, func(d *posting.Posting) error {
		d.Questions[0].Prompt = "A rewritten first question."
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	late, _ := e.Candidates.Add(ctx, ann.Actor(), p.ID, candidates.Person{FirstName: "Late", LastName: "Comer", Email: "late@example.test"}, candidates.AddOptions{Source: model.SourceManual})
	if err := e.Candidates.Start(ctx, tokenOf(e, late), true); err != nil {
		t.Fatal(err)
	}
	ssEarly, _ := e.Candidates.Open(ctx, tokenOf(e, early))
	ssLate, _ := e.Candidates.Open(ctx, tokenOf(e, late))
	if ssEarly.Attempt.PostingVersion != 1 || ssEarly.Questions[0].Prompt != oldPrompt {
		t.Errorf("the early candidate runs on version %d with prompt %q", ssEarly.Attempt.PostingVersion, ssEarly.Questions[0].Prompt)
	}
	if ssLate.Attempt.PostingVersion != 2 || ssLate.Questions[0].Prompt != "A rewritten first question." {
		t.Errorf("the late candidate runs on version %d", ssLate.Attempt.PostingVersion)
	}
	// The early candidate's scorecard shows the questions they were asked.
	if err := e.Candidates.Submit(ctx, tokenOf(e, early)); err != nil {
		t.Fatal(err)
	}
	page := c.Get(fmt.Sprintf("/postings/%d/candidates/%d", p.ID, early.ID))
	firstLine := strings.SplitN(oldPrompt, "\n", 2)[0]
	if page.Status != http.StatusOK || !strings.Contains(page.Body, html.EscapeString(firstLine)[:40]) || strings.Contains(page.Body, "A rewritten first question.") {
		t.Errorf("the early candidate's scorecard does not show version 1 (%d)", page.Status)
	}
}
