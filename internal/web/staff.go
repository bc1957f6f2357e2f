package web

import (
	"net/http"
	"strconv"

	"github.com/talentsystems/talentsystems/internal/account"
	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// StaffOrgsPage is the view of the staff console's organization list.
type StaffOrgsPage struct {
	Base
	Orgs       []*model.Org
	Name       string
	Slug       string
	AdminEmail string
	Errors     map[string]string
}

func (s *Server) staffOrgs(w http.ResponseWriter, r *http.Request) {
	s.renderStaffOrgs(w, r, http.StatusOK, &StaffOrgsPage{})
}

func (s *Server) renderStaffOrgs(w http.ResponseWriter, r *http.Request, status int, v *StaffOrgsPage) {
	orgs, err := store.ListOrgs(r.Context(), s.store.DB)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Title, v.Nav, v.Orgs = "Organizations", "staff", orgs
	s.render(w, r, status, "staff_orgs", v)
}

func (s *Server) staffCreateOrg(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	v := &StaffOrgsPage{Name: f.Get("name"), Slug: f.Get("slug"), AdminEmail: f.Get("admin_email")}
	actor := userFrom(r.Context())
	var email string
	var err error
	if f.Get("admin_email") != "" {
		email, err = account.ParseEmail(f.Get("admin_email"))
		if err != nil {
			err = apperror.Field("admin_email", "%q is not an email address", f.Get("admin_email"))
		} else if _, lookup := store.UserByEmail(r.Context(), s.store.DB, email); lookup == nil {
			err = apperror.Field("admin_email", "%s already has an account", email)
		}
	}
	var org *model.Org
	if err == nil {
		org, err = s.accounts.CreateOrg(r.Context(), f.Get("name"), f.Get("slug"), actor.ID)
	}
	if err == nil && email != "" {
		_, err = s.accounts.Invite(r.Context(), org, nil, email, model.RoleAdmin)
	}
	if err != nil {
		if k := apperror.KindOf(err); k == apperror.Internal {
			s.fail(w, r, err)
			return
		}
		v.Errors = apperror.FieldsOf(err)
		if v.Errors == nil {
			v.Flash = apperror.Message(err)
		}
		s.renderStaffOrgs(w, r, Status(err), v)
		return
	}
	msg := "Organization " + org.Name + " created with the slug " + org.Slug + "."
	if email != "" {
		msg += " An invitation went to " + email + "."
	}
	s.flash(w, msg)
	http.Redirect(w, r, "/staff/orgs/"+strconv.FormatInt(org.ID, 10), http.StatusSeeOther)
}

// StaffOrgPage is the view of one organization in the staff console.
type StaffOrgPage struct {
	Base
	Target      *model.Org
	Members     []*model.User
	Invitations []*model.Invitation
	Audit       []*model.AuditEvent
	Email       string
	Errors      map[string]string
}

func (s *Server) staffOrg(w http.ResponseWriter, r *http.Request) {
	s.renderStaffOrg(w, r, http.StatusOK, &StaffOrgPage{})
}

func (s *Server) renderStaffOrg(w http.ResponseWriter, r *http.Request, status int, v *StaffOrgPage) {
	id := pathID(r, "id")
	var err error
	ctx := r.Context()
	if v.Target, err = store.OrgByID(ctx, s.store.DB, id); err != nil {
		s.fail(w, r, err)
		return
	}
	if v.Members, err = store.ListOrgUsers(ctx, s.store.DB, id); err == nil {
		if v.Invitations, err = store.PendingInvitations(ctx, s.store.DB, id, s.now()); err == nil {
			v.Audit, err = store.OrgAudit(ctx, s.store.DB, id, 50)
		}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Title, v.Nav = v.Target.Name, "staff"
	s.render(w, r, status, "staff_org", v)
}

func (s *Server) staffInvite(w http.ResponseWriter, r *http.Request) {
	id := pathID(r, "id")
	org, err := store.OrgByID(r.Context(), s.store.DB, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	role, err := account.ParseRole(r.PostForm.Get("role"))
	if err == nil {
		_, err = s.accounts.Invite(r.Context(), org, nil, r.PostForm.Get("email"), role)
	}
	if err != nil {
		if apperror.KindOf(err) != apperror.Invalid {
			s.fail(w, r, err)
			return
		}
		s.renderStaffOrg(w, r, http.StatusBadRequest, &StaffOrgPage{Email: r.PostForm.Get("email"), Errors: apperror.FieldsOf(err)})
		return
	}
	s.flash(w, "Invitation sent to "+r.PostForm.Get("email")+".")
	http.Redirect(w, r, "/staff/orgs/"+r.PathValue("id"), http.StatusSeeOther)
}

// OutboxPage is the view of the staff outbox.
type OutboxPage struct {
	Base
	Emails   []*model.Email
	SMTPHost string
	Jobs     map[string]int
}

func (s *Server) staffOutbox(w http.ResponseWriter, r *http.Request) {
	emails, err := store.RecentEmails(r.Context(), s.store.DB, 200)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	counts, err := store.JobCounts(r.Context(), s.store.DB)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "staff_outbox", &OutboxPage{Base: Base{Title: "Outbox", Nav: "outbox"}, Emails: emails, SMTPHost: s.cfg.SMTP.Host, Jobs: counts})
}

// EmailPage is the view of one outbox message.
type EmailPage struct {
	Base
	Email *model.Email
}

func (s *Server) staffEmail(w http.ResponseWriter, r *http.Request) {
	id := pathID(r, "id")
	e, err := store.EmailByID(r.Context(), s.store.DB, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "staff_email", &EmailPage{Base: Base{Title: e.Subject, Nav: "outbox"}, Email: e})
}
