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
	// TimeZone is the IANA zone of members who have not chosen their own
	// ("" is UTC).
	TimeZone string
	// LogoAt is when the organization's logo was last set; zero without a
	// logo (set by OrgByID and OrgBySlug).
	LogoAt time.Time
}

// Logo is an organization's logo image, shown on its candidates' pages.
type Logo struct {
	OrgID       int64
	ContentType string // image/png or image/jpeg
	Data        []byte
	UpdatedAt   time.Time
}
