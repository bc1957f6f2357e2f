package scoring

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/posting"
)

func loadPosting(t testing.TB, file string) *posting.Posting {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := posting.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return p
}

// strongAnswers are hand-written good answers to the example postings,
// keyed by file name and question key.
var strongAnswers = map[string]map[string]Answer{
	"backend-engineer.json": {
		"idempotent-webhook": {Text: `- Verify the HMAC signature with the shared secret before trusting anything.
- Store every delivery's event id in a processed_events table with a unique constraint, so a duplicate insert fails and we know it was already processed.
- Insert the event row and apply the state change in the same transaction, so they commit atomically.
- Events can arrive out of order: keep a version (or the provider's timestamp) on the payment and only move the state machine forward; a refund before success is parked until the success arrives.
- Acknowledge quickly: return 200 after the insert and do slow work in a background job from a queue; if we fail, the provider's retries deliver it again and deduplication makes that safe.`},
		"lost-update":         {Choices: []string{"b"}},
		"blocking-migrations": {Choices: []string{"index", "volatile-default", "type-change"}},
		"connection-pool":     {Number: num(30)},
		"incident-review": {Text: `Our checkout error rate alert paged the on-call engineer (me) ten minutes after a deploy.
We mitigated first: I rolled back the release and the errors stopped within five minutes, while our support lead posted on the status page and kept stakeholders updated.
The root cause was a connection pool setting that only failed under peak traffic; a contributing factor was that staging had no load tests.
In the blameless postmortem we agreed on action items: load tests in CI and an alert on pool saturation. Both were done within two weeks.`},
		"rate-limiter": {Text: `package ratelimit

import (
	"sync"
	"time"
)

// Token bucket per key. Trade-off: one mutex for all keys is simple; shard it if it becomes hot.
type bucket struct {
	tokens   float64
	lastSeen time.Time
}

type Limiter struct {
	mu      sync.Mutex
	rate    float64
	burst   int
	now     func() time.Time
	buckets map[string]*bucket
}

func NewLimiter(rate float64, burst int, now func() time.Time) *Limiter {
	return &Limiter{rate: rate, burst: burst, now: now, buckets: map[string]*bucket{}}
}

func (l *Limiter) Allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	t := l.now()
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: float64(l.burst), lastSeen: t}
		l.buckets[key] = b
	}
	elapsed := t.Sub(b.lastSeen).Seconds()
	b.tokens = min(float64(l.burst), b.tokens+elapsed*l.rate) // refill
	b.lastSeen = t
	l.cleanup(t)
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// cleanup evicts idle keys whose bucket would be full again anyway.
func (l *Limiter) cleanup(t time.Time) {
	for k, b := range l.buckets {
		if t.Sub(b.lastSeen) > time.Minute {
			delete(l.buckets, k)
		}
	}
}

func TestAllow(t *testing.T) {
	tests := []struct {
		name string
	}{{"burst"}, {"refill"}, {"separate keys"}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {})
	}
}
`},
	},
	"customer-support-lead.json": {
		"outage-reply": {Text: `Dear Maria,

I am truly sorry. I understand how serious this is: your staff cannot log in and your clinics are turning patients away.

This is an outage on our side: our single sign-on service is down, and our engineers are working on it right now. We do not have a fix time yet.

In the meantime, staff who have a password set can log in with their email and password on the usual login page. I can reset passwords for anyone who needs one; just send me the list.

I will send you the next update by 11:00, and every hour after that until this is resolved.

About the refund: I have escalated your request to your account manager, Tom, who will contact you today. I will personally stay your point of contact until then.

Kind regards,
Alex`},
		"coaching-csat-drop": {Text: `First I would look at the evidence: read a sample of tickets with low ratings and the survey comments, and compare them with tickets from three months ago.
The handle time fell by a third at the same time, so I would check whether they are rushing and closing too quickly.
Then a private one-to-one: ask them what has changed for them and how they are doing, before giving specific feedback with examples from the tickets.
I would also check systemic causes: a new release, queue changes or targets that reward speed.
We would agree on a plan with one or two goals and I would check in next week and again in two weeks.`},
		"sla-attainment":  {Number: num(88.2)},
		"ticket-timeline": {Choices: []string{"frt", "calendar", "business"}},
		"plain-language":  {Choices: []string{"specific"}},
	},
	"data-analyst.json": {
		"week4-retention": {Text: `-- PostgreSQL
WITH cohort AS (
  SELECT id, signup_at, date_trunc('week', signup_at) AS signup_week
  FROM users
  WHERE signup_at >= '2025-01-01' AND signup_at < '2026-01-01'
)
SELECT c.signup_week,
       count(DISTINCT c.id) AS signups,
       100.0 * count(DISTINCT e.user_id) / count(DISTINCT c.id) AS week4_retained_pct
FROM cohort c
LEFT JOIN events e
  ON e.user_id = c.id
 AND e.occurred_at >= c.signup_at + interval '21 days'
 AND e.occurred_at <  c.signup_at + interval '28 days'
GROUP BY c.signup_week
ORDER BY c.signup_week;`},
		"conversion-lift": {Number: num(20)},
		"p-value":         {Choices: []string{"definition"}},
		"duplicate-events": {Text: `- Investigate first: sample the duplicate rows and check when it started and which platform or client sends them.
- Assess the impact: retention counts distinct users, so it is unaffected; event counts are inflated.
- Deduplicate in the analysis with row_number() where event counts matter.
- Report the bug to the data engineering team that owns the tracking pipeline.
- Document it as a caveat in the report.`},
		"ship-memo": {Text: `Recommendation: we should ship the variant.

The variant lifted signup conversion from 5.0% to 6.0%, a 20% relative lift, and the result is statistically significant (p = 0.03). The confidence interval is wide, so the true lift could be smaller.

Caveats: the test ran for 14 days, so a novelty effect is possible, and we did not look at segments.

Next step: monitor signups and week-4 retention on a dashboard for a month and keep a 5% holdout.`},
	},
}

