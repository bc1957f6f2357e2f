package candidates

import (
	"bytes"
	"hash/maphash"
	"sync"

	"github.com/talentsystems/talentsystems/internal/posting"
)

// maxCachedDocs bounds the decoded documents kept; past it the cache starts over.
const maxCachedDocs = 256

// docCache keeps decoded posting documents by content. Every page a
// candidate opens needs the posting version their attempt runs on, and
// decoding the strict format dominated those pages; versions change rarely
// and a changed document has another key.
//
// Entries are found by a fast hash of the document and kept with its bytes,
// which a hit compares in full: a hash collision can cost a decode, never
// serve another document.
type docCache struct {
	mu sync.Mutex
	m  map[uint64]cachedDoc
}

var docSeed = maphash.MakeSeed()

type cachedDoc struct {
	raw []byte
	doc *posting.Posting
}

// decode returns the posting in raw. The result is shared: callers read it
// and never modify it.
func (c *docCache) decode(raw []byte) (*posting.Posting, error) {
	key := maphash.Bytes(docSeed, raw)
	c.mu.Lock()
	e, ok := c.m[key]
	c.mu.Unlock()
	if ok && bytes.Equal(e.raw, raw) {
		return e.doc, nil
	}
	doc, err := posting.Decode(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCachedDocs {
		c.m = make(map[uint64]cachedDoc)
	}
	c.m[key] = cachedDoc{raw: bytes.Clone(raw), doc: doc}
	c.mu.Unlock()
	return doc, nil
}
