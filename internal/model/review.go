package model

import "time"

// ReviewMode says when a posting's open answers (free text and tasks) need a
// person's review before their level counts as final.
type ReviewMode string

// The review modes.
const (
	// ReviewNever: automatic levels of open answers are final.
	ReviewNever ReviewMode = "never"
	// ReviewFlagged: an open answer needs review when the suggestion's
	// confidence is low or one of its integrity signals is raised. The
	// default.
	ReviewFlagged ReviewMode = "flagged"
	// ReviewAlways: every answered open question needs review.
	ReviewAlways ReviewMode = "always"
)

// ReviewModes lists the modes in the order forms offer them.
var ReviewModes = []ReviewMode{ReviewNever, ReviewFlagged, ReviewAlways}

// Valid reports whether m is a known mode.
func (m ReviewMode) Valid() bool {
	return m == ReviewNever || m == ReviewFlagged || m == ReviewAlways
}

// MaxReviewers is the most reviewers a posting may ask for per answer.
const MaxReviewers = 5

// ReviewSettings are a posting's review rules.
type ReviewSettings struct {
	Mode ReviewMode
	// Reviewers is how many people review each answer that needs review.
	Reviewers int
}

// DefaultReviewSettings are the settings of a posting that has none stored.
func DefaultReviewSettings() ReviewSettings {
	return ReviewSettings{Mode: ReviewFlagged, Reviewers: 1}
}

// AnswerCheck is what submission recorded about one open answer: its
// integrity signals (scoring.Signal list as JSON) and whether it needs review
// and by how many reviewers (the posting's setting at submission).
type AnswerCheck struct {
	AttemptID   int64
	QuestionKey string
	Signals     []byte
	NeedsReview bool
	Reviewers   int
}

// Review is one reviewer's level for one open answer.
type Review struct {
	ID          int64
	AttemptID   int64
	QuestionKey string
	UserID      int64
	UserName    string
	Level       int
	Note        string
	Blind       bool
	CreatedAt   time.Time
}

// ReviewTask is an open answer waiting in an organization's review queue.
type ReviewTask struct {
	CandidateID  int64
	PostingID    int64
	PostingTitle string
	FirstName    string
	LastName     string
	AttemptID    int64
	QuestionKey  string
	// Done is how many reviews are in; Reviewers how many are needed.
	Done, Reviewers int
	// Mine reports that the current user has reviewed it.
	Mine        bool
	SubmittedAt time.Time
}
