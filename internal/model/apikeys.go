package model

import "time"

// API key statuses. An organization has at most one active key; rotation
// and revocation end it, and the ended row stays (without its sealed copy)
// so that a request with an old key can be recognised and explained.
// KeyStatus is an API key's state.
type KeyStatus string

const (
	KeyActive  KeyStatus = "active"
	KeyRotated KeyStatus = "rotated"
	KeyRevoked KeyStatus = "revoked"
)

// APIKey is an organization's Greenhouse API key, stored as its SHA-256.
type APIKey struct {
	ID     int64
	OrgID  int64
	Prefix string // the first characters of the key, for people to recognise it
	Hash   string
	// Sealed is the key encrypted under the server's secret key, kept while
	// the key is active so that the completion callback can present it.
	Sealed     string
	Status     KeyStatus
	CreatedBy  int64
	CreatedAt  time.Time
	LastUsedAt time.Time
	EndedAt    time.Time
}
