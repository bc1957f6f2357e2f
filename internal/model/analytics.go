package model

import "time"

// AnalyticsScope selects the candidates an analytics figure is computed
// over: one organization, one posting (0: every posting of the
// organization), invited in [From, To) (a zero bound is open).
type AnalyticsScope struct {
	OrgID     int64
	PostingID int64
	From, To  time.Time
	Now       time.Time
}

// FunnelCounts are a scope's candidates at each step, by source.
type FunnelCounts struct {
	Invited, Started, Completed, Expired int
	// GreenhouseInvited and GreenhouseCompleted count the Greenhouse
	// candidates; the rest were added by hand or by CSV.
	GreenhouseInvited, GreenhouseCompleted int
}

// PostingFigures are one posting's headline figures on the organization overview.
type PostingFigures struct {
	PostingID int64
	Title     string
	FunnelCounts
	// MeanScore is the mean overall score of the scored candidates (nil: none).
	MeanScore *float64
}

// ActivityWeek counts the candidates invited and completed in one week
// (weeks start on Thursday 1 January 1970 UTC, i.e. every Thursday, because
// they are counted by integer division of the stored times).
type ActivityWeek struct {
	Start              time.Time
	Invited, Completed int
}

// ExportRow is one candidate of an export, with what the list does not carry.
type ExportRow struct {
	// Candidate holds the fields an export shows (identity, status, dates,
	// score, recommendation, Greenhouse ids); the others are zero.
	*Candidate
	// Competencies and Levels are the current attempt's result's competency
	// scores and question levels, in the order of the keys the export asked
	// for (Has false where the result has none, or there is no result).
	Competencies, Levels []ExportValue
	// TimeSpentMS is the sum of the time spent on the answers.
	TimeSpentMS int64
	// Rank is 1 + the number of the posting's scored candidates with a higher
	// score, and Ranked how many are scored; both 0 when unscored.
	Rank, Ranked int
}

// ExportValue is a number of an export row that may be missing.
type ExportValue struct {
	Value float64
	Has   bool
}
