package store

import (
	"fmt"

	"github.com/talentsystems/talentsystems/internal/model"
)

// linkLapsed is the SQL of "the candidate's link lapsed before they started"
// for the candidates row with the given alias prefix ("c." or ""), at the
// time bound to the placeholder now. It is model.Candidate.EffectiveStatus's
// rule, written once for SQL; TestEffectiveStatusAgrees checks they agree.
func linkLapsed(alias, now string) string {
	return fmt.Sprintf("%[1]sstatus = '%[2]s' AND %[1]sexpires_at <= %[3]s", alias, model.CandidateSent, now)
}

// effectiveStatus is the SQL expression of model.Candidate.EffectiveStatus.
func effectiveStatus(alias, now string) string {
	return fmt.Sprintf("CASE WHEN %s THEN '%s' ELSE %sstatus END", linkLapsed(alias, now), model.CandidateExpired, alias)
}

// scanStatusCounts reads rows of (effective status, count) into counts
// that start at zero for every status.
func scanStatusCounts(rows interface {
	Next() bool
	Scan(...any) error
	Err() error
}) (model.StatusCounts, error) {
	counts := model.StatusCounts{}
	for _, s := range model.CandidateStatuses {
		counts[s] = 0
	}
	for rows.Next() {
		var s model.CandidateStatus
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		counts[s] = n
	}
	return counts, rows.Err()
}
