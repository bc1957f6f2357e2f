package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// NewToken returns 32 random bytes, URL-safe encoded: the secret handed out
// in a cookie or a link. Only its Hash is stored.
func NewToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand documents it)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Hash returns the hex SHA-256 of a token, the form it is stored and looked up in.
func Hash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CSRF issues and checks the tokens that every state-changing form carries.
// A token is bound to a per-browser random value (kept in a cookie) by an HMAC
// under the server's secret key, so it cannot be forged without the key and
// cannot be replayed from another browser.
type CSRF struct{ key []byte }

// NewCSRF returns a CSRF signer under key.
func NewCSRF(key []byte) *CSRF {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("talentsystems csrf v1"))
	return &CSRF{key: m.Sum(nil)}
}

// Token returns the form token for a browser's cookie value.
func (c *CSRF) Token(cookie string) string {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte(cookie))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// Valid reports whether token is the form token for cookie.
func (c *CSRF) Valid(cookie, token string) bool {
	if cookie == "" || token == "" {
		return false
	}
	return hmac.Equal([]byte(c.Token(cookie)), []byte(token))
}
