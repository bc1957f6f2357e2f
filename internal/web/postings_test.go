package web_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/posting"
	"github.com/talentsystems/talentsystems/internal/store"
)

// crlf gives multi-line text the line endings browsers submit.
func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

func num(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func basicsForm(doc *posting.Posting) url.Values {
	f := url.Values{
		"title": {doc.Title}, "description": {crlf(doc.Description)}, "department": {doc.Department}, "location": {doc.Location},
		"assessment_type": {string(doc.AssessmentType)}, "link_validity_days": {strconv.Itoa(doc.LinkValidityDays)},
		"strong_yes": {strconv.Itoa(doc.Thresholds.StrongYes)}, "yes": {strconv.Itoa(doc.Thresholds.Yes)}, "no": {strconv.Itoa(doc.Thresholds.No)},
		"time_mode": {"none"},
	}
	if tl := doc.TimeLimit; tl != nil {
		if tl.TotalMinutes > 0 {
			f.Set("time_mode", "total")
			f.Set("total_minutes", strconv.Itoa(tl.TotalMinutes))
		} else {
			f.Set("time_mode", "sections")
			f.Set("interview_minutes", strconv.Itoa(tl.InterviewMinutes))
			f.Set("practical_minutes", strconv.Itoa(tl.PracticalMinutes))
		}
	}
	return f
}

func questionForm(q posting.Question) url.Values {
	f := url.Values{"key": {q.Key}, "section": {string(q.Section)}, "competency": {q.Competency}, "kind": {string(q.Kind)}, "weight": {num(q.Weight)}}
	items := func(prefix string, list []posting.RubricItem) {
		for i, it := range list {
			n := strconv.Itoa(i)
			f.Set(prefix+"_text_"+n, it.Text)
			f.Set(prefix+"_weight_"+n, num(it.Weight))
			f.Set(prefix+"_phrases_"+n, crlf(strings.Join(it.Phrases, "\n")))
		}
		f.Set("rows", strconv.Itoa(len(list)+3))
	}
	anchors := func(a posting.Anchors) {
		for k, v := range a {
			f.Set("anchor_"+k, v)
		}
	}
	switch q.Kind {
	case posting.KindFreeText:
		f.Set("prompt", crlf(q.Prompt))
		f.Set("guidance", crlf(q.Guidance))
		f.Set("max_chars", strconv.Itoa(q.MaxChars))
		if q.Rubric != nil {
			items("point", q.Rubric.ExpectedPoints)
			anchors(q.Rubric.Anchors)
		}
	case posting.KindMultipleChoice:
		f.Set("prompt", crlf(q.Prompt))
		if q.Multiple {
			f.Set("multiple", "on")
		}
		f.Set("partial_credit", string(q.PartialCredit))
		for i, o := range q.Options {
			n := strconv.Itoa(i)
			f.Set("option_key_"+n, o.Key)
			f.Set("option_text_"+n, o.Text)
			if o.Correct {
				f.Set("option_correct_"+n, "on")
			}
		}
		f.Set("rows", strconv.Itoa(len(q.Options)+3))
	case posting.KindNumeric:
		f.Set("prompt", crlf(q.Prompt))
		if q.Answer != nil {
			f.Set("answer", num(*q.Answer))
		}
		f.Set("tolerance", num(q.Tolerance))
		f.Set("unit", q.Unit)
	case posting.KindTask:
		f.Set("brief", crlf(q.Brief))
		if d := q.Deliverable; d != nil {
			f.Set("deliverable_format", string(d.Format))
			f.Set("language", d.Language)
			f.Set("deliverable_max_chars", strconv.Itoa(d.MaxChars))
			if u := d.Upload; u != nil {
				f.Set("upload", "on")
				f.Set("upload_max_bytes", strconv.Itoa(u.MaxBytes))
				f.Set("upload_types", strings.Join(u.Types, ", "))
			}
		}
		items("check", q.Checklist)
		anchors(q.Anchors)
	}
	return f
}

func mustStatus(t *testing.T, what string, r *apptest.Response, want int) {
	t.Helper()
	if r.Status != want {
		body := r.Body
		if i := strings.Index(body, `class="problems"`); i >= 0 {
			body = body[i:min(len(body), i+2000)]
		}
		t.Fatalf("%s: status %d, want %d\n%s", what, r.Status, want, body)
	}
}

// TestBuildExamplesThroughPages builds each example posting with the
// dashboard's forms alone (as a browser submits them, CRLF line endings
// included), publishes it, and checks that its export is the example file.
func TestBuildExamplesThroughPages(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob("../../examples/postings/*.json")
	if len(files) < 3 {
		t.Fatalf("want at least 3 example postings, found %d", len(files))
	}
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		e := start(t, dbURL)
		c, _ := e.member(t, "acme", "ann@acme.test", model.RoleRecruiter)
		for _, file := range files {
			t.Run(filepath.Base(file), func(t *testing.T) {
				want, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				doc, err := posting.Decode(bytes.NewReader(want))
				if err != nil {
					t.Fatal(err)
				}
				r := c.Submit("/postings/new", "/postings", basicsForm(doc))
				mustStatus(t, "create", r, http.StatusSeeOther)
				base := strings.TrimSuffix(r.Location, "#")
				for _, comp := range doc.Competencies {
					r := c.Submit(base+"/new-competency", base+"/competencies", url.Values{
						"key": {comp.Key}, "name": {comp.Name}, "description": {crlf(comp.Description)}, "weight": {num(comp.Weight)}})
					mustStatus(t, "competency "+comp.Key, r, http.StatusSeeOther)
				}
				for _, q := range doc.Questions {
					page := base + "/new-question?kind=" + string(q.Kind) + "&section=" + string(q.Section)
					mustStatus(t, "question "+q.Key, c.Submit(page, base+"/questions", questionForm(q)), http.StatusSeeOther)
				}
				mustStatus(t, "publish", c.Submit(base, base+"/actions/publish", nil), http.StatusSeeOther)
				got := c.Get(base + "/export")
				if got.Body != string(want) {
					t.Errorf("export differs from %s:\n%s", file, firstDiff(got.Body, string(want)))
				}
				if cd := got.Header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") {
					t.Errorf("export is not a download: %q", cd)
				}
			})
		}
	})
}

