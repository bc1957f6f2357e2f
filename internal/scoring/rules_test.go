package scoring

import (
	"math"
	"strings"
	"testing"

	"github.com/talentsystems/talentsystems/internal/posting"
)

func num(f float64) *float64 { return &f }

// add adds at run time, with floating-point rounding (constants are exact).
func add(a, b float64) float64 { return a + b }

func item(text string, weight float64, phrases ...string) posting.RubricItem {
	return posting.RubricItem{Text: text, Weight: weight, Phrases: phrases}
}

func freeText(items ...posting.RubricItem) posting.Question {
	return posting.Question{Key: "ft", Section: posting.SectionInterview, Competency: "c", Kind: posting.KindFreeText,
		Weight: 1, Prompt: "?", MaxChars: 5000, Rubric: &posting.Rubric{ExpectedPoints: items}}
}

func choice(multiple bool, credit posting.PartialCredit, correct ...string) posting.Question {
	q := posting.Question{Key: "mc", Section: posting.SectionInterview, Competency: "c", Kind: posting.KindMultipleChoice,
		Weight: 1, Prompt: "?", Multiple: multiple, PartialCredit: credit}
	for _, k := range []string{"a", "b", "c", "d"} {
		q.Options = append(q.Options, posting.Option{Key: k, Text: "Option " + k, Correct: strings.Contains(strings.Join(correct, ","), k)})
	}
	return q
}

func numeric(answer, tolerance float64) posting.Question {
	return posting.Question{Key: "n", Section: posting.SectionInterview, Competency: "c", Kind: posting.KindNumeric,
		Weight: 1, Prompt: "?", Answer: &answer, Tolerance: tolerance, Unit: "ms"}
}

func TestLevelFor(t *testing.T) {
	tests := []struct {
		fraction float64
		want     int
	}{
		{0, 1}, {0.12, 1}, {0.125, 2}, {0.25, 2}, {1.0 / 3, 2}, {0.37, 2}, {3.0 / 8, 3}, {0.5, 3},
		{0.6, 3}, {0.625, 4}, {2.0 / 3, 4}, {0.75, 4}, {0.85, 4}, {7.0 / 8, 5}, {1, 5},
		{-0.5, 1}, {1.5, 5}, {math.NaN(), 1}, {math.Inf(1), 5}, {math.Inf(-1), 1},
		// A half computed with a rounding error still rounds up.
		{0.375 - 1e-15, 3}, {0.125 - 1e-15, 2},
	}
	for _, tt := range tests {
		if got := LevelFor(tt.fraction); got != tt.want {
			t.Errorf("LevelFor(%v) = %d, want %d", tt.fraction, got, tt.want)
		}
	}
}

func TestPointsAndLabels(t *testing.T) {
	want := map[int]float64{0: 0, 1: 0, 2: 25, 3: 50, 4: 75, 5: 100, 6: 100}
	for level, p := range want {
		if got := Points(level); got != p {
			t.Errorf("Points(%d) = %v, want %v", level, got, p)
		}
	}
	labels := []string{"", "Not demonstrated", "Limited", "Adequate", "Strong", "Exceptional", ""}
	for level, l := range labels {
		if got := LevelLabel(level); got != l {
			t.Errorf("LevelLabel(%d) = %q, want %q", level, got, l)
		}
	}
}

// check compares the parts of a score that every kind's test looks at.
func check(t *testing.T, s QuestionScore, answered bool, fraction float64, level int) {
	t.Helper()
	if s.Answered != answered || math.Abs(s.Fraction-fraction) > 1e-12 || s.Level != level {
		t.Errorf("answered, fraction, level = %v, %v, %d; want %v, %v, %d", s.Answered, s.Fraction, s.Level, answered, fraction, level)
	}
	if s.OriginalLevel != s.Level || s.Points != Points(s.Level) || s.Scorer != RulesName || s.Overridden || s.Evidence == nil {
		t.Errorf("inconsistent score: %+v", s)
	}
}

