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
