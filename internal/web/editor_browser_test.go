package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/candidates"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/posting"
)

// pastedCode is what the candidate pastes into the code answer.
const pastedCode = `func (l *Limiter) Allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	return b.take(l.now())
}
`

// TestBrowserCodeEditorAndSignals takes the practical task of the
// backend-engineer posting in Chromium: Tab inserts indentation in the code
// box, Escape then Tab leaves it; a paste and a spell away from the page are
// recorded by the page and, after submission, the scorecard says so in words.
func TestBrowserCodeEditorAndSignals(t *testing.T) {
	t.Parallel()
	ctx := apptest.Browser(t)
	e := start(t, "")
	_, ann := e.member(t, "acme", "ann@acme.test", model.RoleAdmin)
	p := importExample(t, e, ann, "backend-engineer")
	cand, err := e.Candidates.Add(context.Background(), ann.Actor(), p.ID, candidates.Person{FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.test"}, candidates.AddOptions{Source: model.SourceManual})
	if err != nil {
		t.Fatal(err)
	}
	token := tokenOf(e, cand)
	if err := e.Candidates.Start(context.Background(), token, true); err != nil {
		t.Fatal(err)
	}
	n, key := 0, ""
	for _, sec := range p.Doc.AssessmentType.Sections() {
		for _, q := range p.Doc.QuestionsIn(sec) {
			n++
			if q.Kind == posting.KindTask && q.Deliverable != nil && q.Deliverable.Format == posting.DeliverableCode {
				key = q.Key
				break
			}
		}
		if key != "" {
			break
		}
	}
	if key == "" {
		t.Fatal("the posting has no code task")
	}
	// The first answer is saved without the page's script (as without
	// JavaScript): its paste and focus signals are unknown.
	first := p.Doc.QuestionsIn(p.Doc.AssessmentType.Sections()[0])[0]
	if err := e.Candidates.Save(context.Background(), token, 0, goodAnswers(p.Doc)[first.Key], nil); err != nil {
		t.Fatal(err)
	}
	// The practical section opens when the interview section is finished.
	for range 3 {
		ss, err := e.Candidates.Open(context.Background(), token)
		if err != nil {
			t.Fatal(err)
		}
		if ss.Editable(n - 1) {
			break
		}
		if err := e.Candidates.Advance(context.Background(), token); err != nil {
			t.Fatal(err)
		}
	}
	apptest.Do(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/a/%s/q/%d", e.URL, token, n)), chromedp.WaitVisible(`.a-editor .a-gutter`))
	if hint := apptest.Get(t, ctx, chromedp.Text(`#answer-keys`)); !strings.Contains(hint, "press Escape, then Tab") {
		t.Errorf("the editor's hint says %q", hint)
	}
	if lang := apptest.Get(t, ctx, chromedp.Text(`#answer-lang`)); lang != "Language: Go" {
		t.Errorf("language label %q", lang)
	}
	apptest.Audit(t, ctx)

	// Tab indents (a tab in Go) and the focus stays in the box.
	apptest.Do(t, ctx, chromedp.SendKeys(`#answer`, "func f() {"), chromedp.KeyEvent(kb.Enter), chromedp.SendKeys(`#answer`, kb.Tab+"return"),
		chromedp.KeyEvent(kb.Enter), chromedp.SendKeys(`#answer`, "}"))
	value := apptest.Get(t, ctx, chromedp.Value(`#answer`))
	if value != "func f() {\n\treturn\n}" {
		t.Errorf("after typing with Tab the answer is %q", value)
	}
	focused := func() string {
		return apptest.Get(t, ctx, chromedp.Evaluate[string](`document.activeElement ? document.activeElement.id || document.activeElement.tagName : ''`))
	}
	if f := focused(); f != "answer" {
		t.Errorf("after Tab the focus is on %q", f)
	}
	apptest.Screenshot(t, ctx, "code-editor")
	// On a phone the editor scrolls inside itself; the page is no wider.
	apptest.Do(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	if w := apptest.Get(t, ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 390 {
		t.Errorf("the code question is %d px wide on a 390 px screen", w)
	}
	apptest.Screenshot(t, ctx, "code-editor-390")
	apptest.Do(t, ctx, chromedp.EmulateViewport(1280, 900))
	apptest.Do(t, ctx, chromedp.Focus(`#answer`))
	if lines := apptest.Get(t, ctx, chromedp.Text(`.a-gutter`)); strings.Fields(lines)[len(strings.Fields(lines))-1] != "3" {
		t.Errorf("line numbers %q for three lines", lines)
	}
	// Escape, then Tab: the focus leaves the box, nothing is inserted.
	apptest.Do(t, ctx, chromedp.KeyEvent(kb.Escape), chromedp.KeyEvent(kb.Tab))
	if f := focused(); f == "answer" {
		t.Errorf("Escape then Tab left the focus in the box")
	}
	if v := apptest.Get(t, ctx, chromedp.Value(`#answer`)); v != value {
		t.Errorf("Escape then Tab changed the answer to %q", v)
	}

	// A paste (the browser's paste event, then its text) and a spell away
	// from the page.
	apptest.Get(t, ctx, chromedp.Evaluate[bool](`(() => {
		const ta = document.querySelector('#answer');
		ta.focus();
		ta.value = '';
		const dt = new DataTransfer();
		dt.setData('text/plain', `+"`"+pastedCode+"`"+`);
		ta.dispatchEvent(new ClipboardEvent('paste', {clipboardData: dt, bubbles: true, cancelable: true}));
		document.execCommand('insertText', false, `+"`"+pastedCode+"`"+`);
		window.dispatchEvent(new Event('blur'));
		return true;
	})()`))
	time.Sleep(1100 * time.Millisecond)
	apptest.Get(t, ctx, chromedp.Evaluate[bool](`window.dispatchEvent(new Event('focus'))`))
	clickAndWait(t, ctx, `button[value="review"]`)
	clickAndWait(t, ctx, `.a-submit button`)

	signInBrowser(t, ctx, e.URL, "ann@acme.test")
	apptest.Do(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/postings/%d/candidates/%d", e.URL, p.ID, cand.ID)), chromedp.WaitVisible(`#q-`+key+` .signal-list`))
	signals := apptest.Get(t, ctx, chromedp.Text(`#q-`+key+` .signal-list`))
	chars := len([]rune(pastedCode))
	for _, want := range []string{fmt.Sprintf("pasted %d characters in 1 paste, 100 %% of the answer", chars), "left the page once for 1 second in total"} {
		if !strings.Contains(signals, want) {
			t.Errorf("the scorecard's signals for %s say %q, want %q", key, signals, want)
		}
	}
	// An answer saved without the script says "unknown"; an unanswered
	// question lists no signals.
	if s := apptest.Get(t, ctx, chromedp.Text(`#q-`+first.Key+` .signal-list`)); !strings.Contains(s, "paste: unknown (no script ran on the page)") {
		t.Errorf("the signals of an answer saved without the script say %q", s)
	}
	if n := apptest.Get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('.qa .signal-list').length`)); n != 2 {
		t.Errorf("%d answers list signals, want the 2 answered open ones", n)
	}
	apptest.Audit(t, ctx)
	apptest.Screenshot(t, ctx, "scorecard-signals")
}
