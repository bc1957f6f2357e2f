package web

import (
	"net/http"

	"github.com/talentsystems/talentsystems/internal/apperror"
)

// The kinds of a message on a page: a success is announced politely
// (role=status), an error or warning at once (role=alert), and each looks
// different.
const (
	FlashSuccess = "success"
	FlashWarning = "warning"
	FlashError   = "error"
)

// flashKindCookie carries the kind of the one-time message in flashCookie; a
// message without one is a success.
const flashKindCookie = "ts_flash_kind"

// flashAs sets a one-time message of a kind for the next page.
func (s *Server) flashAs(w http.ResponseWriter, kind, msg string) {
	s.flash(w, msg)
	if kind != FlashSuccess {
		http.SetCookie(w, &http.Cookie{Name: flashKindCookie, Value: kind, Path: "/", HttpOnly: true, Secure: s.cfg.CookieSecure, SameSite: http.SameSiteLaxMode})
	}
}

// flashError sets a one-time error message for the next page.
func (s *Server) flashError(w http.ResponseWriter, msg string) { s.flashAs(w, FlashError, msg) }

// takeFlashKind returns the kind of the pending message and forgets it.
func (s *Server) takeFlashKind(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashKindCookie)
	if err != nil {
		return FlashSuccess
	}
	s.clearCookie(w, flashKindCookie)
	switch c.Value {
	case FlashError, FlashWarning:
		return c.Value
	}
	return FlashSuccess
}

// Fail shows msg on the page as an error.
func (b *Base) Fail(msg string) { b.Flash, b.FlashKind = msg, FlashError }

// FailWith shows err's user-facing message on the page as an error.
func (b *Base) FailWith(err error) { b.Fail(apperror.Message(err)) }

// Warn shows msg on the page as a warning.
func (b *Base) Warn(msg string) { b.Flash, b.FlashKind = msg, FlashWarning }

// FlashRole is the ARIA role of the page's message: errors and warnings
// interrupt (alert), successes wait their turn (status).
func (b *Base) FlashRole() string {
	if b.FlashKind == FlashError || b.FlashKind == FlashWarning {
		return "alert"
	}
	return "status"
}

// FlashClass is the message's style class.
func (b *Base) FlashClass() string {
	switch b.FlashKind {
	case FlashError, FlashWarning:
		return "flash flash-" + b.FlashKind
	}
	return "flash flash-success"
}

// FlashLabel names the message's kind for those who do not see its colour.
func (b *Base) FlashLabel() string {
	switch b.FlashKind {
	case FlashError:
		return "Error:"
	case FlashWarning:
		return "Warning:"
	}
	return ""
}
