package candidates

import (
	"bytes"
	"crypto/sha256"
	"sync"

	"github.com/talentsystems/talentsystems/internal/posting"
)

// maxCachedDocs bounds the decoded documents kept; past it the cache starts over.
const maxCachedDocs = 256

// docCache keeps decoded posting documents by content. Every page a
// candidate opens needs the posting version their attempt runs on, and
// decoding the strict format dominated those pages; versions change rarely
// and a changed document has another key.
type docCache struct {
	mu sync.Mutex
	m  map[[32]byte]*posting.Posting
}

// decode returns the posting in raw. The result is shared: callers read it
// and never modify it.
func (c *docCache) decode(raw []byte) (*posting.Posting, error) {
	key := sha256.Sum256(raw)
	c.mu.Lock()
	doc, ok := c.m[key]
	c.mu.Unlock()
	if ok {
		return doc, nil
	}
	doc, err := posting.Decode(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCachedDocs {
		c.m = make(map[[32]byte]*posting.Posting)
	}
	c.m[key] = doc
	c.mu.Unlock()
	return doc, nil
}
