package ratelimit

import (
	"fmt"
	"testing"
	"time"
)

var t0 = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

func TestTakeBurstThenRefill(t *testing.T) {
	k := New(time.Second, 3)
	for i := range 3 {
		if d := k.Take("a", t0); d != 0 {
			t.Fatalf("event %d of the burst refused (%s)", i+1, d)
		}
	}
	d := k.Take("a", t0)
	if d <= 0 || d > time.Second {
		t.Fatalf("4th event: wait %s, want (0, 1s]", d)
	}
	if w := k.Wait("a", t0); w != d {
		t.Errorf("Wait = %s, Take said %s", w, d)
	}
	if d := k.Take("b", t0); d != 0 {
		t.Errorf("another key is limited too: %s", d)
	}
	if d := k.Take("a", t0.Add(time.Second)); d != 0 {
		t.Errorf("after one interval: wait %s, want 0", d)
	}
	if d := k.Take("a", t0.Add(time.Second)); d == 0 {
		t.Errorf("refill gave more than one event")
	}
}

func TestRefusedEventsAreNotCounted(t *testing.T) {
	k := New(time.Second, 1)
	k.Take("a", t0)
	for range 100 {
		k.Take("a", t0.Add(500*time.Millisecond))
	}
	if d := k.Take("a", t0.Add(time.Second)); d != 0 {
		t.Errorf("refused events were counted: wait %s after one interval", d)
	}
}

func TestEviction(t *testing.T) {
	k := New(time.Second, 1)
	k.maxKeys = 100
	for i := range 100 {
		k.Take(fmt.Sprint(i), t0)
	}
	later := t0.Add(time.Hour)
	k.Take("new", later)
	if n := k.Len(); n != 1 {
		t.Errorf("after a sweep %d keys are held, want 1 (idle keys evicted)", n)
	}
	// keys seen recently survive the sweep
	for i := range 100 {
		k.Take(fmt.Sprint(i), later)
	}
	k.Take("newer", later)
	if n := k.Len(); n != 102 {
		t.Errorf("recent keys evicted: %d held, want 102", n)
	}
}

func TestRetryAfter(t *testing.T) {
	for d, want := range map[time.Duration]int{0: 1, time.Millisecond: 1, time.Second: 1, 1001 * time.Millisecond: 2, time.Minute: 60} {
		if got := RetryAfter(d); got != want {
			t.Errorf("RetryAfter(%s) = %d, want %d", d, got, want)
		}
	}
}

func TestFull(t *testing.T) {
	k := New(time.Second, 3)
	now := time.Unix(1000, 0)
	if !k.Full("a", now) {
		t.Fatal("an unseen key is not full")
	}
	k.Take("a", now)
	if k.Full("a", now) {
		t.Fatal("a key with one event is full")
	}
	if !k.Full("a", now.Add(time.Second)) {
		t.Fatal("a refilled key is not full")
	}
}
