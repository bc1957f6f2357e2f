package posting

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the example postings in canonical form")

const examplesDir = "../../examples/postings"

func exampleFiles(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(examplesDir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no example postings in %s: %v", examplesDir, err)
	}
	return files
}

func TestExamples(t *testing.T) {
	kinds := map[Kind]bool{}
	types := map[AssessmentType]bool{}
	for _, file := range exampleFiles(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			p, err := Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if probs := p.Problems(); len(probs) > 0 {
				t.Errorf("Problems() = %v, want none", probs)
			}
			enc, err := Encode(p)
			if err != nil {
				t.Fatalf("Encode: %v", err)
			}
			if *update {
				if err := os.WriteFile(file, enc, 0o644); err != nil {
					t.Fatal(err)
				}
				data = enc
			}
			if !bytes.Equal(enc, data) {
				t.Errorf("Encode(Decode(file)) differs from the file; run go test -run TestExamples -update\n%s", firstDiff(data, enc))
			}
			p2, err := Decode(bytes.NewReader(enc))
			if err != nil {
				t.Fatalf("Decode(Encode(p)): %v", err)
			}
			if !reflect.DeepEqual(p, p2) {
				t.Errorf("Decode(Encode(p)) != p")
			}
			if StructureChanged(p, p2) {
				t.Errorf("StructureChanged(p, Decode(Encode(p))) = true")
			}
			// The brief asks for realistic examples: several competencies and
			// three to six questions.
			if len(p.Competencies) < 3 || len(p.Questions) < 3 || len(p.Questions) > 6 {
				t.Errorf("example has %d competencies and %d questions", len(p.Competencies), len(p.Questions))
			}
			types[p.AssessmentType] = true
			for _, q := range p.Questions {
				kinds[q.Kind] = true
			}
		})
	}
	for _, k := range Kinds {
		if !kinds[k] {
			t.Errorf("no example uses question kind %q", k)
		}
	}
	for _, a := range AssessmentTypes {
		if !types[a] {
			t.Errorf("no example uses assessment type %q", a)
		}
	}
}

func firstDiff(a, b []byte) string {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(la) || i < len(lb); i++ {
		var x, y string
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if x != y {
			return "line " + strconv.Itoa(i+1) + ":\nfile:    " + x + "\nencoded: " + y
		}
	}
	return ""
}

// baseDoc returns a small, complete posting (zero Problems) as a generic
// JSON value that tests mutate with set and del.
func baseDoc() map[string]any {
	var m map[string]any
	if err := json.Unmarshal([]byte(baseJSON), &m); err != nil {
		panic(err)
	}
	return m
}

const baseJSON = `{
  "format": "talentsystems.posting/v1",
  "title": "Backend Engineer",
  "description": "Build **APIs**. Code like ` + "`a < b`" + ` is fine.",
  "assessment_type": "both",
  "time_limit": {"total_minutes": 60},
  "competencies": [
    {"key": "go", "name": "Go"},
    {"key": "sql", "name": "SQL", "weight": 2}
  ],
  "questions": [
    {"key": "q-free", "section": "interview", "competency": "go", "kind": "free_text",
     "prompt": "Explain goroutines.",
     "rubric": {"expected_points": [{"text": "Mentions the scheduler", "phrases": ["scheduler", "M:N"]}],
                "anchors": {"1": "Nothing useful.", "5": "Excellent."}}},
    {"key": "q-mc", "section": "interview", "competency": "sql", "kind": "multiple_choice",
     "prompt": "Pick one.",
     "options": [{"key": "a", "text": "Right", "correct": true}, {"key": "b", "text": "Wrong"}]},
    {"key": "q-num", "section": "interview", "competency": "sql", "kind": "numeric",
     "prompt": "How many?", "answer": 30, "tolerance": 0.5, "unit": "rows"},
    {"key": "q-task", "section": "practical", "competency": "go", "kind": "task",
     "brief": "Write a function.",
     "deliverable": {"format": "code", "language": "go", "upload": {"types": ["application/pdf", ".zip"]}},
     "checklist": [{"text": "Has tests", "weight": 2, "phrases": ["func Test"]}]}
  ]
}`

// set assigns v at an RFC 6901 pointer in a generic JSON value, creating
// objects as needed; "-" appends to an array.
func set(doc any, pointer string, v any) {
	parts := strings.Split(pointer, "/")[1:]
	cur := doc
	for i, part := range parts {
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		last := i == len(parts)-1
		switch c := cur.(type) {
		case map[string]any:
			if last {
				c[part] = v
				return
			}
			if _, ok := c[part]; !ok {
				c[part] = map[string]any{}
			}
			cur = c[part]
		case []any:
			if part == "-" {
				panic("append via setAppend")
			}
			n, _ := strconv.Atoi(part)
			if last {
				c[n] = v
				return
			}
			cur = c[n]
		}
	}
}

