package scoring

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/posting"
)

// rollupPosting has competencies A (weight 3, two interview questions of
// weights 1 and 3), B (weight 1, one interview question and one practical
// question) and C (weight 2, only a practical question).
func rollupPosting(typ posting.AssessmentType) *posting.Posting {
	q := func(key string, s posting.Section, c string, w float64) posting.Question {
		return posting.Question{Key: key, Section: s, Competency: c, Kind: posting.KindNumeric, Weight: w, Answer: num(1)}
	}
	return &posting.Posting{
		AssessmentType: typ,
		Thresholds:     posting.DefaultThresholds(),
		Competencies: []posting.Competency{
			{Key: "a", Name: "A", Weight: 3},
			{Key: "b", Name: "B", Weight: 1},
			{Key: "c", Name: "C", Weight: 2},
		},
		Questions: []posting.Question{
			q("a1", posting.SectionInterview, "a", 1),
			q("c1", posting.SectionPractical, "c", 1),
			q("a2", posting.SectionInterview, "a", 3),
			q("b1", posting.SectionInterview, "b", 1),
			q("b2", posting.SectionPractical, "b", 1),
		},
	}
}

// scores returns automatic question scores with the given levels.
func scores(levels map[string]int) []QuestionScore {
	var qs []QuestionScore
	for _, key := range []string{"a1", "a2", "b1", "b2", "c1"} {
		if l, ok := levels[key]; ok {
			qs = append(qs, QuestionScore{Key: key, Answered: true, Level: l, OriginalLevel: l, Points: Points(l), Scorer: "test"})
		}
	}
	return qs
}

func competencies(r Result) map[string]float64 {
	m := map[string]float64{}
	for _, c := range r.Competencies {
		m[c.Key] = c.Score
	}
	return m
}

func TestRollup(t *testing.T) {
	tests := []struct {
		name    string
		typ     posting.AssessmentType
		levels  map[string]int
		comps   map[string]float64
		overall float64
		rec     posting.Recommendation
		keys    string
	}{
		{
			name: "weighted means", typ: posting.AssessmentBoth,
			// A = (1×0 + 3×100)/4 = 75; B = (50 + 100)/2 = 75; C = 25;
			// overall = (3×75 + 1×75 + 2×25)/6 = 58.33…
			levels: map[string]int{"a1": 1, "a2": 5, "b1": 3, "b2": 5, "c1": 2},
			comps:  map[string]float64{"a": 75, "b": 75, "c": 25}, overall: 58.3, rec: posting.RecommendNo,
			keys: "a1,a2,b1,c1,b2",
		},
		{
			name: "practical section disabled", typ: posting.AssessmentInterview,
			// C has no interview question and is left out; B counts b1 only;
			// overall = (3×75 + 1×50)/4 = 68.75.
			levels: map[string]int{"a1": 1, "a2": 5, "b1": 3, "b2": 5, "c1": 2},
			comps:  map[string]float64{"a": 75, "b": 50}, overall: 68.8, rec: posting.RecommendNo,
			keys: "a1,a2,b1",
		},
		{
			name: "interview section disabled", typ: posting.AssessmentPractical,
			// B = 100 (b2), C = 25; overall = (1×100 + 2×25)/3 = 50.
			levels: map[string]int{"a1": 5, "a2": 5, "b1": 1, "b2": 5, "c1": 2},
			comps:  map[string]float64{"b": 100, "c": 25}, overall: 50, rec: posting.RecommendNo,
			keys: "c1,b2",
		},
		{
			name: "missing scores count as unanswered", typ: posting.AssessmentBoth,
			levels: map[string]int{"a2": 5, "b1": 5, "b2": 5},
			comps:  map[string]float64{"a": 75, "b": 100, "c": 0}, overall: 54.2, rec: posting.RecommendNo,
			keys: "a1,a2,b1,c1,b2",
		},
		{
			name: "all top", typ: posting.AssessmentBoth,
			levels: map[string]int{"a1": 5, "a2": 5, "b1": 5, "b2": 5, "c1": 5},
			comps:  map[string]float64{"a": 100, "b": 100, "c": 100}, overall: 100, rec: posting.RecommendStrongYes,
			keys: "a1,a2,b1,c1,b2",
		},
		{
			name: "nothing", typ: posting.AssessmentBoth, levels: map[string]int{},
			comps: map[string]float64{"a": 0, "b": 0, "c": 0}, overall: 0, rec: posting.RecommendStrongNo,
			keys: "a1,a2,b1,c1,b2",
		},
		{
			name: "no sections", typ: "", levels: map[string]int{"a1": 5},
			comps: map[string]float64{}, overall: 0, rec: posting.RecommendStrongNo,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := rollupPosting(tt.typ)
			r := Rollup(p, scores(tt.levels), nil)
			if got := competencies(r); !reflect.DeepEqual(got, tt.comps) {
				t.Errorf("competencies = %v, want %v", got, tt.comps)
			}
			if r.Overall != tt.overall || r.Recommendation != tt.rec {
				t.Errorf("overall, recommendation = %v, %s; want %v, %s", r.Overall, r.Recommendation, tt.overall, tt.rec)
			}
			var keys []string
			for _, q := range r.Questions {
				keys = append(keys, q.Key)
				if q.Points != Points(q.Level) || q.Overridden || q.OriginalLevel != q.Level {
					t.Errorf("question %+v", q)
				}
				if _, ok := tt.levels[q.Key]; !ok && (q.Answered || q.Level != 1 || q.Note == "") {
					t.Errorf("unscored question %+v, want unanswered with a note", q)
				}
			}
			if got := strings.Join(keys, ","); got != tt.keys {
				t.Errorf("questions = %s, want %s", got, tt.keys)
			}
			// Competencies come in posting order with their weights and
			// question counts.
			last := -1
			for _, c := range r.Competencies {
				i := strings.Index("abc", c.Key)
				want := p.Competencies[i]
				if i <= last || c.Name != want.Name || c.Weight != want.Weight || c.Questions == 0 {
					t.Errorf("competency %+v out of order or wrong", c)
				}
				last = i
			}
		})
	}
}

