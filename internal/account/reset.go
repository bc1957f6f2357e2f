package account

import (
	"context"
	"database/sql"
	"fmt"
	"html/template"
	"time"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/auth"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// ResetTTL is how long a password reset link works.
const ResetTTL = time.Hour

// maxResetsPerHour bounds the reset mails one account receives.
const maxResetsPerHour = 3

// RequestPasswordReset mails a one-time reset link to the account with this
// email, if there is one. It says nothing about whether there is: the caller
// shows the same page either way, so the form cannot be used to find accounts.
func (s *Service) RequestPasswordReset(ctx context.Context, email string) error {
	u, err := store.UserByEmail(ctx, s.Store.DB, email)
	if apperror.KindOf(err) == apperror.NotFound {
		return nil
	}
	if err != nil {
		return err
	}
	now := s.Now()
	if n, err := store.RecentPasswordResets(ctx, s.Store.DB, u.ID, now.Add(-time.Hour)); err != nil || n >= maxResetsPerHour {
		return err // over the limit: silently no more mail
	}
	token := auth.NewToken()
	link := s.BaseURL + "/password/reset/" + token
	text := fmt.Sprintf("Hello %s,\n\nSomeone asked to reset the password of your Talent Systems account %s.\nIf it was you, set a new password here (the link works once, for one hour):\n%s\n\nIf it was not you, ignore this mail: your password stays as it is.\n", u.Name, u.Email, link)
	html := fmt.Sprintf(`<!doctype html><html lang="en"><body style="font-family:system-ui,sans-serif;color:#1f2933;max-width:560px;margin:auto;padding:24px">
<p>Hello %s,</p><p>Someone asked to reset the password of your Talent Systems account.</p>
<p><a href="%s" style="display:inline-block;background:#1d4ed8;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none">Set a new password</a></p>
<p style="color:#52606d;font-size:14px">The link works once, for one hour. If it was not you, ignore this mail.</p></body></html>`,
		template.HTMLEscapeString(u.Name), link)
	return s.Store.Tx(ctx, func(tx *sql.Tx) error {
		if err := store.CreatePasswordReset(ctx, tx, auth.Hash(token), u.ID, now, now.Add(ResetTTL)); err != nil {
			return err
		}
		if err := store.Audit(ctx, tx, u.OrgID, u.ID, "user.password_reset_requested", u.Email, now); err != nil {
			return err
		}
		return s.Queue.SendEmail(ctx, tx, &model.Email{OrgID: u.OrgID, To: u.Email, Subject: "Reset your Talent Systems password", Text: text, HTML: html, CreatedAt: now})
	})
}

// ResetUser returns the account a reset link is for, or NotFound.
func (s *Service) ResetUser(ctx context.Context, token string) (*model.User, error) {
	return store.PasswordResetUser(ctx, s.Store.DB, auth.Hash(token), s.Now())
}

// ResetPassword sets a new password through a reset link, once, and ends
// every session of the account.
func (s *Service) ResetPassword(ctx context.Context, token, password string) (*model.User, error) {
	u, err := s.ResetUser(ctx, token)
	if err != nil {
		return nil, err
	}
	if err := auth.ValidatePassword(password); err != nil {
		return nil, apperror.Field("password", "%s", err.Error())
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return nil, err
	}
	err = s.Store.Tx(ctx, func(tx *sql.Tx) error {
		if err := store.UsePasswordReset(ctx, tx, auth.Hash(token), u.ID, s.Now()); err != nil {
			return err
		}
		if err := store.SetUserProfile(ctx, tx, u.ID, u.Name, hash); err != nil {
			return err
		}
		if err := store.DeleteUserSessions(ctx, tx, u.ID, ""); err != nil {
			return err
		}
		return store.Audit(ctx, tx, u.OrgID, u.ID, "user.password_reset", u.Email, s.Now())
	})
	return u, err
}
