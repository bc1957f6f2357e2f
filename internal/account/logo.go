package account

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"image"
	_ "image/jpeg" // decoders for the logo check
	_ "image/png"
	"net/http"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// Limits of an organization's logo. SVG is not taken: it can carry scripts.
const (
	MaxLogoBytes  = 200 << 10
	maxLogoPixels = 4000
)

// SetLogo stores the actor's organization's logo, shown on its candidates'
// pages. Only a PNG or JPEG image of at most MaxLogoBytes is taken, judged
// by its content, not its name or declared type.
func (s *Service) SetLogo(ctx context.Context, actor model.Actor, data []byte) error {
	if actor.Role != model.RoleAdmin {
		return apperror.New(apperror.Forbidden, "Only an admin can change the logo.")
	}
	if len(data) == 0 {
		return apperror.Field("logo", "Choose a PNG or JPEG image to upload.")
	}
	if len(data) > MaxLogoBytes {
		return apperror.New(apperror.TooLarge, "The logo is larger than %d KB: save a smaller PNG or JPEG image.", MaxLogoBytes>>10)
	}
	kind := http.DetectContentType(data)
	if kind != "image/png" && kind != "image/jpeg" {
		return apperror.Field("logo", "The logo must be a PNG or JPEG image; this file is not one.")
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || "image/"+format != kind {
		return apperror.Field("logo", "The image could not be read: save it again as PNG or JPEG.")
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > maxLogoPixels || cfg.Height > maxLogoPixels {
		return apperror.Field("logo", "The logo may be at most %d × %d pixels.", maxLogoPixels, maxLogoPixels)
	}
	return s.Store.Tx(ctx, func(tx *sql.Tx) error {
		if err := store.SetOrgLogo(ctx, tx, actor.OrgID, kind, data, s.Now()); err != nil {
			return err
		}
		return store.Audit(ctx, tx, actor.OrgID, actor.UserID, "org.logo", fmt.Sprintf("%s, %d × %d", kind, cfg.Width, cfg.Height), s.Now())
	})
}

// RemoveLogo removes the actor's organization's logo.
func (s *Service) RemoveLogo(ctx context.Context, actor model.Actor) error {
	if actor.Role != model.RoleAdmin {
		return apperror.New(apperror.Forbidden, "Only an admin can change the logo.")
	}
	return s.Store.Tx(ctx, func(tx *sql.Tx) error {
		if err := store.DeleteOrgLogo(ctx, tx, actor.OrgID); err != nil {
			return err
		}
		return store.Audit(ctx, tx, actor.OrgID, actor.UserID, "org.logo", "removed", s.Now())
	})
}

// Logo returns an organization's logo; none is NotFound.
func (s *Service) Logo(ctx context.Context, orgID int64) (*model.Logo, error) {
	return store.OrgLogo(ctx, s.Store.DB, orgID)
}
