package posting

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestDecodeErrors(t *testing.T) {
	type want struct {
		pointer string
		message string // a substring of the message
	}
	for _, tc := range []struct {
		name   string
		doc    string                 // a literal document, or
		mutate func(m map[string]any) // a change to baseDoc
		want   []want
	}{
		// JSON syntax and document shape.
		{name: "empty", doc: "", want: []want{{"", "empty"}}},
		{name: "whitespace only", doc: " \n ", want: []want{{"", "empty"}}},
		{name: "not an object", doc: `[1, 2]`, want: []want{{"", "must be an object, not an array"}}},
		{name: "malformed after a field name", doc: `{"title" "x"}`, want: []want{{"/title", "malformed JSON at byte 9"}}},
		{name: "malformed at top", doc: `{,}`, want: []want{{"", "malformed JSON at byte"}}},
		{name: "malformed nested value", doc: `{"format": "talentsystems.posting/v1", "competencies": [{"key": tru}]}`, want: []want{{"/competencies/0/key", "malformed JSON"}}},
		{name: "malformed array element", doc: `{"questions": [{}, ]}`, want: []want{{"/questions/1", "malformed JSON"}}},
		{name: "truncated", doc: `{"title": "x", "competencies": [`, want: []want{{"/competencies/0", "ends too early"}}},
		{name: "trailing data", doc: baseJSON + ` {}`, want: []want{{"", "unexpected data after the JSON document"}}},
		{name: "trailing garbage", doc: baseJSON + `x`, want: []want{{"", "unexpected data after the JSON document"}}},
		{name: "two documents", doc: `{"format": "talentsystems.posting/v1", "title": "a"}{"title": "b"}`, want: []want{{"", "unexpected data"}}},
		{name: "invalid UTF-8", doc: "{\"format\": \"talentsystems.posting/v1\", \"title\": \"a\xffb\"}", want: []want{{"", "not valid UTF-8"}}},
		{name: "too deep", doc: `{"competencies": [` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `]}`, want: []want{{"/competencies/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0", "nested too deeply"}}},
		{name: "repeated member", doc: `{"format": "talentsystems.posting/v1", "title": "a", "title": "b"}`, want: []want{{"/title", "appears more than once"}}},

		// Unknown fields, with RFC 6901 escaping.
		{name: "unknown top-level field", mutate: func(m map[string]any) { set(m, "/colour", "red") }, want: []want{{"/colour", `unknown field "colour"`}}},
		{name: "unknown field escaped", mutate: func(m map[string]any) { set(m, "/a~1b~0c", 1) }, want: []want{{"/a~1b~0c", `unknown field "a/b~c"`}}},
		{name: "unknown nested field", mutate: func(m map[string]any) {
			set(m, "/questions/0/rubric/expected_points/0/score", 3)
		}, want: []want{{"/questions/0/rubric/expected_points/0/score", "unknown field"}}},
		{name: "unknown time limit field", mutate: func(m map[string]any) { set(m, "/time_limit/minutes", 3) }, want: []want{{"/time_limit/minutes", "unknown field"}}},
		{name: "unknown threshold", mutate: func(m map[string]any) { set(m, "/thresholds/maybe", 60) }, want: []want{{"/thresholds/maybe", "unknown field"}}},
		{name: "unknown option field", mutate: func(m map[string]any) { set(m, "/questions/1/options/0/explanation", "x") }, want: []want{{"/questions/1/options/0/explanation", "unknown field"}}},
		{name: "unknown upload field", mutate: func(m map[string]any) { set(m, "/questions/3/deliverable/upload/virus_scan", true) }, want: []want{{"/questions/3/deliverable/upload/virus_scan", "unknown field"}}},
		{name: "field of another kind", mutate: func(m map[string]any) { set(m, "/questions/0/options", []any{}) }, want: []want{{"/questions/0/options", `"options" does not apply to free_text questions`}}},
		{name: "prompt on a task", mutate: func(m map[string]any) { set(m, "/questions/3/prompt", "x") }, want: []want{{"/questions/3/prompt", "does not apply to task questions"}}},
		{name: "checklist on numeric", mutate: func(m map[string]any) { set(m, "/questions/2/checklist", []any{}) }, want: []want{{"/questions/2/checklist", "does not apply to numeric questions"}}},

		// Wrong types.
		{name: "title not a string", mutate: func(m map[string]any) { set(m, "/title", 42) }, want: []want{{"/title", "must be a string, not a number"}}},
		{name: "null", mutate: func(m map[string]any) { set(m, "/department", nil) }, want: []want{{"/department", "must be a string, not null"}}},
		{name: "weight not a number", mutate: func(m map[string]any) { set(m, "/questions/0/weight", "heavy") }, want: []want{{"/questions/0/weight", "must be a number, not a string"}}},
		{name: "competencies not an array", mutate: func(m map[string]any) { set(m, "/competencies", map[string]any{}) }, want: []want{
			{"/competencies", "must be an array, not an object"},
			// Without competencies, every question's reference dangles.
			{"/questions/0/competency", "no competency"}, {"/questions/1/competency", "no competency"},
			{"/questions/2/competency", "no competency"}, {"/questions/3/competency", "no competency"},
		}},
		{name: "question not an object", mutate: func(m map[string]any) { set(m, "/questions/2", "q") }, want: []want{{"/questions/2", "must be an object, not a string"}}},
		{name: "correct not a boolean", mutate: func(m map[string]any) { set(m, "/questions/1/options/1/correct", "no") }, want: []want{{"/questions/1/options/1/correct", "must be true or false"}}},
		{name: "phrase not a string", mutate: func(m map[string]any) { set(m, "/questions/0/rubric/expected_points/0/phrases/1", 7) }, want: []want{{"/questions/0/rubric/expected_points/0/phrases/1", "must be a string"}}},
		{name: "anchor not a string", mutate: func(m map[string]any) { set(m, "/questions/0/rubric/anchors/5", true) }, want: []want{{"/questions/0/rubric/anchors/5", "must be a string, not a boolean"}}},
		{name: "upload types not an array", mutate: func(m map[string]any) { set(m, "/questions/3/deliverable/upload/types", ".pdf") }, want: []want{{"/questions/3/deliverable/upload/types", "must be an array"}}},
		{name: "fractional integer", mutate: func(m map[string]any) { set(m, "/link_validity_days", 1.5) }, want: []want{{"/link_validity_days", "whole number"}}},
		{name: "huge number", doc: strings.Replace(baseJSON, `"answer": 30`, `"answer": 1e400`, 1), want: []want{{"/questions/2/answer", "too large"}}},
		{name: "huge integer", doc: strings.Replace(baseJSON, `"total_minutes": 60`, `"total_minutes": 1e30`, 1), want: []want{{"/time_limit/total_minutes", "between 1 and 600"}}},

		// Required identity fields.
		{name: "format missing", mutate: func(m map[string]any) { del(m, "/format") }, want: []want{{"/format", "is required"}}},
		{name: "format wrong", mutate: func(m map[string]any) { set(m, "/format", "talentsystems.posting/v2") }, want: []want{{"/format", `must be "talentsystems.posting/v1"`}}},
		{name: "title missing", mutate: func(m map[string]any) { del(m, "/title") }, want: []want{{"/title", "is required"}}},
		{name: "title blank", mutate: func(m map[string]any) { set(m, "/title", "  ") }, want: []want{{"/title", "is required"}}},
		{name: "question key missing", mutate: func(m map[string]any) { del(m, "/questions/1/key") }, want: []want{{"/questions/1/key", "is required"}}},
		{name: "section missing", mutate: func(m map[string]any) { del(m, "/questions/1/section") }, want: []want{{"/questions/1/section", "is required"}}},
		{name: "kind missing", mutate: func(m map[string]any) { del(m, "/questions/2/kind") }, want: []want{{"/questions/2/kind", "is required"}}},
		{name: "competency name missing", mutate: func(m map[string]any) { del(m, "/competencies/1/name") }, want: []want{{"/competencies/1/name", "is required"}}},

		// Keys, duplicates and references.
		{name: "bad key", mutate: func(m map[string]any) {
			set(m, "/competencies/0/key", "Go!")
			set(m, "/questions/0/competency", "Go!")
			set(m, "/questions/3/competency", "Go!")
		}, want: []want{{"/competencies/0/key", "lower-case"}, {"/questions/0/competency", "lower-case"}, {"/questions/3/competency", "lower-case"}}},
		{name: "key too long", mutate: func(m map[string]any) { set(m, "/questions/2/key", strings.Repeat("k", 65)) }, want: []want{{"/questions/2/key", "1 to 64"}}},
		{name: "duplicate competency key", mutate: func(m map[string]any) { set(m, "/competencies/1/key", "go") }, want: []want{
			{"/competencies/1/key", `duplicate competency key "go" (also used by /competencies/0)`},
			{"/questions/1/competency", `no competency has the key "sql"`},
			{"/questions/2/competency", `no competency has the key "sql"`},
		}},
		{name: "duplicate question key", mutate: func(m map[string]any) { set(m, "/questions/3/key", "q-free") }, want: []want{{"/questions/3/key", "also used by /questions/0"}}},
		{name: "duplicate option key", mutate: func(m map[string]any) { set(m, "/questions/1/options/1/key", "a") }, want: []want{{"/questions/1/options/1/key", "also used by /questions/1/options/0"}}},
		{name: "missing competency", mutate: func(m map[string]any) { set(m, "/questions/2/competency", "rust") }, want: []want{{"/questions/2/competency", `no competency has the key "rust"`}}},

		// Weights.
		{name: "zero question weight", mutate: func(m map[string]any) { set(m, "/questions/0/weight", 0) }, want: []want{{"/questions/0/weight", "greater than 0"}}},
		{name: "negative competency weight", mutate: func(m map[string]any) { set(m, "/competencies/1/weight", -2) }, want: []want{{"/competencies/1/weight", "greater than 0"}}},
		{name: "zero point weight", mutate: func(m map[string]any) { set(m, "/questions/0/rubric/expected_points/0/weight", 0) }, want: []want{{"/questions/0/rubric/expected_points/0/weight", "greater than 0"}}},
		{name: "zero checklist weight", mutate: func(m map[string]any) { set(m, "/questions/3/checklist/0/weight", 0) }, want: []want{{"/questions/3/checklist/0/weight", "greater than 0"}}},
		{name: "weight too large", mutate: func(m map[string]any) { set(m, "/competencies/0/weight", 1001) }, want: []want{{"/competencies/0/weight", "at most 1000"}}},

		// Enums.
		{name: "bad assessment type", mutate: func(m map[string]any) { set(m, "/assessment_type", "oral") }, want: []want{{"/assessment_type", `must be "interview", "practical" or "both", not "oral"`}}},
		{name: "bad section", mutate: func(m map[string]any) { set(m, "/questions/1/section", "homework") }, want: []want{{"/questions/1/section", `not "homework"`}}},
		{name: "bad kind", mutate: func(m map[string]any) { set(m, "/questions/0/kind", "essay") }, want: []want{{"/questions/0/kind", `not "essay"`}}},
		{name: "bad partial credit", mutate: func(m map[string]any) { set(m, "/questions/1/partial_credit", "some") }, want: []want{{"/questions/1/partial_credit", `not "some"`}}},
		{name: "bad deliverable format", mutate: func(m map[string]any) { set(m, "/questions/3/deliverable/format", "video") }, want: []want{{"/questions/3/deliverable/format", `not "video"`}}},
		{name: "deliverable format missing", mutate: func(m map[string]any) { del(m, "/questions/3/deliverable/format") }, want: []want{{"/questions/3/deliverable/format", "is required"}}},
		{name: "task in interview", mutate: func(m map[string]any) { set(m, "/questions/3/section", "interview") }, want: []want{{"/questions/3/section", "practical section"}}},

		// Ranges.
		{name: "link validity zero", mutate: func(m map[string]any) { set(m, "/link_validity_days", 0) }, want: []want{{"/link_validity_days", "between 1 and 365"}}},
		{name: "link validity too long", mutate: func(m map[string]any) { set(m, "/link_validity_days", 366) }, want: []want{{"/link_validity_days", "between 1 and 365"}}},
		{name: "threshold above 100", mutate: func(m map[string]any) { set(m, "/thresholds/strong_yes", 101) }, want: []want{{"/thresholds/strong_yes", "between 1 and 100"}}},
		{name: "threshold zero", mutate: func(m map[string]any) { set(m, "/thresholds/no", 0) }, want: []want{{"/thresholds/no", "between 1 and 100"}}},
		{name: "total minutes too long", mutate: func(m map[string]any) { set(m, "/time_limit/total_minutes", 601) }, want: []want{{"/time_limit/total_minutes", "between 1 and 600"}}},
		{name: "total minutes zero", mutate: func(m map[string]any) { set(m, "/time_limit/total_minutes", 0) }, want: []want{{"/time_limit/total_minutes", "between 1 and 600"}}},
		{name: "section minutes zero", mutate: func(m map[string]any) {
			set(m, "/time_limit", map[string]any{"interview_minutes": 30, "practical_minutes": 0})
		}, want: []want{{"/time_limit/practical_minutes", "between 1 and 600"}}},
		{name: "section minutes negative", mutate: func(m map[string]any) {
			set(m, "/time_limit", map[string]any{"interview_minutes": -5, "practical_minutes": 30})
		}, want: []want{{"/time_limit/interview_minutes", "between 1 and 600"}}},
		{name: "total and per section", mutate: func(m map[string]any) { set(m, "/time_limit/practical_minutes", 30) }, want: []want{{"/time_limit", "not both"}}},
		{name: "empty time limit", mutate: func(m map[string]any) { set(m, "/time_limit", map[string]any{}) }, want: []want{{"/time_limit", "set total_minutes"}}},
		{name: "max chars zero", mutate: func(m map[string]any) { set(m, "/questions/0/max_chars", 0) }, want: []want{{"/questions/0/max_chars", "between 1 and 50000"}}},
		{name: "deliverable max chars", mutate: func(m map[string]any) { set(m, "/questions/3/deliverable/max_chars", 200001) }, want: []want{{"/questions/3/deliverable/max_chars", "between 1 and 200000"}}},
		{name: "upload too large", mutate: func(m map[string]any) { set(m, "/questions/3/deliverable/upload/max_bytes", 10<<20+1) }, want: []want{{"/questions/3/deliverable/upload/max_bytes", "between 1 and 10485760"}}},
		{name: "negative tolerance", mutate: func(m map[string]any) { set(m, "/questions/2/tolerance", -0.1) }, want: []want{{"/questions/2/tolerance", "negative"}}},
		{name: "anchor level", mutate: func(m map[string]any) { set(m, "/questions/0/rubric/anchors/6", "Beyond.") }, want: []want{{"/questions/0/rubric/anchors/6", `"1" to "5"`}}},
		{name: "empty anchor", mutate: func(m map[string]any) { set(m, "/questions/0/rubric/anchors/3", "") }, want: []want{{"/questions/0/rubric/anchors/3", "must not be empty"}}},
		{name: "empty phrase", mutate: func(m map[string]any) { set(m, "/questions/3/checklist/0/phrases/0", " ") }, want: []want{{"/questions/3/checklist/0/phrases/0", "must not be empty"}}},
		{name: "bad upload type", mutate: func(m map[string]any) { set(m, "/questions/3/deliverable/upload/types/1", "ZIP") }, want: []want{{"/questions/3/deliverable/upload/types/1", "MIME type"}}},
		{name: "repeated upload type", mutate: func(m map[string]any) { set(m, "/questions/3/deliverable/upload/types/1", "application/pdf") }, want: []want{{"/questions/3/deliverable/upload/types/1", "listed twice"}}},
		{name: "bad language", mutate: func(m map[string]any) { set(m, "/questions/3/deliverable/language", "Go Lang") }, want: []want{{"/questions/3/deliverable/language", "language name"}}},
		{name: "title too long", mutate: func(m map[string]any) { set(m, "/title", strings.Repeat("é", 201)) }, want: []want{{"/title", "201 characters long; at most 200"}}},
		{name: "title at the limit", mutate: func(m map[string]any) { set(m, "/title", strings.Repeat("é", 200)) }},
		{name: "description too long", mutate: func(m map[string]any) { set(m, "/description", strings.Repeat("a", 20001)) }, want: []want{{"/description", "at most 20000"}}},
		{name: "too many options", mutate: func(m map[string]any) {
			var opts []any
			for i := range 27 {
				opts = append(opts, map[string]any{"key": "o" + string(rune('a'+i%26)) + string(rune('a'+i/26)), "text": "x"})
			}
			set(m, "/questions/1/options", opts)
		}, want: []want{{"/questions/1/options", "at most 26"}}},

		// HTML and control characters.
		{name: "html in title", mutate: func(m map[string]any) { set(m, "/title", "Engineer <b>now</b>") }, want: []want{{"/title", `without HTML tags (found "<b>now</b>")`}}},
		{name: "closing tag in department", mutate: func(m map[string]any) { set(m, "/department", "R&D </div>") }, want: []want{{"/department", "HTML"}}},
		{name: "comment in location", mutate: func(m map[string]any) { set(m, "/location", "Remote <!-- x -->") }, want: []want{{"/location", "HTML"}}},
		{name: "processing instruction in name", mutate: func(m map[string]any) { set(m, "/competencies/0/name", "Go <?php") }, want: []want{{"/competencies/0/name", "HTML"}}},
		{name: "html in option text", mutate: func(m map[string]any) { set(m, "/questions/1/options/0/text", "<script>alert(1)</script>") }, want: []want{{"/questions/1/options/0/text", "HTML"}}},
		{name: "html in phrase", mutate: func(m map[string]any) { set(m, "/questions/0/rubric/expected_points/0/phrases/0", "<img src=x>") }, want: []want{{"/questions/0/rubric/expected_points/0/phrases/0", "HTML"}}},
		{name: "html in point text", mutate: func(m map[string]any) { set(m, "/questions/0/rubric/expected_points/0/text", "<i>x</i>") }, want: []want{{"/questions/0/rubric/expected_points/0/text", "HTML"}}},
		{name: "html in anchor", mutate: func(m map[string]any) { set(m, "/questions/0/rubric/anchors/1", "<u>bad</u>") }, want: []want{{"/questions/0/rubric/anchors/1", "HTML"}}},
		{name: "html in competency description", mutate: func(m map[string]any) { set(m, "/competencies/0/description", "a <br> b") }, want: []want{{"/competencies/0/description", "HTML"}}},
		{name: "html in unit", mutate: func(m map[string]any) { set(m, "/questions/2/unit", "<sup>2</sup>") }, want: []want{{"/questions/2/unit", "HTML"}}},
		{name: "less-than is fine in plain text", mutate: func(m map[string]any) {
			set(m, "/title", "Engineer (<5 years), a < b, 1<2")
			set(m, "/questions/1/options/0/text", "x <= y, x < y, <3 <")
		}},
		{name: "raw html in description", mutate: func(m map[string]any) { set(m, "/description", "Hello <script>alert(1)</script>") }, want: []want{{"/description", `must not contain HTML (found "<script>")`}}},
		{name: "html block in brief", mutate: func(m map[string]any) { set(m, "/questions/3/brief", "Intro\n\n<div>\nx\n</div>\n") }, want: []want{{"/questions/3/brief", "<div>"}}},
		{name: "html comment in prompt", mutate: func(m map[string]any) { set(m, "/questions/1/prompt", "Pick <!-- hidden --> one") }, want: []want{{"/questions/1/prompt", "HTML"}}},
		{name: "unparsed tag start in guidance", mutate: func(m map[string]any) { set(m, "/questions/0/guidance", "Use a <b tag") }, want: []want{{"/questions/0/guidance", "HTML"}}},
		{name: "html inside code is fine", mutate: func(m map[string]any) {
			set(m, "/description", "Use `<b>` or\n\n```html\n<script>x()</script>\n```\n\n    <div>indented</div>\n\nand <https://example.com>, a < b, x<3.")
			set(m, "/questions/3/brief", "Escaped \\<b> is literal text.")
		}},
		{name: "control character in title", mutate: func(m map[string]any) { set(m, "/title", "Engineer\x07") }, want: []want{{"/title", "control character U+0007"}}},
		{name: "newline in title", mutate: func(m map[string]any) { set(m, "/title", "Senior\nEngineer") }, want: []want{{"/title", "single line"}}},
		{name: "C1 control in option", mutate: func(m map[string]any) { set(m, "/questions/1/options/0/text", "a\u0085b") }, want: []want{{"/questions/1/options/0/text", "control character"}}},
		{name: "control character in markdown", mutate: func(m map[string]any) { set(m, "/description", "a\x00b") }, want: []want{{"/description", "control character U+0000"}}},
		{name: "newlines and tabs in markdown", mutate: func(m map[string]any) { set(m, "/description", "a\r\n\tb\n") }},

		// Several problems are all reported, ordered by pointer.
		{name: "many problems", mutate: func(m map[string]any) {
			set(m, "/title", 1)
			set(m, "/colour", "red")
			set(m, "/questions/2/weight", -1)
			set(m, "/questions/0/section", "lab")
			set(m, "/competencies/1/weight", "x")
			set(m, "/thresholds/yes", 0)
		}, want: []want{
			{"/colour", "unknown field"},
			{"/competencies/1/weight", "must be a number"},
			{"/questions/0/section", `not "lab"`},
			{"/questions/2/weight", "greater than 0"},
			{"/thresholds/yes", "between 1 and 100"},
			{"/title", "must be a string"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := tc.doc
			if tc.mutate != nil {
				m := baseDoc()
				tc.mutate(m)
				doc = mustJSON(m)
			}
			p, err := Decode(strings.NewReader(doc))
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("Decode failed: %v", err)
				}
				if p == nil {
					t.Fatal("Decode returned nil posting")
				}
				return
			}
			if p != nil {
				t.Errorf("Decode returned a posting along with errors")
			}
			de := AsDecodeError(err)
			if de == nil {
				t.Fatalf("Decode error = %v, want a *DecodeError", err)
			}
			var got, exp []string
			for _, fe := range de.Errors {
				got = append(got, fe.Pointer)
			}
			for _, w := range tc.want {
				exp = append(exp, w.pointer)
			}
			if !slices.Equal(got, exp) {
				t.Fatalf("pointers = %q, want %q\nerrors: %v", got, exp, de.Errors)
			}
			for i, w := range tc.want {
				if !strings.Contains(de.Errors[i].Message, w.message) {
					t.Errorf("error %d = %q, want it to contain %q", i, de.Errors[i].Message, w.message)
				}
			}
		})
	}
}

