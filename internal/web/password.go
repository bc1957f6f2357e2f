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

func (s *Server) forgotPage(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "password_forgot", &ForgotPage{Base: Base{Title: "Reset your password"}})
	return nil
}

func (s *Server) forgot(w http.ResponseWriter, r *http.Request) error {
	email := strings.TrimSpace(r.PostForm.Get("email"))
	view := &ForgotPage{Base: Base{Title: "Reset your password"}, Email: email}
	if !s.allowReset(s.clientIP(r), "reset:"+strings.ToLower(email)) {
		view.Flash = "Too many requests. Wait a minute and try again."
		w.Header().Set("Retry-After", "60")
		s.render(w, r, http.StatusTooManyRequests, "password_forgot", view)
		return nil
	}
	if err := s.accounts.RequestPasswordReset(r.Context(), email); err != nil {
		return err
	}
	view.Sent = true
	s.render(w, r, http.StatusOK, "password_forgot", view)
	return nil
}

// ResetPage is the view of the form that sets a new password through a reset link.
type ResetPage struct {
	Base
	Email  string
	Errors map[string]string
}

var invalidReset = apperror.New(apperror.NotFound, "This reset link is not valid: it has expired, has been used already, or was mistyped. Ask for a new one.")

// resetUser finds the account of the reset link in the path.
func (s *Server) resetUser(r *http.Request) (*model.User, error) {
	u, err := s.accounts.ResetUser(r.Context(), r.PathValue("token"))
	if apperror.KindOf(err) == apperror.NotFound {
		return nil, invalidReset
	}
	return u, err
}

func (s *Server) resetPage(w http.ResponseWriter, r *http.Request) error {
	u, err := s.resetUser(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "password_reset", &ResetPage{Base: Base{Title: "Set a new password"}, Email: u.Email})
	return nil
}

func (s *Server) reset(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	u, err := s.resetUser(r)
	if err != nil {
		return err
	}
	view := &ResetPage{Base: Base{Title: "Set a new password"}, Email: u.Email}
	if f.Get("password") != f.Get("password_confirm") {
		view.Errors = map[string]string{"password_confirm": "the two passwords differ"}
		s.render(w, r, http.StatusBadRequest, "password_reset", view)
		return nil
	}
	u, err = s.accounts.ResetPassword(r.Context(), r.PathValue("token"), f.Get("password"))
	if err != nil {
		if apperror.KindOf(err) == apperror.Invalid {
			view.Errors = apperror.FieldsOf(err)
			s.render(w, r, http.StatusBadRequest, "password_reset", view)
			return nil
		}
		return err
	}
	if err := s.startSession(w, r, u); err != nil {
		return err
	}
	s.flash(w, "Your new password is set.")
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}
