package model

import "time"

// GreenhouseSettings are an organization's choices for the Greenhouse integration.
type GreenhouseSettings struct {
	OrgID int64
	// EmailCandidates makes send_test mail the candidate their link, as a
	// manually added candidate gets it. Off by default: Greenhouse handles
	// candidate communication.
	EmailCandidates bool
	// SetupRequestedAt is when an admin asked staff for a key; zero when no
	// request is pending.
	SetupRequestedAt time.Time
	SetupRequestedBy int64
	UpdatedAt        time.Time
}

// GreenhouseOrg is one organization's integration state, for the staff console.
type GreenhouseOrg struct {
	Org              *Org
	KeyPrefix        string // of the active key; empty without one
	KeyCreatedAt     time.Time
	KeyLastUsedAt    time.Time
	SetupRequestedAt time.Time
	// EndedKeys counts rotated and revoked keys.
	EndedKeys int
	Revoked   bool // the newest key is revoked
}

// Callback statuses and reasons.
// CallbackStatus is a completion callback's delivery state.
type CallbackStatus string

// CallbackReason is why a completion callback was sent.
type CallbackReason string

const (
	CallbackPending    CallbackStatus = "pending"
	CallbackRetrying   CallbackStatus = "retrying"
	CallbackDelivered  CallbackStatus = "delivered"
	CallbackFailed     CallbackStatus = "failed"
	CallbackSuperseded CallbackStatus = "superseded"

	CallbackCompleted CallbackReason = "completed" // the first result
	CallbackRescored  CallbackReason = "rescored"  // a later change of the result (override)
	CallbackReset     CallbackReason = "reset"     // a reported result was withdrawn by a reset
	CallbackExpired   CallbackReason = "expired"   // the link lapsed before the candidate started
)

// GreenhouseCallback is one completion notification to Greenhouse: the empty
// PATCH to the url Greenhouse gave in send_test, with its delivery record.
type GreenhouseCallback struct {
	ID          int64
	OrgID       int64
	CandidateID int64
	URL         string
	Reason      CallbackReason
	Status      CallbackStatus
	Tries       int
	LastCode    int
	LastError   string
	NextTryAt   time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
	DeliveredAt time.Time
	// OrgName and CandidateName are set by listings.
	OrgName       string
	CandidateName string
	PostingID     int64
	// Stuck is set by the staff listings: pending or retrying, and neither
	// tried nor due for a long while (its job was lost).
	Stuck bool
}

// CallbackFilter selects callbacks for a list.
type CallbackFilter struct {
	OrgID  int64          // 0: every organization
	Status CallbackStatus // "": every status
	Limit  int
}

// GreenhouseEvent is one thing that happened between Greenhouse and an
// organization: an API call, a refused request, a callback outcome.
type GreenhouseEvent struct {
	ID        int64
	OrgID     int64
	Kind      string // list_tests, send_test, test_status, response_errors, auth, callback, key
	OK        bool
	Detail    string
	CreatedAt time.Time
}

// ResponseError is a report from Greenhouse that one of our responses was malformed.
type ResponseError struct {
	ID                 int64
	OrgID              int64
	APICall            string
	Errors             []string
	PartnerTestID      string
	PartnerTestName    string
	PartnerInterviewID string
	CandidateEmail     string
	CreatedAt          time.Time
	// OrgName is set by listings.
	OrgName string
}

// CallbackCounts counts completion callbacks by status.
type CallbackCounts map[CallbackStatus]int

// Pending, Retrying, Delivered, Failed and Superseded read one count (for templates).
func (c CallbackCounts) Pending() int    { return c[CallbackPending] }
func (c CallbackCounts) Retrying() int   { return c[CallbackRetrying] }
func (c CallbackCounts) Delivered() int  { return c[CallbackDelivered] }
func (c CallbackCounts) Failed() int     { return c[CallbackFailed] }
func (c CallbackCounts) Superseded() int { return c[CallbackSuperseded] }

// GreenhouseStatus is what test_status reports of a candidate, read in one
// query: the candidate's state, its posting's assessment type and, once
// scored, the attempt's result.
type GreenhouseStatus struct {
	ID, PostingID  int64
	Source         Source
	Status         CandidateStatus
	ExpiresAt      time.Time
	Score          *float64
	Recommendation string
	StartedAt      time.Time
	CompletedAt    time.Time
	AttemptID      int64
	AssessmentType string
	// Result is the scored attempt's brief as JSON (scoring.Result.Brief:
	// no per-question scores; empty before scoring).
	Result []byte
	// DeadlineAt and SectionDeadlineAt are the attempt's time limits (zero: none).
	DeadlineAt, SectionDeadlineAt time.Time
	// Provisional reports that the organization sends the provisional
	// result while open answers await review.
	Provisional bool
}

// MayBeOverdue reports whether a started attempt's time may be up at now:
// a time limit passed, or the link lapsed. The deadline check decides.
func (g *GreenhouseStatus) MayBeOverdue(now time.Time) bool {
	for _, d := range []time.Time{g.DeadlineAt, g.SectionDeadlineAt} {
		if !d.IsZero() && !now.Before(d) {
			return true
		}
	}
	return !now.Before(g.ExpiresAt)
}
