package scoring

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/talentsystems/talentsystems/internal/posting"
)

// The gaming corpus: answers that try to earn a level with the words they
// contain rather than with what they say. They are built from each example
// posting's rubric and prompt, so a change to a posting changes the corpus,
// plus a few written by hand from issue 10. None may get an unflagged level
// 4 or 5: a gamed answer is either capped or marked low confidence with a
// reason.

// openQuestions returns the open questions (free text and tasks) of a
// posting with their items.
func openQuestions(p *posting.Posting) []posting.Question {
	var qs []posting.Question
	for _, q := range p.Questions {
		if q.Kind == posting.KindFreeText || q.Kind == posting.KindTask {
			qs = append(qs, q)
		}
	}
	return qs
}

func itemsOf(q *posting.Question) []posting.RubricItem {
	if q.Rubric != nil {
		return q.Rubric.ExpectedPoints
	}
	return q.Checklist
}

// firstPhrases returns, per item, its first phrase that the question does
// not hand the candidate (a gamer would pick those), or its first phrase.
func firstPhrases(q *posting.Question) []string {
	handed := newMatcher(handedText(q))
	var out []string
	for _, it := range itemsOf(q) {
		pick := it.Phrases[0]
		for _, ph := range it.Phrases {
			if _, ok := handed.find(ph); !ok {
				pick = ph
				break
			}
		}
		out = append(out, pick)
	}
	return out
}

func allPhrases(q *posting.Question) []string {
	var out []string
	for _, it := range itemsOf(q) {
		out = append(out, it.Phrases...)
	}
	return out
}

// gamedAnswers builds the gamed answers for one open question, keyed by
// style.
func gamedAnswers(q *posting.Question) map[string]string {
	first := firstPhrases(q)
	all := allPhrases(q)
	prompt := handedText(q)
	g := map[string]string{
		"bare list":               strings.Join(first, ", "),
		"bare list of every term": strings.Join(all, " "),
		"one term per line":       "- " + strings.Join(all, "\n- "),
		"padded list": "This is an interesting question and I have a lot of experience with it. " +
			"I would approach it carefully, as I always do in my work, and I think these are the key points:\n" +
			strings.Join(first, ", ") + "\nThank you for reading my answer, I hope it shows how I think about it.",
		"prompt copied back":     prompt,
		"prompt and a list":      prompt + "\n" + strings.Join(first, ", "),
		"phrases strung":         "We use " + strings.Join(first, " and ") + ".",
		"phrases in a template":  templated("I think that %s is important here.", first),
		"negated":                templated("We would not use %s here.", first),
		"without":                templated("It works fine without %s, so there is no need for it.", first),
		"never":                  templated("Our design never relies on %s at all.", first),
		"too short":              shortAnswer(first),
		"off topic with terms":   offTopic(first),
		"off topic, every term":  offTopic(all),
		"item texts and phrases": itemTexts(q) + "\n" + strings.Join(all, ", "),
	}
	if q.Deliverable != nil && q.Deliverable.Format == posting.DeliverableCode {
		g["terms in a comment"] = "// " + strings.Join(all, ", ") + "\n" + trivialCode(q.Deliverable.Language)
		g["terms in a block comment"] = "/*\n" + strings.Join(all, "\n") + "\n*/\n" + trivialCode(q.Deliverable.Language)
		g["terms as identifiers"] = strings.Join(all, "\n")
		g["terms as statements"] = templated("x := %s;", all)
		// The rubric's own statements typed into a code editor: prose,
		// not code.
		g["rubric item texts"] = itemTexts(q)
	}
	return g
}

func templated(format string, phrases []string) string {
	var b strings.Builder
	for _, ph := range phrases {
		fmt.Fprintf(&b, format+" ", ph)
	}
	return strings.TrimSpace(b.String())
}

// shortAnswer strings the first phrases into one sentence of about a dozen
// words, like the "12-word design answer" of issue 10.
func shortAnswer(first []string) string {
	return "Use " + strings.Join(first, ", with ") + " and that is it."
}

