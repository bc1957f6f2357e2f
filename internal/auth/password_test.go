package auth

import (
	"errors"
	"testing"
)

// check is CheckPassword for tests that do not expect ErrBusy.
func check(t *testing.T, h, pw string) bool {
	t.Helper()
	ok, err := CheckPassword(h, pw)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

func TestPassword(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !check(t, h, "correct horse battery") {
		t.Error("the right password was refused")
	}
	for _, wrong := range []string{"", "correct horse batter", "Correct horse battery"} {
		if check(t, h, wrong) {
			t.Errorf("wrong password %q accepted", wrong)
		}
	}
	for _, bad := range []string{"", "$argon2id$", "plain", "$argon2id$v=19$m=x$a$b"} {
		if check(t, bad, "x") {
			t.Errorf("malformed hash %q accepted", bad)
		}
	}
	h2, _ := HashPassword("correct horse battery")
	if h == h2 {
		t.Error("two hashes of one password are equal: salt not random")
	}
}

// TestHashingIsBounded: a check that cannot get one of the hashing slots in
// time fails with ErrBusy instead of piling up 19 MiB hashes in memory.
func TestHashingIsBounded(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	// Hold every slot: a check must give up with ErrBusy.
	for range cap(hashSlots) {
		hashSlots <- struct{}{}
	}
	_, err = CheckPassword(h, "correct horse battery")
	for range cap(hashSlots) {
		<-hashSlots
	}
	if !errors.Is(err, ErrBusy) {
		t.Fatalf("with every slot taken: %v, want ErrBusy", err)
	}
}

func TestCSRF(t *testing.T) {
	c := NewCSRF([]byte("0123456789abcdef0123456789abcdef"))
	other := NewCSRF([]byte("another key another key another k"))
	tok := c.Token("browser-1")
	cases := []struct {
		name          string
		cookie, token string
		want          bool
	}{
		{"valid", "browser-1", tok, true},
		{"other browser", "browser-2", tok, false},
		{"missing token", "browser-1", "", false},
		{"missing cookie", "", tok, false},
		{"forged", "browser-1", "AAAA", false},
		{"other key", "browser-1", other.Token("browser-1"), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := c.Valid(tc.cookie, tc.token); got != tc.want {
				t.Errorf("Valid = %v, want %v", got, tc.want)
			}
		})
	}
}