func TestRollupIgnoresForeignScores(t *testing.T) {
	p := rollupPosting(posting.AssessmentInterview)
	qs := append(scores(map[string]int{"a1": 5, "a2": 5, "b1": 5}),
		QuestionScore{Key: "zz", Level: 1},                   // not in the posting
		QuestionScore{Key: "a1", Level: 1, OriginalLevel: 1}, // duplicate: the first wins
		QuestionScore{Key: "c1", Level: 5, OriginalLevel: 5}, // disabled section
	)
	r := Rollup(p, qs, nil)
	if r.Overall != 100 || len(r.Questions) != 3 {
		t.Errorf("Rollup = %+v", r)
	}
}

func TestRollupWeightsFromPosting(t *testing.T) {
	p := rollupPosting(posting.AssessmentInterview)
	qs := scores(map[string]int{"a1": 5, "a2": 1, "b1": 1})
	qs[0].Weight = 1000 // a stale or wrong weight in a stored score is not used
	r := Rollup(p, qs, nil)
	if got := competencies(r)["a"]; got != 25 {
		t.Errorf("A = %v, want 25 (weights from the posting)", got)
	}
	// Unset weights count as 1.
	for i := range p.Competencies {
		p.Competencies[i].Weight = 0
	}
	for i := range p.Questions {
		p.Questions[i].Weight = 0
	}
	r = Rollup(p, qs, nil)
	if got := competencies(r)["a"]; got != 50 || r.Overall != 25 {
		t.Errorf("A = %v, overall = %v; want 50 and 25", got, r.Overall)
	}
}

