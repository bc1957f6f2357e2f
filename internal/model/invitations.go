package model

import "time"

// Invitation asks a person by email to join an organization with a role.
type Invitation struct {
	ID         int64
	OrgID      int64
	Email      string
	Role       Role
	TokenHash  string
	InvitedBy  int64
	CreatedAt  time.Time
	ExpiresAt  time.Time
	AcceptedAt time.Time
}
