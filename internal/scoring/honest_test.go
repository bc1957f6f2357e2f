package scoring

import (
	"path/filepath"
	"testing"
)

// honestAnswers are a second set of strong answers to the open questions of
// the example postings, written by hand in a different voice from
// strongAnswers: natural sentences, the candidate's own words, no attempt to
// guess the rubric.
var honestAnswers = map[string]map[string]string{
	"backend-engineer.json": {
		"idempotent-webhook": `First I check the HMAC header against the raw body using the secret the provider gave us, and reject anything that does not verify.

Each delivery carries the provider's event id. I insert it into a webhook_events table whose primary key is that id; if the insert hits the unique constraint, we have already processed the event and simply answer 200 again.

The insert and the update of the payment row happen in the same transaction, so either both are committed or neither is, and a crash in between cannot leave the event marked as done without its effect.

For ordering, the payment row keeps the provider's created timestamp of the last event applied, and the handler only moves the payment forward through its state machine. A refund that shows up before the success is stored and applied once the success arrives; an older event than the one already applied is recorded but ignored.

The handler itself only does that small amount of work and returns quickly. Emails, ledger entries and anything slow go to a background job. If we return an error, the provider retries later, which is safe because of the deduplication.`,
		"incident-review": `Last spring our payments API started timing out for about a third of requests. Our latency alert fired and paged me as the on-call engineer within four minutes.

I saw that it started right after a deploy, so the first thing we did was roll back the release instead of debugging live; latency recovered ten minutes later. A colleague kept customers informed on the status page while I worked on it.

The next day we dug into the root cause: the new version opened a database transaction around an external HTTP call, so slow responses held connections until the pool ran dry. A contributing factor was that our load test did not include the slow partner.

We wrote a blameless postmortem with three action items: a lint check for network calls inside transactions, a pool saturation dashboard and a slow-partner scenario in the load test. All three shipped within a month, and pool saturation has not paged us since.`,
		"rate-limiter": `package ratelimit

import (
	"sync"
	"testing"
	"time"
)

// Limiter keeps a token bucket per key.
// Trade-off: a single mutex guards the map; with many cores we would shard
// the map by key hash to reduce contention.
type Limiter struct {
	mu       sync.Mutex
	rate     float64
	burst    float64
	now      func() time.Time
	buckets  map[string]*bucket
	lastScan time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

func NewLimiter(rate float64, burst int, now func() time.Time) *Limiter {
	return &Limiter{rate: rate, burst: float64(burst), now: now, buckets: make(map[string]*bucket), lastScan: now()}
}

func (l *Limiter) Allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.buckets[key]
	if b == nil {
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if now.Sub(l.lastScan) > time.Minute {
		l.evictIdle(now)
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// evictIdle removes buckets that have been full for a while: forgetting
// them changes nothing, because a new bucket starts full.
func (l *Limiter) evictIdle(now time.Time) {
	full := time.Duration(l.burst / l.rate * float64(time.Second))
	for k, b := range l.buckets {
		if now.Sub(b.last) > full {
			delete(l.buckets, k)
		}
	}
	l.lastScan = now
}

func TestLimiter(t *testing.T) {
	start := time.Unix(0, 0)
	cases := []struct {
		name    string
		advance time.Duration
		calls   int
		want    int
	}{
		{"burst of 20 then denied", 0, 25, 20},
		{"refills 10 per second", time.Second, 15, 10},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			now := start
			l := NewLimiter(10, 20, func() time.Time { return now })
			for i := 0; i < 20 && c.advance > 0; i++ {
				l.Allow("k")
			}
			now = now.Add(c.advance)
			got := 0
			for i := 0; i < c.calls; i++ {
				if l.Allow("k") {
					got++
				}
			}
			if got != c.want {
				t.Fatalf("allowed %d, want %d", got, c.want)
			}
		})
	}
}
`,
	},
	"customer-support-lead.json": {
		"outage-reply": `Hi Dana,

You are right to be angry, and I am sorry. Three hundred people locked out and patients sent home is exactly the kind of day our product is supposed to prevent.

To be clear: the fault is ours. Our single sign-on service is down and our engineers have been on it since it was reported; I don't have a reliable fix time yet and I won't guess.

Meanwhile, anyone whose account has a password can sign in on the normal login page with their email address and that password. If some of your staff never set one, send me their addresses and I will trigger password resets for all of them right away.

I will write to you again at 10:30 with the latest status, even if there is no news, and after that every hour.

I have passed your refund request to Priya, your account manager, and she will call you this afternoon. Until this is over, I am your point of contact.

Sam`,
		"coaching-csat-drop": `I would not start with the scores. I would pull twenty of their tickets from the last month, especially the low-rated ones, and read them next to the survey comments to see what customers actually complain about.

If the answers got shorter as the handle time dropped, my guess is that they are rushing: closing tickets before the problem is really solved. I would check that before assuming anything.

Then I would have a private one-on-one, start by asking how they are doing and what has changed for them recently, and only then walk through two or three tickets as specific examples of what good looks like.

I would also ask myself whether we caused it: did their queue change, did a new release bring harder tickets, or are we praising speed in team targets more than quality?

We would finish with a simple plan, for example one goal for resolution quality, and a check-in every week for a month.`,
	},
	"data-analyst.json": {
		"week4-retention": `-- One row per signup week; users without events still count.
with signups as (
    select u.id,
           u.signup_at,
           date_trunc('week', u.signup_at)::date as signup_week
    from users u
    where u.signup_at >= timestamptz '2025-01-01'
      and u.signup_at < timestamptz '2026-01-01'
),
active_week4 as (
    select distinct s.id
    from signups s
    join events e on e.user_id = s.id
    where e.occurred_at >= s.signup_at + interval '21 days'
      and e.occurred_at < s.signup_at + interval '28 days'
)
select s.signup_week,
       count(distinct s.id) as signups,
       round(100.0 * count(distinct a.id) / count(distinct s.id), 1) as week4_retained_pct
from signups s
left join active_week4 a on a.id = s.id
group by s.signup_week
order by s.signup_week;
-- Assumes signup_at and occurred_at are both in UTC.`,
		"duplicate-events": `Before anything else I would look at a sample of the duplicated rows to find out whether they are true duplicates or two real actions in the same second, and check when it started and whether it comes from one client or app version.

Then I would work out the impact on what I am reporting. Retention only counts distinct users, so it does not change; anything that counts events, like events per user, would be inflated by about 3%.

Where event counts matter I would deduplicate in the query with row_number() over user_id, occurred_at and name.

I would report the bug to the data engineering team that owns the tracking pipeline so it gets fixed at the source, and I would add a short caveat in the report explaining what I found and what I assumed.`,
		"ship-memo": `Recommendation: ship the new signup page to everyone.

What we saw: out of every 100 visitors, 6 signed up with the new page against 5 with the old one, a 20% relative lift. That difference is unlikely to be chance (p = 0.03), although the true lift could plausibly be anywhere from a small gain to a large one.

What could go wrong: the test only ran for two weeks, so part of the gain may be people reacting to something new, and we have not checked whether it holds for every country and device.

What I would do next: keep 5% of visitors on the old page as a holdout for another month and monitor signups and week-4 retention on a dashboard, so we would notice quickly if the lift fades.`,
	},
}

