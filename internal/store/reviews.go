package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/model"
)

// PostingReviewSettings returns a posting's review settings, or the defaults
// when none are stored.
func PostingReviewSettings(ctx context.Context, q Querier, postingID int64) (model.ReviewSettings, error) {
	rs := model.DefaultReviewSettings()
	err := q.QueryRowContext(ctx, `SELECT mode, reviewers FROM posting_review_settings WHERE posting_id = $1`, postingID).Scan(&rs.Mode, &rs.Reviewers)
	if err != nil && err != sql.ErrNoRows {
		return rs, fmt.Errorf("store: review settings: %w", err)
	}
	return rs, nil
}

// SetPostingReviewSettings stores a posting's review settings.
func SetPostingReviewSettings(ctx context.Context, q Querier, postingID int64, rs model.ReviewSettings) error {
	_, err := q.ExecContext(ctx, `INSERT INTO posting_review_settings (posting_id, mode, reviewers) VALUES ($1, $2, $3)
ON CONFLICT (posting_id) DO UPDATE SET mode = excluded.mode, reviewers = excluded.reviewers`, postingID, string(rs.Mode), rs.Reviewers)
	if err != nil {
		return fmt.Errorf("store: set review settings: %w", err)
	}
	return nil
}

// OrgProvisional reports whether an organization sends Greenhouse the
// provisional result while reviews are pending.
func OrgProvisional(ctx context.Context, q Querier, orgID int64) (bool, error) {
	var on bool
	err := q.QueryRowContext(ctx, `SELECT provisional FROM org_review_settings WHERE org_id = $1`, orgID).Scan(&on)
	if err != nil && err != sql.ErrNoRows {
		return false, fmt.Errorf("store: org review settings: %w", err)
	}
	return on, nil
}

// SetOrgProvisional stores an organization's provisional-score option.
func SetOrgProvisional(ctx context.Context, q Querier, orgID int64, on bool) error {
	_, err := q.ExecContext(ctx, `INSERT INTO org_review_settings (org_id, provisional) VALUES ($1, $2)
ON CONFLICT (org_id) DO UPDATE SET provisional = excluded.provisional`, orgID, on)
	if err != nil {
		return fmt.Errorf("store: set org review settings: %w", err)
	}
	return nil
}

// SaveActivity stores what the page script recorded for an answer.
func SaveActivity(ctx context.Context, q Querier, attemptID int64, key string, activity []byte) error {
	_, err := q.ExecContext(ctx, `INSERT INTO answer_activity (attempt_id, question_key, activity) VALUES ($1, $2, $3)
ON CONFLICT (attempt_id, question_key) DO UPDATE SET activity = excluded.activity`, attemptID, key, string(activity))
	if err != nil {
		return fmt.Errorf("store: save activity: %w", err)
	}
	return nil
}

// AttemptActivity returns the recorded activity of an attempt's answers by
// question key.
func AttemptActivity(ctx context.Context, q Querier, attemptID int64) (map[string][]byte, error) {
	rows, err := q.QueryContext(ctx, `SELECT question_key, activity FROM answer_activity WHERE attempt_id = $1`, attemptID)
	if err != nil {
		return nil, fmt.Errorf("store: activity: %w", err)
	}
	defer rows.Close()
	out := map[string][]byte{}
	for rows.Next() {
		var k, a string
		if err := rows.Scan(&k, &a); err != nil {
			return nil, fmt.Errorf("store: activity: %w", err)
		}
		out[k] = []byte(a)
	}
	return out, rows.Err()
}

// SaveAnswerCheck stores (or replaces) the check of one open answer.
func SaveAnswerCheck(ctx context.Context, q Querier, c *model.AnswerCheck) error {
	_, err := q.ExecContext(ctx, `INSERT INTO answer_checks (attempt_id, question_key, signals, needs_review, reviewers) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (attempt_id, question_key) DO UPDATE SET signals = excluded.signals, needs_review = excluded.needs_review, reviewers = excluded.reviewers`,
		c.AttemptID, c.QuestionKey, string(c.Signals), c.NeedsReview, c.Reviewers)
	if err != nil {
		return fmt.Errorf("store: save answer check: %w", err)
	}
	return nil
}

// AttemptChecks returns the checks of an attempt's open answers by key.
func AttemptChecks(ctx context.Context, q Querier, attemptID int64) (map[string]*model.AnswerCheck, error) {
	rows, err := q.QueryContext(ctx, `SELECT question_key, signals, needs_review, reviewers FROM answer_checks WHERE attempt_id = $1`, attemptID)
	if err != nil {
		return nil, fmt.Errorf("store: answer checks: %w", err)
	}
	defer rows.Close()
	out := map[string]*model.AnswerCheck{}
	for rows.Next() {
		c := &model.AnswerCheck{AttemptID: attemptID}
		var sig string
		if err := rows.Scan(&c.QuestionKey, &sig, &c.NeedsReview, &c.Reviewers); err != nil {
			return nil, fmt.Errorf("store: answer checks: %w", err)
		}
		c.Signals = []byte(sig)
		out[c.QuestionKey] = c
	}
	return out, rows.Err()
}