// offTopic hides the phrases in a story about baking bread.
func offTopic(phrases []string) string {
	story := []string{
		"On Sunday morning I baked sourdough bread with my grandmother in her small kitchen.",
		"We fed the starter the evening before and let the dough rise slowly overnight.",
		"The crust came out dark and crisp, and the whole house smelled wonderful.",
		"My grandmother always says that patience is the secret ingredient of good bread.",
	}
	var b strings.Builder
	for i, ph := range phrases {
		fmt.Fprintf(&b, "%s She told me about %s while the oven was heating. ", story[i%len(story)], ph)
	}
	return b.String()
}

// itemTexts writes the rubric's own item texts as the answer: the words a
// leaked rubric would give away.
func itemTexts(q *posting.Question) string {
	var t []string
	for _, it := range itemsOf(q) {
		t = append(t, it.Text+".")
	}
	return strings.Join(t, " ")
}

func trivialCode(lang string) string {
	if lang == "sql" {
		return "SELECT 1;"
	}
	return "package main\n\nfunc main() {}\n"
}

// handGamed are gamed answers written by hand, keyed by posting file and
// question key.
var handGamed = map[string]map[string][]string{
	"backend-engineer.json": {
		"idempotent-webhook": {
			// Issue 10: a 13-word list of the rubric's key terms, typed in 0 seconds.
			"idempotency key unique constraint transaction atomic version timestamp hmac signature queue retries",
			"Idempotency key. Unique constraint. Same transaction. State machine with version. HMAC signature. Queue with retries.",
			"I would not bother with an idempotency key or a unique constraint; there is no transaction needed, no signature check and no queue. Just process every delivery as it arrives.",
			"Key ideas: idempotent, unique index, atomic, timestamp, verify, asynchronous, dedupe, outbox, sequence number, background job.",
		},
		"incident-review": {
			"alert rollback root cause postmortem status page",
			"We had an incident. There was no alert, no rollback, no root cause analysis, no postmortem and no status page.",
		},
		"rate-limiter": {
			// Issue 10: "evicts idle keys" in a comment while the code never
			// evicts; the comment must not earn the eviction item.
			rateLimiterNoEviction,
		},
	},
	"customer-support-lead.json": {
		"outage-reply": {
			"sorry our side workaround next update account manager",
			"Sorry. Our side. In the meantime, reset. Next update. Account manager.",
		},
		"coaching-csat-drop": {
			"ticket review one-to-one rushing targets plan follow up",
		},
	},
	"data-analyst.json": {
		"duplicate-events": {
			"sample, impact, distinct, deduplicate, data engineering, caveat",
			"I would not investigate, no need to check the impact, never deduplicate and no caveat in the report.",
		},
		"ship-memo": {
			"We should ship. Lift significant. Novelty risk. Monitor holdout dashboard.",
		},
		"week4-retention": {
			"-- date_trunc('week', signup_at) LEFT JOIN interval '21 days' count(DISTINCT user_id) 100.0\nSELECT 1;",
		},
	},
}

const rateLimiterNoEviction = `package ratelimit

import (
	"sync"
	"time"
)

// Limiter is a token bucket per key. It evicts idle keys (lastSeen older
// than a minute) so memory stays bounded; cleanup runs on every call.
type Limiter struct {
	mu      sync.Mutex
	rate    float64
	burst   int
	now     func() time.Time
	tokens  map[string]float64
	updated map[string]time.Time
}

func NewLimiter(rate float64, burst int, now func() time.Time) *Limiter {
	return &Limiter{rate: rate, burst: burst, now: now, tokens: map[string]float64{}, updated: map[string]time.Time{}}
}

func (l *Limiter) Allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	t := l.now()
	tk, ok := l.tokens[key]
	if !ok {
		tk = float64(l.burst)
	} else {
		elapsed := t.Sub(l.updated[key]).Seconds()
		tk = min(float64(l.burst), tk+elapsed*l.rate)
	}
	l.updated[key] = t
	if tk < 1 {
		l.tokens[key] = tk
		return false
	}
	l.tokens[key] = tk - 1
	return true
}
`

