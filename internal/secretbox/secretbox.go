// Package secretbox encrypts secrets at rest (assessment link tokens, OAuth
// tokens) with AES-256-GCM under the server's secret key.
package secretbox

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
)

// Box seals and opens secrets.
type Box struct{ aead cipher.AEAD }

// New derives an encryption key from the server's secret key.
func New(secretKey []byte) (*Box, error) {
	m := hmac.New(sha256.New, secretKey)
	m.Write([]byte("talentsystems secretbox v1"))
	block, err := aes.NewCipher(m.Sum(nil))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Box{aead: aead}, nil
}

// Seal encrypts plaintext; context binds the ciphertext to its use (e.g. a
// row id) so it cannot be moved to another row.
func (b *Box) Seal(plaintext, context string) string {
	nonce := make([]byte, b.aead.NonceSize())
	rand.Read(nonce)
	out := b.aead.Seal(nonce, nonce, []byte(plaintext), []byte(context))
	return base64.RawStdEncoding.EncodeToString(out)
}

// ErrOpen is returned for a ciphertext that was tampered with, sealed under
// another key, or sealed for another context.
var ErrOpen = errors.New("secretbox: cannot decrypt")

// Open decrypts what Seal returned for the same context.
func (b *Box) Open(sealed, context string) (string, error) {
	raw, err := base64.RawStdEncoding.DecodeString(sealed)
	if err != nil || len(raw) < b.aead.NonceSize() {
		return "", ErrOpen
	}
	n := b.aead.NonceSize()
	pt, err := b.aead.Open(nil, raw[:n], raw[n:], []byte(context))
	if err != nil {
		return "", ErrOpen
	}
	return string(pt), nil
}
