package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/talentsystems/talentsystems/internal/model"
)

// CreateAttempt inserts an attempt.
func CreateAttempt(ctx context.Context, q Querier, a *model.Attempt) error {
	err := q.QueryRowContext(ctx, `
INSERT INTO attempts (candidate_id, posting_version, status, position, started_at, deadline_at, section, section_deadline_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		a.CandidateID, a.PostingVersion, a.Status, a.Position, micros(a.StartedAt), nullTime(a.DeadlineAt), a.Section, nullTime(a.SectionDeadlineAt)).Scan(&a.ID)
	if err != nil {
		return fmt.Errorf("store: create attempt: %w", err)
	}
	return nil
}

const attemptColumns = `id, candidate_id, posting_version, status, position, started_at, deadline_at, section, section_deadline_at,
	submitted_at, submit_reason, result, result_brief, score, recommendation`

func scanAttempt(sc interface{ Scan(...any) error }) (*model.Attempt, error) {
	a := &model.Attempt{}
	var started int64
	var deadline, secDeadline, submitted sql.NullInt64
	var result, brief string
	var score sql.NullFloat64
	if err := sc.Scan(&a.ID, &a.CandidateID, &a.PostingVersion, &a.Status, &a.Position, &started, &deadline, &a.Section, &secDeadline,
		&submitted, &a.SubmitReason, &result, &brief, &score, &a.Recommendation); err != nil {
		return nil, err
	}
	a.StartedAt, a.DeadlineAt, a.SectionDeadlineAt, a.SubmittedAt = fromMicros(started), nullMicros(deadline), nullMicros(secDeadline), nullMicros(submitted)
	if result != "" {
		a.Result = []byte(result)
	}
	if brief != "" {
		a.Brief = []byte(brief)
	}
	if score.Valid {
		v := score.Float64
		a.Score = &v
	}
	return a, nil
}

// GetAttempt returns an attempt of a candidate.
func GetAttempt(ctx context.Context, q Querier, candidateID, id int64) (*model.Attempt, error) {
	a, err := scanAttempt(q.QueryRowContext(ctx, `SELECT `+attemptColumns+` FROM attempts WHERE id = $1 AND candidate_id = $2`, id, candidateID))
	if err != nil {
		return nil, fmt.Errorf("store: attempt %d: %w", id, notFound(err, "attempt"))
	}
	return a, nil
}

// CandidateAttempts returns every attempt of a candidate, oldest first.
func CandidateAttempts(ctx context.Context, q Querier, candidateID int64) ([]*model.Attempt, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+attemptColumns+` FROM attempts WHERE candidate_id = $1 ORDER BY id`, candidateID)
	if err != nil {
		return nil, fmt.Errorf("store: attempts: %w", err)
	}
	defer rows.Close()
	var out []*model.Attempt
	for rows.Next() {
		a, err := scanAttempt(rows)
		if err != nil {
			return nil, fmt.Errorf("store: attempts: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// UpdateAttempt saves an attempt's progress, status and result (with its
// brief, which must be set with it). It changes only an attempt that is
// still in fromStatus, and reports whether it did: two tabs submitting at
// once score the attempt once.
func UpdateAttempt(ctx context.Context, q Querier, a *model.Attempt, fromStatus model.AttemptStatus) (bool, error) {
	if (len(a.Result) == 0) != (len(a.Brief) == 0) {
		return false, fmt.Errorf("store: update attempt %d: a result and its brief are stored together", a.ID)
	}
	var score sql.NullFloat64
	if a.Score != nil {
		score = sql.NullFloat64{Float64: *a.Score, Valid: true}
	}
	res, err := q.ExecContext(ctx, `
UPDATE attempts SET status = $1, position = $2, section = $3, section_deadline_at = $4, submitted_at = $5, submit_reason = $6,
	result = $7, score = $8, recommendation = $9, deadline_at = $10, result_brief = $13
WHERE id = $11 AND status = $12`,
		a.Status, a.Position, a.Section, nullTime(a.SectionDeadlineAt), nullTime(a.SubmittedAt), a.SubmitReason,
		string(a.Result), score, a.Recommendation, nullTime(a.DeadlineAt), a.ID, fromStatus, string(a.Brief))
	if err != nil {
		return false, fmt.Errorf("store: update attempt: %w", err)
	}
	n, _ := res.RowsAffected()
	if n != 1 {
		return false, nil
	}
	// An attempt in progress has no result yet and is never counted (an
	// attempt does not go back to in progress): its saves of progress, on
	// every move between questions, skip the per-result rows and the sums.
	if a.Status == model.AttemptInProgress && len(a.Result) == 0 {
		return true, nil
	}
	if err := WriteResultFacts(ctx, q, a.ID, a.Result); err != nil {
		return false, err
	}
	if err := SyncItemSums(ctx, q, a.ID); err != nil {
		return false, err
	}
	return true, nil
}

// AttemptAnswers returns an attempt's answers by question key.
func AttemptAnswers(ctx context.Context, q Querier, attemptID int64) (map[string]*model.Answer, error) {
	rows, err := q.QueryContext(ctx, `SELECT question_key, answer, viewed_at, answered_at, time_spent_ms FROM answers WHERE attempt_id = $1`, attemptID)
	if err != nil {
		return nil, fmt.Errorf("store: answers: %w", err)
	}
	defer rows.Close()
	out := map[string]*model.Answer{}
	for rows.Next() {
		a := &model.Answer{AttemptID: attemptID}
		var ans string
		var viewed, answered sql.NullInt64
		if err := rows.Scan(&a.QuestionKey, &ans, &viewed, &answered, &a.TimeSpentMS); err != nil {
			return nil, fmt.Errorf("store: answers: %w", err)
		}
		a.Answer, a.ViewedAt, a.AnsweredAt = []byte(ans), nullMicros(viewed), nullMicros(answered)
		out[a.QuestionKey] = a
	}
	return out, rows.Err()
}

// MarkViewed records that a question was shown, starting its clock, unless
// the clock is already running.
func MarkViewed(ctx context.Context, q Querier, attemptID int64, key string, now time.Time) error {
	_, err := q.ExecContext(ctx, `
INSERT INTO answers (attempt_id, question_key, viewed_at) VALUES ($1, $2, $3)
ON CONFLICT (attempt_id, question_key) DO UPDATE SET viewed_at = COALESCE(answers.viewed_at, excluded.viewed_at)`,
		attemptID, key, micros(now))
	if err != nil {
		return fmt.Errorf("store: mark viewed: %w", err)
	}
	// Only an attempt in progress shows questions, and it is never counted
	// in the item sums: nothing to bring in step.
	return nil
}

// saveAnswerUpsert is how a save changes an answer already stored.
const saveAnswerUpsert = `
ON CONFLICT (attempt_id, question_key) DO UPDATE SET answer = excluded.answer, answered_at = excluded.answered_at,
	time_spent_ms = answers.time_spent_ms + CASE WHEN answers.viewed_at IS NULL THEN 0
		WHEN ($4 - answers.viewed_at) / 1000 > $5 THEN $5 ELSE ($4 - answers.viewed_at) / 1000 END,
	viewed_at = excluded.viewed_at`

// AnswerGuard is what must still hold for an answer to be saved: the link
// (by token hash) is the candidate's, the attempt is their current one and
// in progress, its time limit (the section's, when PerSection) or, without
// one, the link has not run out, and in a per-section assessment the
// question's section is the open one.
type AnswerGuard struct {
	TokenHash  string
	PerSection bool
	Section    string
}

// SaveAnswerGuarded is SaveAnswer in one statement that checks guard at
// now; it reports false, and changes nothing, when the guard fails.
func SaveAnswerGuarded(ctx context.Context, q Querier, attemptID int64, key string, answer []byte, now time.Time, maxSpan time.Duration, guard AnswerGuard) (bool, error) {
	perSection := 0
	if guard.PerSection {
		perSection = 1
	}
	res, err := q.ExecContext(ctx, `
INSERT INTO answers (attempt_id, question_key, answer, answered_at, viewed_at)
SELECT a.id, CAST($2 AS TEXT), CAST($3 AS TEXT), CAST($4 AS BIGINT), CAST($4 AS BIGINT) FROM attempts a JOIN candidates c ON c.attempt_id = a.id
WHERE a.id = $1 AND c.token_hash = $6 AND c.status = 'started' AND a.status = 'in_progress' AND ($7 = 0 OR a.section = $8)
	AND CASE WHEN (CASE WHEN $7 = 1 THEN a.section_deadline_at ELSE a.deadline_at END) IS NULL THEN c.expires_at > $4
		ELSE (CASE WHEN $7 = 1 THEN a.section_deadline_at ELSE a.deadline_at END) > $4 END`+saveAnswerUpsert,
		attemptID, key, string(answer), micros(now), maxSpan.Milliseconds(), guard.TokenHash, perSection, guard.Section)
	if err != nil {
		return false, fmt.Errorf("store: save answer: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: save answer: %w", err)
	}
	return n > 0, nil
}

// SaveAnswer stores an answer and adds the time since the question was
// viewed to its time spent (capped per save, so an open tab left overnight
// does not count as work).
func SaveAnswer(ctx context.Context, q Querier, attemptID int64, key string, answer []byte, now time.Time, maxSpan time.Duration) error {
	_, err := q.ExecContext(ctx, `
INSERT INTO answers (attempt_id, question_key, answer, answered_at, viewed_at) VALUES ($1, $2, $3, $4, $4)`+saveAnswerUpsert,
		attemptID, key, string(answer), micros(now), maxSpan.Milliseconds())
	if err != nil {
		return fmt.Errorf("store: save answer: %w", err)
	}
	// Answers are saved to attempts in progress only, which are never
	// counted in the item sums (see SaveAnswerGuarded).
	return nil
}

// DeleteAttemptData removes an attempt's answers, files and what the page
// recorded while they were written, and blanks the notes about them
// (erasure).
func DeleteAttemptData(ctx context.Context, q Querier, attemptID int64) error {
	for _, stmt := range []string{`DELETE FROM answers WHERE attempt_id = $1`, `DELETE FROM uploads WHERE attempt_id = $1`,
		`DELETE FROM answer_activity WHERE attempt_id = $1`,
		`UPDATE score_overrides SET note = '' WHERE attempt_id = $1`, `UPDATE answer_reviews SET note = '' WHERE attempt_id = $1`} {
		if _, err := q.ExecContext(ctx, stmt, attemptID); err != nil {
			return fmt.Errorf("store: erase attempt: %w", err)
		}
	}
	return SyncItemSums(ctx, q, attemptID)
}

// SaveUpload stores (or replaces) the file of a task.
func SaveUpload(ctx context.Context, q Querier, u *model.Upload) error {
	_, err := q.ExecContext(ctx, `
INSERT INTO uploads (attempt_id, question_key, file_name, content_type, size, data, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (attempt_id, question_key) DO UPDATE SET file_name = excluded.file_name, content_type = excluded.content_type,
	size = excluded.size, data = excluded.data, created_at = excluded.created_at`,
		u.AttemptID, u.QuestionKey, u.FileName, u.ContentType, u.Size, u.Data, micros(u.CreatedAt))
	if err != nil {
		return fmt.Errorf("store: save upload: %w", err)
	}
	return nil
}

// GetUpload returns the file of a task in an attempt.
func GetUpload(ctx context.Context, q Querier, attemptID int64, key string) (*model.Upload, error) {
	u := &model.Upload{AttemptID: attemptID, QuestionKey: key}
	var created int64
	err := q.QueryRowContext(ctx, `SELECT file_name, content_type, size, data, created_at FROM uploads WHERE attempt_id = $1 AND question_key = $2`,
		attemptID, key).Scan(&u.FileName, &u.ContentType, &u.Size, &u.Data, &created)
	if err != nil {
		return nil, fmt.Errorf("store: upload: %w", notFound(err, "file"))
	}
	u.CreatedAt = fromMicros(created)
	return u, nil
}

// CreateOverride appends an override; the newest per question is in force.
func CreateOverride(ctx context.Context, q Querier, o *model.Override) error {
	err := q.QueryRowContext(ctx, `
INSERT INTO score_overrides (attempt_id, question_key, level, original_level, note, user_id, user_name, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		o.AttemptID, o.QuestionKey, o.Level, o.OriginalLevel, o.Note, nullInt(o.UserID), o.UserName, micros(o.CreatedAt)).Scan(&o.ID)
	if err != nil {
		return fmt.Errorf("store: create override: %w", err)
	}
	return nil
}

// AttemptOverrides returns every override of an attempt, oldest first.
func AttemptOverrides(ctx context.Context, q Querier, attemptID int64) ([]*model.Override, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, question_key, level, original_level, note, COALESCE(user_id, 0), user_name, created_at
FROM score_overrides WHERE attempt_id = $1 ORDER BY id`, attemptID)
	if err != nil {
		return nil, fmt.Errorf("store: overrides: %w", err)
	}
	defer rows.Close()
	var out []*model.Override
	for rows.Next() {
		o := &model.Override{AttemptID: attemptID}
		var created int64
		if err := rows.Scan(&o.ID, &o.QuestionKey, &o.Level, &o.OriginalLevel, &o.Note, &o.UserID, &o.UserName, &created); err != nil {
			return nil, fmt.Errorf("store: overrides: %w", err)
		}
		o.CreatedAt = fromMicros(created)
		out = append(out, o)
	}
	return out, rows.Err()
}

// OverdueCandidates returns started candidates whose attempt's time (whole
// or section) ran out before now, oldest deadline first.
func OverdueCandidates(ctx context.Context, q Querier, now time.Time, limit int) ([]*model.Candidate, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+candidateColumns+candidateFrom+`
JOIN attempts a ON a.id = c.attempt_id
WHERE c.status = 'started' AND a.status = 'in_progress'
	AND ((a.deadline_at IS NOT NULL AND a.deadline_at <= $1) OR (a.section_deadline_at IS NOT NULL AND a.section_deadline_at <= $1))
ORDER BY a.id LIMIT $2`, micros(now), limit)
	if err != nil {
		return nil, fmt.Errorf("store: overdue candidates: %w", err)
	}
	defer rows.Close()
	var out []*model.Candidate
	for rows.Next() {
		c, err := scanCandidate(rows)
		if err != nil {
			return nil, fmt.Errorf("store: overdue candidates: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
