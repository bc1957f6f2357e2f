package web

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"

	"github.com/talentsystems/talentsystems/internal/account"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/model"
)

// writeLogo answers with an organization's logo image. The type was
// checked on upload; nosniff and a CSP that allows nothing keep a browser
// from treating it as anything but an image.
func writeLogo(w http.ResponseWriter, r *http.Request, l *model.Logo) {
	h := w.Header()
	h.Set("Content-Type", l.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, max-age=86400")
	http.ServeContent(w, r, "", l.UpdatedAt, bytes.NewReader(l.Data))
}

// logo serves the employer's logo to the holder of an assessment link,
// including a replaced or expired one: those pages show it too.
func (a *assess) logo(w http.ResponseWriter, r *http.Request) error {
	ss, _, err := a.open(r)
	if err != nil {
		return err
	}
	if ss.Org == nil {
		return apperror.New(apperror.NotFound, "no logo")
	}
	l, err := a.accounts.Logo(r.Context(), ss.Org.ID)
	if err != nil {
		return err
	}
	writeLogo(w, r, l)
	return nil
}

// ownLogo serves the organization's logo to its members (settings, previews).
func (s *Server) ownLogo(w http.ResponseWriter, r *http.Request) error {
	l, err := s.accounts.Logo(r.Context(), userFrom(r.Context()).OrgID)
	if err != nil {
		return err
	}
	writeLogo(w, r, l)
	return nil
}

// uploadLogo stores the organization's logo from the settings form.
func (s *Server) uploadLogo(w http.ResponseWriter, r *http.Request) error {
	var data []byte
	if r.MultipartForm != nil {
		for _, fh := range r.MultipartForm.File["logo"] {
			if fh.Size > 0 {
				var err error
				if data, err = readUpload(fh); err != nil {
					return err
				}
			}
		}
	}
	if err := s.accounts.SetLogo(r.Context(), actor(r), data); err != nil {
		return s.settingsError(w, r, &SettingsPage{}, err)
	}
	s.flash(w, "The logo is saved: candidates see it on every page of their assessment.")
	http.Redirect(w, r, "/settings#logo", http.StatusSeeOther)
	return nil
}

// removeLogo removes the organization's logo.
func (s *Server) removeLogo(w http.ResponseWriter, r *http.Request) error {
	if err := s.accounts.RemoveLogo(r.Context(), actor(r)); err != nil {
		return err
	}
	s.flash(w, "The logo is removed: candidates' pages show the employer's name only.")
	http.Redirect(w, r, "/settings#logo", http.StatusSeeOther)
	return nil
}

// readUpload reads an uploaded file of a multipart form, at most
// account.MaxLogoBytes and one byte more (so too large is told apart).
func readUpload(fh *multipart.FileHeader) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, apperror.New(apperror.Invalid, "The file could not be read.")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, account.MaxLogoBytes+1))
	if err != nil {
		return nil, apperror.New(apperror.Invalid, "The file could not be read.")
	}
	return data, nil
}
