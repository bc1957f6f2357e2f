package safetext

import "testing"

func TestHasControl(t *testing.T) {
	for _, c := range []struct {
		s         string
		multiline bool
		want      bool
	}{
		{"Ann Smith", false, false}, {"Zoë — ok", false, false}, {"a\x00b", false, true}, {"a\x00b", true, true},
		{"a\nb", false, true}, {"a\nb\r\n\tc", true, false}, {"a\x1bb", true, true}, {"a\u0085", true, true},
		{"a\x7f", false, true}, {"\xff", false, true},
	} {
		if got := HasControl(c.s, c.multiline); got != c.want {
			t.Errorf("HasControl(%q, %t) = %t", c.s, c.multiline, got)
		}
	}
}

func TestFileName(t *testing.T) {
	for in, want := range map[string]string{
		"cv\u202Efdp.exe":     "cvfdp.exe",
		"a\u2066b\u2069.pdf":  "ab.pdf",
		"zero\u200Bwidth.txt": "zerowidth.txt",
		"../../etc/passwd":    ".._.._etc_passwd",
		"a\x00b\nc.txt":       "abc.txt",
		"\u202E":              "file",
		"Résumé 2024.pdf":     "Résumé 2024.pdf",
	} {
		if got := FileName(in); got != want {
			t.Errorf("FileName(%q) = %q, want %q", in, got, want)
		}
	}
}
