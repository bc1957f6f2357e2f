package greenhouse

import (
	"math"
	"slices"
	"strconv"
	"unicode/utf8"
)

// The read endpoints' answers are written without reflection, byte for byte
// what encoding/json's Encoder writes (HTML-safe escaping, sorted metadata
// keys, a final newline); the tests compare the two.

// AppendJSON appends the answer as JSON; false (and b unchanged) when a
// value is one encoding/json must handle: a metadata value other than a
// string or a finite number, or a score that is not finite.
func (st *TestStatus) AppendJSON(b []byte) ([]byte, bool) {
	start := len(b)
	b = append(b, `{"partner_status":`...)
	b = appendString(b, st.PartnerStatus)
	if st.PartnerProfileURL != "" {
		b = append(b, `,"partner_profile_url":`...)
		b = appendString(b, st.PartnerProfileURL)
	}
	var ok bool
	if st.PartnerScore != nil {
		b = append(b, `,"partner_score":`...)
		if b, ok = appendFloat(b, *st.PartnerScore); !ok {
			return b[:start], false
		}
	}
	if len(st.Metadata) > 0 {
		keys := make([]string, 0, len(st.Metadata))
		for k := range st.Metadata {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b = append(b, `,"metadata":{`...)
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, k)
			b = append(b, ':')
			switch v := st.Metadata[k].(type) {
			case string:
				b = appendString(b, v)
			case float64:
				if b, ok = appendFloat(b, v); !ok {
					return b[:start], false
				}
			default:
				return b[:start], false
			}
		}
		b = append(b, '}')
	}
	return append(b, "}\n"...), true
}

// TestList is list_tests' answer.
type TestList []TestListing

// AppendJSON appends the list as JSON (always possible).
func (l TestList) AppendJSON(b []byte) ([]byte, bool) {
	if l == nil {
		return append(b, "null\n"...), true
	}
	b = append(b, '[')
	for i, t := range l {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"partner_test_id":`...)
		b = appendString(b, t.PartnerTestID)
		b = append(b, `,"partner_test_name":`...)
		b = appendString(b, t.PartnerTestName)
		b = append(b, '}')
	}
	return append(b, "]\n"...), true
}

// appendFloat is encoding/json's float64 encoding; false for NaN and
// infinities, which it refuses.
func appendFloat(b []byte, f float64) ([]byte, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return b, false
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// e-09 to e-9, as encoding/json does.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, true
}

const hexDigits = "0123456789abcdef"

// appendString is encoding/json's HTML-safe string encoding.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= ' ' && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
