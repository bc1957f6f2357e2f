package model

import "time"

// Posting statuses.
// PostingStatus is a posting's lifecycle state.
type PostingStatus string

const (
	PostingDraft  PostingStatus = "draft"
	PostingActive PostingStatus = "active"
	PostingClosed PostingStatus = "closed"
)

// Posting is a stored posting: its current document (canonical JSON of the
// posting format) with the columns lists need.
type Posting struct {
	ID             int64
	OrgID          int64
	PublicID       string
	Status         PostingStatus
	Title          string
	AssessmentType string
	Department     string
	Location       string
	Document       []byte
	// Revision counts saves; a form carries it so that concurrent edits conflict
	// instead of overwriting each other.
	Revision int
	// Version is the newest published version, 0 before the first publish.
	Version     int
	CreatedBy   int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
	PublishedAt time.Time
}

// PostingVersion is an immutable snapshot of a published posting, the one
// candidates who start it keep.
type PostingVersion struct {
	ID        int64
	PostingID int64
	Version   int
	Document  []byte
	CreatedBy int64
	CreatedAt time.Time
}

// PostingCounts counts an organization's postings by status.
type PostingCounts map[PostingStatus]int

// Draft, Active and Closed read one count (for templates).
func (c PostingCounts) Draft() int  { return c[PostingDraft] }
func (c PostingCounts) Active() int { return c[PostingActive] }
func (c PostingCounts) Closed() int { return c[PostingClosed] }
