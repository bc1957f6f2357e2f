package web

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/talentsystems/talentsystems/internal/config"
)

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

func TestClientIP(t *testing.T) {
	s := &Server{cfg: &config.Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("127.0.0.1/32")}}}
	for _, c := range []struct{ remote, xff, fwd, want string }{
		{"192.0.2.1:5000", "198.51.100.1", "", "192.0.2.1"},                       // untrusted peer: headers ignored
		{"127.0.0.1:5000", "", "", "127.0.0.1"},                                   // trusted peer, no header
		{"127.0.0.1:5000", "198.51.100.1", "", "198.51.100.1"},                    // one proxy
		{"127.0.0.1:5000", "6.6.6.6, 198.51.100.1, 10.1.2.3", "", "198.51.100.1"}, // rightmost untrusted hop
		{"10.0.0.5:1", "garbage, 10.0.0.9", "", "10.0.0.9"},                       // malformed hop: stop at the last trusted
		{"127.0.0.1:5000", "", `for="[2001:db8::1]:4711", for=10.0.0.2`, "2001:db8::1"},
		{"127.0.0.1:5000", "", "for=198.51.100.9;proto=https", "198.51.100.9"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.remote
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		if c.fwd != "" {
			r.Header.Set("Forwarded", c.fwd)
		}
		if got := s.clientIP(r); got != c.want {
			t.Errorf("%s xff=%q fwd=%q: %s, want %s", c.remote, c.xff, c.fwd, got, c.want)
		}
	}
}

func TestLogPathRedactsTokens(t *testing.T) {
	tok := "Xy3kP9qLmN2vB7wT5rZs8dFgH4jK6cVb1nMa0eQiUoY"
	for in, want := range map[string]string{
		"/a/" + tok + "/":              "/a/REDACTED/",
		"/a/" + tok + "/x":             "/a/REDACTED/x",
		"/password/reset/" + tok + "/": "/password/reset/REDACTED/",
		"/postings/12/competencies":    "/postings/12/competencies",
		"/no/such/page":                "/no/such/page",
	} {
		if got := logPath(in); got != want {
			t.Errorf("logPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCleanFileNameDropsBidiControls(t *testing.T) {
	for in, want := range map[string]string{
		"cv\u202Efdp.exe":        "cvfdp.exe",
		`C:\Users\x\cv.pdf`:      "cv.pdf",
		"a\u200Bb\u2067.txt\x00": "ab.txt",
	} {
		if got := cleanFileName(in); got != want {
			t.Errorf("cleanFileName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHSTSUnderHTTPS(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	for base, want := range map[string]bool{"https://assess.example.com": true, "http://localhost:8080": false} {
		s := &Server{cfg: &config.Config{BaseURL: base}}
		rec := httptest.NewRecorder()
		s.hsts(ok).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
		if got := rec.Header().Get("Strict-Transport-Security") != ""; got != want {
			t.Errorf("%s: HSTS %t, want %t", base, got, want)
		}
	}
}
