package candidates

import (
	"os"
	"strings"
	"testing"
)

func TestDocCache(t *testing.T) {
	raw, err := os.ReadFile("../../examples/postings/data-analyst.json")
	if err != nil {
		t.Fatal(err)
	}
	var c docCache
	a, err := c.decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := c.decode(append([]byte(nil), raw...))
	if a != b {
		t.Error("the same document was decoded twice")
	}
	changed := []byte(strings.Replace(string(raw), `"title": "`, `"title": "Senior `, 1))
	d, err := c.decode(changed)
	if err != nil || d == a || !strings.HasPrefix(d.Title, "Senior ") {
		t.Errorf("a changed document came from the cache: %q, %v", d.Title, err)
	}
	if _, err := c.decode([]byte(`{"format":`)); err == nil {
		t.Error("a malformed document decoded")
	}
	for i := range maxCachedDocs + 5 {
		c.decode([]byte(strings.Replace(string(raw), `"title": "`, `"title": "`+strings.Repeat("x", i+1), 1)))
	}
	if n := len(c.m); n > maxCachedDocs {
		t.Errorf("the cache holds %d documents, more than %d", n, maxCachedDocs)
	}
}