func TestExamplePostings(t *testing.T) {
	files, err := filepath.Glob("../../examples/postings/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no example postings: %v", err)
	}
	for _, file := range files {
		name := filepath.Base(file)
		t.Run(name, func(t *testing.T) {
			p := loadPosting(t, file)
			answers, ok := strongAnswers[name]
			if !ok {
				t.Fatalf("no strong answers for %s; add them to strongAnswers", name)
			}

			t.Run("strong answers", func(t *testing.T) {
				qs := ScoreAll(Rules{}, p, answers)
				r := Rollup(p, qs, nil)
				if r.Recommendation != posting.RecommendStrongYes && r.Recommendation != posting.RecommendYes {
					t.Errorf("overall %v, recommendation %s; want yes or strong_yes", r.Overall, r.Recommendation)
				}
				if len(r.Competencies) != len(p.Competencies) {
					t.Errorf("competencies = %+v, want all %d", r.Competencies, len(p.Competencies))
				}
				for _, q := range r.Questions {
					if _, ok := answers[q.Key]; !ok {
						t.Errorf("no strong answer for question %s", q.Key)
					}
					if !q.Answered || q.Level < 4 {
						t.Errorf("%s: level %d, want at least 4; evidence %+v", q.Key, q.Level, q.Evidence)
					}
					checkEvidence(t, p, q, answers[q.Key])
				}
			})

			t.Run("no answers", func(t *testing.T) {
				r := Rollup(p, ScoreAll(Rules{}, p, nil), nil)
				if r.Overall != 0 || r.Recommendation != posting.RecommendStrongNo {
					t.Errorf("overall %v, recommendation %s; want 0 and strong_no", r.Overall, r.Recommendation)
				}
				for _, q := range r.Questions {
					if q.Answered || q.Level != 1 || q.Points != 0 {
						t.Errorf("%s: %+v, want unanswered at level 1", q.Key, q)
					}
					for _, ev := range q.Evidence {
						if ev.Found || ev.Start != -1 {
							t.Errorf("%s: evidence %+v found in no answer", q.Key, ev)
						}
					}
				}
				for _, c := range r.Competencies {
					if c.Score != 0 {
						t.Errorf("competency %+v, want 0", c)
					}
				}
			})

			t.Run("override recomputes", func(t *testing.T) {
				auto := Rollup(p, ScoreAll(Rules{}, p, nil), nil)
				overrides := map[string]Override{}
				for _, q := range auto.Questions {
					overrides[q.Key] = Override{Level: 5, Note: "Discussed in the follow-up call.", By: "rita@example.com", At: time.Unix(0, 0).UTC()}
				}
				r := Rollup(p, auto.Questions, overrides)
				if r.Overall != 100 || r.Recommendation != posting.RecommendStrongYes {
					t.Errorf("overall %v, recommendation %s; want 100 and strong_yes", r.Overall, r.Recommendation)
				}
				for _, q := range r.Questions {
					if !q.Overridden || q.OriginalLevel != 1 || q.Level != 5 {
						t.Errorf("%s: %+v", q.Key, q)
					}
				}
			})
		})
	}
}

