package web

import (
	"net/http"

	"github.com/talentsystems/talentsystems/internal/apperror"
)

// InvitePage is the view of the page where an invited person sets a password.
type InvitePage struct {
	Base
	Email   string
	OrgName string
	Name    string
	Errors  map[string]string
}

func (s *Server) invitePage(w http.ResponseWriter, r *http.Request) error {
	inv, org, err := s.accounts.Invitation(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "invite", &InvitePage{Base: Base{Title: "Join " + org.Name}, Email: inv.Email, OrgName: org.Name})
	return nil
}

func (s *Server) acceptInvite(w http.ResponseWriter, r *http.Request) error {
	inv, org, err := s.accounts.Invitation(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	f := r.PostForm
	if f.Get("password") != f.Get("password_confirm") {
		s.render(w, r, http.StatusBadRequest, "invite", &InvitePage{Base: Base{Title: "Join " + org.Name}, Email: inv.Email, OrgName: org.Name,
			Name: f.Get("name"), Errors: map[string]string{"password_confirm": "the two passwords differ"}})
		return nil
	}
	u, err := s.accounts.AcceptInvitation(r.Context(), r.PathValue("token"), f.Get("name"), f.Get("password"))
	if err != nil {
		if apperror.KindOf(err) == apperror.Invalid {
			s.render(w, r, http.StatusBadRequest, "invite", &InvitePage{Base: Base{Title: "Join " + org.Name}, Email: inv.Email, OrgName: org.Name,
				Name: f.Get("name"), Errors: apperror.FieldsOf(err)})
			return nil
		}
		return err
	}
	if err := s.accounts.DefaultTimeZone(r.Context(), u, f.Get("browser_time_zone")); err != nil {
		return err
	}
	if err := s.startSession(w, r, u); err != nil {
		return err
	}
	s.flash(w, "Welcome to "+org.Name+"!")
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}
