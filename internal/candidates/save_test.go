package candidates_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/auth"
	"github.com/talentsystems/talentsystems/internal/candidates"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/posting"
	"github.com/talentsystems/talentsystems/internal/scoring"
	"github.com/talentsystems/talentsystems/internal/store"
)

// TestGuardedSave: an answer saved with a session read before a change
// (the section moved on, the link was reset) is refused and changes
// nothing, and the one-statement save checks the link, the attempt, the
// open section and the time itself.
func TestGuardedSave(t *testing.T) {
	t.Parallel()
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		a, clock := open(t, dbURL)
		_, us, p := acmePosting(t, a, "backend-engineer")
		c, err := a.Candidates.Add(ctx, us, p.ID, candidates.Person{FirstName: "S", LastName: "Save", Email: "s@example.test"}, candidates.AddOptions{Source: model.SourceManual})
		if err != nil {
			t.Fatal(err)
		}
		link := a.Candidates.Link(c)
		token := link[strings.LastIndex(link, "/")+1:]
		if err := a.Candidates.Start(ctx, token, true); err != nil {
			t.Fatal(err)
		}
		ss, err := a.Candidates.Open(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		first, later := -1, -1
		for i, q := range ss.Questions {
			if string(q.Section) == ss.Attempt.Section && first < 0 && q.Kind != posting.KindTask {
				first = i
			} else if string(q.Section) != ss.Attempt.Section && later < 0 {
				later = i
			}
		}
		if first < 0 || later < 0 {
			t.Fatalf("no question to save in both sections: %d, %d", first, later)
		}
		answerTo := func(q posting.Question, text string) scoring.Answer {
			if q.Kind == posting.KindMultipleChoice {
				return scoring.Answer{Choices: []string{q.Options[0].Key}}
			}
			if q.Kind == posting.KindNumeric {
				v := 1.0
				return scoring.Answer{Number: &v}
			}
			return scoring.Answer{Text: text}
		}
		stored := func(i int) string {
			t.Helper()
			now, err := a.Candidates.Open(ctx, token)
			if err != nil {
				t.Fatal(err)
			}
			if ans := now.Answers[now.Questions[i].Key]; ans != nil {
				return string(ans.Answer)
			}
			return ""
		}
		if err := a.Candidates.SaveInSession(ctx, ss, token, first, answerTo(ss.Questions[first], "first"), nil, &scoring.Activity{Pastes: []int{3}}); err != nil {
			t.Fatal(err)
		}
		saved := stored(first)
		if saved == "" {
			t.Fatal("the answer was not saved")
		}

		// OpenToSave reads the same session without the answers, which
		// ReadAnswers adds; a save with it is kept like one with Open's.
		lean, err := a.Candidates.OpenToSave(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		if lean.Answers != nil || lean.State != candidates.StateInProgress || lean.Attempt == nil || lean.Attempt.ID != ss.Attempt.ID || len(lean.Questions) != len(ss.Questions) {
			t.Fatalf("OpenToSave: answers %v, state %s, attempt %+v, %d questions", lean.Answers, lean.State, lean.Attempt, len(lean.Questions))
		}
		if err := a.Candidates.SaveInSession(ctx, lean, token, first, answerTo(ss.Questions[first], "again"), nil, nil); err != nil {
			t.Fatal(err)
		}
		if err := a.Candidates.ReadAnswers(ctx, lean); err != nil {
			t.Fatal(err)
		}
		saved = stored(first)
		if ans := lean.Answers[ss.Questions[first].Key]; ans == nil || string(ans.Answer) != saved {
			t.Fatalf("ReadAnswers: %v, want %s", ans, saved)
		}
		if err := a.Candidates.SaveInSession(ctx, ss, token, later, answerTo(ss.Questions[later], "later"), nil, nil); apperror.KindOf(err) != apperror.Conflict {
			t.Errorf("a question of the next section: got %v, want Conflict", err)
		}

		// The section moves on; a save with the session read before is refused.
		if err := a.Candidates.Advance(ctx, token); err != nil {
			t.Fatal(err)
		}
		if err := a.Candidates.SaveInSession(ctx, ss, token, first, answerTo(ss.Questions[first], "too late"), nil, nil); apperror.KindOf(err) != apperror.Conflict {
			t.Errorf("a closed section with a stale session: got %v, want Conflict", err)
		}
		if got := stored(first); got != saved {
			t.Errorf("the closed section's answer changed: %s", got)
		}

		// The statement's own checks, on the open section.
		now, err := a.Candidates.Open(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		q := now.Questions[later]
		guard := store.AnswerGuard{TokenHash: auth.Hash(token), PerSection: true, Section: now.Attempt.Section}
		save := func(g store.AnswerGuard, at time.Time) bool {
			t.Helper()
			ok, err := store.SaveAnswerGuarded(ctx, a.Store.DB, now.Attempt.ID, q.Key, []byte(`{"text":"x"}`), at, time.Hour, g)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		wrongToken, wrongSection := guard, guard
		wrongToken.TokenHash = auth.Hash("another token")
		wrongSection.Section = string(ss.Questions[first].Section)
		if save(wrongToken, clock.Now()) || save(wrongSection, clock.Now()) {
			t.Error("saved with another link's token or in a closed section")
		}
		if save(guard, now.Attempt.SectionDeadlineAt) || save(guard, now.Attempt.SectionDeadlineAt.Add(time.Minute)) {
			t.Error("saved at or after the section's deadline")
		}
		if !save(guard, now.Attempt.SectionDeadlineAt.Add(-time.Second)) {
			t.Error("not saved before the deadline")
		}

		// A reset link refuses the session read before.
		if err := a.Candidates.Reset(ctx, us, c.ID); err != nil {
			t.Fatal(err)
		}
		if err := a.Candidates.SaveInSession(ctx, now, token, later, answerTo(q, "after reset"), nil, nil); err == nil {
			t.Error("saved through a reset link")
		}
		if save(guard, clock.Now()) {
			t.Error("the statement saved through a reset link")
		}
	})
}

// TestAddToPostingRead: a candidate added with a posting read before the
// transaction sees the posting as it is when the transaction runs: a
// posting closed or edited meanwhile is read again.
func TestAddToPostingRead(t *testing.T) {
	t.Parallel()
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		a, _ := open(t, dbURL)
		org, us, p := acmePosting(t, a, "backend-engineer")
		add := func(sp *model.Posting, email string) (*model.Candidate, error) {
			var c *model.Candidate
			err := a.Store.Tx(ctx, func(tx *sql.Tx) error {
				var err error
				c, err = a.Candidates.AddToPostingTx(ctx, us, tx, sp, candidates.Person{FirstName: "A", LastName: "B", Email: email},
					candidates.AddOptions{Source: model.SourceGreenhouse, Greenhouse: &candidates.Greenhouse{TestID: email}})
				return err
			})
			return c, err
		}
		read, err := store.OrgPosting(ctx, a.Store.DB, org.ID, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if c, err := add(read, "one@example.test"); err != nil || c.PostingTitle != read.Title {
			t.Fatalf("added with a current read: %v, %v", c, err)
		}
		if _, err := a.Postings.Update(ctx, us, p.ID, read.Revision, func(d *posting.Posting) error { d.Title = "Renamed"; return nil }); err != nil {
			t.Fatal(err)
		}
		if c, err := add(read, "two@example.test"); err != nil || c.PostingTitle != "Renamed" {
			t.Errorf("added with a read from before an edit: title %q, %v", c.PostingTitle, err)
		}
		if err := a.Postings.Close(ctx, us, p.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := add(read, "three@example.test"); apperror.KindOf(err) != apperror.Conflict {
			t.Errorf("added to a posting closed meanwhile: %v, want Conflict", err)
		}
	})
}
