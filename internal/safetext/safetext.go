// Package safetext decides which text the product accepts at its edges: no
// control characters (NUL breaks PostgreSQL text, others confuse logs and
// terminals), and no bidirectional overrides in names shown to people.
package safetext

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// HasControl reports whether s holds a control character (C0, DEL, C1) or
// invalid UTF-8. With multiline, tab, newline and carriage return are allowed.
func HasControl(s string, multiline bool) bool {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			return true
		}
		i += n
		if multiline && (r == '\t' || r == '\n' || r == '\r') {
			continue
		}
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return true
		}
	}
	return false
}

// isHidden reports format and control characters that change how a name
// reads without being seen: bidi overrides and isolates (U+202E makes
// "gpj.exe" read "exe.jpg"), zero-width characters, and controls.
func isHidden(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError
}

// FileName returns name without control, bidi and other invisible format
// characters, with path separators replaced, trimmed; "file" when nothing is left.
func FileName(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case isHidden(r):
			continue
		case r == '/' || r == '\\':
			b.WriteRune('_')
		default:
			b.WriteRune(r)
		}
	}
	out := strings.TrimSpace(b.String())
	if out == "" || out == "." || out == ".." {
		return "file"
	}
	return out
}
