package candidates

import (
	"os"
	"strings"
	"testing"
)

// TestDecodeDoc: the same document's bytes are decoded once, a changed
// document again, a malformed one is refused.
func TestDecodeDoc(t *testing.T) {
	raw, err := os.ReadFile("../../examples/postings/data-analyst.json")
	if err != nil {
		t.Fatal(err)
	}
	a, err := decodeDoc(raw)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := decodeDoc(append([]byte(nil), raw...))
	if a != b {
		t.Error("the same document was decoded twice")
	}
	changed := []byte(strings.Replace(string(raw), `"title": "`, `"title": "Senior `, 1))
	d, err := decodeDoc(changed)
	if err != nil || d == a || !strings.HasPrefix(d.Title, "Senior ") {
		t.Errorf("a changed document came from the cache: %q, %v", d.Title, err)
	}
	if _, err := decodeDoc([]byte(`{"format":`)); err == nil {
		t.Error("a malformed document decoded")
	}
}
