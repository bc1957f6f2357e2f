package posting

import (
	"bytes"
	"fmt"
	"io"
	"unicode/utf8"
)

// Decode reads one posting document strictly. It reads at most
// MaxDocumentBytes and returns ErrTooLarge for a longer document. An invalid
// document yields a *DecodeError listing every problem found, each with the
// JSON pointer of the offending value: malformed JSON, trailing data, unknown
// or repeated fields, wrong types, and everything Validate checks. Omitted
// fields get their defaults. Decode does not check the publish rules; see
// Problems.
func Decode(r io.Reader) (*Posting, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxDocumentBytes+1))
	if err != nil {
		return nil, fmt.Errorf("posting: read document: %w", err)
	}
	if len(data) > MaxDocumentBytes {
		return nil, ErrTooLarge
	}
	return decode(data)
}

func decode(data []byte) (*Posting, error) {
	var errs errorList
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		errs.add("", "the document is not valid UTF-8 (first bad byte at %d)", firstInvalidUTF8(data))
		return nil, &DecodeError{Errors: errs.sorted()}
	}
	root := readTree(data, &errs)
	if root == nil {
		return nil, &DecodeError{Errors: errs.sorted()}
	}
	m := mapper{errs: &errs}
	p := m.posting(root)
	if p == nil {
		return nil, &DecodeError{Errors: errs.sorted()}
	}
	// A value that failed to decode is left zero, which Validate would report
	// again (as missing or out of range) at the same place. Keep only the
	// first report for each part of the document.
	decodeErrs := make([]ptr, len(errs.errs))
	for i, e := range errs.errs {
		decodeErrs[i] = ptr(e.Pointer)
	}
	var verrs errorList
	p.validate(&verrs)
	for _, ve := range verrs.errs {
		vp := ptr(ve.Pointer)
		related := false
		for _, dp := range decodeErrs {
			if vp.within(dp) || (vp != "" && dp.within(vp)) {
				related = true
				break
			}
		}
		if !related {
			errs.add(vp, "%s", ve.Message)
		}
	}
	if len(errs.errs) > 0 {
		return nil, &DecodeError{Errors: errs.sorted()}
	}
	return p, nil
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}