func TestDecodeSizeCap(t *testing.T) {
	pad := func(n int) string {
		return baseJSON + strings.Repeat(" ", n-len(baseJSON))
	}
	t.Run("at the limit", func(t *testing.T) {
		if _, err := Decode(strings.NewReader(pad(MaxDocumentBytes))); err != nil {
			t.Fatalf("a document of exactly %d bytes: %v", MaxDocumentBytes, err)
		}
	})
	t.Run("over the limit", func(t *testing.T) {
		_, err := Decode(strings.NewReader(pad(MaxDocumentBytes + 1)))
		if !errors.Is(err, ErrTooLarge) {
			t.Fatalf("err = %v, want ErrTooLarge", err)
		}
		if AsDecodeError(err) != nil {
			t.Error("ErrTooLarge should not be a *DecodeError")
		}
	})
	t.Run("stops reading", func(t *testing.T) {
		r := &countingReader{r: io.MultiReader(strings.NewReader(`{"title": "`), infinite{})}
		if _, err := Decode(r); !errors.Is(err, ErrTooLarge) {
			t.Fatalf("err = %v, want ErrTooLarge", err)
		}
		if r.n > MaxDocumentBytes+64<<10 {
			t.Errorf("read %d bytes of an endless document", r.n)
		}
	})
	t.Run("read error", func(t *testing.T) {
		boom := errors.New("boom")
		_, err := Decode(io.MultiReader(strings.NewReader("{"), errReader{boom}))
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v, want it to wrap the read error", err)
		}
	})
}

type infinite struct{}

func (infinite) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func TestDecodeBOM(t *testing.T) {
	if _, err := Decode(bytes.NewReader(append([]byte("\xef\xbb\xbf"), baseJSON...))); err != nil {
		t.Fatalf("a byte order mark is rejected: %v", err)
	}
}

func TestDecodeErrorCap(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"format": "talentsystems.posting/v1", "title": "x"`)
	for i := range 3000 {
		b.WriteString(`, "f` + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + strconv.Itoa(i) + `": 1`)
	}
	b.WriteString("}")
	_, err := Decode(strings.NewReader(b.String()))
	de := AsDecodeError(err)
	if de == nil {
		t.Fatalf("err = %v", err)
	}
	if len(de.Errors) != maxErrors+1 || !strings.Contains(de.Errors[maxErrors].Message, "too many problems") {
		t.Fatalf("got %d errors; last %v", len(de.Errors), de.Errors[len(de.Errors)-1])
	}
	if !strings.Contains(de.Error(), "and 996 more") {
		t.Errorf("Error() = %.200q", de.Error())
	}
}
