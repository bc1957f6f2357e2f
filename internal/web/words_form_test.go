package web_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/model"
)

// TestCompetencyKeys checks that a competency's key is made from its name
// when left empty (unique), stays editable on a draft, keeps itself when
// left empty on edit, and is fixed once the posting is published.
func TestCompetencyKeys(t *testing.T) {
	t.Parallel()
	e := start(t, "")
	c, ann := e.member(t, "acme", "ann@acme.test", model.RoleAdmin)
	r := c.Submit("/postings/new", "/postings", url.Values{"title": {"Support"}, "assessment_type": {"interview"}, "time_mode": {"none"}})
	mustStatus(t, "create", r, http.StatusSeeOther)
	base := strings.TrimSuffix(r.Location, "#")
	expectStatus(t, "form", c.Get(base+"/new-competency"), http.StatusOK, `data-key-from="name"`, "Made from the name when left empty")
	for _, want := range []string{"problem_solving_sql", "problem_solving_sql_2"} {
		mustStatus(t, "competency", c.Submit(base+"/new-competency", base+"/competencies", url.Values{"name": {"Problem solving & SQL"}, "key": {""}}), http.StatusSeeOther)
		if page := c.Get(base).Body; !strings.Contains(page, want) {
			t.Errorf("no competency %s on the posting", want)
		}
	}
	mustStatus(t, "accents", c.Submit(base+"/new-competency", base+"/competencies", url.Values{"name": {"Kundenbetreuung für Ärzte"}}), http.StatusSeeOther)
	if page := c.Get(base).Body; !strings.Contains(page, "kundenbetreuung_fuer_aerzte") {
		t.Error("no key made of an accented name")
	}
	// Editing with an empty key keeps it; a draft may rename it.
	edit := base + "/competencies/problem_solving_sql"
	mustStatus(t, "keep", c.Submit(edit, edit, url.Values{"name": {"Problem solving"}, "key": {""}}), http.StatusSeeOther)
	mustStatus(t, "rename on a draft", c.Submit(edit, edit, url.Values{"name": {"Problem solving"}, "key": {"solving"}}), http.StatusSeeOther)

	// Published: the key is fixed.
	p := importExample(t, e, ann, "customer-support-lead")
	if p.Status == model.PostingDraft {
		if err := e.Postings.Publish(context.Background(), ann.Actor(), p.ID); err != nil {
			t.Fatal(err)
		}
	}
	key := p.Doc.Competencies[0].Key
	pub := "/postings/" + itoa(p.ID) + "/competencies/" + key
	expectStatus(t, "fixed key shown", c.Get(pub), http.StatusOK, `readonly`, "Fixed since the posting was published")
	expectStatus(t, "renaming a published key", c.Submit(pub, pub, url.Values{"name": {"New name"}, "key": {"other_key"}}), http.StatusBadRequest, "once the posting has been published")
}

