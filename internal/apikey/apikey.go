// Package apikey issues and checks the organization API keys that Greenhouse
// presents to the Assessment Partner API. A key is "gh_" and 40 random base62
// characters; it is shown once, stored as its SHA-256 (for authentication) and
// sealed under the server's secret key while active (so that the completion
// callback can present it to Greenhouse, which authenticates us with the same
// key). Staff generate, rotate and revoke keys; every change is audited.
package apikey

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/auth"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/secretbox"
	"github.com/talentsystems/talentsystems/internal/store"
)

const (
	// Prefix starts every key, so people and secret scanners recognise it.
	Prefix = "gh_"
	// RandomLength is the number of random base62 characters after the prefix
	// (about 238 bits).
	RandomLength = 40
	// MaxLength is the longest key accepted: Greenhouse keys are shorter than 171 characters.
	MaxLength = 170
	// shownPrefix is how many characters of a key are kept in clear to recognise it.
	shownPrefix = len(Prefix) + 6

	base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)

// New returns a new random key.
func New() string {
	b := make([]byte, len(Prefix), len(Prefix)+RandomLength)
	copy(b, Prefix)
	var buf [64]byte
	for len(b) < cap(b) {
		rand.Read(buf[:]) // never fails (crypto/rand documents it)
		for _, c := range buf {
			// 248 = 4 × 62: rejecting larger bytes keeps every character equally likely.
			if c < 248 && len(b) < cap(b) {
				b = append(b, base62[c%62])
			}
		}
	}
	return string(b)
}

// WellFormed reports whether s looks like a key this package issued, so that
// garbage is refused without a database lookup.
func WellFormed(s string) bool {
	if len(s) < len(Prefix)+RandomLength || len(s) > MaxLength || s[:len(Prefix)] != Prefix {
		return false
	}
	for i := len(Prefix); i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z') {
			return false
		}
	}
	return true
}

// Hash is the stored form of a key.
func Hash(key string) string { return auth.Hash(key) }

// ShownPrefix is the part of a key kept in clear, e.g. "gh_3kT9aQ".
func ShownPrefix(key string) string {
	if len(key) < shownPrefix {
		return key
	}
	return key[:shownPrefix]
}

func sealContext(hash string) string { return "greenhouse api key " + hash }

// Service issues and checks keys.
type Service struct {
	Store *store.Store
	Box   *secretbox.Box
	Now   func() time.Time
}

// Issued is a key just created: the only time its value is known.
type Issued struct {
	Key    string
	Record *model.APIKey
	// Replaced is the key that a rotation ended, if any.
	Replaced *model.APIKey
}

// Generate gives the organization orgID its first (or, after a revocation, a new)
// key. An organization that has an active key must rotate it instead.
func (s *Service) Generate(ctx context.Context, actor model.Actor, orgID int64) (*Issued, error) {
	var out *Issued
	err := s.Store.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = s.issue(ctx, tx, orgID, actor.UserID)
		if err != nil {
			return err
		}
		return s.record(ctx, tx, orgID, actor.UserID, "apikey.generate", "key "+out.Record.Prefix+"… generated")
	})
	return out, err
}

// Rotate replaces the organization's active key by a new one; the old key
// fails from the next request on.
func (s *Service) Rotate(ctx context.Context, actor model.Actor, orgID int64) (*Issued, error) {
	var out *Issued
	err := s.Store.Tx(ctx, func(tx *sql.Tx) error {
		old, err := store.EndActiveAPIKey(ctx, tx, orgID, model.KeyRotated, s.Now())
		if apperror.KindOf(err) == apperror.NotFound {
			return apperror.New(apperror.Conflict, "The organization has no active key to rotate: generate one.")
		}
		if err != nil {
			return err
		}
		if out, err = s.issue(ctx, tx, orgID, actor.UserID); err != nil {
			return err
		}
		out.Replaced = old
		return s.record(ctx, tx, orgID, actor.UserID, "apikey.rotate", "key "+old.Prefix+"… rotated; new key "+out.Record.Prefix+"…")
	})
	return out, err
}

// Revoke ends the organization's active key without a replacement.
func (s *Service) Revoke(ctx context.Context, actor model.Actor, orgID int64) (*model.APIKey, error) {
	var out *model.APIKey
	err := s.Store.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = store.EndActiveAPIKey(ctx, tx, orgID, model.KeyRevoked, s.Now())
		if apperror.KindOf(err) == apperror.NotFound {
			return apperror.New(apperror.Conflict, "The organization has no active key to revoke.")
		}
		if err != nil {
			return err
		}
		return s.record(ctx, tx, orgID, actor.UserID, "apikey.revoke", "key "+out.Prefix+"… revoked")
	})
	return out, err
}

