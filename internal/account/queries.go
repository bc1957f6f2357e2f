package account

import (
	"context"
	"time"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/auth"
	"github.com/talentsystems/talentsystems/internal/jobs"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// SessionTTL is how long a sign-in lasts.
const SessionTTL = 14 * 24 * time.Hour

// StartSession signs the user in: it returns a new session token, of which
// only the hash is stored.
func (s *Service) StartSession(ctx context.Context, u *model.User) (string, error) {
	token := auth.NewToken()
	now := s.Now()
	if err := store.CreateSession(ctx, s.Store.DB, auth.Hash(token), u.ID, now, now.Add(SessionTTL)); err != nil {
		return "", err
	}
	return token, nil
}

// EndSession signs out the session whose token hashes to tokenHash.
func (s *Service) EndSession(ctx context.Context, tokenHash string) error {
	return store.DeleteSession(ctx, s.Store.DB, tokenHash)
}

// SessionUser returns the signed-in user of a live session and their
// organization (nil for staff). An unknown or expired session is NotFound.
func (s *Service) SessionUser(ctx context.Context, tokenHash string) (*model.User, *model.Org, error) {
	u, err := store.SessionUser(ctx, s.Store.DB, tokenHash, s.Now())
	if err != nil {
		return nil, nil, err
	}
	if u.OrgID == 0 {
		return u, nil, nil
	}
	org, err := store.OrgByID(ctx, s.Store.DB, u.OrgID)
	if err != nil {
		return nil, nil, err
	}
	return u, org, nil
}

// Orgs returns every organization.
func (s *Service) Orgs(ctx context.Context) ([]*model.Org, error) {
	return store.ListOrgs(ctx, s.Store.DB)
}

// OrgByID returns an organization.
func (s *Service) OrgByID(ctx context.Context, id int64) (*model.Org, error) {
	return store.OrgByID(ctx, s.Store.DB, id)
}

// OrgBySlug returns the organization with this slug.
func (s *Service) OrgBySlug(ctx context.Context, slug string) (*model.Org, error) {
	return store.OrgBySlug(ctx, s.Store.DB, slug)
}

// Members returns an organization's users.
func (s *Service) Members(ctx context.Context, orgID int64) ([]*model.User, error) {
	return store.ListOrgUsers(ctx, s.Store.DB, orgID)
}

// PendingInvitations returns an organization's invitations not used and not expired.
func (s *Service) PendingInvitations(ctx context.Context, orgID int64) ([]*model.Invitation, error) {
	return store.PendingInvitations(ctx, s.Store.DB, orgID, s.Now())
}

// AuditLog returns an organization's latest limit audit events, newest first.
func (s *Service) AuditLog(ctx context.Context, orgID int64, limit int) ([]*model.AuditEvent, error) {
	return store.OrgAudit(ctx, s.Store.DB, orgID, limit)
}

// EmailTaken reports whether a user has this email already.
func (s *Service) EmailTaken(ctx context.Context, email string) (bool, error) {
	_, err := store.UserByEmail(ctx, s.Store.DB, email)
	if apperror.KindOf(err) == apperror.NotFound {
		return false, nil
	}
	return err == nil, err
}

// ErrBadInvitation answers a link that does not open an invitation.
var ErrBadInvitation = apperror.New(apperror.NotFound, "This invitation link is not valid: it has expired, has been used already, or was mistyped. Ask your organization's admin for a new one.")

// Invitation returns the open invitation of the link token and its organization.
func (s *Service) Invitation(ctx context.Context, token string) (*model.Invitation, *model.Org, error) {
	inv, err := store.OpenInvitation(ctx, s.Store.DB, auth.Hash(token), s.Now())
	if apperror.KindOf(err) == apperror.NotFound {
		return nil, nil, ErrBadInvitation
	}
	if err != nil {
		return nil, nil, err
	}
	org, err := store.OrgByID(ctx, s.Store.DB, inv.OrgID)
	if err != nil {
		return nil, nil, err
	}
	return inv, org, nil
}

// RegisterJobs adds the account's housekeeping to the minute sweep: expired
// sessions are removed.
func (s *Service) RegisterJobs(r *jobs.Registry) {
	r.Sweep("sessions", func(ctx context.Context) error {
		_, err := store.DeleteExpiredSessions(ctx, s.Store.DB, s.Now())
		return err
	})
}

// NormalizeEmail is the form in which emails are stored and compared.
func NormalizeEmail(email string) string { return store.NormalizeEmail(email) }
