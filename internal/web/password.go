package web

import (
	"net/http"
	"strings"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/model"
)

// ForgotPage is the view of the form that asks for a password reset link.
type ForgotPage struct {
	Base
	Email string
	Sent  bool
}

func (s *Server) forgotPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "password_forgot", &ForgotPage{Base: Base{Title: "Reset your password"}})
}

func (s *Server) forgot(w http.ResponseWriter, r *http.Request) {
	email := strings.TrimSpace(r.PostForm.Get("email"))
	view := &ForgotPage{Base: Base{Title: "Reset your password"}, Email: email}
	if !s.limits.allow(clientIP(r), "reset:"+strings.ToLower(email)) {
		view.Flash = "Too many requests. Wait a minute and try again."
		w.Header().Set("Retry-After", "60")
		s.render(w, r, http.StatusTooManyRequests, "password_forgot", view)
		return
	}
	if err := s.accounts.RequestPasswordReset(r.Context(), email); err != nil {
		s.fail(w, r, err)
		return
	}
	view.Sent = true
	s.render(w, r, http.StatusOK, "password_forgot", view)
}

// ResetPage is the view of the form that sets a new password through a reset link.
type ResetPage struct {
	Base
	Email  string
	Errors map[string]string
}

var invalidReset = apperror.New(apperror.NotFound, "This reset link is not valid: it has expired, has been used already, or was mistyped. Ask for a new one.")

// resetUser finds the account of the reset link in the path; it answers
// the request itself when there is none.
func (s *Server) resetUser(w http.ResponseWriter, r *http.Request) (*model.User, bool) {
	u, err := s.accounts.ResetUser(r.Context(), r.PathValue("token"))
	if apperror.KindOf(err) == apperror.NotFound {
		err = invalidReset
	}
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return u, true
}

func (s *Server) resetPage(w http.ResponseWriter, r *http.Request) {
	u, ok := s.resetUser(w, r)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, "password_reset", &ResetPage{Base: Base{Title: "Set a new password"}, Email: u.Email})
}

func (s *Server) reset(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	u, ok := s.resetUser(w, r)
	if !ok {
		return
	}
	view := &ResetPage{Base: Base{Title: "Set a new password"}, Email: u.Email}
	if f.Get("password") != f.Get("password_confirm") {
		view.Errors = map[string]string{"password_confirm": "the two passwords differ"}
		s.render(w, r, http.StatusBadRequest, "password_reset", view)
		return
	}
	u, err := s.accounts.ResetPassword(r.Context(), r.PathValue("token"), f.Get("password"))
	if err != nil {
		if apperror.KindOf(err) == apperror.Invalid {
			view.Errors = apperror.FieldsOf(err)
			s.render(w, r, http.StatusBadRequest, "password_reset", view)
			return
		}
		s.fail(w, r, err)
		return
	}
	if !s.startSession(w, r, u) {
		return
	}
	s.flash(w, "Your new password is set.")
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
