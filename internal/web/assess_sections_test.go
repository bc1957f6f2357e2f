package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/posting"
)

// threeInterviewPosting has three interview questions and one practical
// task, each section with its own time limit.
func threeInterviewPosting() *posting.Posting {
	doc, err := posting.Decode(strings.NewReader(`{
  "format": "talentsystems.posting/v1",
  "title": "Data Wrangler",
  "description": "Clean data.",
  "assessment_type": "both",
  "time_limit": {"interview_minutes": 1, "practical_minutes": 2},
  "competencies": [{"key": "data", "name": "Data"}],
  "questions": [
    {"key": "q1", "section": "interview", "competency": "data", "kind": "multiple_choice", "prompt": "Pick one.",
     "options": [{"key": "a", "text": "A", "correct": true}, {"key": "b", "text": "B"}]},
    {"key": "q2", "section": "interview", "competency": "data", "kind": "multiple_choice", "prompt": "Pick another.",
     "options": [{"key": "a", "text": "A", "correct": true}, {"key": "b", "text": "B"}]},
    {"key": "q3", "section": "interview", "competency": "data", "kind": "multiple_choice", "prompt": "Pick a third.",
     "options": [{"key": "a", "text": "A", "correct": true}, {"key": "b", "text": "B"}]},
    {"key": "clean", "section": "practical", "competency": "data", "kind": "task", "brief": "Clean the **file**.",
     "deliverable": {"format": "text", "max_chars": 500},
     "checklist": [{"text": "Removes duplicates", "phrases": ["duplicates"]}]}
  ]
}`))
	if err != nil {
		panic(err)
	}
	return doc
}

// TestAssessmentFinishSection checks the review page's Finish this section
// box, the warning that lists unanswered questions before a section closes,
// the submit box's count, which includes closed sections, and the notice
// when a section's time runs out.
func TestAssessmentFinishSection(t *testing.T) {
	t.Parallel()
	e := startAssess(t, "")
	pid := e.publish(t, threeInterviewPosting())
	_, path := e.candidate(t, pid, "sam@example.test")
	c := apptest.NewClient(t, e.URL)
	c.Submit(path, path+"/start", url.Values{"consent": {"yes"}})
	expectRedirect(t, "answer 1", c.Submit(path+"/q/1", path+"/q/1", url.Values{"answer": {"a"}, "action": {"next"}}), path+"/q/2")

	expectStatus(t, "the section's last question warns", c.Get(path+"/q/3"), http.StatusOK, `value="finish_section"`, "Not answered yet in this section: question 2.")
	if q2 := c.Get(path + "/q/2"); strings.Contains(q2.Body, "Not answered yet") {
		t.Error("a question before the section's last one lists the questions still ahead")
	}
	expectStatus(t, "review offers to finish", c.Get(path+"/review"), http.StatusOK,
		`action="`+path+`/finish"`, "Finish the Interview section", "2 questions of this section are not answered", `href="`+path+`/q/2">question 2</a>, <a href="`+path+`/q/3">question 3</a>`,
		"Finish this section anyway")

	// Finishing from a question with questions unanswered asks again.
	expectRedirect(t, "finish with gaps", c.Submit(path+"/q/3", path+"/q/3", url.Values{"action": {"finish_section"}}), path+"/review?finish=1#finish")
	if got := e.stored(t, mustID(t, e, path)); got.Status != "started" {
		t.Fatalf("status %s", got.Status)
	}
	review := c.Get(path + "/review?finish=1")
	expectStatus(t, "asked again", review, http.StatusOK, `class="card a-submit a-finishing"`, `role="alert"`)
	expectRedirect(t, "finish anyway", c.Submit(path+"/review", path+"/finish", nil), path)
	expectRedirect(t, "on to the practical", c.Get(path), path+"/q/4")

	// The submit box counts every unanswered question, closed ones too.
	expectStatus(t, "submit box", c.Get(path+"/review"), http.StatusOK,
		"3 questions are not answered (2 of them in a closed section, which can no longer be changed). You can still answer question 4")

	// A section whose time runs out moves the candidate on, saying so.
	_, path2 := e.candidate(t, pid, "tim@example.test")
	c2 := apptest.NewClient(t, e.URL)
	c2.Submit(path2, path2+"/start", url.Values{"consent": {"yes"}})
	c2.Get(path2 + "/q/1")
	e.clock.Advance(61 * time.Second)
	expectRedirect(t, "time up", c2.Submit("/login", path2+"/q/1", url.Values{"answer": {"b"}, "action": {"next"}}), path2+"/q/4")
	expectStatus(t, "the notice", c2.Get(path2+"/q/4"), http.StatusOK, "The time for the Interview section ran out", "You are now in the Practical section", "was not saved", `role="alert"`)
	if a := e.storedAnswers(t, e.stored(t, mustID(t, e, path2)))["q1"]; len(a.Choices) > 0 {
		t.Errorf("a late answer was saved: %+v", a)
	}
	// Autosave after the section's time ran out: refused, and the next page
	// says why.
	_, path4 := e.candidate(t, pid, "val@example.test")
	c4 := apptest.NewClient(t, e.URL)
	c4.Submit(path4, path4+"/start", url.Values{"consent": {"yes"}})
	csrf := csrfOf(t, c4.Get(path4+"/q/1").Body)
	e.clock.Advance(61 * time.Second)
	if r := c4.Post(path4+"/autosave", url.Values{"csrf_token": {csrf}, "q": {"1"}, "answer": {"a"}}); r.Status != http.StatusConflict {
		t.Errorf("late autosave: %d", r.Status)
	}
	expectRedirect(t, "after the late autosave", c4.Get(path4), path4+"/q/4")
	expectStatus(t, "the autosave's notice", c4.Get(path4+"/q/4"), http.StatusOK, "The time for the Interview section ran out")

	// Without an answer in flight (the countdown's own request) the notice
	// still names the section.
	_, path3 := e.candidate(t, pid, "una@example.test")
	c3 := apptest.NewClient(t, e.URL)
	c3.Submit(path3, path3+"/start", url.Values{"consent": {"yes"}})
	e.clock.Advance(61 * time.Second)
	expectRedirect(t, "countdown at zero", c3.Get(path3+"?timeup=1"), path3+"/q/4")
	expectStatus(t, "the countdown's notice", c3.Get(path3+"/q/4"), http.StatusOK, "The time for the Interview section ran out")
}