// TestHonestAnswers checks that strong, honest answers keep their levels
// under the context rules: a mean level of at least 4 over both sets.
func TestHonestAnswers(t *testing.T) {
	files, _ := filepath.Glob("../../examples/postings/*.json")
	var n, sum, high int
	for _, file := range files {
		name := filepath.Base(file)
		p := loadPosting(t, file)
		for _, q := range openQuestions(p) {
			for set, text := range map[string]string{"strong": strongAnswers[name][q.Key].Text, "honest": honestAnswers[name][q.Key]} {
				if text == "" {
					t.Errorf("%s %s: no %s answer", name, q.Key, set)
					continue
				}
				s := Rules{}.ScoreQuestion(p, &q, Answer{Text: text})
				n++
				sum += s.Level
				if s.Confidence == ConfidenceHigh {
					high++
				}
				t.Logf("%-26s %-20s %-6s level %d, %s confidence, %v", name, q.Key, set, s.Level, s.Confidence, s.Reasons)
				if s.Level < 3 || s.Cap > 0 {
					t.Errorf("%s %s (%s): level %d, cap %d, reasons %v", name, q.Key, set, s.Level, s.Cap, s.Reasons)
				}
			}
		}
	}
	mean := float64(sum) / float64(n)
	t.Logf("honest corpus: %d answers, mean level %.2f, %d with high confidence", n, mean, high)
	if mean < 4 {
		t.Errorf("mean level of honest answers %.2f, want at least 4", mean)
	}
}
