package web_test

import (
	"context"
	"fmt"
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
	"github.com/talentsystems/talentsystems/internal/store"
)

// One person is one candidate per posting: adding the same email again (in
// any case) is refused with a precise 409 shown as an error, a CSV import
// previews who already is there and skips them, and no second link is made.
func TestDuplicateCandidates(t *testing.T) {
	t.Parallel()
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		e := start(t, dbURL)
		c, ann := e.member(t, "acme", "ann@acme.test", model.RoleRecruiter)
		p := importExample(t, e, ann, "data-analyst")
		base := fmt.Sprintf("/postings/%d/candidates", p.ID)
		r := c.Submit(base, base, url.Values{"first_name": {"Ada"}, "last_name": {"Lovelace"}, "email": {"ada@example.test"}})
		mustStatus(t, "add", r, http.StatusSeeOther)
		if page := c.Get(base); !strings.Contains(page.Body, `class="flash flash-success" role="status"`) {
			t.Error("the success message is not a status")
		}
		r = c.Submit(base, base, url.Values{"first_name": {"Ada"}, "last_name": {"L"}, "email": {" ADA@example.test"}})
		if r.Status != http.StatusConflict || !strings.Contains(r.Body, "already a candidate for this posting") {
			t.Fatalf("second add: %d", r.Status)
		}
		if !strings.Contains(r.Body, `class="flash flash-error" role="alert"`) {
			t.Error("the refusal is not shown as an error alert")
		}
		page := fmt.Sprintf("/postings/%d/candidates/import", p.ID)
		csv := "first_name,last_name,email\nAda,Lovelace,Ada@example.test\nAlan,Turing,alan@example.test\n"
		r = uploadTo(t, c, page, page, "file", "people.csv", []byte(csv), nil)
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "Already a candidate") || !strings.Contains(r.Body, "Import 1 candidate and send the invitation") {
			t.Fatalf("preview: %d\n%s", r.Status, r.Body)
		}
		mustStatus(t, "confirm", c.Submit(page, page, url.Values{"confirm": {"1"}, "content": {csv}}), http.StatusSeeOther)
		if got := c.Get(base).Body; !strings.Contains(got, "1 candidate imported") || !strings.Contains(got, "1 person was already on this posting") {
			t.Error("the import does not say who was skipped")
		}
		// The same file again adds nobody.
		r = uploadTo(t, c, page, page, "file", "people.csv", []byte(csv), nil)
		if !strings.Contains(r.Body, "there is nothing to import") {
			t.Error("a repeated file offers to import again")
		}
		mustStatus(t, "confirm again", c.Submit(page, page, url.Values{"confirm": {"1"}, "content": {csv}}), http.StatusSeeOther)
		_, total, _ := store.ListCandidates(ctx, e.Store.DB, model.CandidateFilter{OrgID: ann.OrgID, Now: time.Now()})
		if total != 2 {
			t.Fatalf("%d candidates, want 2", total)
		}
	})
}

// Destructive one-click actions ask first, say what will happen, and change
// nothing until confirmed.
func TestConfirmDestructiveActions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := start(t, "")
	c, ann := e.member(t, "acme", "ann@acme.test", model.RoleAdmin)
	p := importExample(t, e, ann, "data-analyst")
	base := fmt.Sprintf("/postings/%d", p.ID)
	key := ""
	for i, q := range p.Doc.Questions { // one whose deletion keeps the posting publishable
		d := *p.Doc
		d.Questions = append(append([]posting.Question{}, p.Doc.Questions[:i]...), p.Doc.Questions[i+1:]...)
		if len(d.Problems()) == 0 {
			key = q.Key
			break
		}
	}
	if key == "" {
		t.Fatal("no deletable question in the example")
	}
	del := base + "/questions/" + key + "/delete"
	form := url.Values{"revision": {fmt.Sprint(p.Revision)}}
	r := c.Submit(base, del, form)
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "new candidates will get version 2") || !strings.Contains(r.Body, `name="confirm" value="yes"`) {
		t.Fatalf("delete question without confirmation: %d\n%s", r.Status, r.Body)
	}
	if got, _ := e.Postings.Get(ctx, ann.Actor(), p.ID); len(got.Doc.Questions) != len(p.Doc.Questions) || got.Version != 1 {
		t.Fatal("the question was deleted before confirmation")
	}
	form.Set("confirm", "yes")
	mustStatus(t, "confirmed delete", c.Submit(base, del, form), http.StatusSeeOther)
	if got, _ := e.Postings.Get(ctx, ann.Actor(), p.ID); len(got.Doc.Questions) != len(p.Doc.Questions)-1 || got.Version != 2 {
		t.Fatal("the confirmed delete did not happen")
	}
	r = c.Submit(base, base+"/actions/close", nil)
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "takes no new candidates") {
		t.Fatalf("close without confirmation: %d", r.Status)
	}
	if got, _ := e.Postings.Get(ctx, ann.Actor(), p.ID); got.Status != model.PostingActive {
		t.Fatal("closed before confirmation")
	}
	cand, err := e.Candidates.Add(ctx, ann.Actor(), p.ID, candidates.Person{FirstName: "Ada", LastName: "L", Email: "ada@example.test"}, candidates.AddOptions{Source: model.SourceManual})
	if err != nil {
		t.Fatal(err)
	}
	card := fmt.Sprintf("%s/candidates/%d", base, cand.ID)
	r = c.Submit(card, card+"/reset", nil)
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "The current link stops working at once") {
		t.Fatalf("reset without confirmation: %d", r.Status)
	}
	if got := mustCandidate(t, e, ann, cand.ID); got.TokenHash != cand.TokenHash {
		t.Fatal("reset before confirmation")
	}
}

