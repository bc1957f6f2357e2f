// Package greenhouse holds the wire format of Greenhouse's Assessment Partner
// API (docs: ../shared/docs/greenhouse-contract.md §1): parsing its
// authentication and requests, building test_status answers, and calling the
// completion callback safely. It has no HTTP handlers and no storage; the web
// and jobs packages use it.
package greenhouse

import (
	"encoding/base64"
	"errors"
	"strings"
)

// Realm is the realm named in WWW-Authenticate.
const Realm = "Talent Systems"

// MaxAuthorizationLength bounds the Authorization header we parse. A key is
// shorter than 171 characters, so its Basic header is under 240.
const MaxAuthorizationLength = 512

// Errors of ParseBasicAuth; their text is safe to show the caller.
var (
	ErrNoCredentials  = errors.New("An API key is required: HTTP Basic authentication with the key as the user name and an empty password.")
	ErrBadCredentials = errors.New("The Authorization header is not valid HTTP Basic authentication with an API key as the user name.")
)

// ParseBasicAuth returns the API key from an Authorization header: HTTP
// Basic, the key as the user name, the password empty (a password, if sent,
// is ignored). The scheme is case-insensitive; the credentials are standard
// base64, padded or not.
func ParseBasicAuth(header string) (string, error) {
	if strings.TrimSpace(header) == "" {
		return "", ErrNoCredentials
	}
	if len(header) > MaxAuthorizationLength {
		return "", ErrBadCredentials
	}
	scheme, creds, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Basic") {
		return "", ErrBadCredentials
	}
	creds = strings.TrimSpace(creds)
	raw, err := base64.StdEncoding.Strict().DecodeString(creds)
	if err != nil {
		raw, err = base64.RawStdEncoding.Strict().DecodeString(creds)
	}
	if err != nil {
		return "", ErrBadCredentials
	}
	user, _, ok := strings.Cut(string(raw), ":")
	if !ok || user == "" || len(user) > 170 {
		return "", ErrBadCredentials
	}
	for i := 0; i < len(user); i++ {
		if c := user[i]; c <= ' ' || c >= 0x7f {
			return "", ErrBadCredentials
		}
	}
	return user, nil
}

// BasicAuth returns the Authorization header value for a user name and password.
func BasicAuth(user, password string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
}
