package posting

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// There is no JSON Schema validator here, so this test keeps the hand-written
// schema in step with the Go code where it matters most: field names and
// their canonical order, question kinds and their fields, enums and defaults.
func TestSchemaMatchesCode(t *testing.T) {
	data := mustRead(t, "../../docs/posting.schema.json")
	var errs errorList
	root := readTree(data, &errs)
	if root == nil {
		t.Fatalf("schema is not valid JSON: %v", errs.errs)
	}
	var schema map[string]any
	if err := json.Unmarshal(data, &schema); err != nil {
		t.Fatal(err)
	}
	if got := schema["$schema"]; got != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("$schema = %v", got)
	}
	if got := memberNames(root, "properties"); !slices.Equal(got, postingFields) {
		t.Errorf("top-level properties = %q\nwant (in canonical order) %q", got, postingFields)
	}
	if got := schema["additionalProperties"]; got != false {
		t.Errorf("top-level additionalProperties = %v, want false", got)
	}
	if got := strs(get(schema, "/required")); !slices.Equal(got, []string{"format", "title"}) {
		t.Errorf("required = %q", got)
	}
	if got := get(schema, "/properties/format/const"); got != Format {
		t.Errorf("format const = %v", got)
	}
	if got := strs(get(schema, "/properties/assessment_type/enum")); !slices.Equal(got, toStrings(AssessmentTypes)) {
		t.Errorf("assessment_type enum = %q", got)
	}
	if got := strs(get(schema, "/$defs/section/enum")); !slices.Equal(got, toStrings(Sections)) {
		t.Errorf("section enum = %q", got)
	}
	if got := get(schema, "/$defs/key/pattern"); got != keyPattern.String() {
		t.Errorf("key pattern = %v, want %v", got, keyPattern)
	}

	// Question kinds, each with exactly the fields the decoder allows.
	var kinds []string
	for _, ref := range get(schema, "/$defs/question/oneOf").([]any) {
		name := strings.TrimPrefix(ref.(map[string]any)["$ref"].(string), "#/$defs/")
		def := get(schema, "/$defs/"+name).(map[string]any)
		kind := get(def, "/properties/kind/const").(string)
		kinds = append(kinds, kind)
		want := append(slices.Clone(commonFields), kindFields[Kind(kind)]...)
		if got := memberNames(memberOf(memberOf(root, "$defs"), name), "properties"); !slices.Equal(got, want) {
			t.Errorf("%s properties = %q\nwant %q", name, got, want)
		}
		if def["additionalProperties"] != false {
			t.Errorf("%s allows additional properties", name)
		}
	}
	if !slices.Equal(kinds, toStrings(Kinds)) {
		t.Errorf("question kinds = %q, want %q", kinds, Kinds)
	}

	// Defaults and limits.
	for _, tc := range []struct {
		pointer string
		want    any
	}{
		{"/properties/link_validity_days/default", DefaultLinkValidityDays},
		{"/properties/link_validity_days/maximum", maxLinkValidityDays},
		{"/properties/thresholds/properties/strong_yes/default", DefaultStrongYes},
		{"/properties/thresholds/properties/yes/default", DefaultYes},
		{"/properties/thresholds/properties/no/default", DefaultNo},
		{"/properties/title/maxLength", maxTitle},
		{"/properties/description/maxLength", maxDescription},
		{"/properties/competencies/maxItems", maxCompetencies},
		{"/properties/questions/maxItems", maxQuestions},
		{"/$defs/weight/default", DefaultWeight},
		{"/$defs/weight/maximum", MaxWeight},
		{"/$defs/minutes/maximum", MaxMinutes},
		{"/$defs/prompt/maxLength", maxPrompt},
		{"/$defs/freeTextQuestion/properties/max_chars/default", DefaultFreeTextMaxChars},
		{"/$defs/freeTextQuestion/properties/max_chars/maximum", MaxFreeTextMaxChars},
		{"/$defs/freeTextQuestion/properties/guidance/maxLength", maxGuidance},
		{"/$defs/multipleChoiceQuestion/properties/options/maxItems", maxOptions},
		{"/$defs/taskQuestion/properties/brief/maxLength", maxBrief},
		{"/$defs/taskQuestion/properties/deliverable/properties/max_chars/default", DefaultDeliverableMaxChars},
		{"/$defs/taskQuestion/properties/deliverable/properties/max_chars/maximum", MaxDeliverableMaxChars},
		{"/$defs/taskQuestion/properties/deliverable/properties/upload/properties/max_bytes/maximum", MaxUploadBytes},
		{"/$defs/taskQuestion/properties/deliverable/properties/upload/properties/types/maxItems", maxUploadTypes},
		{"/$defs/taskQuestion/properties/deliverable/properties/language/pattern", languagePattern.String()},
		{"/$defs/rubricItem/properties/phrases/maxItems", maxPhrases},
		{"/$defs/rubricItem/properties/phrases/items/maxLength", maxPhrase},
		{"/$defs/anchors/additionalProperties/maxLength", maxAnchor},
	} {
		got := get(schema, tc.pointer)
		want := tc.want
		switch w := want.(type) {
		case int:
			want = float64(w)
		}
		if got != want {
			t.Errorf("schema %s = %v, want %v", tc.pointer, got, want)
		}
	}
	if got := strs(get(schema, "/$defs/anchors/propertyNames/enum")); !slices.Equal(got, AnchorLevels) {
		t.Errorf("anchor levels = %q", got)
	}
}

func memberOf(n *node, name string) *node {
	if n == nil {
		return nil
	}
	for _, m := range n.members {
		if m.name == name {
			return m.value
		}
	}
	return nil
}

func memberNames(n *node, name string) []string {
	var out []string
	for _, m := range memberOf(n, name).members {
		out = append(out, m.name)
	}
	return out
}

func strs(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

func toStrings[T ~string](vals []T) []string {
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = string(v)
	}
	return out
}

// The example in docs/posting-format.md must stay valid, complete and
// canonical.
func TestFormatDocExample(t *testing.T) {
	doc := string(mustRead(t, "../../docs/posting-format.md"))
	_, after, ok := strings.Cut(doc, "## Example\n")
	if !ok {
		t.Fatal("no Example section")
	}
	_, block, ok := strings.Cut(after, "```json\n")
	if !ok {
		t.Fatal("no JSON block in the Example section")
	}
	block, _, _ = strings.Cut(block, "```")
	p := mustDecode(t, block)
	if probs := p.Problems(); len(probs) > 0 {
		t.Errorf("example has problems: %v", probs)
	}
	enc, err := Encode(p)
	if err != nil {
		t.Fatal(err)
	}
	if string(enc) != block {
		t.Errorf("example is not canonical:\n%s", firstDiff([]byte(block), enc))
	}
	kinds := map[Kind]bool{}
	for _, q := range p.Questions {
		kinds[q.Kind] = true
	}
	if len(kinds) != len(Kinds) {
		t.Errorf("example uses %d of %d question kinds", len(kinds), len(Kinds))
	}
}