// get returns the value at pointer.
func get(doc any, pointer string) any {
	cur := doc
	for _, part := range strings.Split(pointer, "/")[1:] {
		switch c := cur.(type) {
		case map[string]any:
			cur = c[part]
		case []any:
			n, _ := strconv.Atoi(part)
			cur = c[n]
		}
	}
	return cur
}

// del removes the member or array element at pointer.
func del(doc any, pointer string) {
	i := strings.LastIndex(pointer, "/")
	parent, name := get(doc, pointer[:i]), pointer[i+1:]
	switch c := parent.(type) {
	case map[string]any:
		delete(c, name)
	case []any:
		n, _ := strconv.Atoi(name)
		set(doc, pointer[:i], append(c[:n:n], c[n+1:]...))
	}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func mustDecode(t testing.TB, doc string) *Posting {
	t.Helper()
	p, err := Decode(strings.NewReader(doc))
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	return p
}

func pointers(errs []FieldError) []string {
	out := make([]string, len(errs))
	for i, e := range errs {
		out[i] = e.Pointer
	}
	return out
}

func TestBaseDocIsComplete(t *testing.T) {
	p := mustDecode(t, baseJSON)
	if probs := p.Problems(); len(probs) > 0 {
		t.Fatalf("Problems() = %v", probs)
	}
	if v := p.Validate(); len(v) > 0 {
		t.Fatalf("Validate() = %v", v)
	}
}

func TestDefaults(t *testing.T) {
	p := mustDecode(t, baseJSON)
	want := &Posting{
		Format:           Format,
		Title:            "Backend Engineer",
		Description:      "Build **APIs**. Code like `a < b` is fine.",
		AssessmentType:   AssessmentBoth,
		TimeLimit:        &TimeLimit{TotalMinutes: 60},
		LinkValidityDays: 14,
		Thresholds:       Thresholds{StrongYes: 85, Yes: 70, No: 50},
		Competencies: []Competency{
			{Key: "go", Name: "Go", Weight: 1},
			{Key: "sql", Name: "SQL", Weight: 2},
		},
		Questions: []Question{
			{Key: "q-free", Section: SectionInterview, Competency: "go", Kind: KindFreeText, Weight: 1,
				Prompt: "Explain goroutines.", MaxChars: 5000,
				Rubric: &Rubric{
					ExpectedPoints: []RubricItem{{Text: "Mentions the scheduler", Weight: 1, Phrases: []string{"scheduler", "M:N"}}},
					Anchors:        Anchors{"1": "Nothing useful.", "5": "Excellent."},
				}},
			{Key: "q-mc", Section: SectionInterview, Competency: "sql", Kind: KindMultipleChoice, Weight: 1,
				Prompt: "Pick one.", PartialCredit: PartialCreditNone,
				Options: []Option{{Key: "a", Text: "Right", Correct: true}, {Key: "b", Text: "Wrong"}}},
			{Key: "q-num", Section: SectionInterview, Competency: "sql", Kind: KindNumeric, Weight: 1,
				Prompt: "How many?", Answer: new(30.0), Tolerance: 0.5, Unit: "rows"},
			{Key: "q-task", Section: SectionPractical, Competency: "go", Kind: KindTask, Weight: 1,
				Brief: "Write a function.",
				Deliverable: &Deliverable{Format: DeliverableCode, Language: "go", MaxChars: 20000,
					Upload: &Upload{MaxBytes: 10 << 20, Types: []string{"application/pdf", ".zip"}}},
				Checklist: []RubricItem{{Text: "Has tests", Weight: 2, Phrases: []string{"func Test"}}}},
		},
	}
	if !reflect.DeepEqual(p, want) {
		got, _ := Encode(p)
		exp, _ := Encode(want)
		t.Fatalf("decoded posting differs:\n%s", firstDiff(exp, got))
	}

	t.Run("partial thresholds", func(t *testing.T) {
		m := baseDoc()
		set(m, "/thresholds", map[string]any{"yes": 60})
		p := mustDecode(t, mustJSON(m))
		if want := (Thresholds{StrongYes: 85, Yes: 60, No: 50}); p.Thresholds != want {
			t.Errorf("Thresholds = %+v, want %+v", p.Thresholds, want)
		}
	})

	t.Run("ApplyDefaults matches Decode", func(t *testing.T) {
		q := *want
		q.Format, q.LinkValidityDays, q.Thresholds = "", 0, Thresholds{}
		q.Competencies = []Competency{{Key: "go", Name: "Go"}, {Key: "sql", Name: "SQL", Weight: 2}}
		qs := make([]Question, len(want.Questions))
		copy(qs, want.Questions)
		qs[0].Weight, qs[0].MaxChars = 0, 0
		qs[0].Rubric = &Rubric{ExpectedPoints: []RubricItem{{Text: "Mentions the scheduler", Phrases: []string{"scheduler", "M:N"}}}, Anchors: want.Questions[0].Rubric.Anchors}
		qs[1].PartialCredit = ""
		qs[3].Deliverable = &Deliverable{Format: DeliverableCode, Language: "go", Upload: &Upload{Types: []string{"application/pdf", ".zip"}}}
		q.Questions = qs
		q.ApplyDefaults()
		if !reflect.DeepEqual(&q, want) {
			got, _ := Encode(&q)
			exp, _ := Encode(want)
			t.Fatalf("ApplyDefaults result differs:\n%s", firstDiff(exp, got))
		}
	})
}

func TestEncodeCanonical(t *testing.T) {
	p := mustDecode(t, baseJSON)
	enc, err := Encode(p)
	if err != nil {
		t.Fatal(err)
	}
	s := string(enc)
	for _, want := range []string{
		"{\n  \"format\": \"talentsystems.posting/v1\",\n  \"title\": \"Backend Engineer\",\n",
		`"link_validity_days": 14`,
		`"strong_yes": 85`,
		`"partial_credit": "none"`,
		`"correct": false`,
		`"max_chars": 5000`,
		`"max_bytes": 10485760`,
		"`a < b`", // no \u003c escaping
	} {
		if !strings.Contains(s, want) {
			t.Errorf("encoded posting lacks %q", want)
		}
	}
	if !strings.HasSuffix(s, "}\n") {
		t.Errorf("encoded posting does not end with a newline")
	}
	for _, absent := range []string{`"department"`, `"guidance"`, `"options": null`, `"brief"` + `: ""`} {
		if strings.Contains(s, absent) {
			t.Errorf("encoded posting contains %s", absent)
		}
	}

	t.Run("empty lists", func(t *testing.T) {
		enc, err := Encode(&Posting{Format: Format, Title: "Draft", LinkValidityDays: 14, Thresholds: DefaultThresholds()})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(enc), `"competencies": []`) || !strings.Contains(string(enc), `"questions": []`) {
			t.Errorf("empty lists not written as []:\n%s", enc)
		}
		p, err := Decode(bytes.NewReader(enc))
		if err != nil {
			t.Fatalf("a draft does not round-trip: %v", err)
		}
		if p.Problems() == nil {
			t.Errorf("an empty draft has no problems")
		}
	})

	t.Run("errors", func(t *testing.T) {
		if _, err := Encode(nil); err == nil {
			t.Error("Encode(nil) succeeded")
		}
		p := mustDecode(t, baseJSON)
		p.Competencies[0].Weight = nan()
		if _, err := Encode(p); err == nil {
			t.Error("Encode with NaN succeeded")
		}
	})
}

