// Package connection is the Harvest API connection's service: connecting an
// organization to Greenhouse with OAuth (state bound to the browser session,
// single use, short lived), keeping its single-use rotating refresh token
// alive (one refresh at a time per organization under a database lock, the
// new pair stored before it is used, idle connections refreshed on a
// schedule), importing Greenhouse jobs as draft postings, posting links and
// results to Greenhouse candidates as notes, and reading application
// outcomes. It owns these rules and their transactions; the wire format is
// package harvest, which knows no storage; web handlers only decode, call
// and encode.
package connection

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/greenhouse/harvest"
	"github.com/talentsystems/talentsystems/internal/jobs"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/postings"
	"github.com/talentsystems/talentsystems/internal/secretbox"
	"github.com/talentsystems/talentsystems/internal/store"
)

// Service is the Harvest API connection.
type Service struct {
	store      *store.Store
	queue      *jobs.Queue
	box        *secretbox.Box
	client     *harvest.Client
	postings   *postings.Service
	baseURL    string
	visibility string
	interval   time.Duration
	now        func() time.Time
	log        *slog.Logger
	// afterPost, when set (tests), runs after Greenhouse accepted a note and
	// before it is recorded: an error there is a crash at the worst moment.
	afterPost func(pushID int64) error
}

// Deps are what the service is built from.
type Deps struct {
	Store *store.Store
	// Queue carries the notes to Greenhouse, enqueued with each change.
	Queue  *jobs.Queue
	Box    *secretbox.Box
	Client *harvest.Client
	// Postings creates the imported drafts.
	Postings *postings.Service
	BaseURL  string
	// Visibility of the notes: admin_only, private (default) or public.
	Visibility string
	// Interval is how often idle connections are refreshed and outcomes
	// read (default 1 h).
	Interval time.Duration
	Now      func() time.Time
	Log      *slog.Logger
}

// New builds the service. Client nil means the connection is not
// configured: the card says so and nothing calls Greenhouse.
func New(d Deps) *Service {
	if d.Visibility == "" {
		d.Visibility = "private"
	}
	if d.Interval <= 0 {
		d.Interval = time.Hour
	}
	return &Service{store: d.Store, queue: d.Queue, box: d.Box, client: d.Client, postings: d.Postings, baseURL: strings.TrimRight(d.BaseURL, "/"),
		visibility: d.Visibility, interval: d.Interval, now: d.Now, log: d.Log}
}

// Enabled reports whether the connection is configured on this instance.
func (s *Service) Enabled() bool { return s.client != nil }

const (
	stateTTL      = 10 * time.Minute
	sealAccess    = "harvest access token"
	sealRefresh   = "harvest refresh token"
	refreshBefore = time.Minute // an access token this close to expiry is refreshed first
)

// ErrReconnect is returned when the connection can no longer refresh.
var ErrReconnect = apperror.New(apperror.Conflict, "The Greenhouse connection needs to be reconnected: an admin can reconnect it under Settings → Integrations.")

// ErrNotConnected is returned when the organization has no connection.
var ErrNotConnected = apperror.New(apperror.Conflict, "Your organization is not connected to Greenhouse's Harvest API: an admin can connect it under Settings → Integrations.")

func errDisabled() error {
	return apperror.New(apperror.Conflict, "The Greenhouse Harvest API connection is not configured on this server (TS_GREENHOUSE_OAUTH_CLIENT_ID).")
}

func hashState(state string) string {
	h := sha256.Sum256([]byte(state))
	return hex.EncodeToString(h[:])
}

// AuthorizeURL starts a connection for the actor's organization: it records a
// state bound to the browser session (sessionHash) and returns the
// authorize URL to redirect to.
func (s *Service) AuthorizeURL(ctx context.Context, actor model.Actor, sessionHash string) (string, error) {
	if !s.Enabled() {
		return "", errDisabled()
	}
	if sessionHash == "" {
		return "", apperror.New(apperror.Unauthorized, "Please sign in.")
	}
	b := make([]byte, 32)
	rand.Read(b)
	state := base64.RawURLEncoding.EncodeToString(b)
	err := store.CreateHarvestState(ctx, s.store.DB, &model.HarvestState{Hash: hashState(state), OrgID: actor.OrgID, UserID: actor.UserID,
		SessionHash: sessionHash, ExpiresAt: s.now().Add(stateTTL)})
	if err != nil {
		return "", err
	}
	return s.client.AuthCodeURL(state), nil
}

