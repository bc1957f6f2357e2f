package scoring

import (
	"maps"
	"path/filepath"
	"strings"
	"testing"

	"github.com/talentsystems/talentsystems/internal/posting"
)

func TestSpeedSignal(t *testing.T) {
	tests := []struct {
		name   string
		chars  int
		a      Activity
		status SignalStatus
		text   string
	}{
		{"not recorded", 1450, Activity{}, SignalUnknown, "unknown"},
		{"zero seconds", 1450, Activity{Recorded: true}, SignalRaised, "written in 0 seconds for 1,450 characters: implausibly short"},
		{"pasted in 20 seconds", 1450, Activity{Recorded: true, Seconds: 20}, SignalRaised, "written in 20 seconds for 1,450 characters"},
		{"typed in five minutes", 1450, Activity{Recorded: true, Seconds: 300}, SignalClear, "written in 5 min for 1,450 characters"},
		{"short answer, fast", 40, Activity{Recorded: true, Seconds: 1}, SignalClear, "written in 1 second for 40 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := SpeedSignal(tt.chars, tt.a)
			if s.Kind != SignalSpeed || s.Status != tt.status || !strings.Contains(s.Text, tt.text) {
				t.Errorf("got %+v, want %s with %q", s, tt.status, tt.text)
			}
		})
	}
}

func TestPasteAndFocusSignals(t *testing.T) {
	if s := PasteSignal(500, Activity{}); s.Status != SignalUnknown {
		t.Errorf("paste not recorded = %+v", s)
	}
	if s := PasteSignal(500, Activity{Recorded: true, Pastes: []int{300, 100}}); s.Status != SignalRaised || s.Value != 0.8 || !strings.Contains(s.Text, "pasted 400 characters in 2 pastes, 80 %") {
		t.Errorf("paste = %+v", s)
	}
	if s := PasteSignal(500, Activity{Recorded: true, Pastes: []int{30}}); s.Status != SignalClear {
		t.Errorf("small paste = %+v", s)
	}
	if s := FocusSignal(Activity{}); s.Status != SignalUnknown {
		t.Errorf("focus not recorded = %+v", s)
	}
	if s := FocusSignal(Activity{Recorded: true, FocusLost: []float64{200, 180}}); s.Status != SignalRaised || s.Value != 380 || !strings.Contains(s.Text, "left the page 2 times for 6 min 20 s in total") {
		t.Errorf("focus = %+v", s)
	}
	if s := FocusSignal(Activity{Recorded: true, FocusLost: []float64{5}}); s.Status != SignalClear {
		t.Errorf("short focus loss = %+v", s)
	}
}

func TestDensitySignal(t *testing.T) {
	p := loadPosting(t, "../../examples/postings/backend-engineer.json")
	q := questionOf(t, p, "idempotent-webhook")
	if s := DensitySignal(p, &q, strongAnswers["backend-engineer.json"]["idempotent-webhook"].Text); s.Status != SignalClear {
		t.Errorf("strong answer: %+v", s)
	}
	s := DensitySignal(p, &q, "idempotency key unique constraint transaction atomic version timestamp hmac signature queue retries")
	if s.Status != SignalRaised || !strings.Contains(s.Text, "mostly rubric terms") {
		t.Errorf("keyword list: %+v", s)
	}
}

func questionOf(t *testing.T, p *posting.Posting, key string) posting.Question {
	t.Helper()
	for _, q := range p.Questions {
		if q.Key == key {
			return q
		}
	}
	t.Fatalf("no question %s", key)
	return posting.Question{}
}

// TestDuplicates checks the near-duplicate signal on the example postings:
// the same answer from two candidates, and a copy with a few words changed,
// are raised; two independent strong answers to the same question are not.
func TestDuplicates(t *testing.T) {
	files, _ := filepath.Glob("../../examples/postings/*.json")
	var copies, edited, different []float64
	for _, file := range files {
		name := filepath.Base(file)
		p := loadPosting(t, file)
		for _, q := range openQuestions(p) {
			a, b := strongAnswers[name][q.Key].Text, honestAnswers[name][q.Key]
			if a == "" || b == "" {
				continue
			}
			prompt := PromptOf(&q)
			same := DuplicateSignal(a, prompt, map[string]string{"cand-2": b, "cand-3": a})
			if same.Status != SignalRaised || same.Other != "cand-3" || same.Value != 1 {
				t.Errorf("%s: identical answers: %+v", q.Key, same)
			}
			copies = append(copies, same.Value)
			ed := lightlyEdited(a)
			sim := Similarity(a, ed, prompt)
			edited = append(edited, sim)
			if s := DuplicateSignal(ed, prompt, map[string]string{"cand-1": a}); s.Status != SignalRaised {
				t.Errorf("%s: lightly edited copy: %+v", q.Key, s)
			}
			diff := DuplicateSignal(a, prompt, map[string]string{"cand-2": b})
			different = append(different, diff.Value)
			if diff.Status != SignalClear || diff.Other != "" {
				t.Errorf("%s: independent answers: %+v", q.Key, diff)
			}
		}
	}
	t.Logf("similarity: identical %v; lightly edited %.2f; independent strong answers %.2f (threshold %.2f)",
		copies, edited, different, NearDuplicate)
	if len(different) < 8 {
		t.Errorf("compared only %d questions", len(different))
	}
	for _, sim := range edited {
		if sim < NearDuplicate {
			t.Errorf("lightly edited copy only %.2f alike", sim)
		}
	}
	if s := DuplicateSignal("Use a queue.", "", map[string]string{"x": "Use a queue."}); s.Status != SignalClear {
		t.Errorf("short answers: %+v", s)
	}
	t.Run("prompt quoted by both", func(t *testing.T) {
		prompt := "Describe a production incident you were involved in: what happened, how it was detected, how you and the team mitigated it, and what changed afterwards."
		a := prompt + " Our database ran out of disk space during the night and we added an alert on free space."
		b := prompt + " A bad deploy broke the login page; we rolled back within ten minutes and added a smoke test."
		if sim := Similarity(a, b, prompt); sim > 0.1 {
			t.Errorf("similarity %.2f of answers that only share the prompt", sim)
		}
	})
}

