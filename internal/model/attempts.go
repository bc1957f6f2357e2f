package model

import "time"

// Attempt statuses.
// AttemptStatus is an attempt's state.
type AttemptStatus string

const (
	AttemptInProgress AttemptStatus = "in_progress"
	AttemptSubmitted  AttemptStatus = "submitted"
	AttemptReset      AttemptStatus = "reset"
)

// Attempt is one take of an assessment by a candidate, on the posting version
// it started with. A reset keeps the old attempt, marked reset, for the audit trail.
type Attempt struct {
	ID                int64
	CandidateID       int64
	PostingVersion    int
	Status            AttemptStatus
	Position          int
	StartedAt         time.Time
	DeadlineAt        time.Time // zero when the limit is per section
	Section           string
	SectionDeadlineAt time.Time
	SubmittedAt       time.Time
	SubmitReason      string // candidate, time_limit
	Result            []byte // scoring.Result as JSON, once scored
	// Brief is Result without its per-question scores (scoring.Result.Brief),
	// stored with it for the readers that need only the totals.
	Brief          []byte
	Score          *float64
	Recommendation string
}

// Answer is a stored answer to one question.
type Answer struct {
	AttemptID   int64
	QuestionKey string
	Answer      []byte // scoring.Answer as JSON
	ViewedAt    time.Time
	AnsweredAt  time.Time
	TimeSpentMS int64
}

// Upload is a file a candidate attached to a task.
type Upload struct {
	AttemptID   int64
	QuestionKey string
	FileName    string
	ContentType string
	Size        int64
	Data        []byte
	CreatedAt   time.Time
}

// Override is a recruiter's change of a question's level, kept with its history.
type Override struct {
	ID            int64
	AttemptID     int64
	QuestionKey   string
	Level         int
	OriginalLevel int
	Note          string
	UserID        int64
	UserName      string
	CreatedAt     time.Time
}