// TestQuestionFormRows adds option rows without JavaScript, beyond three at
// a time, and saves a question with five options.
func TestQuestionFormRows(t *testing.T) {
	t.Parallel()
	e := start(t, "")
	c, ann := e.member(t, "acme", "ann@acme.test", model.RoleAdmin)
	p := importExample(t, e, ann, "customer-support-lead")
	base := "/postings/" + itoa(p.ID)
	page := base + "/new-question?kind=multiple_choice&section=interview"
	form := url.Values{"kind": {"multiple_choice"}, "key": {"pick"}, "section": {"interview"}, "competency": {p.Doc.Competencies[0].Key},
		"prompt": {"Pick."}, "partial_credit": {"none"}, "rows": {"3"}, "weight": {"1"}}
	for i, text := range []string{"A", "B", "C"} {
		form.Set("option_text_"+itoa(int64(i)), text)
	}
	form.Set("option_correct_0", "on")
	form.Set("add_row", "option")
	r := c.Submit(page, base+"/questions", form)
	expectStatus(t, "add a row", r, http.StatusOK, `id="option_text_3"`, `id="option_text_4"`, `value="C"`, "autofocus", "Add an option row")
	if strings.Contains(r.Body, `id="option_text_6"`) {
		t.Error("too many rows")
	}
	if doc, _ := e.Postings.Get(context.Background(), ann.Actor(), p.ID); len(doc.Doc.Questions) != len(p.Doc.Questions) {
		t.Fatal("adding a row saved the question")
	}
	form.Del("add_row")
	form.Set("rows", "5")
	form.Set("option_text_3", "D")
	form.Set("option_text_4", "E")
	mustStatus(t, "save five options", c.Submit(page, base+"/questions", form), http.StatusSeeOther)
	doc, err := e.Postings.Get(context.Background(), ann.Actor(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	q := doc.Doc.Questions[len(doc.Doc.Questions)-1]
	if q.Key != "pick" || len(q.Options) != 5 {
		t.Errorf("saved %s with %d options", q.Key, len(q.Options))
	}
}

// TestProblemsSpeakWords imports a posting with two competencies of the
// same key: the problem names places in words, never as a JSON pointer.
func TestProblemsSpeakWords(t *testing.T) {
	t.Parallel()
	e := start(t, "")
	c, _ := e.member(t, "acme", "ann@acme.test", model.RoleAdmin)
	raw, err := os.ReadFile("../../examples/postings/customer-support-lead.json")
	if err != nil {
		t.Fatal(err)
	}
	s := string(raw)
	first := strings.Index(s, `"key": "`)
	second := strings.Index(s[first+1:], `"key": "`) + first + 1
	end := strings.Index(s[second+8:], `"`) + second + 8
	firstEnd := strings.Index(s[first+8:], `"`) + first + 8
	s = s[:second+8] + s[first+8:firstEnd] + s[end:]
	r := upload(t, c, []byte(s), false)
	expectStatus(t, "duplicate key", r, http.StatusBadRequest, "duplicate competency key", "also used by Competency")
	for _, bad := range []string{`class="ptr"`, "/competencies/", "The form:"} {
		if strings.Contains(r.Body, bad) {
			t.Errorf("the problems show %q\n%s", bad, excerptBody(r.Body))
		}
	}
}

// TestBrowserAddRow adds an option row with JavaScript at once, without
// leaving the page, and audits the form.
func TestBrowserAddRow(t *testing.T) {
	t.Parallel()
	ctx := apptest.Browser(t)
	e := start(t, "")
	_, ann := e.member(t, "acme", "ann@acme.test", model.RoleAdmin)
	p := importExample(t, e, ann, "customer-support-lead")
	signInBrowser(t, ctx, e.URL, "ann@acme.test")
	apptest.Load(t, ctx, chromedp.Navigate(e.URL+"/postings/"+itoa(p.ID)+"/new-question?kind=multiple_choice&section=interview"))
	before := apptest.Get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('tr[data-row]').length`))
	apptest.Do(t, ctx, chromedp.Evaluate[chromedp.Void](`document.documentElement.dataset.same = "1"`), chromedp.Click(`button[value="option"]`))
	after := apptest.Get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('tr[data-row]').length`))
	same := apptest.Get(t, ctx, chromedp.Evaluate[string](`document.documentElement.dataset.same || ""`))
	rows := apptest.Get(t, ctx, chromedp.Evaluate[string](`document.querySelector('input[name=rows]').value`))
	focused := apptest.Get(t, ctx, chromedp.Evaluate[string](`document.activeElement.id`))
	if after != before+1 || same != "1" || rows != itoa(int64(after)) || focused != "option_key_"+itoa(int64(before)) {
		t.Errorf("rows %d → %d, same page %q, rows field %q, focus %q", before, after, same, rows, focused)
	}
	label := apptest.Get(t, ctx, chromedp.Evaluate[string](`document.querySelector('label[for=option_text_`+itoa(int64(before))+`]').textContent`))
	if label != "Text of option "+itoa(int64(before+1)) {
		t.Errorf("the new row's label %q", label)
	}
	apptest.Audit(t, ctx)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