// flagged reports whether a score is flagged for a person: low confidence
// with a reason.
func flagged(s QuestionScore) bool {
	return s.Confidence == ConfidenceLow && len(s.Reasons) > 0
}

func TestGamedAnswers(t *testing.T) {
	files, err := filepath.Glob("../../examples/postings/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no example postings: %v", err)
	}
	var n, sumLevel, unflaggedHigh, capped, low int
	perStyle := map[string][]int{}
	for _, file := range files {
		name := filepath.Base(file)
		p := loadPosting(t, file)
		for _, q := range openQuestions(p) {
			answers := gamedAnswers(&q)
			for i, text := range handGamed[name][q.Key] {
				answers[fmt.Sprintf("hand-written %d", i+1)] = text
			}
			styles := make([]string, 0, len(answers))
			for st := range answers {
				styles = append(styles, st)
			}
			sort.Strings(styles)
			for _, st := range styles {
				s := Rules{}.ScoreQuestion(p, &q, Answer{Text: answers[st]})
				n++
				sumLevel += s.Level
				perStyle[st] = append(perStyle[st], s.Level)
				if s.Cap > 0 {
					capped++
				}
				if s.Confidence == ConfidenceLow {
					low++
				}
				if s.Level >= 4 && !flagged(s) {
					unflaggedHigh++
					t.Errorf("%s %s, %s: unflagged level %d (%s), reasons %v\nanswer: %.300q", name, q.Key, st, s.Level, s.Confidence, s.Reasons, answers[st])
				}
				if s.Confidence == ConfidenceHigh && s.Level >= 2 {
					t.Errorf("%s %s, %s: level %d with high confidence, reasons %v", name, q.Key, st, s.Level, s.Reasons)
				}
			}
		}
	}
	t.Logf("gamed corpus: %d answers, mean level %.2f, %d capped, %d low confidence, %d unflagged at level 4 or 5",
		n, float64(sumLevel)/float64(n), capped, low, unflaggedHigh)
	styles := make([]string, 0, len(perStyle))
	for st := range perStyle {
		styles = append(styles, st)
	}
	sort.Strings(styles)
	for _, st := range styles {
		t.Logf("  %-26s levels %v", st, perStyle[st])
	}
	if n < 100 {
		t.Errorf("gamed corpus has only %d answers", n)
	}
}

// TestCommentDoesNotEvict is the rate limiter of issue 10: the comment says
// it evicts idle keys, the code never does.
func TestCommentDoesNotEvict(t *testing.T) {
	p := loadPosting(t, "../../examples/postings/backend-engineer.json")
	var q posting.Question
	for _, x := range p.Questions {
		if x.Key == "rate-limiter" {
			q = x
		}
	}
	s := Rules{}.ScoreQuestion(p, &q, Answer{Text: rateLimiterNoEviction})
	for _, ev := range s.Evidence {
		if strings.HasPrefix(ev.Item, "Evicts idle keys") {
			if ev.Found {
				t.Errorf("eviction found in %q: %+v", rateLimiterNoEviction[ev.Start:ev.End], ev)
			}
			if !strings.Contains(ev.Note, "only in a comment") {
				t.Errorf("eviction note = %q, want it to say the phrase is only in a comment", ev.Note)
			}
		}
	}
	if s.Level > 4 {
		t.Errorf("level %d, want at most 4 without eviction", s.Level)
	}
}

// TestExampleRubricsDoNotRewardThePrompt keeps the example postings free of
// phrases that the question itself hands the candidate: such a phrase earns
// nothing (see handedText), so it only misleads the rubric's author.
func TestExampleRubricsDoNotRewardThePrompt(t *testing.T) {
	files, _ := filepath.Glob("../../examples/postings/*.json")
	for _, file := range files {
		p := loadPosting(t, file)
		for _, q := range openQuestions(p) {
			m := newMatcher(handedText(&q))
			for _, it := range itemsOf(&q) {
				for _, ph := range it.Phrases {
					if _, ok := m.find(ph); ok {
						t.Errorf("%s %s: phrase %q of %q is in the question's own text", filepath.Base(file), q.Key, ph, it.Text)
					}
				}
			}
		}
	}
}
