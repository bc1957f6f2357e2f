package web

import (
	"html/template"
	"sync"

	"github.com/talentsystems/talentsystems/internal/posting"
)

// Rendering a question's Markdown was a fifth of the candidate's question
// page. The texts come from posting documents, a small set that changes
// rarely, and rendering is a pure function of the text: the rendered HTML is
// kept by its source.
const (
	markdownCacheSize = 1024     // entries; past it the cache starts over
	markdownCacheMax  = 64 << 10 // longer texts are rendered every time
)

var markdownCache struct {
	sync.Mutex
	m map[string]template.HTML
}

// markdown is posting.RenderMarkdown with the cache.
func markdown(src string) template.HTML {
	if len(src) > markdownCacheMax {
		return posting.RenderMarkdown(src)
	}
	markdownCache.Lock()
	html, ok := markdownCache.m[src]
	markdownCache.Unlock()
	if ok {
		return html
	}
	html = posting.RenderMarkdown(src)
	markdownCache.Lock()
	if markdownCache.m == nil || len(markdownCache.m) >= markdownCacheSize {
		markdownCache.m = make(map[string]template.HTML)
	}
	markdownCache.m[src] = html
	markdownCache.Unlock()
	return html
}
