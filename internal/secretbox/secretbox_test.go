package secretbox

import "testing"

func TestSealOpen(t *testing.T) {
	b, _ := New([]byte("0123456789abcdef0123456789abcdef"))
	other, _ := New([]byte("another key another key another k"))
	s := b.Seal("token-123", "candidate:1")
	if got, err := b.Open(s, "candidate:1"); err != nil || got != "token-123" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if s == b.Seal("token-123", "candidate:1") {
		t.Error("two seals of one secret are equal: nonce not random")
	}
	for name, fn := range map[string]func() (string, error){
		"other context": func() (string, error) { return b.Open(s, "candidate:2") },
		"other key":     func() (string, error) { return other.Open(s, "candidate:1") },
		"tampered":      func() (string, error) { return b.Open(s[:len(s)-2]+"AA", "candidate:1") },
		"garbage":       func() (string, error) { return b.Open("!!", "candidate:1") },
	} {
		if _, err := fn(); err != ErrOpen {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}
