package postings

import (
	"bytes"
	"os"
	"testing"

	"github.com/talentsystems/talentsystems/internal/posting"
)

// TestTemplates checks that every example posting ships as a template, is
// the file in examples/postings and passes every publish rule.
func TestTemplates(t *testing.T) {
	ts := Templates()
	files, err := os.ReadDir("../../examples/postings")
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) == 0 || len(ts) != len(files) {
		t.Fatalf("%d templates for %d example files", len(ts), len(files))
	}
	for _, tpl := range ts {
		want, err := os.ReadFile("../../examples/postings/" + tpl.Key + ".json")
		if err != nil || !bytes.Equal(want, tpl.JSON) {
			t.Errorf("template %s is not its example file (%v)", tpl.Key, err)
		}
		doc, err := posting.Decode(bytes.NewReader(tpl.JSON))
		if err != nil {
			t.Fatalf("%s: %v", tpl.Key, err)
		}
		if p := doc.Problems(); len(p) > 0 {
			t.Errorf("%s cannot be published: %v", tpl.Key, p)
		}
	}
	if _, err := TemplateByKey("nope"); err == nil {
		t.Error("an unknown template was found")
	}
}