func TestOverrides(t *testing.T) {
	p := rollupPosting(posting.AssessmentInterview)
	at := time.Date(2026, 3, 4, 10, 30, 0, 0, time.UTC)
	auto := scores(map[string]int{"a1": 3, "a2": 3, "b1": 3})
	before := Rollup(p, auto, nil)
	if before.Overall != 50 || before.Recommendation != posting.RecommendNo {
		t.Fatalf("before = %v %s", before.Overall, before.Recommendation)
	}

	overrides := map[string]Override{
		"a2": {Level: 5, Note: "Strong answer the rubric missed.", By: "rita@example.com", At: at},
		"b1": {Level: 4, Note: "Fair.", By: "sam@example.com", At: at.Add(time.Hour)},
		"zz": {Level: 5, Note: "Not a question of the posting."},
	}
	after := Rollup(p, auto, overrides)
	// A = (1×50 + 3×100)/4 = 87.5; B = 75; overall = (3×87.5 + 75)/4 = 84.375.
	if got := competencies(after); got["a"] != 87.5 || got["b"] != 75 {
		t.Errorf("competencies = %v", got)
	}
	if after.Overall != 84.4 || after.Recommendation != posting.RecommendYes {
		t.Errorf("after = %v %s, want 84.4 yes", after.Overall, after.Recommendation)
	}
	q := after.Questions[1]
	if q.Key != "a2" || !q.Overridden || q.Level != 5 || q.OriginalLevel != 3 || q.Points != 100 ||
		q.Override == nil || *q.Override != overrides["a2"] {
		t.Errorf("overridden question = %+v", q)
	}
	if q := after.Questions[0]; q.Overridden || q.Override != nil || q.Level != 3 {
		t.Errorf("untouched question = %+v", q)
	}
	if auto[1].Level != 3 || auto[1].Overridden {
		t.Errorf("Rollup changed its input: %+v", auto[1])
	}

	t.Run("recomputing from effective scores", func(t *testing.T) {
		if again := Rollup(p, after.Questions, overrides); !reflect.DeepEqual(again, after) {
			t.Errorf("Rollup(effective, same overrides) differs:\n%+v\n%+v", again, after)
		}
		if undone := Rollup(p, after.Questions, nil); !reflect.DeepEqual(undone, before) {
			t.Errorf("Rollup(effective, no overrides) differs from the automatic result:\n%+v\n%+v", undone, before)
		}
	})
	t.Run("override down to level 1", func(t *testing.T) {
		r := Rollup(p, auto, map[string]Override{"a1": {Level: 1, Note: "x"}, "a2": {Level: 1, Note: "x"}, "b1": {Level: 1, Note: "x"}})
		if r.Overall != 0 || r.Recommendation != posting.RecommendStrongNo {
			t.Errorf("r = %v %s", r.Overall, r.Recommendation)
		}
	})
	t.Run("out-of-range levels are clamped", func(t *testing.T) {
		r := Rollup(p, auto, map[string]Override{"a1": {Level: 9}, "b1": {Level: -2}})
		if r.Questions[0].Level != 5 || r.Questions[0].Override.Level != 5 || r.Questions[2].Level != 1 {
			t.Errorf("questions = %+v", r.Questions)
		}
	})
	t.Run("override of an unscored question", func(t *testing.T) {
		r := Rollup(p, nil, map[string]Override{"b1": {Level: 5, Note: "Answered on paper."}})
		if q := r.Questions[2]; q.Level != 5 || q.OriginalLevel != 1 || q.Answered {
			t.Errorf("question = %+v", q)
		}
	})
}

func TestOverrideValidate(t *testing.T) {
	for _, tt := range []struct {
		o    Override
		want string
	}{
		{Override{Level: 1, Note: "n"}, ""},
		{Override{Level: 5, Note: "n"}, ""},
		{Override{Level: 0, Note: "n"}, "level"},
		{Override{Level: 6, Note: "n"}, "level"},
		{Override{Level: 3, Note: " \n"}, "note"},
	} {
		err := tt.o.Validate()
		if (err == nil) != (tt.want == "") || err != nil && !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Validate(%+v) = %v, want %q", tt.o, err, tt.want)
		}
	}
}

