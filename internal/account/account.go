// Package account holds the rules for organizations, users, roles and
// invitations, shared by the web pages and the command line.
package account

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"html/template"
	"math/big"
	"net/mail"
	"regexp"
	"strings"
	"time"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/auth"
	"github.com/talentsystems/talentsystems/internal/jobs"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// InvitationTTL is how long an invitation link works.
const InvitationTTL = 7 * 24 * time.Hour

// Service applies the account rules to the store.
type Service struct {
	Store   *store.Store
	Queue   *jobs.Queue
	BaseURL string
	Now     func() time.Time
}

var slugRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,62}$`)

// Slugify derives a slug from an organization's name.
func Slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.TrimRight(b.String(), "-")
	if len(s) > 63 {
		s = strings.TrimRight(s[:63], "-")
	}
	return s
}

// CreateOrg validates and creates an organization; an empty slug is derived from the name.
func (s *Service) CreateOrg(ctx context.Context, actor model.Actor, name, slug string) (*model.Org, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 200 {
		return nil, apperror.Field("name", "the organization's name must have 1 to 200 characters")
	}
	if slug == "" {
		slug = Slugify(name)
	}
	if !slugRe.MatchString(slug) {
		return nil, apperror.Field("slug", "the slug %q must be 2 to 63 lower-case letters, digits or dashes, starting with a letter or digit", slug)
	}
	var org *model.Org
	err := s.Store.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if org, err = store.CreateOrg(ctx, tx, slug, name, s.Now()); err != nil {
			return err
		}
		return store.Audit(ctx, tx, org.ID, actor.UserID, "org.create", slug, s.Now())
	})
	return org, err
}

// NewUser is the input of CreateUser.
type NewUser struct {
	OrgID    int64 // 0 for staff
	Email    string
	Name     string
	Password string
	Role     model.Role
}

// ParseRole validates a role name for an organization member.
func ParseRole(s string) (model.Role, error) {
	switch r := model.Role(s); r {
	case model.RoleAdmin, model.RoleRecruiter:
		return r, nil
	}
	return "", apperror.Field("role", "the role must be admin or recruiter, not %q", s)
}

// ParseEmail validates and normalizes an email address.
func ParseEmail(s string) (string, error) {
	a, err := mail.ParseAddress(strings.TrimSpace(s))
	if err != nil || a.Name != "" || len(a.Address) > 254 {
		return "", apperror.Field("email", "%q is not an email address", s)
	}
	return store.NormalizeEmail(a.Address), nil
}

// CreateUser validates and creates a user.
func (s *Service) CreateUser(ctx context.Context, actor model.Actor, in NewUser) (*model.User, error) {
	u, err := s.newUser(in)
	if err != nil {
		return nil, err
	}
	err = s.Store.Tx(ctx, func(tx *sql.Tx) error {
		if err := store.CreateUser(ctx, tx, u); err != nil {
			return err
		}
		return store.Audit(ctx, tx, u.OrgID, actor.UserID, "user.create", u.Email+" as "+string(u.Role), s.Now())
	})
	return u, err
}

func (s *Service) newUser(in NewUser) (*model.User, error) {
	email, err := ParseEmail(in.Email)
	if err != nil {
		return nil, err
	}
	if (in.Role == model.RoleStaff) != (in.OrgID == 0) {
		return nil, apperror.Field("role", "staff belong to no organization; every other user belongs to one")
	}
	name := strings.TrimSpace(in.Name)
	if name == "" {
		name = email[:strings.IndexByte(email, '@')]
	}
	if len(name) > 200 {
		return nil, apperror.Field("name", "the name must have at most 200 characters")
	}
	if err := auth.ValidatePassword(in.Password); err != nil {
		return nil, apperror.Field("password", "%s", err.Error())
	}
	hash, err := auth.HashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	return &model.User{OrgID: in.OrgID, Email: email, Name: name, PasswordHash: hash, Role: in.Role, CreatedAt: s.Now()}, nil
}

// GeneratePassword returns a random password of 20 letters and digits.
func GeneratePassword() string {
	const alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 20)
	for i := range b {
		n, _ := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		b[i] = alphabet[n.Int64()]
	}
	return string(b)
}

// EnsureStaff creates a first staff user when there is none, and returns its
// email and generated password; created is false when staff existed.
func (s *Service) EnsureStaff(ctx context.Context) (email, password string, created bool, err error) {
	n, err := store.CountStaff(ctx, s.Store.DB)
	if err != nil || n > 0 {
		return "", "", false, err
	}
	password = GeneratePassword()
	u, err := s.CreateUser(ctx, model.CommandLine(0), NewUser{Email: "admin@localhost.localdomain", Name: "Administrator", Password: password, Role: model.RoleStaff})
	if apperror.KindOf(err) == apperror.Invalid {
		// Another instance created it at the same instant.
		return "", "", false, nil
	}
	if err != nil {
		return "", "", false, err
	}
	return u.Email, password, true, nil
}

// ErrBadLogin is returned for an unknown email or a wrong password alike.
var ErrBadLogin = apperror.New(apperror.Unauthorized, "Wrong email or password.")

// Authenticate returns the user whose email and password match.
func (s *Service) Authenticate(ctx context.Context, email, password string) (*model.User, error) {
	u, err := store.UserByEmail(ctx, s.Store.DB, email)
	if apperror.KindOf(err) == apperror.NotFound {
		if err := auth.CheckNoUser(password); err != nil {
			return nil, err
		}
		return nil, ErrBadLogin
	}
	if err != nil {
		return nil, err
	}
	if ok, err := auth.CheckPassword(u.PasswordHash, password); err != nil {
		return nil, err
	} else if !ok {
		return nil, ErrBadLogin
	}
	return u, nil
}

// Invite creates an invitation for email to join the organization orgID with
// role and queues its email, in one transaction. It returns the invitation
// link. Members invite into their own organization; staff (and the command
// line) into any, and sign the mail as the Talent Systems team.
func (s *Service) Invite(ctx context.Context, actor model.Actor, orgID int64, email string, role model.Role) (string, error) {
	return s.invite(ctx, actor, orgID, email, role, 0)
}

// invite is Invite; replacing, when not 0, is the pending invitation the new
// one replaces (revoked in the same transaction), else an open invitation
// for the same address is a Conflict.
func (s *Service) invite(ctx context.Context, actor model.Actor, orgID int64, email string, role model.Role, replacing int64) (string, error) {
	if actor.Role != model.RoleStaff && actor.UserID != 0 && actor.OrgID != orgID {
		return "", apperror.New(apperror.Forbidden, "You can invite people only to your own organization.")
	}
	org, err := store.OrgByID(ctx, s.Store.DB, orgID)
	if err != nil {
		return "", err
	}
	email, err = ParseEmail(email)
	if err != nil {
		return "", err
	}
	if role != model.RoleAdmin && role != model.RoleRecruiter {
		return "", apperror.Field("role", "the role must be admin or recruiter")
	}
	if u, err := store.UserByEmail(ctx, s.Store.DB, email); err == nil {
		if u.OrgID == org.ID {
			return "", apperror.Field("email", "%s is already a member of %s", email, org.Name)
		}
		if actor.Role == model.RoleStaff || actor.UserID == 0 {
			return "", apperror.Field("email", "%s already has an account with another organization", email)
		}
		// An organization's admin must not learn that an address belongs to
		// another organization: the answer is the one for a free address,
		// but nothing is created or mailed (the person could not join anyway).
		return "", store.Audit(ctx, s.Store.DB, org.ID, actor.UserID, "user.invite_refused", "an address with an account elsewhere", s.Now())
	} else if apperror.KindOf(err) != apperror.NotFound {
		return "", err
	}
	token := auth.NewToken()
	link := s.BaseURL + "/invite/" + token
	now := s.Now()
	inv := &model.Invitation{OrgID: org.ID, Email: email, Role: role, TokenHash: auth.Hash(token), CreatedAt: now, ExpiresAt: now.Add(InvitationTTL)}
	inviterName := "The Talent Systems team"
	if actor.UserID != 0 && actor.Role != model.RoleStaff {
		inv.InvitedBy = actor.UserID
		inviterName = actor.Name
	}
	msg, err := invitationMail(inviterName, org.Name, role, link, inv.ExpiresAt.In(actor.Location()))
	if err != nil {
		return "", err
	}
	err = s.Store.Tx(ctx, func(tx *sql.Tx) error {
		if replacing != 0 {
			if _, err := store.RevokeInvitation(ctx, tx, org.ID, replacing, now); err != nil {
				return err
			}
		} else if old, err := store.PendingInvitationByEmail(ctx, tx, org.ID, email, now); err == nil {
			return apperror.Field("email", "%s was already invited on %s; resend or revoke that invitation in the list of pending invitations", email, actor.Date(old.CreatedAt))
		} else if apperror.KindOf(err) != apperror.NotFound {
			return err
		}
		if err := store.CreateInvitation(ctx, tx, inv); err != nil {
			return err
		}
		if err := store.Audit(ctx, tx, org.ID, inv.InvitedBy, "user.invite", email+" as "+string(role), now); err != nil {
			return err
		}
		msg.OrgID, msg.To, msg.CreatedAt = org.ID, email, now
		return s.Queue.SendEmail(ctx, tx, msg)
	})
	if err != nil {
		return "", err
	}
	return link, nil
}

var invitationHTML = template.Must(template.New("invite").Parse(`<!doctype html>
<html><body style="font-family:system-ui,sans-serif;color:#1f2933;max-width:560px;margin:auto;padding:24px">
<h1 style="font-size:20px">Join {{.Org}} on Talent Systems</h1>
<p>{{.Inviter}} invited you to join <strong>{{.Org}}</strong> as {{.Role}}.</p>
<p><a href="{{.Link}}" style="display:inline-block;background:#1d4ed8;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none">Set your password</a></p>
<p style="color:#52606d;font-size:14px">The link works once, until {{.Expires}}. If you did not expect this mail, ignore it.</p>
</body></html>`))

func invitationMail(inviter, org string, role model.Role, link string, expires time.Time) (*model.Email, error) {
	data := map[string]string{"Inviter": inviter, "Org": org, "Role": "an " + string(role), "Link": link, "Expires": expires.Format("2 January 2006 15:04 MST")}
	if role == model.RoleRecruiter {
		data["Role"] = "a recruiter"
	}
	var html strings.Builder
	if err := invitationHTML.Execute(&html, data); err != nil {
		return nil, fmt.Errorf("account: invitation mail: %w", err)
	}
	text := fmt.Sprintf("%s invited you to join %s on Talent Systems as %s.\n\nSet your password here (the link works once, until %s):\n%s\n\nIf you did not expect this mail, ignore it.\n",
		inviter, org, data["Role"], data["Expires"], link)
	return &model.Email{Subject: "You're invited to join " + org + " on Talent Systems", Text: text, HTML: html.String()}, nil
}

// AcceptInvitation creates the invited user with name and password and marks
// the invitation used, in one transaction.
func (s *Service) AcceptInvitation(ctx context.Context, token, name, password string) (*model.User, error) {
	inv, err := store.OpenInvitation(ctx, s.Store.DB, auth.Hash(token), s.Now())
	if err != nil {
		return nil, err
	}
	u, err := s.newUser(NewUser{OrgID: inv.OrgID, Email: inv.Email, Name: name, Password: password, Role: inv.Role})
	if err != nil {
		return nil, err
	}
	err = s.Store.Tx(ctx, func(tx *sql.Tx) error {
		if err := store.AcceptInvitation(ctx, tx, inv.ID, s.Now()); err != nil {
			return err
		}
		if err := store.CreateUser(ctx, tx, u); err != nil {
			return err
		}
		return store.Audit(ctx, tx, inv.OrgID, u.ID, "user.join", u.Email+" as "+string(u.Role), s.Now())
	})
	return u, err
}

// SetRole changes a member's role. An organization keeps at least one admin.
func (s *Service) SetRole(ctx context.Context, actor model.Actor, userID int64, role model.Role) error {
	if role != model.RoleAdmin && role != model.RoleRecruiter {
		return apperror.Field("role", "the role must be admin or recruiter")
	}
	return s.Store.Tx(ctx, func(tx *sql.Tx) error {
		u, err := store.OrgUser(ctx, tx, actor.OrgID, userID)
		if err != nil {
			return err
		}
		if u.Role == role {
			return nil
		}
		if err := keepAnAdmin(ctx, tx, u); err != nil {
			return err
		}
		if err := store.SetUserRole(ctx, tx, actor.OrgID, userID, role); err != nil {
			return err
		}
		return store.Audit(ctx, tx, actor.OrgID, actor.UserID, "user.role", u.Email+" to "+string(role), s.Now())
	})
}

// UpdateProfile changes the actor's name and, if newPassword is set, the
// password, which needs the current one. Other sessions than the one whose
// token hashes to sessionHash end on a password change.
func (s *Service) UpdateProfile(ctx context.Context, actor model.Actor, sessionHash, name, current, newPassword string) error {
	u, err := store.UserByID(ctx, s.Store.DB, actor.UserID)
	if err != nil {
		return err
	}
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 200 {
		return apperror.Field("name", "the name must have 1 to 200 characters")
	}
	hash := ""
	if newPassword != "" {
		if ok, err := auth.CheckPassword(u.PasswordHash, current); err != nil {
			return err
		} else if !ok {
			return apperror.Field("current_password", "the current password is wrong")
		}
		if err := auth.ValidatePassword(newPassword); err != nil {
			return apperror.Field("new_password", "%s", err.Error())
		}
		if hash, err = auth.HashPassword(newPassword); err != nil {
			return err
		}
	}
	return s.Store.Tx(ctx, func(tx *sql.Tx) error {
		if err := store.SetUserProfile(ctx, tx, u.ID, name, hash); err != nil {
			return err
		}
		if hash == "" {
			return nil
		}
		if err := store.DeleteUserSessions(ctx, tx, u.ID, sessionHash); err != nil {
			return err
		}
		// A reset link asked for before the change must not undo it.
		if err := store.EndPasswordResets(ctx, tx, u.ID, s.Now()); err != nil {
			return err
		}
		return store.Audit(ctx, tx, u.OrgID, u.ID, "user.password", u.Email, s.Now())
	})
}

// IsNotFound reports whether err means a missing record.
func IsNotFound(err error) bool {
	return errors.Is(err, sql.ErrNoRows) || apperror.KindOf(err) == apperror.NotFound
}

// keepAnAdmin refuses, in tx, a change that would leave u's organization
// without an admin: u may stop being an admin only if another one remains.
func keepAnAdmin(ctx context.Context, tx *sql.Tx, u *model.User) error {
	if u.Role != model.RoleAdmin {
		return nil
	}
	n, err := store.CountOrgAdmins(ctx, tx, u.OrgID)
	if err != nil {
		return err
	}
	if n <= 1 {
		return apperror.New(apperror.Conflict, "%s is the organization's only admin: make someone else admin first", u.Name)
	}
	return nil
}
