package web

import (
	"fmt"
	"testing"

	"github.com/talentsystems/talentsystems/internal/posting"
)

// TestMarkdownCache: the cached rendering is the renderer's, for a text seen
// again and for more texts than the cache holds.
func TestMarkdownCache(t *testing.T) {
	for round := range 2 {
		for i := range markdownCacheSize + 10 {
			src := fmt.Sprintf("**Question %d** with `code` and [a link](https://example.test/%d)\n\n<script>x</script>", i, i)
			if got, want := markdown(src), posting.RenderMarkdown(src); got != want {
				t.Fatalf("round %d, text %d: %q, want %q", round, i, got, want)
			}
		}
	}
	if n := len(markdownCache.m); n > markdownCacheSize {
		t.Errorf("the cache holds %d texts, more than %d", n, markdownCacheSize)
	}
}