// Callback is Greenhouse's redirect back: q carries code and state (or an
// error). The state must be one this session started, unused and fresh; the
// code is exchanged and the pair stored sealed.
func (s *Service) Callback(ctx context.Context, actor model.Actor, sessionHash, state, code, oauthErr string) error {
	if !s.Enabled() {
		return errDisabled()
	}
	refused := apperror.New(apperror.Forbidden, "This Greenhouse authorization was not started from this browser session, was already used or has expired. Press Connect to Greenhouse again.")
	if state == "" {
		return refused
	}
	st, err := store.TakeHarvestState(ctx, s.store.DB, hashState(state), s.now())
	if err != nil {
		return err
	}
	if st == nil || st.SessionHash != sessionHash || st.OrgID != actor.OrgID || st.UserID != actor.UserID || !s.now().Before(st.ExpiresAt) {
		return refused
	}
	if oauthErr != "" {
		if oauthErr == "access_denied" {
			return apperror.New(apperror.Conflict, "The connection was not authorized in Greenhouse: nothing changed.")
		}
		return apperror.New(apperror.Conflict, "Greenhouse refused the authorization (%s). Press Connect to Greenhouse to try again.", oauthErr)
	}
	if code == "" {
		return apperror.New(apperror.Invalid, "Greenhouse sent no authorization code. Press Connect to Greenhouse to try again.")
	}
	tok, err := s.client.Exchange(ctx, code)
	if err != nil {
		return explain(err)
	}
	now := s.now()
	c := &model.HarvestConnection{OrgID: actor.OrgID, Status: model.HarvestConnected, Scopes: strings.Join(harvest.Scopes, " "),
		ConnectedBy: actor.UserID, ConnectedByName: actor.Name, ConnectedAt: now, UpdatedAt: now}
	s.seal(c, tok)
	return s.store.Tx(ctx, func(tx *sql.Tx) error {
		if err := store.SaveHarvestConnection(ctx, tx, c); err != nil {
			return err
		}
		return store.Audit(ctx, tx, actor.OrgID, actor.UserID, "harvest.connect", "scopes "+c.Scopes, now)
	})
}

// refreshTTL is how long Greenhouse's refresh tokens live.
const refreshTTL = 24 * time.Hour

func (s *Service) seal(c *model.HarvestConnection, tok *harvest.Token) {
	c.AccessSealed = s.box.Seal(tok.Access, sealAccess+fmt.Sprint(c.OrgID))
	c.RefreshSealed = s.box.Seal(tok.Refresh, sealRefresh+fmt.Sprint(c.OrgID))
	c.AccessExpiresAt, c.RefreshExpiresAt = tok.Expiry, s.now().Add(refreshTTL)
}

// Disconnect deletes the organization's tokens and cancels its queued
// pushes. Candidates, postings and imports stay.
func (s *Service) Disconnect(ctx context.Context, actor model.Actor) (int64, error) {
	var cancelled int64
	err := s.store.Tx(ctx, func(tx *sql.Tx) error {
		had, err := store.DeleteHarvestConnection(ctx, tx, actor.OrgID)
		if err != nil || !had {
			return err
		}
		if cancelled, err = store.CancelHarvestPushes(ctx, tx, actor.OrgID, s.now()); err != nil {
			return err
		}
		return store.Audit(ctx, tx, actor.OrgID, actor.UserID, "harvest.disconnect", fmt.Sprintf("%d queued pushes cancelled", cancelled), s.now())
	})
	return cancelled, err
}

// TokenSource is the organization's access-token source for the client.
func (s *Service) TokenSource(orgID int64) harvest.TokenSource {
	return func(ctx context.Context, stale string) (string, error) { return s.accessToken(ctx, orgID, stale) }
}

// accessToken returns a live access token, refreshing first when it is
// about to expire or was refused (stale).
func (s *Service) accessToken(ctx context.Context, orgID int64, stale string) (string, error) {
	c, err := store.HarvestConnection(ctx, s.store.DB, orgID)
	if err != nil {
		return "", err
	}
	if c == nil {
		return "", ErrNotConnected
	}
	if c.Status != model.HarvestConnected {
		return "", ErrReconnect
	}
	if access, ok := s.usable(c, stale); ok {
		return access, nil
	}
	return s.refresh(ctx, orgID, stale, false)
}

// usable returns the connection's access token if it can be used as is.
func (s *Service) usable(c *model.HarvestConnection, stale string) (string, bool) {
	// Refresh a little before expiry: a minute, or a quarter of a short
	// lifetime.
	margin := min(refreshBefore, c.AccessExpiresAt.Sub(c.UpdatedAt)/4)
	if !s.now().Add(margin).Before(c.AccessExpiresAt) {
		return "", false
	}
	access, err := s.box.Open(c.AccessSealed, sealAccess+fmt.Sprint(c.OrgID))
	if err != nil || access == stale {
		return "", false
	}
	return access, true
}

