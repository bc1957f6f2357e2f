package web

import (
	"net/http"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/auth"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// InvitePage is the view of the page where an invited person sets a password.
type InvitePage struct {
	Base
	Email   string
	OrgName string
	Name    string
	Errors  map[string]string
}

func (s *Server) loadInvitation(w http.ResponseWriter, r *http.Request) (*model.Invitation, *model.Org, bool) {
	inv, err := store.OpenInvitation(r.Context(), s.store.DB, auth.Hash(r.PathValue("token")), s.now())
	if apperror.KindOf(err) == apperror.NotFound {
		err = apperror.New(apperror.NotFound, "This invitation link is not valid: it has expired, has been used already, or was mistyped. Ask your organization's admin for a new one.")
	}
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, false
	}
	org, err := store.OrgByID(r.Context(), s.store.DB, inv.OrgID)
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, false
	}
	return inv, org, true
}

func (s *Server) invitePage(w http.ResponseWriter, r *http.Request) {
	inv, org, ok := s.loadInvitation(w, r)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, "invite", &InvitePage{Base: Base{Title: "Join " + org.Name}, Email: inv.Email, OrgName: org.Name})
}

func (s *Server) acceptInvite(w http.ResponseWriter, r *http.Request) {
	inv, org, ok := s.loadInvitation(w, r)
	if !ok {
		return
	}
	f := r.PostForm
	if f.Get("password") != f.Get("password_confirm") {
		s.render(w, r, http.StatusBadRequest, "invite", &InvitePage{Base: Base{Title: "Join " + org.Name}, Email: inv.Email, OrgName: org.Name,
			Name: f.Get("name"), Errors: map[string]string{"password_confirm": "the two passwords differ"}})
		return
	}
	u, err := s.accounts.AcceptInvitation(r.Context(), r.PathValue("token"), f.Get("name"), f.Get("password"))
	if err != nil {
		if apperror.KindOf(err) == apperror.Invalid {
			s.render(w, r, http.StatusBadRequest, "invite", &InvitePage{Base: Base{Title: "Join " + org.Name}, Email: inv.Email, OrgName: org.Name,
				Name: f.Get("name"), Errors: apperror.FieldsOf(err)})
			return
		}
		s.fail(w, r, err)
		return
	}
	if !s.startSession(w, r, u) {
		return
	}
	s.flash(w, "Welcome to "+org.Name+"!")
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