// A recruiter reminds candidates (one or several at once) with their same
// link, extends several links, filters the organization's list by posting,
// and sees a reset in the scorecard's history.
func TestRemindBulkFilterHistory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := start(t, "")
	c, ann := e.member(t, "acme", "ann@acme.test", model.RoleRecruiter)
	p := importExample(t, e, ann, "data-analyst")
	other := importExample(t, e, ann, "customer-support-lead")
	add := func(pid int64, email string, opt candidates.AddOptions) *model.Candidate {
		cand, err := e.Candidates.Add(ctx, ann.Actor(), pid, candidates.Person{FirstName: "X", LastName: email[:3], Email: email}, opt)
		if err != nil {
			t.Fatal(err)
		}
		return cand
	}
	ada := add(p.ID, "ada@example.test", candidates.AddOptions{Source: model.SourceManual})
	gh := add(p.ID, "ghc@example.test", candidates.AddOptions{Source: model.SourceGreenhouse, Greenhouse: &candidates.Greenhouse{TestID: "gh-1"}})
	bob := add(other.ID, "bob@example.test", candidates.AddOptions{Source: model.SourceManual})

	card := fmt.Sprintf("/postings/%d/candidates/%d", p.ID, ada.ID)
	mustStatus(t, "remind", c.Submit(card, card+"/remind", nil), http.StatusSeeOther)
	m := e.box.WaitFor(t, "ada@example.test", 10*time.Second)
	if !strings.Contains(m.Subject, "Reminder") || regexpLink(m.Text) != e.Candidates.Link(ada) {
		t.Errorf("reminder %q does not carry the same link:\n%s", m.Subject, m.Text)
	}
	ghCard := fmt.Sprintf("/postings/%d/candidates/%d", p.ID, gh.ID)
	if r := c.Submit(ghCard, ghCard+"/remind", nil); r.Status != http.StatusConflict || !strings.Contains(r.Body, "Greenhouse") {
		t.Errorf("reminding a Greenhouse candidate: %d", r.Status)
	}

	list := fmt.Sprintf("/postings/%d/candidates", p.ID)
	r := c.Submit(list, list+"/bulk", url.Values{"action": {"extend"}, "days": {"3"}, "c": {fmt.Sprint(ada.ID), fmt.Sprint(gh.ID)}})
	mustStatus(t, "bulk extend", r, http.StatusSeeOther)
	if got := mustCandidate(t, e, ann, ada.ID); !got.ExpiresAt.After(ada.ExpiresAt.Add(71 * time.Hour)) {
		t.Error("bulk extend did not move the link's expiry")
	}
	r = c.Submit(list, list+"/bulk", url.Values{"action": {"remind"}, "c": {fmt.Sprint(ada.ID), fmt.Sprint(gh.ID), fmt.Sprint(bob.ID)}})
	mustStatus(t, "bulk remind", r, http.StatusSeeOther)
	page := c.Get(list).Body
	if !strings.Contains(page, "1 candidate was reminded") || !strings.Contains(page, "2 were not") || !strings.Contains(page, "flash-warning") {
		t.Errorf("bulk remind outcome not told as a warning")
	}
	r = c.Submit(list, list+"/bulk", url.Values{"action": {"compare"}, "c": {fmt.Sprint(ada.ID), fmt.Sprint(gh.ID)}})
	if r.Status != http.StatusSeeOther || r.Location != fmt.Sprintf("/postings/%d/compare?c=%d&c=%d", p.ID, ada.ID, gh.ID) {
		t.Errorf("compare: %d %q", r.Status, r.Location)
	}

	all := c.Get(fmt.Sprintf("/candidates?posting=%d", other.ID))
	if all.Status != http.StatusOK || !strings.Contains(all.Body, "bob@example.test") || strings.Contains(all.Body, "ada@example.test") || !strings.Contains(all.Body, ">Duration<") {
		t.Errorf("the list filtered by posting: %d", all.Status)
	}
	if r := c.Get("/candidates?status=bogus"); r.Status != http.StatusBadRequest {
		t.Errorf("a bogus status: %d", r.Status)
	}

	mustStatus(t, "reset", c.Submit(card, card+"/reset", url.Values{"confirm": {"yes"}}), http.StatusSeeOther)
	if body := c.Get(card).Body; !strings.Contains(body, "Link reset") {
		t.Error("the scorecard does not show the reset in its history")
	}
}

