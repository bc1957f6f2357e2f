package memo

import (
	"errors"
	"strconv"
	"testing"
)

// TestCache: the same bytes are decoded once, other bytes again, a failed
// decode is not kept, and the cache starts over past its size.
func TestCache(t *testing.T) {
	c := New[int](3)
	calls := 0
	atoi := func(b []byte) (int, error) { calls++; return strconv.Atoi(string(b)) }
	get := func(s string) int {
		t.Helper()
		v, err := c.Get([]byte(s), atoi)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if get("1") != 1 || get("1") != 1 || calls != 1 {
		t.Fatalf("the same bytes twice: %d decodes", calls)
	}
	if get("2") != 2 || calls != 2 {
		t.Fatalf("other bytes: %d decodes", calls)
	}
	if _, err := c.Get([]byte("x"), atoi); err == nil {
		t.Fatal("a failed decode returned no error")
	}
	if _, err := c.Get([]byte("x"), atoi); err == nil || calls != 4 {
		t.Fatalf("a failed decode was kept: %d decodes, %v", calls, err)
	}
	get("3")
	get("4") // the fourth value starts over
	if get("1") != 1 || calls != 7 {
		t.Fatalf("past its size the cache kept more: %d decodes", calls)
	}
	// The kept bytes are a copy: changing the caller's slice changes nothing.
	b := []byte("5")
	c.Get(b, atoi)
	b[0] = '6'
	if v, _ := c.Get([]byte("5"), func([]byte) (int, error) { return 0, errors.New("decoded again") }); v != 5 {
		t.Fatalf("got %d for 5", v)
	}
}