// refresh spends the refresh token under the connection's row lock and
// commits the new pair before returning its access token. A concurrent
// refresh (another request, job or instance) waits for the lock and then
// finds the fresh pair, so a refresh token is spent once. force refreshes
// even a live access token (the periodic refresh of idle connections).
func (s *Service) refresh(ctx context.Context, orgID int64, stale string, force bool) (string, error) {
	var access string
	var lost error
	err := s.store.Tx(ctx, func(tx *sql.Tx) error {
		c, err := s.store.LockHarvestConnection(ctx, tx, orgID)
		if err != nil {
			return err
		}
		if c == nil {
			return ErrNotConnected
		}
		if c.Status != model.HarvestConnected {
			return ErrReconnect
		}
		if a, ok := s.usable(c, stale); ok && (!force || s.now().Sub(c.RefreshedAt) < time.Minute) {
			access = a // another refresh won the lock first
			return nil
		}
		refreshTok, err := s.box.Open(c.RefreshSealed, sealRefresh+fmt.Sprint(orgID))
		if err != nil {
			return s.lose(ctx, tx, c, "The stored refresh token cannot be decrypted (was the server's secret key changed?).", &lost)
		}
		if !s.now().Before(c.RefreshExpiresAt) {
			return s.lose(ctx, tx, c, "The connection was idle for more than 24 hours and its refresh token expired.", &lost)
		}
		tok, err := s.client.Refresh(ctx, refreshTok)
		if harvest.KindOf(err) == harvest.KindGrant {
			return s.lose(ctx, tx, c, "Greenhouse refused the refresh token ("+strings.TrimPrefix(err.Error(), "greenhouse: ")+"): access was revoked in Greenhouse or the token was already used.", &lost)
		}
		if err != nil {
			return err
		}
		now := s.now()
		s.seal(c, tok)
		c.RefreshedAt, c.UpdatedAt = now, now
		access = tok.Access
		return store.SaveHarvestConnection(ctx, tx, c)
	})
	if err != nil {
		return "", err
	}
	if lost != nil {
		return "", lost
	}
	return access, nil
}

// lose marks the connection as needing a reconnect, with the reason, and
// mails the organization's admins, in tx; the caller then gets ErrReconnect.
func (s *Service) lose(ctx context.Context, tx *sql.Tx, c *model.HarvestConnection, reason string, lost *error) error {
	now := s.now()
	c.Status, c.Reason, c.UpdatedAt = model.HarvestReconnect, reason, now
	if err := store.SaveHarvestConnection(ctx, tx, c); err != nil {
		return err
	}
	admins, err := store.OrgAdmins(ctx, tx, c.OrgID)
	if err != nil {
		return err
	}
	for _, a := range admins {
		e := &model.Email{OrgID: c.OrgID, To: a.Email, Subject: "Reconnect Greenhouse to Talent Systems",
			Text: "Hello " + a.Name + ",\n\nTalent Systems can no longer reach your Greenhouse account through the Harvest API:\n" + reason +
				"\n\nUntil an admin reconnects, jobs cannot be imported and links and results are not posted to Greenhouse.\n" +
				"Reconnect under Settings → Integrations → Greenhouse:\n" + s.baseURL + "/settings/integrations#greenhouse\n",
			Status: model.EmailQueued, CreatedAt: now}
		if err := s.queue.SendEmail(ctx, tx, e); err != nil {
			return err
		}
	}
	*lost = ErrReconnect
	return nil
}

// explain turns a Harvest error into words for people; other errors pass.
func explain(err error) error {
	var he *harvest.Error
	if !errors.As(err, &he) {
		return err
	}
	switch he.Kind {
	case harvest.KindGrant:
		return apperror.New(apperror.Conflict, "Greenhouse refused the authorization (it may have expired: codes last a minute). Press Connect to Greenhouse again.")
	case harvest.KindAuth:
		return apperror.New(apperror.Conflict, "Greenhouse no longer accepts the connection's token. An admin can reconnect under Settings → Integrations.")
	case harvest.KindScope:
		return apperror.New(apperror.Conflict, "Greenhouse refused: the connection lacks a permission (%s). Reconnect as a Greenhouse Site Admin and grant every requested scope.", he.Message)
	case harvest.KindRateLimit:
		return apperror.Wait(he.RetryAfter, "Greenhouse asks us to slow down. Try again in %s.", wait(he.RetryAfter))
	case harvest.KindUnavailable:
		return apperror.New(apperror.Conflict, "Greenhouse is not answering right now (%s). Try again in a few minutes.", he.Message)
	case harvest.KindNotFound:
		return apperror.New(apperror.NotFound, "Greenhouse does not know it (%s).", he.Message)
	}
	return apperror.New(apperror.Conflict, "Greenhouse answered in a way we could not use (%s).", he.Message)
}

func wait(d time.Duration) string {
	if d < time.Second {
		return "a second"
	}
	return d.Round(time.Second).String()
}