// mustID finds the candidate of a link path.
func mustID(t *testing.T, e *aenv, path string) int64 {
	t.Helper()
	ss, err := e.Candidates.Open(context.Background(), strings.TrimPrefix(path, "/a/"))
	if err != nil {
		t.Fatal(err)
	}
	return ss.Candidate.ID
}

// TestBrowserStickyTimer scrolls a long question on a desktop and a phone:
// the timer stays on screen, it is a timer that is not read out every
// second, and the review page with its finish box passes the audit.
func TestBrowserStickyTimer(t *testing.T) {
	t.Parallel()
	ctx := apptest.Browser(t)
	e := startAssess(t, "")
	doc := threeInterviewPosting()
	doc.Questions[0].Prompt = "Pick one.\n\n" + strings.Repeat("A long paragraph of context that the candidate reads before answering. ", 120)
	pid := e.publish(t, doc)
	_, path := e.candidate(t, pid, "sam@example.test")
	apptest.Do(t, ctx, chromedp.Navigate(e.URL+path), chromedp.WaitVisible(`#consent`), chromedp.Click(`#consent`))
	apptest.Load(t, ctx, chromedp.Click(`.a-start button`))
	for _, vp := range []struct {
		name string
		act  chromedp.Action[chromedp.Void]
	}{{"1280", chromedp.EmulateViewport(1280, 900)}, {"390", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)}} {
		apptest.Do(t, ctx, vp.act, chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, document.body.scrollHeight)`))
		time.Sleep(100 * time.Millisecond)
		if scrolled := apptest.Get(t, ctx, chromedp.Evaluate[float64](`window.scrollY`)); scrolled < 500 {
			t.Fatalf("%s: the page did not scroll (%v)", vp.name, scrolled)
		}
		top := apptest.Get(t, ctx, chromedp.Evaluate[float64](`document.querySelector('.a-timer').getBoundingClientRect().top`))
		if top < 0 || top > 120 {
			t.Errorf("%s: the timer is at %v px after scrolling, out of view", vp.name, top)
		}
		apptest.ViewportScreenshot(t, ctx, "assess-sticky-timer-"+vp.name)
	}
	apptest.Do(t, ctx, chromedp.EmulateViewport(1280, 900))
	if role := apptest.Get(t, ctx, chromedp.Evaluate[string](`document.querySelector('.a-timer').getAttribute('role') + ' ' + document.querySelector('.a-timer').getAttribute('aria-live')`)); role != "timer off" {
		t.Errorf("timer role and live %q", role)
	}
	apptest.Audit(t, ctx)
	apptest.Load(t, ctx, chromedp.Navigate(e.URL+path+"/review"))
	apptest.Audit(t, ctx)
	apptest.Screenshot(t, ctx, "assess-review-finish-1280")
	apptest.Do(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	apptest.Screenshot(t, ctx, "assess-review-finish-390")
}