func TestFreeText(t *testing.T) {
	q := freeText(
		item("Deduplicates", 3, "idempotency key", "deduplicate", "unique constraint"),
		item("Verifies signatures", 1, "signature", "hmac"),
	)
	tests := []struct {
		name     string
		answer   string
		fraction float64
		level    int
		found    []string // the matched text per item, "" when not found
	}{
		{"unanswered", "", 0, 1, []string{"", ""}},
		{"blank", "  \n\t ", 0, 1, []string{"", ""}},
		{"no match", "I would write good code.", 0, 1, []string{"", ""}},
		{"all points", "Deduplicated by event id before anything else, and then we verify the HMAC of the payload, so that a forged call is rejected and a repeated one changes nothing at all.", 1, 5, []string{"Deduplicated", "HMAC"}},
		{"heavy point only", "We add a UNIQUE constraint on the event id, so the second insert of the same delivery fails and we know that the event was handled before.", 0.75, 4, []string{"UNIQUE constraint", ""}},
		{"light point only", "Check the signature first.", 0.25, 2, []string{"", "signature"}},
		{"synonym", "We store the idempotency-key of every delivery in a table, so that a repeated delivery is recognised and skipped without further work.", 0.75, 4, []string{"idempotency-key", ""}},
		{"stemming", "We keep deduplicating events as they arrive, and we check signatures on every request before the payload is trusted or stored, because anyone on the internet can call the endpoint.", 1, 5, []string{"deduplicating", "signatures"}},
		{"accents and case", "We always DÉDUPLICATE the deliveries and check the SIGNATURE of each one before we trust it, because the provider retries and anyone could forge a call to the public endpoint.", 1, 5, []string{"DÉDUPLICATE", "SIGNATURE"}},
		{"earliest phrase wins", "We check the hmac first and then the signature header.", 0.25, 2, []string{"", "hmac"}},
		// Rules v2: phrases count only in sentences, not negated, and the
		// level must be earned by the length of the answer.
		{"bare list", "DÉDUPLICATE, SIGNATURE", 0, 1, []string{"", ""}},
		{"negated", "We would not deduplicate anything, and there is no signature check at all in our handler.", 0, 1, []string{"", ""}},
		{"too short for level 5", "We deduplicate events and check signatures.", 1, 2, []string{"deduplicate", "signatures"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Rules{}.ScoreQuestion(nil, &q, Answer{Text: tt.answer})
			check(t, s, strings.TrimSpace(tt.answer) != "", tt.fraction, tt.level)
			if len(s.Evidence) != 2 {
				t.Fatalf("evidence = %+v, want one per expected point", s.Evidence)
			}
			for i, ev := range s.Evidence {
				if ev.Item != q.Rubric.ExpectedPoints[i].Text || ev.Weight != q.Rubric.ExpectedPoints[i].Weight {
					t.Errorf("evidence %d = %+v, want item %q", i, ev, q.Rubric.ExpectedPoints[i].Text)
				}
				got := ""
				if ev.Found {
					got = tt.answer[ev.Start:ev.End]
					if ev.Phrase == "" || ev.Snippet == "" || !strings.Contains(ev.Snippet, got) {
						t.Errorf("evidence %d = %+v: want phrase and a snippet containing %q", i, ev, got)
					}
				} else if ev.Start != -1 || ev.End != -1 || ev.Phrase != "" || ev.Snippet != "" {
					t.Errorf("evidence %d = %+v: not found should have no match", i, ev)
				}
				if got != tt.found[i] {
					t.Errorf("evidence %d matched %q, want %q", i, got, tt.found[i])
				}
			}
		})
	}
}

func TestFreeTextLimits(t *testing.T) {
	q := freeText(item("Queue", 1, "queue"))
	q.MaxChars = 20
	t.Run("text past the limit is not scored", func(t *testing.T) {
		s := Rules{}.ScoreQuestion(nil, &q, Answer{Text: strings.Repeat("é", 20) + " queue"})
		check(t, s, true, 0, 1)
		if !strings.Contains(s.Note, "first 20 characters") {
			t.Errorf("note = %q, want it to say the answer was cut", s.Note)
		}
	})
	t.Run("within the limit", func(t *testing.T) {
		// Full credit, but four words cannot earn more than level 2.
		s := Rules{}.ScoreQuestion(nil, &q, Answer{Text: "We use a queue."})
		check(t, s, true, 1, 2)
		if s.Note != "" {
			t.Errorf("note = %q, want none", s.Note)
		}
	})
	t.Run("no rubric", func(t *testing.T) {
		q := q
		q.Rubric = nil
		s := Rules{}.ScoreQuestion(nil, &q, Answer{Text: "queue"})
		check(t, s, true, 0, 1)
		if !strings.Contains(s.Note, "score it by hand") {
			t.Errorf("note = %q", s.Note)
		}
	})
	t.Run("unset weights count as 1", func(t *testing.T) {
		q := freeText(item("A", 0, "alpha"), item("B", 0, "beta"))
		s := Rules{}.ScoreQuestion(nil, &q, Answer{Text: "We start with alpha and see how it goes from there."})
		check(t, s, true, 0.5, 3)
	})
}

