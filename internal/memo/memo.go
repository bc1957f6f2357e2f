// Package memo keeps values decoded from bytes, found by those bytes: while
// a content is among the kept ones it is decoded once, however often it is
// read again. Nothing is cached in place of a read: callers read the bytes
// from the database each time and only skip decoding the same bytes again,
// so a changed row can never be answered from an old value.
//
// Entries are found by a fast hash of the bytes and kept with them, and a
// hit compares them in full: a hash collision costs a decode, never returns
// another content's value. Values are shared between callers, who read them
// and never modify them.
package memo

import (
	"bytes"
	"hash/maphash"
	"sync"
)

// Cache keeps at most max decoded values; past that it starts over.
type Cache[T any] struct {
	max  int
	seed maphash.Seed
	mu   sync.Mutex
	m    map[uint64]entry[T]
}

type entry[T any] struct {
	raw []byte
	val T
}

// New returns a cache of at most max values.
func New[T any](max int) *Cache[T] {
	return &Cache[T]{max: max, seed: maphash.MakeSeed()}
}

// Get returns decode(raw), from the cache when raw was decoded before. A
// failed decode is not kept.
func (c *Cache[T]) Get(raw []byte, decode func([]byte) (T, error)) (T, error) {
	key := maphash.Bytes(c.seed, raw)
	c.mu.Lock()
	e, ok := c.m[key]
	c.mu.Unlock()
	if ok && bytes.Equal(e.raw, raw) {
		return e.val, nil
	}
	val, err := decode(raw)
	if err != nil {
		return val, err
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= c.max {
		c.m = make(map[uint64]entry[T])
	}
	c.m[key] = entry[T]{raw: bytes.Clone(raw), val: val}
	c.mu.Unlock()
	return val, nil
}
