package posting

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// ErrTooLarge is returned by Decode when a document exceeds MaxDocumentBytes.
var ErrTooLarge = fmt.Errorf("posting: document larger than %d bytes", MaxDocumentBytes)

// maxErrors bounds the problems reported for one document, so a hostile
// document cannot produce an unbounded error list.
const maxErrors = 1000

// FieldError is one problem in a posting, located by an RFC 6901 JSON pointer
// such as "/questions/3/rubric/expected_points/0/weight". The empty pointer
// means the document as a whole.
type FieldError struct {
	// Pointer locates the offending value, or where a missing one belongs.
	Pointer string `json:"pointer"`
	// Message is a plain-language description of the problem.
	Message string `json:"message"`
}

// Error returns the pointer and message.
func (e FieldError) Error() string {
	if e.Pointer == "" {
		return e.Message
	}
	return e.Pointer + ": " + e.Message
}

// DecodeError is returned by Decode when a document is invalid. It lists
// every problem found, ordered by pointer.
type DecodeError struct {
	// Errors are the problems, at least one.
	Errors []FieldError
}

// Error summarizes the problems on one line.
func (e *DecodeError) Error() string {
	var b strings.Builder
	b.WriteString("posting: invalid document: ")
	const shown = 5
	for i, fe := range e.Errors {
		if i == shown {
			fmt.Fprintf(&b, "; and %d more", len(e.Errors)-shown)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(fe.Error())
	}
	return b.String()
}

// AsDecodeError returns the *DecodeError in err's chain, or nil.
func AsDecodeError(err error) *DecodeError {
	var de *DecodeError
	if errors.As(err, &de) {
		return de
	}
	return nil
}

// ptr builds JSON pointers; the zero value is the document root.
type ptr string

// key returns the pointer to member name of the object at p.
func (p ptr) key(name string) ptr {
	name = strings.ReplaceAll(name, "~", "~0")
	name = strings.ReplaceAll(name, "/", "~1")
	return p + "/" + ptr(name)
}

// index returns the pointer to element i of the array at p.
func (p ptr) index(i int) ptr {
	return p + "/" + ptr(strconv.Itoa(i))
}

// within reports whether p is q or a descendant of q.
func (p ptr) within(q ptr) bool {
	return p == q || strings.HasPrefix(string(p), string(q)+"/")
}

// errorList collects field errors.
type errorList struct {
	errs      []FieldError
	truncated bool
}

func (l *errorList) add(p ptr, format string, args ...any) {
	if len(l.errs) >= maxErrors {
		l.truncated = true
		return
	}
	l.errs = append(l.errs, FieldError{Pointer: string(p), Message: fmt.Sprintf(format, args...)})
}

// sorted returns the errors ordered by pointer, numeric segments compared as
// numbers so /questions/2 sorts before /questions/10. The sort is stable, so
// problems at the same pointer keep the order they were found in.
func (l *errorList) sorted() []FieldError {
	out := slices.Clone(l.errs)
	slices.SortStableFunc(out, func(a, b FieldError) int { return comparePointers(a.Pointer, b.Pointer) })
	if l.truncated {
		out = append(out, FieldError{Message: fmt.Sprintf("too many problems; only the first %d are listed", maxErrors)})
	}
	return out
}

func comparePointers(a, b string) int {
	as, bs := strings.Split(a, "/"), strings.Split(b, "/")
	for i := 0; i < len(as) && i < len(bs); i++ {
		if as[i] == bs[i] {
			continue
		}
		ai, aerr := strconv.Atoi(as[i])
		bi, berr := strconv.Atoi(bs[i])
		if aerr == nil && berr == nil {
			return ai - bi
		}
		return strings.Compare(as[i], bs[i])
	}
	return len(as) - len(bs)
}