func TestTask(t *testing.T) {
	q := posting.Question{Key: "t", Section: posting.SectionPractical, Competency: "c", Kind: posting.KindTask, Weight: 2,
		Brief: "Do it", Deliverable: &posting.Deliverable{Format: posting.DeliverableCode, MaxChars: 10000},
		Checklist: []posting.RubricItem{
			item("Sets the Content-Type header", 1, "Content-Type", "application/json"),
			item("Tests with httptest", 1, "httptest"),
			item("Uses a mutex", 2, "sync.Mutex", "mu.Lock"),
		}}
	code := "func h(w http.ResponseWriter, r *http.Request) {\n\tw.Header().Set(\"content-type\", \"application/json\")\n}\n"
	tests := []struct {
		name     string
		answer   Answer
		answered bool
		fraction float64
		level    int
		note     string
	}{
		{"unanswered", Answer{}, false, 0, 1, ""},
		{"partial", Answer{Text: code}, true, 0.25, 2, ""},
		{"complete", Answer{Text: code + testCode}, true, 1, 5, ""},
		// Rules v2: a comment earns nothing.
		{"httptest only in a comment", Answer{Text: code + "var mu sync.Mutex\n// uses net/http/httptest\n"}, true, 0.75, 3, ""},
		{"file only", Answer{FileName: "memo.pdf"}, true, 0, 1, `"memo.pdf" is not scored automatically`},
		{"text and file", Answer{Text: code, FileName: "chart.png"}, true, 0.25, 2, `"chart.png"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Rules{}.ScoreQuestion(nil, &q, tt.answer)
			check(t, s, tt.answered, tt.fraction, tt.level)
			if s.Weight != 2 || s.Kind != posting.KindTask || s.Section != posting.SectionPractical {
				t.Errorf("question fields not copied: %+v", s)
			}
			if len(s.Evidence) != 3 {
				t.Fatalf("evidence = %+v, want one per checklist item", s.Evidence)
			}
			if tt.note == "" && s.Note != "" || !strings.Contains(s.Note, tt.note) {
				t.Errorf("note = %q, want %q", s.Note, tt.note)
			}
			if s.Evidence[0].Found && tt.answer.Text[s.Evidence[0].Start:s.Evidence[0].End] != "content-type" {
				t.Errorf("evidence 0 = %+v", s.Evidence[0])
			}
		})
	}
}

// testCode completes the handler of TestTask with a test, long enough for
// level 5.
const testCode = `
var mu sync.Mutex

func TestHandler(t *testing.T) {
	mu.Lock()
	defer mu.Unlock()
	rec := httptest.NewRecorder()
	h(rec, httptest.NewRequest(http.MethodGet, "/status", nil))
	if got := rec.Header().Get("Content-Type"); got != "application/json" {
		t.Fatalf("content type = %q, want JSON", got)
	}
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d", rec.Code)
	}
}
`

func TestMultipleChoice(t *testing.T) {
	single := choice(false, posting.PartialCreditNone, "b")
	exact := choice(true, posting.PartialCreditNone, "a", "c")
	prop := choice(true, posting.PartialCreditProportional, "a", "b", "c")
	tests := []struct {
		name     string
		q        posting.Question
		choices  []string
		answered bool
		fraction float64
		level    int
		notes    []string // evidence notes in order
	}{
		{"single correct", single, []string{"b"}, true, 1, 5, []string{"correct option, chosen"}},
		{"single wrong", single, []string{"a"}, true, 0, 1, []string{"incorrect option, chosen", "correct option, not chosen"}},
		{"single with two choices", single, []string{"a", "b"}, true, 0, 1, []string{"incorrect option, chosen", "correct option, chosen"}},
		{"single repeated choice", single, []string{"b", "b"}, true, 1, 5, []string{"correct option, chosen"}},
		{"single unanswered", single, nil, false, 0, 1, []string{"correct option, not chosen"}},
		{"single unknown key", single, []string{"zz"}, true, 0, 1, []string{"correct option, not chosen", "not an option of this question; counts as an incorrect choice"}},
		{"exact set", exact, []string{"c", "a"}, true, 1, 5, []string{"correct option, chosen", "correct option, chosen"}},
		{"exact subset", exact, []string{"a"}, true, 0, 1, []string{"correct option, chosen", "correct option, not chosen"}},
		{"exact superset", exact, []string{"a", "b", "c"}, true, 0, 1, []string{"correct option, chosen", "incorrect option, chosen", "correct option, chosen"}},
		{"exact with unknown key", exact, []string{"a", "c", "e"}, true, 0, 1, nil},
		{"proportional all", prop, []string{"a", "b", "c"}, true, 1, 5, nil},
		{"proportional two of three", prop, []string{"a", "b"}, true, 2.0 / 3, 4, nil},
		{"proportional one of three", prop, []string{"c"}, true, 1.0 / 3, 2, nil},
		{"proportional with a wrong one", prop, []string{"a", "b", "d"}, true, 1.0 / 3, 2, nil},
		{"proportional everything", prop, []string{"a", "b", "c", "d"}, true, 2.0 / 3, 4, nil},
		{"proportional floored at zero", prop, []string{"a", "d", "x", "y"}, true, 0, 1, nil},
		{"proportional only wrong", prop, []string{"d"}, true, 0, 1, nil},
		{"proportional unknown keys", prop, []string{"a", "b", "c", "nope"}, true, 2.0 / 3, 4, nil},
		{"proportional unanswered", prop, []string{}, false, 0, 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Rules{}.ScoreQuestion(nil, &tt.q, Answer{Choices: tt.choices})
			check(t, s, tt.answered, tt.fraction, tt.level)
			if tt.notes != nil {
				var notes []string
				for _, ev := range s.Evidence {
					notes = append(notes, ev.Note)
					if ev.Start != -1 || ev.End != -1 || ev.Found != strings.HasPrefix(ev.Note, "correct option, chosen") {
						t.Errorf("evidence %+v", ev)
					}
				}
				if strings.Join(notes, "|") != strings.Join(tt.notes, "|") {
					t.Errorf("evidence notes = %q, want %q", notes, tt.notes)
				}
			}
		})
	}
	t.Run("unknown keys are listed sorted", func(t *testing.T) {
		s := Rules{}.ScoreQuestion(nil, &single, Answer{Choices: []string{"z", "y", "z"}})
		n := len(s.Evidence)
		if n != 3 || s.Evidence[n-2].Phrase != "y" || s.Evidence[n-1].Phrase != "z" {
			t.Errorf("evidence = %+v", s.Evidence)
		}
	})
	t.Run("no correct option", func(t *testing.T) {
		q := choice(false, posting.PartialCreditNone)
		s := Rules{}.ScoreQuestion(nil, &q, Answer{Choices: []string{"a"}})
		check(t, s, true, 0, 1)
		if !strings.Contains(s.Note, "no correct option") {
			t.Errorf("note = %q", s.Note)
		}
	})
}

func TestNumeric(t *testing.T) {
	tests := []struct {
		name     string
		q        posting.Question
		given    *float64
		answered bool
		correct  bool
		note     string
	}{
		{"exact", numeric(30, 0), num(30), true, true, "answered 30 ms, correct"},
		{"exact miss", numeric(30, 0), num(31), true, false, "answered 31 ms, off by 1"},
		{"tiny float error", numeric(0.3, 0), num(add(0.1, 0.2)), true, true, "within tolerance"},
		{"within tolerance", numeric(88.2, 0.1), num(88.25), true, true, "answered 88.25 ms, within tolerance"},
		{"upper edge", numeric(88.2, 0.1), num(88.3), true, true, "within tolerance"},
		{"lower edge", numeric(88.2, 0.1), num(88.1), true, true, "within tolerance"},
		{"just outside", numeric(88.2, 0.1), num(88.31), true, false, "off by 0.11"},
		{"just outside below", numeric(88.2, 0.1), num(88.09), true, false, "off by 0.11"},
		{"negative", numeric(-5, 0.5), num(-5.5), true, true, "within tolerance"},
		{"negative wrong sign", numeric(-5, 0.5), num(5), true, false, "off by 10"},
		{"zero", numeric(0, 0), num(0), true, true, "correct"},
		{"large", numeric(1e12, 0), num(1e12 + 1), true, true, "within tolerance"},
		{"large miss", numeric(1e12, 0), num(1e12 + 10000), true, false, "off by 10000"},
		{"NaN", numeric(1, 1), num(math.NaN()), true, false, "answered NaN ms"},
		{"infinity", numeric(1, 1), num(math.Inf(1)), true, false, "answered +Inf ms"},
		{"unanswered", numeric(30, 0), nil, false, false, "not answered"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Rules{}.ScoreQuestion(nil, &tt.q, Answer{Number: tt.given})
			fraction, level := 0.0, 1
			if tt.correct {
				fraction, level = 1, 5
			}
			check(t, s, tt.answered, fraction, level)
			if len(s.Evidence) != 1 {
				t.Fatalf("evidence = %+v", s.Evidence)
			}
			ev := s.Evidence[0]
			if ev.Found != tt.correct || !strings.Contains(ev.Note, tt.note) || ev.Start != -1 {
				t.Errorf("evidence = %+v, want found %v and note containing %q", ev, tt.correct, tt.note)
			}
		})
	}
	t.Run("item text", func(t *testing.T) {
		q := numeric(88.2, 0.1)
		if got := (Rules{}).ScoreQuestion(nil, &q, Answer{}).Evidence[0].Item; got != "expected 88.2 ± 0.1 ms" {
			t.Errorf("item = %q", got)
		}
	})
	t.Run("no expected answer", func(t *testing.T) {
		q := numeric(1, 0)
		q.Answer = nil
		s := Rules{}.ScoreQuestion(nil, &q, Answer{Number: num(1)})
		check(t, s, true, 0, 1)
		if !strings.Contains(s.Note, "no expected answer") {
			t.Errorf("note = %q", s.Note)
		}
	})
}

func TestUnknownKind(t *testing.T) {
	q := posting.Question{Key: "x", Kind: "essay"}
	s := Rules{}.ScoreQuestion(nil, &q, Answer{Text: "hello"})
	check(t, s, false, 0, 1)
	if !strings.Contains(s.Note, "essay") {
		t.Errorf("note = %q", s.Note)
	}
}

func TestScoreAllOrder(t *testing.T) {
	p := &posting.Posting{
		AssessmentType: posting.AssessmentBoth,
		Competencies:   []posting.Competency{{Key: "c", Name: "C"}},
		Questions: []posting.Question{
			{Key: "p1", Section: posting.SectionPractical, Competency: "c", Kind: posting.KindNumeric, Answer: num(1)},
			{Key: "i1", Section: posting.SectionInterview, Competency: "c", Kind: posting.KindNumeric, Answer: num(1)},
			{Key: "p2", Section: posting.SectionPractical, Competency: "c", Kind: posting.KindNumeric, Answer: num(1)},
			{Key: "i2", Section: posting.SectionInterview, Competency: "c", Kind: posting.KindNumeric, Answer: num(1)},
		},
	}
	keys := func(qs []QuestionScore) string {
		var k []string
		for _, q := range qs {
			k = append(k, q.Key)
		}
		return strings.Join(k, ",")
	}
	answers := map[string]Answer{"p2": {Number: num(1)}, "i1": {Number: num(2)}}
	for _, tt := range []struct {
		typ  posting.AssessmentType
		want string
	}{
		{posting.AssessmentBoth, "i1,i2,p1,p2"},
		{posting.AssessmentInterview, "i1,i2"},
		{posting.AssessmentPractical, "p1,p2"},
		{"", ""},
	} {
		t.Run(string(tt.typ), func(t *testing.T) {
			p.AssessmentType = tt.typ
			qs := ScoreAll(Rules{}, p, answers)
			if got := keys(qs); got != tt.want {
				t.Errorf("ScoreAll order = %q, want %q", got, tt.want)
			}
			for _, q := range qs {
				want := 1
				if q.Key == "p2" {
					want = 5
				}
				if q.Level != want {
					t.Errorf("%s: level %d", q.Key, q.Level)
				}
			}
		})
	}
}