// weightedPosting has two competencies scored 100 and 0 with weights wa and
// wb, so its overall score is 100 × wa / (wa + wb).
func weightedPosting(wa, wb float64, th posting.Thresholds) (*posting.Posting, []QuestionScore) {
	p := &posting.Posting{
		AssessmentType: posting.AssessmentInterview,
		Thresholds:     th,
		Competencies:   []posting.Competency{{Key: "a", Weight: wa}, {Key: "b", Weight: wb}},
		Questions: []posting.Question{
			{Key: "qa", Section: posting.SectionInterview, Competency: "a", Weight: 1},
			{Key: "qb", Section: posting.SectionInterview, Competency: "b", Weight: 1},
		},
	}
	return p, []QuestionScore{{Key: "qa", Level: 5}, {Key: "qb", Level: 1}}
}

func TestRecommendationThresholds(t *testing.T) {
	def := posting.DefaultThresholds()
	tests := []struct {
		name    string
		wa, wb  float64
		th      posting.Thresholds
		overall float64
		want    posting.Recommendation
	}{
		{"strong yes at the threshold", 85, 15, def, 85, posting.RecommendStrongYes},
		{"just below strong yes", 849, 151, def, 84.9, posting.RecommendYes},
		{"yes at the threshold", 70, 30, def, 70, posting.RecommendYes},
		{"rounds up to yes", 699.6, 300.4, def, 70, posting.RecommendYes},
		{"rounds down to no", 699.4, 300.6, def, 69.9, posting.RecommendNo},
		{"no at the threshold", 50, 50, def, 50, posting.RecommendNo},
		{"just below no", 499, 501, def, 49.9, posting.RecommendStrongNo},
		{"posting thresholds", 65, 35, posting.Thresholds{StrongYes: 80, Yes: 65, No: 45}, 65, posting.RecommendYes},
		{"posting thresholds low", 449, 551, posting.Thresholds{StrongYes: 80, Yes: 65, No: 45}, 44.9, posting.RecommendStrongNo},
		{"unset thresholds take the defaults", 849, 151, posting.Thresholds{}, 84.9, posting.RecommendYes},
		{"partly unset thresholds", 60, 40, posting.Thresholds{StrongYes: 90, Yes: 60}, 60, posting.RecommendYes},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, qs := weightedPosting(tt.wa, tt.wb, tt.th)
			r := Rollup(p, qs, nil)
			if r.Overall != tt.overall || r.Recommendation != tt.want {
				t.Errorf("overall, recommendation = %v, %s; want %v, %s", r.Overall, r.Recommendation, tt.overall, tt.want)
			}
		})
	}
}

func TestRound1(t *testing.T) {
	for in, want := range map[float64]float64{0: 0, 43.75: 43.8, 43.74: 43.7, 62.5: 62.5, 84.375: 84.4, 100: 100, 58.333333: 58.3, 72.25 - 1e-12: 72.3} {
		if got := round1(in); got != want {
			t.Errorf("round1(%v) = %v, want %v", in, got, want)
		}
	}
}

func TestDeterministicJSON(t *testing.T) {
	p := loadPosting(t, "testdata/junior-backend.json")
	at := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	run := func() []byte {
		answers := map[string]Answer{}
		for k, a := range workedAnswers() {
			answers[k] = a
		}
		overrides := map[string]Override{"http-handler": {Level: 4, Note: "Tested by hand.", By: "rita", At: at}, "in-flight": {Level: 2, Note: "Close.", By: "sam", At: at}}
		r := Rollup(p, ScoreAll(Rules{}, p, answers), overrides)
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	first := run()
	for range 20 {
		if again := run(); !bytes.Equal(first, again) {
			t.Fatalf("JSON differs between runs:\n%s\n%s", first, again)
		}
	}
	// Stored question scores read back from JSON give the same result.
	var r Result
	if err := json.Unmarshal(first, &r); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(Rollup(p, r.Questions, map[string]Override{"http-handler": *r.Questions[3].Override, "in-flight": *r.Questions[2].Override}))
	if err != nil || !bytes.Equal(b, first) {
		t.Errorf("round trip through JSON differs: %v\n%s\n%s", err, first, b)
	}
}
