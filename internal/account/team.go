package account

import (
	"context"
	"database/sql"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// RemoveMember removes a teammate from the actor's organization: their
// sessions end and they can no longer sign in; what they created stays. An
// admin cannot remove themselves, and the organization keeps an admin.
func (s *Service) RemoveMember(ctx context.Context, actor model.Actor, userID int64) (*model.User, error) {
	if userID == actor.UserID {
		return nil, apperror.New(apperror.Conflict, "You cannot remove yourself: ask another admin.")
	}
	var u *model.User
	err := s.Store.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if u, err = store.OrgUser(ctx, tx, actor.OrgID, userID); err != nil {
			return err
		}
		if err := keepAnAdmin(ctx, tx, u); err != nil {
			return err
		}
		if err := store.DeleteOrgUser(ctx, tx, actor.OrgID, userID); err != nil {
			return err
		}
		return store.Audit(ctx, tx, actor.OrgID, actor.UserID, "user.remove", u.Email, s.Now())
	})
	return u, err
}

// RevokeInvitation ends a pending invitation of the actor's organization:
// its link stops working.
func (s *Service) RevokeInvitation(ctx context.Context, actor model.Actor, id int64) (*model.Invitation, error) {
	var inv *model.Invitation
	err := s.Store.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if inv, err = store.RevokeInvitation(ctx, tx, actor.OrgID, id, s.Now()); err != nil {
			return err
		}
		return store.Audit(ctx, tx, actor.OrgID, actor.UserID, "user.invite.revoke", inv.Email, s.Now())
	})
	return inv, err
}

// ResendInvitation replaces a pending invitation by a new one for the same
// address and role, with a fresh link and expiry, and mails it; the old link
// stops working.
func (s *Service) ResendInvitation(ctx context.Context, actor model.Actor, id int64) (*model.Invitation, error) {
	list, err := store.PendingInvitations(ctx, s.Store.DB, actor.OrgID, s.Now())
	if err != nil {
		return nil, err
	}
	for _, inv := range list {
		if inv.ID == id {
			_, err := s.invite(ctx, actor, actor.OrgID, inv.Email, inv.Role, inv.ID)
			return inv, err
		}
	}
	return nil, apperror.New(apperror.NotFound, "pending invitation not found")
}
