package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/candidates"
	"github.com/talentsystems/talentsystems/internal/model"
)

// TestReviewSettingsForm: bad choices are refused with a 400 naming the
// field and change nothing; another organization's posting is not found;
// a good choice is saved; only admins set the organization's provisional
// option.
func TestReviewSettingsForm(t *testing.T) {
	t.Parallel()
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		e := start(t, dbURL)
		rec, ann := e.member(t, "acme", "rec@acme.test", model.RoleRecruiter)
		_, bob := e.member(t, "globex", "bob@globex.test", model.RoleAdmin)
		p := importExample(t, e, ann, "backend-engineer")
		other := importExample(t, e, bob, "backend-engineer")
		page := "/postings/" + strconv.FormatInt(p.ID, 10) + "/review-settings"
		before, err := e.Candidates.ReviewSettings(ctx, ann.Actor(), p.ID)
		if err != nil || before != model.DefaultReviewSettings() {
			t.Fatalf("default settings %+v %v", before, err)
		}
		for name, form := range map[string]url.Values{
			"unknown mode":   {"review_mode": {"sometimes"}, "reviewers": {"1"}},
			"no reviewers":   {"review_mode": {"always"}, "reviewers": {"0"}},
			"many reviewers": {"review_mode": {"always"}, "reviewers": {"99"}},
		} {
			if r := rec.Submit(page, page, form); r.Status != http.StatusBadRequest {
				t.Errorf("%s: %d, want 400", name, r.Status)
			}
			if got, _ := e.Candidates.ReviewSettings(ctx, ann.Actor(), p.ID); got != before {
				t.Errorf("%s changed the settings to %+v", name, got)
			}
		}
		foreign := "/postings/" + strconv.FormatInt(other.ID, 10) + "/review-settings"
		if r := rec.Get(foreign); r.Status != http.StatusNotFound {
			t.Errorf("another organization's posting: %d, want 404", r.Status)
		}
		if r := rec.Submit(page, page, url.Values{"review_mode": {"always"}, "reviewers": {"2"}, "provisional": {"on"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("save: %d", r.Status)
		}
		if got, _ := e.Candidates.ReviewSettings(ctx, ann.Actor(), p.ID); got != (model.ReviewSettings{Mode: model.ReviewAlways, Reviewers: 2}) {
			t.Errorf("saved %+v", got)
		}
		if on, _ := e.Candidates.Provisional(ctx, ann.Actor()); on {
			t.Error("a recruiter set the organization's provisional option")
		}
	})
}

// TestReviewRefusesBadInput: a level outside 1–5 or an oversized note is
// answered 400 and records no review; another organization's answer is not
// found.
func TestReviewRefusesBadInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := start(t, "")
	ann, u := e.member(t, "acme", "ann@acme.test", model.RoleAdmin)
	bob, _ := e.member(t, "globex", "bob@globex.test", model.RoleAdmin)
	p := importExample(t, e, u, "backend-engineer")
	if err := e.Candidates.SetReviewSettings(ctx, u.Actor(), p.ID, model.ReviewSettings{Mode: model.ReviewAlways, Reviewers: 1}); err != nil {
		t.Fatal(err)
	}
	cand, err := e.Candidates.Add(ctx, u.Actor(), p.ID, candidates.Person{FirstName: "Ada", LastName: "L", Email: "ada@example.test"}, candidates.AddOptions{Source: model.SourceManual})
	if err != nil {
		t.Fatal(err)
	}
	complete(t, e, cand, goodAnswers(p.Doc))
	tasks, err := e.Candidates.ReviewQueue(ctx, u.Actor())
	if err != nil || len(tasks) == 0 {
		t.Fatalf("queue %v %v", tasks, err)
	}
	page := "/review/" + strconv.FormatInt(cand.ID, 10) + "/" + tasks[0].QuestionKey
	for name, form := range map[string]url.Values{
		"level 0":   {"level": {"0"}},
		"level 9":   {"level": {"9"}},
		"no level":  {},
		"long note": {"level": {"3"}, "note": {strings.Repeat("x", 2001)}},
	} {
		if r := ann.Submit(page, page, form); r.Status != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", name, r.Status)
		}
	}
	if after, _ := e.Candidates.ReviewQueue(ctx, u.Actor()); len(after) != len(tasks) || after[0].Done != 0 {
		t.Errorf("refused reviews were recorded: %+v", after)
	}
	if r := bob.Get(page); r.Status != http.StatusNotFound {
		t.Errorf("another organization's answer: %d, want 404", r.Status)
	}
}
