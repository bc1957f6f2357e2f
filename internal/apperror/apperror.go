// Package apperror gives errors a kind that the HTTP and CLI layers map to a
// status in one place, and a message that is safe to show to users.
package apperror

import (
	"errors"
	"fmt"
	"time"
)

// Kind classifies an error for its caller.
type Kind int

// The kinds of error. Internal is the zero value: anything not classified is a bug
// or an outage and is logged, never shown.
const (
	Internal Kind = iota
	Invalid
	NotFound
	Conflict
	Unauthorized
	Forbidden
	TooMany
	TooLarge
)

// Error is a classified error with a user-facing message.
type Error struct {
	Kind    Kind
	Message string
	// Fields names the fields at fault, field name → message, for forms and JSON.
	Fields map[string]string
	// RetryAfter is how long a TooMany caller should wait (0: unknown).
	RetryAfter time.Duration
}

func (e *Error) Error() string { return e.Message }

// Wait returns a TooMany error telling the caller to wait d.
func Wait(d time.Duration, format string, args ...any) error {
	return &Error{Kind: TooMany, Message: fmt.Sprintf(format, args...), RetryAfter: d}
}

// RetryAfterOf returns how long err asks its caller to wait, or 0.
func RetryAfterOf(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}

// New returns an error of kind k with a formatted user-facing message.
func New(k Kind, format string, args ...any) error {
	return &Error{Kind: k, Message: fmt.Sprintf(format, args...)}
}

// Field returns an Invalid error naming one field.
func Field(field, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	return &Error{Kind: Invalid, Message: msg, Fields: map[string]string{field: msg}}
}

// KindOf returns the kind of the first classified error in err's chain, or Internal.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// Message returns the user-facing message of err, or a generic one for internal errors.
func Message(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Something went wrong on our side. Please try again."
}

// FieldsOf returns the field errors of err, if any.
func FieldsOf(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}