func firstDiff(a, b string) string {
	for i := 0; i < min(len(a), len(b)); i++ {
		if a[i] != b[i] {
			lo := max(0, i-80)
			return "got:  …" + a[lo:min(len(a), i+80)] + "\nwant: …" + b[lo:min(len(b), i+80)]
		}
	}
	return "lengths " + strconv.Itoa(len(a)) + " and " + strconv.Itoa(len(b))
}

func upload(t *testing.T, c *apptest.Client, content []byte, publish bool) *apptest.Response {
	t.Helper()
	var extra url.Values
	if publish {
		extra = url.Values{"publish": {"on"}}
	}
	return uploadTo(t, c, "/postings/import", "/postings/import", "file", "posting.json", content, extra)
}

func regexpCSRF(t *testing.T, page string) string {
	t.Helper()
	const marker = `name="csrf_token" value="`
	i := strings.Index(page, marker)
	if i < 0 {
		t.Fatal("no CSRF token on the page")
	}
	rest := page[i+len(marker):]
	return rest[:strings.IndexByte(rest, '"')]
}

func TestImportUploadAndErrors(t *testing.T) {
	t.Parallel()
	e := start(t, "")
	c, _ := e.member(t, "acme", "ann@acme.test", model.RoleAdmin)
	example, _ := os.ReadFile("../../examples/postings/data-analyst.json")
	r := upload(t, c, example, true)
	mustStatus(t, "import", r, http.StatusSeeOther)
	if page := c.Get(r.Location); !strings.Contains(page.Body, "badge-active") {
		t.Error("imported with publish, but not active")
	}
	cases := []struct {
		name    string
		content string
		status  int
		want    string
	}{
		{"malformed", `{"format":`, http.StatusBadRequest, "nothing was imported"},
		{"unknown field", `{"format":"talentsystems.posting/v1","title":"X","salary":1}`, http.StatusBadRequest, "<strong>Salary</strong>"},
		{"wrong type", `{"format":"talentsystems.posting/v1","title":7}`, http.StatusBadRequest, "<strong>Title</strong>"},
		{"script", `{"format":"talentsystems.posting/v1","title":"<script>alert(1)</script>"}`, http.StatusBadRequest, "<strong>Title</strong>"},
		{"too large for the format", `{"format":"talentsystems.posting/v1","title":"` + strings.Repeat("x", 2<<20) + `"}`, http.StatusRequestEntityTooLarge, "larger than"},
		{"publish incomplete", `{"format":"talentsystems.posting/v1","title":"Draft"}`, http.StatusBadRequest, "cannot be published"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := upload(t, c, []byte(tc.content), tc.name == "publish incomplete")
			if r.Status != tc.status || !strings.Contains(r.Body, tc.want) {
				t.Errorf("status %d, want %d with %q", r.Status, tc.status, tc.want)
			}
		})
	}
	t.Run("50 MB upload", func(t *testing.T) {
		r := upload(t, c, bytes.Repeat([]byte("x"), 50<<20), false)
		if r.Status != http.StatusRequestEntityTooLarge {
			t.Errorf("status %d", r.Status)
		}
	})
	if list, _ := store.ListPostings(context.Background(), e.Store.DB, 1, ""); len(list) != 1 {
		t.Errorf("%d postings stored, want only the valid one", len(list))
	}
}

