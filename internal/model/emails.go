package model

import "time"

// Email statuses.
// EmailStatus is an outgoing mail's state.
type EmailStatus string

const (
	EmailQueued EmailStatus = "queued"
	EmailSent   EmailStatus = "sent"
	EmailLogged EmailStatus = "logged" // no SMTP server configured: written to the log instead
	EmailFailed EmailStatus = "failed"
)

// Email is one outgoing message, kept as the outbox.
type Email struct {
	ID        int64
	OrgID     int64
	To        string
	Subject   string
	Text      string
	HTML      string
	Status    EmailStatus
	Attempts  int
	LastError string
	CreatedAt time.Time
	SentAt    time.Time
}
