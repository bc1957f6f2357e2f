package model

import "time"

// HarvestStatus is the state of an organization's Harvest API connection.
type HarvestStatus string

const (
	// HarvestConnected: the tokens work (as far as we know).
	HarvestConnected HarvestStatus = "connected"
	// HarvestReconnect: the refresh token was refused or lapsed; an admin
	// must connect again.
	HarvestReconnect HarvestStatus = "reconnect"
)

// HarvestConnection is an organization's OAuth connection to Harvest. The
// tokens are sealed; only the connection service opens them.
type HarvestConnection struct {
	OrgID            int64
	Status           HarvestStatus
	AccessSealed     string
	RefreshSealed    string
	AccessExpiresAt  time.Time
	RefreshExpiresAt time.Time
	Scopes           string
	ConnectedBy      int64
	ConnectedByName  string
	ConnectedAt      time.Time
	RefreshedAt      time.Time
	// Reason says why a connection needs reconnecting.
	Reason    string
	UpdatedAt time.Time
}

// HarvestState is an OAuth state in flight.
type HarvestState struct {
	Hash        string
	OrgID       int64
	UserID      int64
	SessionHash string
	ExpiresAt   time.Time
}

// HarvestImport records that a Greenhouse job became a posting.
type HarvestImport struct {
	ID        int64
	OrgID     int64
	GHJobID   int64
	PostingID int64
	CreatedBy int64
	CreatedAt time.Time
}

// PushKind is what a push tells Greenhouse.
type PushKind string

// PushStatus is a push's state.
type PushStatus string

const (
	PushLink   PushKind = "link"
	PushResult PushKind = "result"

	PushPending PushStatus = "pending"
	// PushSending: a try has begun its POST, whose outcome is not yet
	// recorded. A push found sending (after a crash, a timeout, a 5xx) is
	// checked against the candidate's notes in Greenhouse before it is
	// posted again.
	PushSending PushStatus = "sending"
	// PushUncertain: a try's outcome is unknown and Greenhouse's notes
	// could not be read to find out; only a person posts it again.
	PushUncertain  PushStatus = "uncertain"
	PushPushed     PushStatus = "pushed"
	PushFailed     PushStatus = "failed"
	PushCancelled  PushStatus = "cancelled"
	PushSuperseded PushStatus = "superseded"
)

// HarvestPush is one note posted (or to post) to a Greenhouse candidate.
type HarvestPush struct {
	ID          int64
	OrgID       int64
	CandidateID int64
	Kind        PushKind
	// ContentHash identifies what is told (the link, or the result);
	// Fingerprint also chains the previous push of the kind, so a result
	// that changes back is told again, while a retry never is.
	ContentHash string
	Fingerprint string
	Status      PushStatus
	Tries       int
	LastError   string
	NoteID      int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
	PushedAt    time.Time
}

// HarvestPushListing is a push with what the staff console shows beside it.
type HarvestPushListing struct {
	HarvestPush
	OrgName       string
	CandidateName string
	PostingID     int64
	// Stuck: pending or sending, unchanged for longer than expected.
	Stuck bool
}

// HarvestOutcome is a Greenhouse application's outcome, read for analytics.
type HarvestOutcome struct {
	OrgID           int64
	GHApplicationID int64
	GHCandidateID   int64
	GHJobID         int64
	Status          string // active, rejected, hired
	Stage           string
	RejectedAt      time.Time
	HiredAt         time.Time
	FetchedAt       time.Time
}