// OtherAnswers returns the stored answers (JSON) to a question of a posting
// by other candidates of the same organization, keyed by candidate id, at
// most limit of them, newest first.
func OtherAnswers(ctx context.Context, q Querier, orgID, postingID, exceptAttempt int64, key string, limit int) (map[int64][]byte, error) {
	rows, err := q.QueryContext(ctx, `SELECT c.id, an.answer FROM answers an
JOIN attempts a ON a.id = an.attempt_id
JOIN candidates c ON c.id = a.candidate_id
WHERE c.org_id = $1 AND c.posting_id = $2 AND an.question_key = $3 AND an.attempt_id <> $4 AND an.answer <> ''
ORDER BY a.id DESC LIMIT $5`, orgID, postingID, key, exceptAttempt, limit)
	if err != nil {
		return nil, fmt.Errorf("store: other answers: %w", err)
	}
	defer rows.Close()
	out := map[int64][]byte{}
	for rows.Next() {
		var id int64
		var ans string
		if err := rows.Scan(&id, &ans); err != nil {
			return nil, fmt.Errorf("store: other answers: %w", err)
		}
		if _, seen := out[id]; !seen {
			out[id] = []byte(ans)
		}
	}
	return out, rows.Err()
}

// CreateReview stores one reviewer's level; a reviewer reviews an answer once.
func CreateReview(ctx context.Context, q Querier, r *model.Review) error {
	err := q.QueryRowContext(ctx, `INSERT INTO answer_reviews (attempt_id, question_key, user_id, user_name, level, note, blind, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (attempt_id, question_key, user_id) DO NOTHING RETURNING id`,
		r.AttemptID, r.QuestionKey, r.UserID, r.UserName, r.Level, r.Note, r.Blind, micros(r.CreatedAt)).Scan(&r.ID)
	if err == sql.ErrNoRows {
		return apperror.New(apperror.Conflict, "You have already reviewed this answer.")
	}
	if err != nil {
		return fmt.Errorf("store: create review: %w", err)
	}
	return nil
}

// AttemptReviews returns an attempt's reviews, oldest first.
func AttemptReviews(ctx context.Context, q Querier, attemptID int64) ([]*model.Review, error) {
	return reviews(ctx, q, `WHERE attempt_id = $1 ORDER BY id`, attemptID)
}

// PostingReviews returns the reviews of the current attempts of a posting's
// candidates, ordered by attempt, question and review.
func PostingReviews(ctx context.Context, q Querier, orgID, postingID int64) ([]*model.Review, error) {
	return reviews(ctx, q, `WHERE attempt_id IN (SELECT attempt_id FROM candidates WHERE org_id = $1 AND posting_id = $2 AND attempt_id IS NOT NULL)
ORDER BY attempt_id, question_key, id`, orgID, postingID)
}

func reviews(ctx context.Context, q Querier, where string, args ...any) ([]*model.Review, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, attempt_id, question_key, user_id, user_name, level, note, blind, created_at FROM answer_reviews `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("store: reviews: %w", err)
	}
	defer rows.Close()
	var out []*model.Review
	for rows.Next() {
		r := &model.Review{}
		var at int64
		if err := rows.Scan(&r.ID, &r.AttemptID, &r.QuestionKey, &r.UserID, &r.UserName, &r.Level, &r.Note, &r.Blind, &at); err != nil {
			return nil, fmt.Errorf("store: reviews: %w", err)
		}
		r.CreatedAt = fromMicros(at)
		out = append(out, r)
	}
	return out, rows.Err()
}

// ReviewQueue returns the open answers of an organization's completed
// assessments that need review and have fewer reviews than they need,
// oldest submission first.
func ReviewQueue(ctx context.Context, q Querier, orgID, userID int64) ([]*model.ReviewTask, error) {
	rows, err := q.QueryContext(ctx, `SELECT c.id, c.posting_id, p.title, c.first_name, c.last_name, k.attempt_id, k.question_key,
	(SELECT COUNT(*) FROM answer_reviews r WHERE r.attempt_id = k.attempt_id AND r.question_key = k.question_key),
	k.reviewers,
	(SELECT COUNT(*) FROM answer_reviews r WHERE r.attempt_id = k.attempt_id AND r.question_key = k.question_key AND r.user_id = $2),
	COALESCE(a.submitted_at, 0)
FROM answer_checks k
JOIN attempts a ON a.id = k.attempt_id
JOIN candidates c ON c.attempt_id = a.id
JOIN postings p ON p.id = c.posting_id
WHERE c.org_id = $1 AND k.needs_review AND a.status = 'submitted' AND c.erased_at IS NULL
ORDER BY a.submitted_at, a.id, k.question_key`, orgID, userID)
	if err != nil {
		return nil, fmt.Errorf("store: review queue: %w", err)
	}
	defer rows.Close()
	var out []*model.ReviewTask
	for rows.Next() {
		t := &model.ReviewTask{}
		var mine int
		var at int64
		if err := rows.Scan(&t.CandidateID, &t.PostingID, &t.PostingTitle, &t.FirstName, &t.LastName, &t.AttemptID, &t.QuestionKey,
			&t.Done, &t.Reviewers, &mine, &at); err != nil {
			return nil, fmt.Errorf("store: review queue: %w", err)
		}
		if t.Done >= t.Reviewers {
			continue
		}
		t.Mine, t.SubmittedAt = mine > 0, fromMicros(at)
		out = append(out, t)
	}
	return out, rows.Err()
}
