package web

import "testing"

func TestSafeNextRefusesOtherOrigins(t *testing.T) {
	bad := []string{
		"/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "\t//evil.example",
		"//evil.example", "/\\evil.example", "\\\\evil.example", "/\\/evil.example",
		"/%2F/evil.example", "/%2fevil.example", "/%5Cevil.example", "/%5cevil.example",
		"https://evil.example", "http:evil.example", "evil.example", "javascript:alert(1)",
		"/\x00/evil", "/\u202e/evil", "/\u0085/evil", "",
	}
	for _, next := range bad {
		if got := safeNext(next); got != "" {
			t.Errorf("safeNext(%q) = %q, want refused", next, got)
		}
	}
	good := []string{"/", "/postings", "/postings/3/candidates?status=done", "/settings#team", "/a%20b"}
	for _, next := range good {
		if got := safeNext(next); got != next {
			t.Errorf("safeNext(%q) = %q, want kept", next, got)
		}
	}
}
