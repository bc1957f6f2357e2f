package model

import "time"

// Org is an organization: the tenant every other record belongs to.
type Org struct {
	ID        int64
	Slug      string
	Name      string
	CreatedAt time.Time
	// Users counts the organization's members (set by ListOrgs only).
	Users int
}
