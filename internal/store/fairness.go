package store

import (
	"context"
	"fmt"
	"time"
)

// SelfIdentification is one candidate's voluntary answers, as stored.
type SelfIdentification struct {
	Sex, Race string
}

// FairnessSample is one assessed candidate as the adverse-impact report sees
// it: the result and the self-identification, with no name, no id and no link
// back to the application. Sex and Race are "" when nothing was disclosed.
type FairnessSample struct {
	Sex, Race      string
	Score          float64
	Recommendation string
}

// SaveSelfIdentification stores (or replaces) a candidate's answers.
func SaveSelfIdentification(ctx context.Context, q Querier, orgID, candidateID int64, si SelfIdentification, now time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO self_identifications (candidate_id, org_id, sex, race, created_at)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (candidate_id) DO UPDATE SET sex = excluded.sex, race = excluded.race, created_at = excluded.created_at`,
		candidateID, orgID, si.Sex, si.Race, micros(now))
	if err != nil {
		return fmt.Errorf("store: save self-identification: %w", err)
	}
	return nil
}

// HasSelfIdentification reports whether a candidate has answered the survey.
func HasSelfIdentification(ctx context.Context, q Querier, candidateID int64) (bool, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM self_identifications WHERE candidate_id = $1`, candidateID).Scan(&n); err != nil {
		return false, fmt.Errorf("store: self-identification: %w", err)
	}
	return n > 0, nil
}

// DeleteSelfIdentification removes a candidate's answers (erasure).
func DeleteSelfIdentification(ctx context.Context, q Querier, candidateID int64) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM self_identifications WHERE candidate_id = $1`, candidateID); err != nil {
		return fmt.Errorf("store: delete self-identification: %w", err)
	}
	return nil
}

// FairnessSamples returns the scored candidates of orgID (of one posting when
// postingID is not 0) with their self-identification, in no particular order
// that could be matched to a list.
func FairnessSamples(ctx context.Context, q Querier, orgID, postingID int64) ([]FairnessSample, error) {
	rows, err := q.QueryContext(ctx, `SELECT COALESCE(s.sex, ''), COALESCE(s.race, ''), c.score, c.recommendation
FROM candidates c LEFT JOIN self_identifications s ON s.candidate_id = c.id AND s.org_id = c.org_id
WHERE c.org_id = $1 AND ($2 = 0 OR c.posting_id = $2) AND c.status = 'completed' AND c.score IS NOT NULL
ORDER BY COALESCE(s.sex, ''), COALESCE(s.race, ''), c.score`, orgID, postingID)
	if err != nil {
		return nil, fmt.Errorf("store: fairness samples: %w", err)
	}
	defer rows.Close()
	var out []FairnessSample
	for rows.Next() {
		var s FairnessSample
		if err := rows.Scan(&s.Sex, &s.Race, &s.Score, &s.Recommendation); err != nil {
			return nil, fmt.Errorf("store: fairness samples: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// SurveyOff reports whether an organization switched the survey off.
func SurveyOff(ctx context.Context, q Querier, orgID int64) (bool, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM fairness_survey_off WHERE org_id = $1`, orgID).Scan(&n); err != nil {
		return false, fmt.Errorf("store: survey setting: %w", err)
	}
	return n > 0, nil
}

// SetSurveyOff switches an organization's survey off (true) or on.
func SetSurveyOff(ctx context.Context, q Querier, orgID int64, off bool, now time.Time) error {
	var err error
	if off {
		_, err = q.ExecContext(ctx, `INSERT INTO fairness_survey_off (org_id, changed_at) VALUES ($1, $2) ON CONFLICT (org_id) DO NOTHING`, orgID, micros(now))
	} else {
		_, err = q.ExecContext(ctx, `DELETE FROM fairness_survey_off WHERE org_id = $1`, orgID)
	}
	if err != nil {
		return fmt.Errorf("store: set survey setting: %w", err)
	}
	return nil
}