// TestPostingLifecycle covers publish rules, close/reopen, versions,
// concurrent edits, duplicate, delete, and another organization's walls.
func TestPostingLifecycle(t *testing.T) {
	t.Parallel()
	e := start(t, "")
	c, ann := e.member(t, "acme", "ann@acme.test", model.RoleAdmin)
	example, _ := os.ReadFile("../../examples/postings/customer-support-lead.json")
	p, err := e.Postings.Import(context.Background(), ann.Actor(), bytes.NewReader(example), false)
	if err != nil {
		t.Fatal(err)
	}
	base := "/postings/" + strconv.FormatInt(p.ID, 10)
	mustStatus(t, "publish", c.Submit(base, base+"/actions/publish", nil), http.StatusSeeOther)
	mustStatus(t, "publish twice", c.Submit(base, base+"/actions/publish", nil), http.StatusConflict)

	// A cosmetic edit keeps version 1; a structural one makes version 2.
	form := basicsForm(p.Doc)
	form.Set("title", "Support Team Lead")
	mustStatus(t, "rename", c.Submit(base+"/edit", base+"/edit", form), http.StatusSeeOther)
	got, _ := e.Postings.Get(context.Background(), ann.Actor(), p.ID)
	if got.Version != 1 || got.Title != "Support Team Lead" {
		t.Errorf("after a cosmetic edit: version %d, title %q", got.Version, got.Title)
	}
	q := got.Doc.Questions[0]
	qf := questionForm(q)
	qf.Set("prompt", "A shorter prompt.")
	mustStatus(t, "edit question", c.Submit(base+"/questions/"+q.Key, base+"/questions/"+q.Key, qf), http.StatusSeeOther)
	got, _ = e.Postings.Get(context.Background(), ann.Actor(), p.ID)
	v1, err := store.GetPostingVersion(context.Background(), e.Store.DB, p.ID, 1)
	if got.Version != 2 || err != nil || !strings.Contains(string(v1.Document), q.Prompt[:30]) {
		t.Errorf("after a structural edit: version %d; version 1 kept: %v", got.Version, err)
	}

	// An active posting must stay complete.
	mustStatus(t, "delete only competency question", c.Submit(base, base+"/competencies/writing/delete", nil), http.StatusConflict)
	stale := url.Values{"revision": {"1"}, "direction": {"down"}}
	mustStatus(t, "stale revision", c.Submit(base, base+"/questions/"+q.Key+"/move", stale), http.StatusConflict)
	mustStatus(t, "move", c.Submit(base, base+"/questions/"+q.Key+"/move", url.Values{"direction": {"down"}}), http.StatusSeeOther)
	got, _ = e.Postings.Get(context.Background(), ann.Actor(), p.ID)
	if got.Doc.Questions[1].Key != q.Key {
		t.Errorf("move down: question %s is now at %s", q.Key, got.Doc.Questions[1].Key)
	}

	firstComp, version := got.Doc.Competencies[0].Key, got.Version
	mustStatus(t, "move competency", c.Submit(base, base+"/competencies/"+firstComp+"/move", url.Values{"direction": {"down"}}), http.StatusSeeOther)
	got, _ = e.Postings.Get(context.Background(), ann.Actor(), p.ID)
	if got.Doc.Competencies[1].Key != firstComp || got.Version != version {
		t.Errorf("move competency down: %s is now second? version %d (a reorder of competencies is cosmetic)", got.Doc.Competencies[1].Key, got.Version)
	}
	mustStatus(t, "close", c.Submit(base, base+"/actions/close", url.Values{"confirm": {"yes"}}), http.StatusSeeOther)
	mustStatus(t, "reopen", c.Submit(base, base+"/actions/reopen", nil), http.StatusSeeOther)
	mustStatus(t, "delete active", c.Submit(base, base+"/actions/delete", nil), http.StatusConflict)
	r := c.Submit(base, base+"/actions/duplicate", nil)
	mustStatus(t, "duplicate", r, http.StatusSeeOther)
	if page := c.Get(r.Location); !strings.Contains(page.Body, "Copy of Support Team Lead") || !strings.Contains(page.Body, "badge-draft") {
		t.Error("the copy is not a draft titled Copy of …")
	}
	mustStatus(t, "delete copy", c.Submit(r.Location, strings.TrimSuffix(r.Location, "#")+"/actions/delete", url.Values{"confirm": {"yes"}}), http.StatusSeeOther)

	// Another organization sees none of it.
	other, _ := e.member(t, "globex", "gus@globex.test", model.RoleAdmin)
	for _, path := range []string{base, base + "/export", base + "/preview", base + "/edit", base + "/questions/" + q.Key} {
		if r := other.Get(path); r.Status != http.StatusNotFound {
			t.Errorf("another organization GET %s: %d", path, r.Status)
		}
	}
	if r := other.Submit("/postings", base+"/actions/close", nil); r.Status != http.StatusNotFound {
		t.Errorf("another organization closes: %d", r.Status)
	}
	if r := other.Get("/postings"); strings.Contains(r.Body, `href="`+base+`"`) {
		t.Error("another organization's list shows the posting")
	}
	if r := c.Get(base + "/preview"); r.Status != http.StatusOK || !strings.Contains(r.Body, "what candidates see") {
		t.Errorf("preview: %d", r.Status)
	}
}

