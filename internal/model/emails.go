package model

import "time"

// EmailStatus is an outgoing mail's state.
type EmailStatus string

const (
	EmailQueued  EmailStatus = "queued"
	EmailSending EmailStatus = "sending" // a delivery try is in flight
	EmailSent    EmailStatus = "sent"
	EmailLogged  EmailStatus = "logged" // no SMTP server configured: written to the log instead
	EmailFailed  EmailStatus = "failed"
	// EmailUncertain: a try was in flight when its instance stopped, so the
	// mail may or may not have left; it is not sent again without staff.
	EmailUncertain EmailStatus = "uncertain"
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
	// Sealed: Text and HTML are sealed under the server's key (mails from
	// before sealing are not).
	Sealed bool
	// PurgedAt is when the body was deleted after the retention period.
	PurgedAt time.Time
}
