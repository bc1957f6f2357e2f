package web

import (
	"net/http"
	"strconv"

	"github.com/talentsystems/talentsystems/internal/account"
	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/model"
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

func (s *Server) staffOrgs(w http.ResponseWriter, r *http.Request) error {
	return s.renderStaffOrgs(w, r, http.StatusOK, &StaffOrgsPage{})
}

func (s *Server) renderStaffOrgs(w http.ResponseWriter, r *http.Request, status int, v *StaffOrgsPage) error {
	orgs, err := s.accounts.Orgs(r.Context())
	if err != nil {
		return err
	}
	v.Title, v.Nav, v.Orgs = "Organizations", "staff", orgs
	s.render(w, r, status, "staff_orgs", v)
	return nil
}

func (s *Server) staffCreateOrg(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	v := &StaffOrgsPage{Name: f.Get("name"), Slug: f.Get("slug"), AdminEmail: f.Get("admin_email")}
	var email string
	var err error
	if f.Get("admin_email") != "" {
		email, err = account.ParseEmail(f.Get("admin_email"))
		if err != nil {
			err = apperror.Field("admin_email", "%q is not an email address", f.Get("admin_email"))
		} else if taken, lookup := s.accounts.EmailTaken(r.Context(), email); lookup != nil {
			return lookup
		} else if taken {
			err = apperror.Field("admin_email", "%s already has an account", email)
		}
	}
	var org *model.Org
	if err == nil {
		org, err = s.accounts.CreateOrg(r.Context(), actor(r), f.Get("name"), f.Get("slug"))
	}
	if err == nil && email != "" {
		_, err = s.accounts.Invite(r.Context(), actor(r), org.ID, email, model.RoleAdmin)
	}
	if err != nil {
		if k := apperror.KindOf(err); k == apperror.Internal {
			return err
		}
		v.Errors = apperror.FieldsOf(err)
		if v.Errors == nil {
			v.Flash = apperror.Message(err)
		}
		return s.renderStaffOrgs(w, r, Status(err), v)
	}
	msg := "Organization " + org.Name + " created with the slug " + org.Slug + "."
	if email != "" {
		msg += " An invitation went to " + email + "."
	}
	s.flash(w, msg)
	http.Redirect(w, r, "/staff/orgs/"+strconv.FormatInt(org.ID, 10), http.StatusSeeOther)
	return nil
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

func (s *Server) staffOrg(w http.ResponseWriter, r *http.Request) error {
	return s.renderStaffOrg(w, r, http.StatusOK, &StaffOrgPage{})
}

func (s *Server) renderStaffOrg(w http.ResponseWriter, r *http.Request, status int, v *StaffOrgPage) error {
	id := pathID(r, "id")
	var err error
	ctx := r.Context()
	if v.Target, err = s.accounts.OrgByID(ctx, id); err != nil {
		return err
	}
	if v.Members, err = s.accounts.Members(ctx, id); err == nil {
		if v.Invitations, err = s.accounts.PendingInvitations(ctx, id); err == nil {
			v.Audit, err = s.accounts.AuditLog(ctx, id, 50)
		}
	}
	if err != nil {
		return err
	}
	v.Title, v.Nav = v.Target.Name, "staff"
	s.render(w, r, status, "staff_org", v)
	return nil
}

func (s *Server) staffInvite(w http.ResponseWriter, r *http.Request) error {
	id := pathID(r, "id")
	if _, err := s.accounts.OrgByID(r.Context(), id); err != nil {
		return err
	}
	role, err := account.ParseRole(r.PostForm.Get("role"))
	if err == nil {
		_, err = s.accounts.Invite(r.Context(), actor(r), id, r.PostForm.Get("email"), role)
	}
	if err != nil {
		if apperror.KindOf(err) != apperror.Invalid {
			return err
		}
		return s.renderStaffOrg(w, r, http.StatusBadRequest, &StaffOrgPage{Email: r.PostForm.Get("email"), Errors: apperror.FieldsOf(err)})
	}
	s.flash(w, "Invitation sent to "+r.PostForm.Get("email")+".")
	http.Redirect(w, r, "/staff/orgs/"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}

// OutboxPage is the view of the staff outbox.
type OutboxPage struct {
	Base
	Emails   []*model.Email
	SMTPHost string
	Jobs     map[string]int
}

func (s *Server) staffOutbox(w http.ResponseWriter, r *http.Request) error {
	emails, err := s.queue.Outbox(r.Context(), 200)
	if err != nil {
		return err
	}
	counts, err := s.queue.Counts(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "staff_outbox", &OutboxPage{Base: Base{Title: "Outbox", Nav: "outbox"}, Emails: emails, SMTPHost: s.cfg.SMTP.Host, Jobs: counts})
	return nil
}

// EmailPage is the view of one outbox message, as staff see it: the
// secrets in its links hidden.
type EmailPage struct {
	Base
	Email *model.Email
}

// Resendable reports whether staff may send the mail again.
func (p *EmailPage) Resendable() bool {
	return (p.Email.Status == model.EmailFailed || p.Email.Status == model.EmailUncertain) && p.Email.PurgedAt.IsZero()
}

func (s *Server) staffEmail(w http.ResponseWriter, r *http.Request) error {
	id := pathID(r, "id")
	e, err := s.queue.Email(r.Context(), id)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "staff_email", &EmailPage{Base: Base{Title: e.Subject, Nav: "outbox"}, Email: e})
	return nil
}

// staffResendEmail sends a failed or uncertain mail again.
func (s *Server) staffResendEmail(w http.ResponseWriter, r *http.Request) error {
	id := pathID(r, "id")
	if err := s.queue.ResendEmail(r.Context(), userFrom(r.Context()).Actor(), id); err != nil {
		return err
	}
	s.flash(w, "The mail will be sent again.")
	http.Redirect(w, r, "/staff/outbox/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}
