package candidates_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/candidates"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/posting"
	"github.com/talentsystems/talentsystems/internal/scoring"
	"github.com/talentsystems/talentsystems/internal/store"
)

// hookScorer is the rules, counting its calls and those made while a write
// transaction is held (held tells), and running hook once, at its first
// call.
type hookScorer struct {
	calls, inTx atomic.Int32
	once        sync.Once
	hook        func()
	held        func() bool
}

func (h *hookScorer) ScoreQuestion(p *posting.Posting, q *posting.Question, a scoring.Answer) scoring.QuestionScore {
	h.calls.Add(1)
	if h.held != nil && h.held() {
		h.inTx.Add(1)
	}
	if h.hook != nil {
		h.once.Do(h.hook)
	}
	return scoring.Rules{}.ScoreQuestion(p, q, a)
}

// TestSubmitScoresOutsideTheTransaction: with a scorer other than the rules
// (one that may do I/O, like the model scorer), Submit scores before its
// transaction and reuses those scores; the scorer can even write meanwhile
// (it holds no transaction). An answer changed between scoring and
// submitting is scored again, so the stored score is always the answer's.
// The same holds when the sweep submits an attempt whose time ran out.
func TestSubmitScoresOutsideTheTransaction(t *testing.T) {
	t.Parallel()
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		a, clock := open(t, dbURL)
		_, us, p := acmePosting(t, a, "customer-support-lead")
		begin := func(email string) (string, int) {
			c, err := a.Candidates.Add(ctx, us, p.ID, candidates.Person{FirstName: "Ada", LastName: "L", Email: email}, candidates.AddOptions{Source: model.SourceManual})
			if err != nil {
				t.Fatal(err)
			}
			link := a.Candidates.Link(c)
			token := link[strings.LastIndex(link, "/")+1:]
			if err := a.Candidates.Start(ctx, token, true); err != nil {
				t.Fatal(err)
			}
			ss, _ := a.Candidates.Open(ctx, token)
			first := -1
			for i, q := range ss.Questions {
				if q.Kind == posting.KindFreeText && first < 0 {
					first = i
					if err := a.Candidates.Save(ctx, token, i, scoring.Answer{Text: "We are sorry: the outage was on our side and we will send the next update within the hour."}, nil); err != nil {
						t.Fatal(err)
					}
				}
			}
			return token, first
		}
		stored := func(token string, i int) scoring.QuestionScore {
			ss, err := a.Candidates.Open(ctx, token)
			if err != nil {
				t.Fatal(err)
			}
			at, _ := a.Candidates.Attempts(ctx, ss.Candidate)
			var res scoring.Result
			if err := json.Unmarshal(at[len(at)-1].Result, &res); err != nil {
				t.Fatal(err)
			}
			for _, q := range res.Questions {
				if q.Key == ss.Questions[i].Key {
					return q
				}
			}
			t.Fatalf("no score for question %d", i)
			return scoring.QuestionScore{}
		}
		n := int32(len(p.Doc.Questions))
		// held reports whether a write transaction is open: on SQLite
		// another cannot begin (one writer), on PostgreSQL the pool has a
		// connection in use (nothing else runs here).
		held := func() bool {
			if a.Store.Dialect == store.Postgres {
				return a.Store.DB.Stats().InUse > 0
			}
			cctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
			defer cancel()
			return a.Store.Tx(cctx, func(*sql.Tx) error { return nil }) != nil
		}

		sc := &hookScorer{held: held}
		a.Candidates.Scorer = sc
		token, _ := begin("once@example.test")
		if err := a.Candidates.Submit(ctx, token); err != nil {
			t.Fatal(err)
		}
		if got, in := sc.calls.Load(), sc.inTx.Load(); got != n || in != 0 {
			t.Errorf("the scorer ran %d times for %d questions, %d of them in the transaction", got, n, in)
		}

		sc = &hookScorer{held: held}
		a.Candidates.Scorer = sc
		token, i := begin("changed@example.test")
		sc.hook = func() { // the candidate saves in another tab while the scorer runs
			if err := a.Candidates.Save(ctx, token, i, scoring.Answer{Text: "Changed."}, nil); err != nil {
				t.Errorf("a save while the scorer runs: %v", err)
			}
		}
		if err := a.Candidates.Submit(ctx, token); err != nil {
			t.Fatal(err)
		}
		if got, in := sc.calls.Load(), sc.inTx.Load(); got != 2*n || in != n {
			t.Errorf("the scorer ran %d times for %d questions (%d in the transaction), want twice, once inside: the answer changed", got, n, in)
		}
		if q := stored(token, i); q.Level != 1 || !q.Answered {
			t.Errorf("the stored score is not the changed answer's: %+v", q)
		}

		// The time runs out: the sweep submits, scoring before its
		// transaction too.
		sc = &hookScorer{held: held}
		a.Candidates.Scorer = sc
		token, _ = begin("late@example.test")
		clock.Advance(41 * time.Minute) // the posting's 40 minutes
		if done, err := a.Candidates.SubmitOverdue(ctx); err != nil || done != 1 {
			t.Fatalf("the sweep submitted %d (%v)", done, err)
		}
		if got, in := sc.calls.Load(), sc.inTx.Load(); got != n || in != 0 {
			t.Errorf("on the time limit the scorer ran %d times for %d questions, %d of them in the transaction", got, n, in)
		}
	})
}
