package model

import "time"

// Role is what a user may do.
type Role string

// The roles. Staff operate the platform and belong to no organization.
const (
	RoleStaff     Role = "staff"
	RoleAdmin     Role = "admin"
	RoleRecruiter Role = "recruiter"
)

// User is a person who signs in.
type User struct {
	ID           int64
	OrgID        int64 // 0 for staff
	Email        string
	Name         string
	PasswordHash string
	Role         Role
	CreatedAt    time.Time
	// TimeZone is the IANA name of the zone the user's pages show times in
	// ("" is UTC).
	TimeZone string
}

// Actor is who performs a change, passed the same way to every service: a
// signed-in user, or the command line acting for an organization (UserID 0).
type Actor struct {
	UserID int64
	OrgID  int64 // 0 for staff
	Role   Role
	Name   string
	Email  string
	// Zone is where the actor reads times: messages that name a moment
	// show it there (nil: UTC).
	Zone *time.Location
}

// Date shows the day of t where the actor reads times, e.g. "2 Mar 2026".
func (a Actor) Date(t time.Time) string { return t.In(a.Location()).Format("2 Jan 2006") }

// MomentLayout is how pages and messages show a moment: in the reader's
// zone, with the zone's abbreviation, e.g. "3 Mar 2026 14:05 CET".
const MomentLayout = "2 Jan 2006 15:04 MST"

// Moment shows t where the actor reads times (MomentLayout).
func (a Actor) Moment(t time.Time) string { return t.In(a.Location()).Format(MomentLayout) }

// Location is where the actor reads times (UTC when unknown).
func (a Actor) Location() *time.Location {
	if a.Zone == nil {
		return time.UTC
	}
	return a.Zone
}

// Actor returns the user as the actor of a change.
func (u *User) Actor() Actor {
	return Actor{UserID: u.ID, OrgID: u.OrgID, Role: u.Role, Name: u.Name, Email: u.Email}
}

// CommandLine is the actor of an administrative command run for an
// organization (orgID 0: for the platform).
func CommandLine(orgID int64) Actor {
	return Actor{OrgID: orgID, Name: "command line"}
}
