package web

import (
	"net/http"

	"github.com/talentsystems/talentsystems/internal/account"
	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// SettingsPage is the view of the profile and teammates page.
type SettingsPage struct {
	Base
	Name        string
	Members     []*model.User
	Invitations []*model.Invitation
	InviteEmail string
	InviteRole  string
	Errors      map[string]string
}

func (s *Server) settingsView(r *http.Request, v *SettingsPage) (*SettingsPage, error) {
	u := userFrom(r.Context())
	v.Title, v.Nav = "Settings", "settings"
	if v.Name == "" {
		v.Name = u.Name
	}
	if u.Role == model.RoleAdmin {
		var err error
		if v.Members, err = store.ListOrgUsers(r.Context(), s.store.DB, u.OrgID); err != nil {
			return nil, err
		}
		if v.Invitations, err = store.PendingInvitations(r.Context(), s.store.DB, u.OrgID, s.now()); err != nil {
			return nil, err
		}
	}
	return v, nil
}

func (s *Server) settingsPage(w http.ResponseWriter, r *http.Request) {
	s.renderSettings(w, r, http.StatusOK, &SettingsPage{})
}

func (s *Server) renderSettings(w http.ResponseWriter, r *http.Request, status int, v *SettingsPage) {
	v, err := s.settingsView(r, v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "settings", v)
}

// formError re-renders the settings page with the error's fields, or fails.
func (s *Server) settingsError(w http.ResponseWriter, r *http.Request, v *SettingsPage, err error) {
	if k := apperror.KindOf(err); k == apperror.Internal || k == apperror.NotFound {
		s.fail(w, r, err)
		return
	}
	v.Errors = apperror.FieldsOf(err)
	if v.Errors == nil {
		v.Flash = apperror.Message(err)
	}
	s.renderSettings(w, r, Status(err), v)
}

func (s *Server) updateProfile(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	v := &SettingsPage{Name: f.Get("name")}
	err := s.accounts.UpdateProfile(r.Context(), userFrom(r.Context()), sessionHash(r.Context()), f.Get("name"), f.Get("current_password"), f.Get("new_password"))
	if err != nil {
		s.settingsError(w, r, v, err)
		return
	}
	s.flash(w, "Your profile is saved.")
	http.Redirect(w, r, "/settings", http.StatusSeeOther)
}

func (s *Server) inviteTeammate(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	v := &SettingsPage{InviteEmail: f.Get("email"), InviteRole: f.Get("role")}
	role, err := account.ParseRole(f.Get("role"))
	if err == nil {
		_, err = s.accounts.Invite(r.Context(), orgFrom(r.Context()), userFrom(r.Context()), f.Get("email"), role)
	}
	if err != nil {
		s.settingsError(w, r, v, err)
		return
	}
	s.flash(w, "Invitation sent to "+f.Get("email")+".")
	http.Redirect(w, r, "/settings#teammates", http.StatusSeeOther)
}

func (s *Server) changeRole(w http.ResponseWriter, r *http.Request) {
	id := pathID(r, "id")
	role, err := account.ParseRole(r.PostForm.Get("role"))
	if err == nil {
		err = s.accounts.SetRole(r.Context(), userFrom(r.Context()), id, role)
	}
	if err != nil {
		s.settingsError(w, r, &SettingsPage{}, err)
		return
	}
	s.flash(w, "Role changed.")
	http.Redirect(w, r, "/settings#teammates", http.StatusSeeOther)
}