// Files saved by Excel import with their names intact: Windows-1252 with
// semicolons, UTF-16 with tabs, UTF-8 with a byte-order mark; the preview
// says how the file was read.
func TestCSVFromExcel(t *testing.T) {
	t.Parallel()
	e := start(t, "")
	c, ann := e.member(t, "acme", "ann@acme.test", model.RoleAdmin)
	p := importExample(t, e, ann, "data-analyst")
	page := fmt.Sprintf("/postings/%d/candidates/import", p.ID)
	latin1 := []byte("first_name;last_name;email\nJos\xe9;M\xfcller;jose@example.test\n")
	utf16 := []byte{0xFF, 0xFE}
	for _, r := range "first_name\tlast_name\temail\nZoë\tÅberg\tzoe@example.test\n" {
		utf16 = append(utf16, byte(r), byte(r>>8))
	}
	for _, tc := range []struct {
		name     string
		file     []byte
		want     []string
		encoding string
	}{
		{"latin1", latin1, []string{"José", "Müller"}, "Windows-1252 (Western European, as saved by Excel), separated by semicolons"},
		{"utf16", utf16, []string{"Zoë", "Åberg"}, "UTF-16 little-endian, separated by tabs"},
		{"bom", []byte("\xef\xbb\xbffirst_name,last_name,email\nRené,Ørsted,rene@example.test\n"), []string{"René", "Ørsted"}, "UTF-8 (with byte-order mark), separated by commas"},
	} {
		r := uploadTo(t, c, page, page, "file", tc.name+".csv", tc.file, nil)
		if r.Status != http.StatusOK || !strings.Contains(r.Body, tc.encoding) {
			t.Errorf("%s: %d, format not told (%q)", tc.name, r.Status, tc.encoding)
		}
		for _, w := range tc.want {
			if !strings.Contains(r.Body, w) {
				t.Errorf("%s: the preview lacks %q", tc.name, w)
			}
		}
	}
}

// Every page names the site's icon, and /favicon.ico leads to it.
func TestFavicon(t *testing.T) {
	t.Parallel()
	e := start(t, "")
	c := apptest.NewClient(t, e.URL)
	page := c.Get("/login")
	if !strings.Contains(page.Body, `rel="icon"`) {
		t.Error("the page names no icon")
	}
	r := c.Get("/favicon.ico")
	if r.Status != http.StatusMovedPermanently || !strings.HasPrefix(r.Location, "/static/favicon.") {
		t.Fatalf("/favicon.ico: %d %q", r.Status, r.Location)
	}
	if r := c.Get(r.Location); r.Status != http.StatusOK || !strings.Contains(r.Body, "<svg") {
		t.Errorf("the icon: %d", r.Status)
	}
}