// checkEvidence checks that a text question's evidence points at the text
// that really matches the recorded phrase.
func checkEvidence(t *testing.T, p *posting.Posting, q QuestionScore, a Answer) {
	t.Helper()
	for _, ev := range q.Evidence {
		if !ev.Found || ev.Start < 0 {
			continue
		}
		if ev.End > len(a.Text) || ev.Start >= ev.End {
			t.Errorf("%s: evidence %+v outside the answer", q.Key, ev)
			continue
		}
		if !sameTokens(a.Text[ev.Start:ev.End], ev.Phrase) {
			t.Errorf("%s: evidence text %q does not match phrase %q", q.Key, a.Text[ev.Start:ev.End], ev.Phrase)
		}
		if !strings.Contains(ev.Snippet, collapseSpace(a.Text[ev.Start:ev.End])) {
			t.Errorf("%s: snippet %q lacks the match %q", q.Key, ev.Snippet, a.Text[ev.Start:ev.End])
		}
	}
}

// sameTokens reports whether text tokenizes like phrase, split or joined.
func sameTokens(text, phrase string) bool {
	a, b := tokenize(text), tokenize(phrase)
	eq := func(x, y []token) bool {
		if len(x) != len(y) || len(x) == 0 {
			return false
		}
		for i := range x {
			if x[i].text != y[i].text {
				return false
			}
		}
		return true
	}
	return eq(a.split, b.split) || eq(a.joined, b.joined)
}

// workedAnswers are the answers of the worked example in docs/scoring.md,
// for testdata/junior-backend.json (the example of docs/posting-format.md).
func workedAnswers() map[string]Answer {
	return map[string]Answer{
		"goroutine-leak": {Text: "A goroutine leaks when it blocks forever, for example on a send to a channel that nobody reads, so it is never collected and its memory is never freed."},
		"join-kind":      {Choices: []string{"left"}},
		"in-flight":      {Number: num(20)},
		"http-handler": {Text: `func okHandler(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(` + "`" + `{"ok": true}` + "`" + `))
}`},
	}
}

// TestWorkedExample keeps the worked example of docs/scoring.md true.
func TestWorkedExample(t *testing.T) {
	p := loadPosting(t, "testdata/junior-backend.json")
	qs := ScoreAll(Rules{}, p, workedAnswers())
	type row struct {
		key      string
		fraction float64
		level    int
	}
	want := []row{{"goroutine-leak", 2.0 / 3, 4}, {"join-kind", 1, 5}, {"in-flight", 0, 1}, {"http-handler", 0.5, 3}}
	for i, w := range want {
		q := qs[i]
		if q.Key != w.key || q.Fraction != w.fraction || q.Level != w.level {
			t.Errorf("question %d = %s %v level %d, want %+v", i, q.Key, q.Fraction, q.Level, w)
		}
	}
	if ev := qs[0].Evidence[0]; ev.Phrase != "blocked" || ev.Snippet != "A goroutine leaks when it blocks forever, for example on a send to a channel that…" || ev.Start != 26 || ev.End != 32 {
		t.Errorf("goroutine-leak evidence = %+v", ev)
	}

	r := Rollup(p, qs, nil)
	if got := competencies(r); got["go"] != 43.8 || got["sql"] != 100 || r.Overall != 62.5 || r.Recommendation != posting.RecommendNo {
		t.Errorf("before override: %v, %v %s", got, r.Overall, r.Recommendation)
	}

	r = Rollup(p, qs, map[string]Override{"http-handler": {Level: 4, Note: "Tested with a hand-written recorder instead of httptest.", By: "rita@example.com"}})
	if got := competencies(r); got["go"] != 56.3 || got["sql"] != 100 || r.Overall != 70.8 || r.Recommendation != posting.RecommendYes {
		t.Errorf("after override: %v, %v %s", got, r.Overall, r.Recommendation)
	}
}
