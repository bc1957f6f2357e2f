package model

import "time"

// AuditEvent records who did what, for the audit log.
type AuditEvent struct {
	ID        int64
	OrgID     int64
	ActorID   int64
	Action    string
	Detail    string
	CreatedAt time.Time
}