// Recruiter-facing words: a links-valid value of 0 is refused, not silently
// replaced; an import says "an active posting"; the form names its field.
func TestWords(t *testing.T) {
	t.Parallel()
	e := start(t, "")
	c, _ := e.member(t, "acme", "ann@acme.test", model.RoleAdmin)
	form := url.Values{"title": {"Support"}, "assessment_type": {"interview"}, "time_mode": {"none"}, "link_validity_days": {"0"}}
	r := c.Submit("/postings/new", "/postings", form)
	if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "at least 1 day") || strings.Contains(r.Body, "The form:") {
		t.Errorf("links valid for 0 days: %d", r.Status)
	}
	if !strings.Contains(r.Body, "Link validity days") {
		t.Error("the problem does not name its field")
	}
	raw, err := os.ReadFile("../../examples/postings/data-analyst.json")
	if err != nil {
		t.Fatal(err)
	}
	r = upload(t, c, raw, true)
	mustStatus(t, "import", r, http.StatusSeeOther)
	if got := c.Get(r.Location).Body; !strings.Contains(got, "Imported as an active posting") {
		t.Error("the import's message is not grammatical")
	}
	if page := c.Get(strings.TrimSuffix(r.Location, "#") + "/new-question?kind=task").Body; !strings.Contains(page, "Largest file (MB") {
		t.Error("the upload limit is asked in bytes")
	}
}

// Every candidate page names the employer and whom to ask for help, the page
// of a replaced link too.
func TestCandidatePagesNameEmployerAndContact(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := start(t, "")
	_, ann := e.member(t, "acme", "ann@acme.test", model.RoleRecruiter)
	_, _ = e.member(t, "acme", "boss@acme.test", model.RoleAdmin)
	p := importExample(t, e, ann, "data-analyst")
	cand, err := e.Candidates.Add(ctx, ann.Actor(), p.ID, candidates.Person{FirstName: "Ada", LastName: "L", Email: "ada@example.test"}, candidates.AddOptions{Source: model.SourceManual})
	if err != nil {
		t.Fatal(err)
	}
	c := apptest.NewClient(t, e.URL)
	old := "/a/" + tokenOf(e, cand)
	if body := c.Get(old).Body; !strings.Contains(body, "run by <strong>Acme</strong>") || !strings.Contains(body, "mailto:ann@acme.test") {
		t.Error("the welcome page lacks the employer or the contact")
	}
	if err := e.Candidates.Reset(ctx, ann.Actor(), cand.ID); err != nil {
		t.Fatal(err)
	}
	if body := c.Get(old).Body; !strings.Contains(body, "Acme") || !strings.Contains(body, "mailto:boss@acme.test") {
		t.Errorf("the replaced link's page lacks the employer or a contact:\n%s", body)
	}
}

// The numeric hint gives no example that is the answer to a question, and
// says it once.
func TestNumericHint(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := start(t, "")
	_, ann := e.member(t, "acme", "ann@acme.test", model.RoleRecruiter)
	p := importExample(t, e, ann, "backend-engineer")
	cand, err := e.Candidates.Add(ctx, ann.Actor(), p.ID, candidates.Person{FirstName: "Ada", LastName: "L", Email: "ada@example.test"}, candidates.AddOptions{Source: model.SourceManual})
	if err != nil {
		t.Fatal(err)
	}
	token := tokenOf(e, cand)
	if err := e.Candidates.Start(ctx, token, true); err != nil {
		t.Fatal(err)
	}
	ss, err := e.Candidates.Open(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	c := apptest.NewClient(t, e.URL)
	for i, q := range ss.Questions {
		if q.Kind != posting.KindNumeric {
			continue
		}
		if !ss.Editable(i) {
			if err := e.Candidates.Advance(ctx, token); err != nil {
				t.Fatal(err)
			}
		}
		body := c.Get(fmt.Sprintf("/a/%s/q/%d", token, i+1)).Body
		answer := strconv.FormatFloat(*q.Answer, 'g', -1, 64)
		start := strings.Index(body, `id="answer-hint"`)
		if start < 0 {
			t.Fatalf("no hint on question %d", i+1)
		}
		hint := body[start : start+strings.Index(body[start:], "</p>")]
		if strings.Contains(hint, " "+answer+" ") || strings.Contains(hint, " "+answer+")") {
			t.Errorf("the hint %q gives away the answer %s", hint, answer)
		}
		if n := strings.Count(body, "for example 1234"); n != 1 {
			t.Errorf("the hint is said %d times", n)
		}
		return
	}
	t.Fatal("no numeric question in the example")
}
