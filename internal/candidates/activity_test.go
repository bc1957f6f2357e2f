package candidates_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/candidates"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/posting"
	"github.com/talentsystems/talentsystems/internal/scoring"
)

// TestActivityAddsUp: what the page records is added up over the saves of
// an answer; past the stored cap, pastes and spells still count (added to
// the last entry), so many small pastes cannot push a large one out; an
// answer saved only without the script reads "unknown".
func TestActivityAddsUp(t *testing.T) {
	t.Parallel()
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		a, clock := open(t, dbURL)
		_, us, p := acmePosting(t, a, "customer-support-lead")
		c, err := a.Candidates.Add(ctx, us, p.ID, candidates.Person{FirstName: "Ada", LastName: "L", Email: "ada@example.test"}, candidates.AddOptions{Source: model.SourceManual})
		if err != nil {
			t.Fatal(err)
		}
		link := a.Candidates.Link(c)
		token := link[strings.LastIndex(link, "/")+1:]
		if err := a.Candidates.Start(ctx, token, true); err != nil {
			t.Fatal(err)
		}
		ss, _ := a.Candidates.Open(ctx, token)
		var open []int
		for i, q := range ss.Questions {
			if q.Kind == posting.KindFreeText || q.Kind == posting.KindTask {
				open = append(open, i)
			}
		}
		if len(open) < 2 {
			t.Fatalf("want two open questions, got %d", len(open))
		}
		text := strings.Repeat("We apologise for the outage and explain what happened and what comes next. ", 30)
		first := open[0]
		if err := a.Candidates.View(ctx, token, first); err != nil {
			t.Fatal(err)
		}
		clock.Advance(20 * time.Minute)
		small := make([]int, 50)
		for i := range small {
			small[i] = 10
		}
		for range 5 { // 250 pastes of 10 characters
			if err := a.Candidates.SaveWithActivity(ctx, token, first, scoring.Answer{Text: text}, nil, &scoring.Activity{Recorded: true, Pastes: small, FocusLost: []float64{30}}); err != nil {
				t.Fatal(err)
			}
		}
		if err := a.Candidates.SaveWithActivity(ctx, token, first, scoring.Answer{Text: text}, nil, &scoring.Activity{Recorded: true, Pastes: []int{5000}}); err != nil {
			t.Fatal(err)
		}
		second := open[1]
		if err := a.Candidates.View(ctx, token, second); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Minute)
		if err := a.Candidates.Save(ctx, token, second, scoring.Answer{Text: "A short answer without the script."}, nil); err != nil {
			t.Fatal(err)
		}
		if err := a.Candidates.Submit(ctx, token); err != nil {
			t.Fatal(err)
		}
		got, _ := a.Candidates.Get(ctx, us, c.ID)
		at, _ := a.Candidates.Attempts(ctx, got)
		checks, err := a.Candidates.Checks(ctx, at[len(at)-1])
		if err != nil {
			t.Fatal(err)
		}
		sig := func(i int, kind scoring.SignalKind) scoring.Signal {
			for _, s := range candidates.DecodeSignals(checks[ss.Questions[i].Key]) {
				if s.Kind == kind {
					return s
				}
			}
			t.Fatalf("question %d has no %s signal", i, kind)
			return scoring.Signal{}
		}
		if s := sig(first, scoring.SignalPaste); s.Status != scoring.SignalRaised || !strings.Contains(s.Text, "pasted 7,500 characters in 200 pastes") {
			t.Errorf("paste signal %+v", s)
		}
		if s := sig(first, scoring.SignalFocus); s.Status != scoring.SignalRaised || !strings.Contains(s.Text, "left the page 5 times for 2 min 30 s in total") {
			t.Errorf("focus signal %+v", s)
		}
		for _, k := range []scoring.SignalKind{scoring.SignalPaste, scoring.SignalFocus} {
			if s := sig(second, k); s.Status != scoring.SignalUnknown || !strings.Contains(s.Text, "unknown (no script ran on the page)") {
				t.Errorf("without the script, %s signal %+v", k, s)
			}
		}
	})
}