// TestPreviewQuestionPages steps through a posting's questions as candidates
// see them, with nothing stored.
func TestPreviewQuestionPages(t *testing.T) {
	t.Parallel()
	e := start(t, "")
	c, ann := e.member(t, "acme", "ann@acme.test", model.RoleRecruiter)
	p := importExample(t, e, ann, "backend-engineer")
	base := "/postings/" + strconv.FormatInt(p.ID, 10) + "/preview"
	if r := c.Get(base); !strings.Contains(r.Body, base+"/q/1") {
		t.Error("the overview does not link to the question pages")
	}
	n := 0
	for _, sec := range p.Doc.AssessmentType.Sections() {
		for _, q := range p.Doc.QuestionsIn(sec) {
			n++
			r := c.Get(base + "/q/" + strconv.Itoa(n))
			if r.Status != http.StatusOK || !strings.Contains(r.Body, "Nothing is saved") || !strings.Contains(r.Body, "Question "+strconv.Itoa(n)+" of") {
				t.Errorf("question %d (%s): %d", n, q.Key, r.Status)
			}
			if strings.Contains(r.Body, `method="post"`) && strings.Contains(r.Body, "/a/") {
				t.Errorf("question %d posts to a candidate address", n)
			}
		}
	}
	for _, bad := range []string{"0", strconv.Itoa(n + 1), "x"} {
		if r := c.Get(base + "/q/" + bad); r.Status != http.StatusNotFound {
			t.Errorf("question %s: %d", bad, r.Status)
		}
	}
	other, _ := e.member(t, "globex", "gus@globex.test", model.RoleAdmin)
	if r := other.Get(base + "/q/1"); r.Status != http.StatusNotFound {
		t.Errorf("another organization previews: %d", r.Status)
	}
	if list, total, _ := store.ListCandidates(context.Background(), e.Store.DB, model.CandidateFilter{OrgID: ann.OrgID, Now: time.Now()}); total != 0 || len(list) != 0 {
		t.Error("the preview created a candidate")
	}
}