func nan() float64 {
	var zero float64
	return zero / zero
}

func TestDecodeErrorType(t *testing.T) {
	_, err := Decode(strings.NewReader(`{"format": 1}`))
	de := AsDecodeError(err)
	if de == nil {
		t.Fatalf("error %v is not a *DecodeError", err)
	}
	var target *DecodeError
	if !errors.As(err, &target) || len(target.Errors) == 0 {
		t.Fatal("errors.As failed")
	}
	if !strings.Contains(err.Error(), "/format: must be a string, not a number") {
		t.Errorf("Error() = %q", err.Error())
	}
}

func TestRecommend(t *testing.T) {
	th := DefaultThresholds()
	for _, tc := range []struct {
		score float64
		want  Recommendation
	}{{100, RecommendStrongYes}, {85, RecommendStrongYes}, {84.9, RecommendYes}, {70, RecommendYes}, {50, RecommendNo}, {49.99, RecommendStrongNo}, {0, RecommendStrongNo}} {
		if got := th.Recommend(tc.score); got != tc.want {
			t.Errorf("Recommend(%v) = %q, want %q", tc.score, got, tc.want)
		}
	}
}

func TestHelpers(t *testing.T) {
	p := mustDecode(t, baseJSON)
	if got := len(p.QuestionsIn(SectionInterview)); got != 3 {
		t.Errorf("QuestionsIn(interview) has %d questions, want 3", got)
	}
	if c := p.Competency("sql"); c == nil || c.Name != "SQL" {
		t.Errorf("Competency(sql) = %v", c)
	}
	if p.Competency("nope") != nil {
		t.Error("Competency(nope) != nil")
	}
	if !AssessmentBoth.Enables(SectionPractical) || AssessmentInterview.Enables(SectionPractical) || AssessmentType("x").Enables(SectionInterview) {
		t.Error("Enables is wrong")
	}
}

func mustRead(t testing.TB, file string) []byte {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
