package web

import (
	"net/http"
	"time"

	"github.com/talentsystems/talentsystems/internal/account"
	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/model"
)

// SettingsPage is the view of the profile and teammates page.
type SettingsPage struct {
	Base
	Name string
	// TimeZone is the profile's zone as shown in the form, Zones the
	// suggestions, Now the moment the hint shows in the zone.
	TimeZone string
	Zones    []string
	Now      time.Time
	// LogoMaxKB is the largest logo accepted.
	LogoMaxKB int
	// OrgTimeZone is the organization's zone as shown in the admin's form.
	OrgTimeZone string
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
	if v.Errors["time_zone"] == "" {
		v.TimeZone = u.TimeZone
	}
	if org := orgFrom(r.Context()); org != nil && v.Errors["org_time_zone"] == "" {
		v.OrgTimeZone = org.TimeZone
	}
	v.Zones, v.Now, v.LogoMaxKB = commonZones, s.now(), account.MaxLogoBytes>>10
	if u.Role == model.RoleAdmin {
		var err error
		if v.Members, err = s.accounts.Members(r.Context(), u.OrgID); err != nil {
			return nil, err
		}
		if v.Invitations, err = s.accounts.PendingInvitations(r.Context(), u.OrgID); err != nil {
			return nil, err
		}
	}
	return v, nil
}

func (s *Server) settingsPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderSettings(w, r, http.StatusOK, &SettingsPage{})
}

func (s *Server) renderSettings(w http.ResponseWriter, r *http.Request, status int, v *SettingsPage) error {
	v, err := s.settingsView(r, v)
	if err != nil {
		return err
	}
	s.render(w, r, status, "settings", v)
	return nil
}

// formError re-renders the settings page with the error's fields, or fails.
func (s *Server) settingsError(w http.ResponseWriter, r *http.Request, v *SettingsPage, err error) error {
	if k := apperror.KindOf(err); k == apperror.Internal || k == apperror.NotFound {
		return err
	}
	v.Errors = apperror.FieldsOf(err)
	if v.Errors == nil {
		v.Flash = apperror.Message(err)
	}
	return s.renderSettings(w, r, Status(err), v)
}

func (s *Server) updateProfile(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	v := &SettingsPage{Name: f.Get("name"), TimeZone: f.Get("time_zone")}
	if err := s.accounts.SetTimeZone(r.Context(), actor(r), f.Get("time_zone")); err != nil {
		return s.settingsError(w, r, v, err)
	}
	err := s.accounts.UpdateProfile(r.Context(), actor(r), sessionHash(r.Context()), f.Get("name"), f.Get("current_password"), f.Get("new_password"))
	if err != nil {
		return s.settingsError(w, r, v, err)
	}
	s.flash(w, "Your profile is saved.")
	http.Redirect(w, r, "/settings", http.StatusSeeOther)
	return nil
}

func (s *Server) inviteTeammate(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	v := &SettingsPage{InviteEmail: f.Get("email"), InviteRole: f.Get("role")}
	role, err := account.ParseRole(f.Get("role"))
	if err == nil {
		_, err = s.accounts.Invite(r.Context(), actor(r), orgFrom(r.Context()).ID, f.Get("email"), role)
	}
	if err != nil {
		return s.settingsError(w, r, v, err)
	}
	s.flash(w, "Invitation sent to "+f.Get("email")+".")
	http.Redirect(w, r, "/settings#teammates", http.StatusSeeOther)
	return nil
}

func (s *Server) changeRole(w http.ResponseWriter, r *http.Request) error {
	id := pathID(r, "id")
	role, err := account.ParseRole(r.PostForm.Get("role"))
	if err == nil {
		err = s.accounts.SetRole(r.Context(), actor(r), id, role)
	}
	if err != nil {
		return s.settingsError(w, r, &SettingsPage{}, err)
	}
	s.flash(w, "Role changed.")
	http.Redirect(w, r, "/settings#teammates", http.StatusSeeOther)
	return nil
}

// commonZones are the time zones the profile form suggests; any other IANA
// name is accepted too.
var commonZones = []string{
	"UTC", "Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Paris", "Europe/Berlin", "Europe/Amsterdam",
	"Europe/Madrid", "Europe/Rome", "Europe/Zurich", "Europe/Stockholm", "Europe/Warsaw", "Europe/Athens",
	"Europe/Helsinki", "Europe/Kyiv", "Europe/Istanbul", "Africa/Lagos", "Africa/Johannesburg", "Africa/Nairobi",
	"Asia/Dubai", "Asia/Kolkata", "Asia/Singapore", "Asia/Shanghai", "Asia/Hong_Kong", "Asia/Tokyo", "Asia/Seoul",
	"Australia/Perth", "Australia/Sydney", "Pacific/Auckland", "America/St_Johns", "America/Halifax",
	"America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles",
	"America/Anchorage", "Pacific/Honolulu", "America/Mexico_City", "America/Bogota", "America/Sao_Paulo",
	"America/Argentina/Buenos_Aires",
}

// updateOrgTimeZone sets the zone of the organization's members who have not
// chosen their own.
func (s *Server) updateOrgTimeZone(w http.ResponseWriter, r *http.Request) error {
	v := &SettingsPage{OrgTimeZone: r.PostForm.Get("org_time_zone")}
	if err := s.accounts.SetOrgTimeZone(r.Context(), actor(r), r.PostForm.Get("org_time_zone")); err != nil {
		return s.settingsError(w, r, v, err)
	}
	s.flash(w, "The organization's time zone is saved: teammates who have not chosen their own see times in it.")
	http.Redirect(w, r, "/settings#org-tz", http.StatusSeeOther)
	return nil
}