// lightlyEdited changes a copy the way a candidate hides it: a few words
// swapped for synonyms and the first letter.
func lightlyEdited(s string) string {
	for _, r := range [][2]string{{" the ", " that "}, {" and ", " & "}, {" we ", " our team "}, {" I ", " we "}, {" is ", " was "}} {
		s = strings.Replace(s, r[0], r[1], 1)
	}
	return "So, " + strings.ToLower(s[:1]) + s[1:]
}

func TestNeedsReviewAndCappedRecommendation(t *testing.T) {
	p := loadPosting(t, "../../examples/postings/backend-engineer.json")
	answers := map[string]Answer{}
	for k, a := range strongAnswers["backend-engineer.json"] {
		answers[k] = a
	}
	t.Run("strong answers", func(t *testing.T) {
		r := Rollup(p, ScoreAll(Rules{}, p, answers), nil)
		if r.NeedsReview || len(r.PendingReview) != 0 {
			t.Errorf("strong answers need review: %v", r.PendingReview)
		}
		if rec, why := CappedRecommendation(r); rec != r.Recommendation || why != "" {
			t.Errorf("capped = %s %q, want %s", rec, why, r.Recommendation)
		}
	})
	t.Run("one keyword list among strong answers", func(t *testing.T) {
		answers := maps.Clone(answers)
		answers["idempotent-webhook"] = Answer{Text: "idempotency key unique constraint transaction atomic version timestamp hmac signature queue retries"}
		r := Rollup(p, ScoreAll(Rules{}, p, answers), nil)
		rec, why := CappedRecommendation(r)
		t.Logf("one keyword list: overall %.1f, recommendation %s, capped %s (%s)", r.Overall, r.Recommendation, rec, why)
		if r.Recommendation != posting.RecommendYes && r.Recommendation != posting.RecommendStrongYes {
			t.Fatalf("recommendation %s; the case needs a yes to cap", r.Recommendation)
		}
		if rec != posting.RecommendNo || !strings.Contains(why, "an open answer awaits review") {
			t.Errorf("capped = %s %q, want no", rec, why)
		}
	})
	// Issue 10: the multiple-choice and numeric answers are right, and the
	// open answers are keyword lists.
	answers["idempotent-webhook"] = Answer{Text: "idempotency key unique constraint transaction atomic version timestamp hmac signature queue retries"}
	answers["incident-review"] = Answer{Text: "alert rollback root cause postmortem status page"}
	r := Rollup(p, ScoreAll(Rules{}, p, answers), nil)
	if !r.NeedsReview || strings.Join(r.PendingReview, ",") != "idempotent-webhook,incident-review" {
		t.Fatalf("needs review %v, pending %v", r.NeedsReview, r.PendingReview)
	}
	rec, why := CappedRecommendation(r)
	t.Logf("keyword lists: overall %.1f, recommendation %s, capped %s (%s)", r.Overall, r.Recommendation, rec, why)
	if rec == posting.RecommendYes || rec == posting.RecommendStrongYes {
		t.Errorf("capped recommendation %s", rec)
	}
	if (r.Recommendation == posting.RecommendYes || r.Recommendation == posting.RecommendStrongYes) && !strings.Contains(why, "2 open answers await review") {
		t.Errorf("reason = %q", why)
	}

	// A person reviews both: the cap is lifted.
	o := Override{Level: 2, Note: "Only a list of terms.", By: "rita@example.com"}
	r = Rollup(p, r.Questions, map[string]Override{"idempotent-webhook": o, "incident-review": o})
	if r.NeedsReview || r.PendingReview != nil {
		t.Errorf("after review: %v %v", r.NeedsReview, r.PendingReview)
	}
	if rec, why := CappedRecommendation(r); rec != r.Recommendation || why != "" {
		t.Errorf("after review capped = %s %q", rec, why)
	}
}

// TestDuplicateWords says how many answers were compared in plain words.
func TestDuplicateWords(t *testing.T) {
	text := "I would store each event id under a unique constraint and apply the state change in the same transaction, then acknowledge."
	other := "We keep a table of payments and update the status whenever the provider tells us something new about one of them."
	for _, c := range []struct {
		others map[string]string
		want   string
	}{
		{nil, "no other candidate's answer to compare with yet"},
		{map[string]string{"a": other}, "compared with 1 other answer: "},
		{map[string]string{"a": other, "b": other}, "compared with 2 other answers: at most "},
	} {
		if got := DuplicateSignal(text, "", c.others).Text; !strings.HasPrefix(got, c.want) {
			t.Errorf("with %d others: %q, want %q…", len(c.others), got, c.want)
		}
	}
}
