package candidates_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/candidates"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/posting"
	"github.com/talentsystems/talentsystems/internal/scoring"
	"github.com/talentsystems/talentsystems/internal/store"
)

// TestConcurrentCompletionsAndOverrides submits many candidates of one
// posting at the same moment, then overrides their scores at the same
// moment in opposite directions: every completion and override succeeds
// (no deadlock on the counts kept per posting, no lost update) and the kept
// counts and sums equal a recount afterwards.
func TestConcurrentCompletionsAndOverrides(t *testing.T) {
	t.Parallel()
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		a, _ := open(t, dbURL)
		_, us, p := acmePosting(t, a, "data-analyst")
		const n = 16
		tokens := make([]string, n)
		ids := make([]int64, n)
		for i := range n {
			c, err := a.Candidates.Add(ctx, us, p.ID, candidates.Person{FirstName: "C", LastName: fmt.Sprint(i), Email: fmt.Sprintf("c%d@example.test", i)}, candidates.AddOptions{Source: model.SourceManual})
			if err != nil {
				t.Fatal(err)
			}
			link := a.Candidates.Link(c)
			tokens[i], ids[i] = link[strings.LastIndex(link, "/")+1:], c.ID
			if err := a.Candidates.Start(ctx, tokens[i], true); err != nil {
				t.Fatal(err)
			}
			ss, err := a.Candidates.Open(ctx, tokens[i])
			if err != nil {
				t.Fatal(err)
			}
			for j, q := range ss.Questions {
				if q.Kind == posting.KindMultipleChoice && ss.Editable(j) {
					if err := a.Candidates.Save(ctx, tokens[i], j, scoring.Answer{Choices: []string{q.Options[i%len(q.Options)].Key}}, nil); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		run := func(what string, fn func(i int) error) {
			t.Helper()
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() { errs[i] = fn(i) })
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Errorf("%s %d: %v", what, i, err)
				}
			}
			if err := store.CheckDerived(ctx, a.Store.DB); err != nil {
				t.Errorf("after concurrent %s: %v", what, err)
			}
		}
		run("submit", func(i int) error { return a.Candidates.Submit(ctx, tokens[i]) })
		// Every override of a question changes the candidate's score, so
		// the score rows kept per posting are moved in both directions by
		// transactions running at once.
		var key string
		for _, q := range p.Doc.Questions {
			if q.Kind != posting.KindMultipleChoice && q.Kind != posting.KindNumeric {
				key = q.Key
				break
			}
		}
		if key == "" {
			t.Fatal("no open question to override")
		}
		for round := range 3 {
			run("override", func(i int) error {
				level := 1 + (i+round)%5
				return a.Candidates.Override(ctx, us, ids[i], key, level, fmt.Sprintf("round %d", round))
			})
		}
	})
}
