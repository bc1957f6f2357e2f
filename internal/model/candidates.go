package model

import (
	"strings"
	"time"
)

// Candidate sources and statuses. "expired" is not stored: it is a sent or
// started candidate whose link expired (see EffectiveStatus).
// Source is where a candidate came from.
type Source string

// CandidateStatus is a candidate's state.
type CandidateStatus string

const (
	SourceManual     Source = "manual"
	SourceGreenhouse Source = "greenhouse"

	CandidateSent      CandidateStatus = "sent"
	CandidateStarted   CandidateStatus = "started"
	CandidateCompleted CandidateStatus = "completed"
	CandidateExpired   CandidateStatus = "expired"
)

// CandidateStatuses are the effective statuses, in the order a candidate passes them.
var CandidateStatuses = []CandidateStatus{CandidateSent, CandidateStarted, CandidateCompleted, CandidateExpired}

// StatusCounts counts candidates by effective status.
type StatusCounts map[CandidateStatus]int

// Sent, Started, Completed and Expired read one count (for templates).
func (c StatusCounts) Sent() int      { return c[CandidateSent] }
func (c StatusCounts) Started() int   { return c[CandidateStarted] }
func (c StatusCounts) Completed() int { return c[CandidateCompleted] }
func (c StatusCounts) Expired() int   { return c[CandidateExpired] }

// Candidate is a person invited to take a posting's assessment.
type Candidate struct {
	ID           int64
	OrgID        int64
	PostingID    int64
	FirstName    string
	LastName     string
	Email        string
	Phone        string
	Source       Source
	Status       CandidateStatus
	TokenHash    string
	TokenSealed  string
	ExpiresAt    time.Time
	ExtraTimePct int
	AttemptID    int64
	// Score is nil until the assessment is scored.
	Score          *float64
	Recommendation string
	StartedAt      time.Time
	CompletedAt    time.Time
	ErasedAt       time.Time
	// Greenhouse fields, set for source greenhouse.
	GHTestID        string
	GHCandidateID   string
	GHApplicationID string
	GHProfileURL    string
	GHCallbackURL   string
	GHSentBy        string
	CreatedBy       int64
	CreatedAt       time.Time
	UpdatedAt       time.Time
	// PostingTitle is set by listings that join the posting.
	PostingTitle string
	// New is set (never stored) on a candidate in the transaction that
	// creates it: hooks can skip looking for rows (callbacks, pushes) that
	// cannot exist yet.
	New bool
}

// Name is the candidate's full name.
func (c *Candidate) Name() string {
	if !c.ErasedAt.IsZero() {
		return "Erased candidate"
	}
	return strings.TrimSpace(c.FirstName + " " + c.LastName)
}

// EffectiveStatus is the status shown to people: expired when the link
// lapsed before the candidate started. A started attempt runs to its own
// time limit (the sweep submits it then), even past the link's expiry.
func (c *Candidate) EffectiveStatus(now time.Time) CandidateStatus {
	if c.Status == CandidateSent && !now.Before(c.ExpiresAt) {
		return CandidateExpired
	}
	return c.Status
}

// CandidateFilter selects and orders candidates for a list.
type CandidateFilter struct {
	OrgID     int64
	PostingID int64           // 0: every posting
	Status    CandidateStatus // "", sent, started, completed, expired
	Source    Source          // "", manual, greenhouse
	Search    string          // in name and email, case-insensitive
	Sort      string          // created (default), name, score, status, expires
	Desc      bool
	Limit     int
	Offset    int
	Now       time.Time
}

// CandidateSession is what a candidate's pages read of their link in one
// query: the candidate, the organization, the posting's status, the current
// attempt and the posting document they take.
type CandidateSession struct {
	Candidate     *Candidate
	Org           *Org
	PostingStatus PostingStatus
	// Attempt is the current attempt (nil before the start).
	Attempt *Attempt
	// Document is the posting as the candidate takes it: the version the
	// attempt runs on, or the current document before the start.
	Document []byte
	// Contact is the email of whom the candidate can ask for help: the
	// member who added them, else the organization's first admin by name
	// ("" when there is none).
	Contact string
}
