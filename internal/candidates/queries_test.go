package candidates_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/app"
	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/candidates"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/postings"
)

// open builds the services on a real database with a fake clock, without
// HTTP or job workers.
func open(t *testing.T, dbURL string) (*app.App, *apptest.Clock) {
	t.Helper()
	return apptest.NewApp(t, dbURL, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
}

// acmePosting creates the organization Acme and imports the example posting
// name into it, published; us acts for Acme.
func acmePosting(t *testing.T, a *app.App, name string) (org *model.Org, us model.Actor, p *postings.Posting) {
	t.Helper()
	ctx := context.Background()
	org, err := a.Accounts.CreateOrg(ctx, model.CommandLine(0), "Acme", "")
	if err != nil {
		t.Fatal(err)
	}
	us = model.CommandLine(org.ID)
	doc, err := os.ReadFile("../../examples/postings/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	if p, err = a.Postings.Import(ctx, us, bytes.NewReader(doc), true); err != nil {
		t.Fatal(err)
	}
	return org, us, p
}

// TestQueries reads postings and candidates through the services' query
// methods: scoped to the actor's organization, counted by effective status
// on the service's clock.
func TestQueries(t *testing.T) {
	t.Parallel()
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		a, clock := open(t, dbURL)
		acme, _ := a.Accounts.CreateOrg(ctx, model.CommandLine(0), "Acme", "")
		other, _ := a.Accounts.CreateOrg(ctx, model.CommandLine(0), "Other", "")
		us, them := model.CommandLine(acme.ID), model.CommandLine(other.ID)
		doc, err := os.ReadFile("../../examples/postings/data-analyst.json") // links valid 7 days
		if err != nil {
			t.Fatal(err)
		}
		active, err := a.Postings.Import(ctx, us, bytes.NewReader(doc), true)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Postings.Import(ctx, us, bytes.NewReader(doc), false); err != nil {
			t.Fatal(err)
		}

		if list, err := a.Postings.List(ctx, us, ""); err != nil || len(list) != 2 {
			t.Errorf("Postings.List: %d, %v", len(list), err)
		}
		if list, err := a.Postings.List(ctx, us, model.PostingActive); err != nil || len(list) != 1 || list[0].ID != active.ID {
			t.Errorf("Postings.List(active): %v, %v", list, err)
		}
		if c, err := a.Postings.Counts(ctx, us); err != nil || c.Draft() != 1 || c.Active() != 1 || c.Closed() != 0 {
			t.Errorf("Postings.Counts: %v, %v", c, err)
		}
		if list, err := a.Postings.List(ctx, them, ""); err != nil || len(list) != 0 {
			t.Errorf("another organization sees %d postings (%v)", len(list), err)
		}
		if _, err := a.Postings.Get(ctx, them, active.ID); apperror.KindOf(err) != apperror.NotFound {
			t.Errorf("another organization's posting: %v", err)
		}

		var added []*model.Candidate
		for _, email := range []string{"ada@example.test", "grace@example.test"} {
			c, err := a.Candidates.Add(ctx, us, active.ID, candidates.Person{FirstName: "A", LastName: "B", Email: email}, candidates.AddOptions{Source: model.SourceManual})
			if err != nil {
				t.Fatal(err)
			}
			added = append(added, c)
		}
		link := a.Candidates.Link(added[0])
		if err := a.Candidates.Start(ctx, link[strings.LastIndex(link, "/")+1:], true); err != nil {
			t.Fatal(err)
		}

		page, total, err := a.Candidates.List(ctx, us, model.CandidateFilter{Sort: "created", Limit: 1})
		if err != nil || total != 2 || len(page) != 1 {
			t.Errorf("Candidates.List: %d of %d, %v", len(page), total, err)
		}
		if _, total, _ := a.Candidates.List(ctx, them, model.CandidateFilter{Limit: 10}); total != 0 {
			t.Errorf("another organization lists %d candidates", total)
		}
		want := model.StatusCounts{model.CandidateSent: 1, model.CandidateStarted: 1}
		if got, err := a.Candidates.Counts(ctx, us, active.ID); err != nil || !sameCounts(got, want) {
			t.Errorf("Candidates.Counts: %v, %v; want %v", got, err, want)
		}
		if got, err := a.Candidates.CountsByPosting(ctx, us); err != nil || !sameCounts(got[active.ID], want) {
			t.Errorf("CountsByPosting: %v, %v", got, err)
		}

		// On the clock, the unstarted link lapses: it counts as expired.
		clock.Advance(8 * 24 * time.Hour)
		want = model.StatusCounts{model.CandidateExpired: 1, model.CandidateStarted: 1}
		if got, err := a.Candidates.Counts(ctx, us, active.ID); err != nil || !sameCounts(got, want) {
			t.Errorf("Candidates.Counts a week later: %v, %v; want %v", got, err, want)
		}
		if _, total, _ := a.Candidates.List(ctx, us, model.CandidateFilter{Status: model.CandidateExpired, Limit: 10}); total != 1 {
			t.Errorf("listed %d expired candidates, want 1", total)
		}

		started, err := a.Candidates.Get(ctx, us, added[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Candidates.Get(ctx, them, added[0].ID); apperror.KindOf(err) != apperror.NotFound {
			t.Errorf("another organization's candidate: %v", err)
		}
		attempts, err := a.Candidates.Attempts(ctx, started)
		if err != nil || len(attempts) != 1 || attempts[0].ID != started.AttemptID {
			t.Fatalf("Attempts: %v, %v", attempts, err)
		}
		if ans, err := a.Candidates.Answers(ctx, attempts[0]); err != nil || len(ans) != 0 {
			t.Errorf("Answers: %v, %v", ans, err)
		}
		if o, err := a.Candidates.Overrides(ctx, attempts[0]); err != nil || len(o) != 0 {
			t.Errorf("Overrides: %v, %v", o, err)
		}
		if _, err := a.Candidates.Upload(ctx, started, "nothing"); apperror.KindOf(err) != apperror.NotFound {
			t.Errorf("Upload of no file: %v", err)
		}
	})
}

func sameCounts(got, want model.StatusCounts) bool {
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	for k, v := range got {
		if want[k] != v {
			return false
		}
	}
	return true
}