func (s *Service) issue(ctx context.Context, tx *sql.Tx, orgID, actorID int64) (*Issued, error) {
	if _, err := store.OrgByID(ctx, tx, orgID); err != nil {
		return nil, err
	}
	key := New()
	h := Hash(key)
	k := &model.APIKey{OrgID: orgID, Prefix: ShownPrefix(key), Hash: h, Sealed: s.Box.Seal(key, sealContext(h)),
		Status: model.KeyActive, CreatedBy: actorID, CreatedAt: s.Now()}
	if err := store.CreateAPIKey(ctx, tx, k); err != nil {
		return nil, err
	}
	// A key answers the organization's setup request, if one was pending.
	if err := store.ClearGreenhouseSetupRequest(ctx, tx, orgID, s.Now()); err != nil {
		return nil, err
	}
	return &Issued{Key: key, Record: k}, nil
}

func (s *Service) record(ctx context.Context, tx *sql.Tx, orgID, actorID int64, action, detail string) error {
	if err := store.Audit(ctx, tx, orgID, actorID, action, detail, s.Now()); err != nil {
		return err
	}
	return store.AddGreenhouseEvent(ctx, tx, &model.GreenhouseEvent{OrgID: orgID, Kind: "key", OK: true, Detail: "API " + detail, CreatedAt: s.Now()})
}

// ErrEnded is wrapped by Authenticate's error for a rotated or revoked key,
// which still identifies its organization.
var ErrEnded = errors.New("apikey: the key was rotated or revoked")

// Authenticate returns the active key that key is. A malformed or unknown key
// is Unauthorized; a rotated or revoked one is Unauthorized too, wrapping
// ErrEnded, and the returned record says which organization it belonged to.
func (s *Service) Authenticate(ctx context.Context, key string) (*model.APIKey, error) {
	k, _, err := s.AuthenticateOrg(ctx, key)
	return k, err
}

// AuthenticateOrg is Authenticate that also returns the key's organization
// (nil with an error), read in the same query. The key is hashed with
// SHA-256 (it is random, so no slow hash is needed) and looked up by hash on
// every call: a rotated or revoked key fails at once, on every instance.
func (s *Service) AuthenticateOrg(ctx context.Context, key string) (*model.APIKey, *model.Org, error) {
	if !WellFormed(key) {
		return nil, nil, apperror.New(apperror.Unauthorized, "The API key is not valid.")
	}
	k, org, err := store.APIKeyAndOrgByHash(ctx, s.Store.DB, Hash(key))
	if k, err = Check(key, k, err); err != nil {
		return k, nil, err
	}
	return k, org, nil
}

// Check judges the outcome of looking up key by its Hash (the record k, or
// the lookup's error), for callers that read the key along with more in one
// query: the same answers as Authenticate. A malformed key must have been
// refused before the lookup (WellFormed).
func Check(key string, k *model.APIKey, lookupErr error) (*model.APIKey, error) {
	if apperror.KindOf(lookupErr) == apperror.NotFound {
		return nil, apperror.New(apperror.Unauthorized, "The API key is not valid.")
	}
	if lookupErr != nil {
		return nil, lookupErr
	}
	// The lookup is by hash already; compare again in constant time so that
	// no code path depends on a variable-time comparison of key material.
	if subtle.ConstantTimeCompare([]byte(k.Hash), []byte(Hash(key))) != 1 {
		return nil, apperror.New(apperror.Unauthorized, "The API key is not valid.")
	}
	if k.Status != model.KeyActive {
		return k, &endedError{status: k.Status}
	}
	return k, nil
}

type endedError struct{ status model.KeyStatus }

func (e *endedError) Error() string {
	return "The API key was " + string(e.status) + " and no longer works."
}
func (e *endedError) Unwrap() []error {
	return []error{ErrEnded, apperror.New(apperror.Unauthorized, "The API key was %s and no longer works.", e.status)}
}

// Credential returns the organization's active key in clear, for the
// completion callback. It is NotFound without an active key.
func (s *Service) Credential(ctx context.Context, q store.Querier, orgID int64) (string, error) {
	k, err := store.ActiveAPIKey(ctx, q, orgID)
	if err != nil {
		return "", err
	}
	return Open(s.Box, k)
}

// Open unseals a key record's stored copy.
func Open(box *secretbox.Box, k *model.APIKey) (string, error) {
	if k.Sealed == "" {
		return "", apperror.New(apperror.NotFound, "the key %s… is not kept (rotated or revoked)", k.Prefix)
	}
	key, err := box.Open(k.Sealed, sealContext(k.Hash))
	if err != nil {
		return "", fmt.Errorf("apikey: open key %s…: %w (was the secret key changed?)", k.Prefix, err)
	}
	return key, nil
}
