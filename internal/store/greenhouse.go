package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/model"
)

// OrgGreenhouseSettings returns an organization's settings (the defaults when
// it never changed any).
func OrgGreenhouseSettings(ctx context.Context, q Querier, orgID int64) (*model.GreenhouseSettings, error) {
	s := &model.GreenhouseSettings{OrgID: orgID}
	var requested, by sql.NullInt64
	var updated int64
	err := q.QueryRowContext(ctx, `SELECT email_candidates, setup_requested_at, setup_requested_by, updated_at
FROM greenhouse_settings WHERE org_id = $1`, orgID).Scan(&s.EmailCandidates, &requested, &by, &updated)
	if err == sql.ErrNoRows {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: greenhouse settings: %w", err)
	}
	s.SetupRequestedAt, s.SetupRequestedBy, s.UpdatedAt = nullMicros(requested), by.Int64, fromMicros(updated)
	return s, nil
}

// SetGreenhouseEmailCandidates turns the invitation mail for Greenhouse candidates on or off.
func SetGreenhouseEmailCandidates(ctx context.Context, q Querier, orgID int64, on bool, now time.Time) error {
	_, err := q.ExecContext(ctx, `
INSERT INTO greenhouse_settings (org_id, email_candidates, updated_at) VALUES ($1, $2, $3)
ON CONFLICT (org_id) DO UPDATE SET email_candidates = excluded.email_candidates, updated_at = excluded.updated_at`, orgID, on, micros(now))
	if err != nil {
		return fmt.Errorf("store: set greenhouse email: %w", err)
	}
	return nil
}

// RequestGreenhouseSetup records a pending setup request. It reports false
// when one was already pending, so that staff are told once, not per click.
func RequestGreenhouseSetup(ctx context.Context, q Querier, orgID, userID int64, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, `
INSERT INTO greenhouse_settings (org_id, setup_requested_at, setup_requested_by, updated_at) VALUES ($1, $2, $3, $2)
ON CONFLICT (org_id) DO UPDATE SET setup_requested_at = excluded.setup_requested_at,
	setup_requested_by = excluded.setup_requested_by, updated_at = excluded.updated_at
WHERE greenhouse_settings.setup_requested_at IS NULL`, orgID, micros(now), nullInt(userID))
	if err != nil {
		return false, fmt.Errorf("store: request greenhouse setup: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: request greenhouse setup: %w", err)
	}
	return n > 0, nil
}

// ClearGreenhouseSetupRequest marks a pending request handled.
func ClearGreenhouseSetupRequest(ctx context.Context, q Querier, orgID int64, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE greenhouse_settings SET setup_requested_at = NULL, setup_requested_by = NULL, updated_at = $1
WHERE org_id = $2 AND setup_requested_at IS NOT NULL`, micros(now), orgID)
	if err != nil {
		return fmt.Errorf("store: clear greenhouse setup request: %w", err)
	}
	return nil
}

// GreenhouseOrgs returns every organization with its key and request state,
// pending setup requests first (oldest first), then by name.
func GreenhouseOrgs(ctx context.Context, q Querier) ([]*model.GreenhouseOrg, error) {
	rows, err := q.QueryContext(ctx, `
SELECT o.id, o.slug, o.name, o.created_at,
	COALESCE(k.prefix, ''), COALESCE(k.created_at, 0), k.last_used_at, s.setup_requested_at,
	(SELECT COUNT(*) FROM api_keys e WHERE e.org_id = o.id AND e.status <> 'active'),
	COALESCE((SELECT e.status FROM api_keys e WHERE e.org_id = o.id ORDER BY e.created_at DESC, e.id DESC LIMIT 1), '')
FROM organizations o
LEFT JOIN api_keys k ON k.org_id = o.id AND k.status = 'active'
LEFT JOIN greenhouse_settings s ON s.org_id = o.id
ORDER BY CASE WHEN s.setup_requested_at IS NULL THEN 1 ELSE 0 END, s.setup_requested_at, o.name, o.id`)
	if err != nil {
		return nil, fmt.Errorf("store: greenhouse orgs: %w", err)
	}
	defer rows.Close()
	var out []*model.GreenhouseOrg
	for rows.Next() {
		g := &model.GreenhouseOrg{Org: &model.Org{}}
		var created, keyCreated int64
		var used, requested sql.NullInt64
		var newest model.KeyStatus
		if err := rows.Scan(&g.Org.ID, &g.Org.Slug, &g.Org.Name, &created, &g.KeyPrefix, &keyCreated, &used, &requested, &g.EndedKeys, &newest); err != nil {
			return nil, fmt.Errorf("store: greenhouse orgs: %w", err)
		}
		g.Org.CreatedAt = fromMicros(created)
		if g.KeyPrefix != "" {
			g.KeyCreatedAt = fromMicros(keyCreated)
		}
		g.KeyLastUsedAt, g.SetupRequestedAt = nullMicros(used), nullMicros(requested)
		g.Revoked = newest == model.KeyRevoked
		out = append(out, g)
	}
	return out, rows.Err()
}

// StaffEmails returns the addresses of every staff user.
func StaffEmails(ctx context.Context, q Querier) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT email FROM users WHERE role = 'staff' ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: staff emails: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			return nil, fmt.Errorf("store: staff emails: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// GreenhouseCandidateCounts returns an organization's Greenhouse candidates by
// effective status (sent, started, completed, expired).
func GreenhouseCandidateCounts(ctx context.Context, q Querier, orgID int64, now time.Time) (model.StatusCounts, error) {
	rows, err := q.QueryContext(ctx, `
SELECT `+effectiveStatus("", "$2")+`, COUNT(*)
FROM candidates WHERE org_id = $1 AND source = 'greenhouse' AND erased_at IS NULL GROUP BY 1`, orgID, micros(now))
	if err != nil {
		return nil, fmt.Errorf("store: greenhouse candidate counts: %w", err)
	}
	defer rows.Close()
	counts, err := scanStatusCounts(rows)
	if err != nil {
		return nil, fmt.Errorf("store: greenhouse candidate counts: %w", err)
	}
	return counts, nil
}

// CreateGreenhouseCallback inserts a callback.
func CreateGreenhouseCallback(ctx context.Context, q Querier, cb *model.GreenhouseCallback) error {
	err := q.QueryRowContext(ctx, `
INSERT INTO greenhouse_callbacks (org_id, candidate_id, url, reason, status, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`, cb.OrgID, cb.CandidateID, cb.URL, cb.Reason, cb.Status, micros(cb.CreatedAt)).Scan(&cb.ID)
	if err != nil {
		return fmt.Errorf("store: create greenhouse callback: %w", err)
	}
	cb.UpdatedAt = cb.CreatedAt
	return nil
}

const callbackColumns = `cb.id, cb.org_id, cb.candidate_id, cb.url, cb.reason, cb.status, cb.tries, cb.last_code, cb.last_error,
	cb.next_try_at, cb.created_at, cb.updated_at, cb.delivered_at, o.name,
	CASE WHEN c.erased_at IS NULL THEN c.first_name || ' ' || c.last_name ELSE 'Erased candidate' END, c.posting_id`

const callbackFrom = ` FROM greenhouse_callbacks cb JOIN organizations o ON o.id = cb.org_id JOIN candidates c ON c.id = cb.candidate_id `

func scanCallback(sc interface{ Scan(...any) error }) (*model.GreenhouseCallback, error) {
	cb := &model.GreenhouseCallback{}
	var next, delivered sql.NullInt64
	var created, updated int64
	if err := sc.Scan(&cb.ID, &cb.OrgID, &cb.CandidateID, &cb.URL, &cb.Reason, &cb.Status, &cb.Tries, &cb.LastCode, &cb.LastError,
		&next, &created, &updated, &delivered, &cb.OrgName, &cb.CandidateName, &cb.PostingID); err != nil {
		return nil, err
	}
	cb.NextTryAt, cb.DeliveredAt = nullMicros(next), nullMicros(delivered)
	cb.CreatedAt, cb.UpdatedAt = fromMicros(created), fromMicros(updated)
	return cb, nil
}

// GreenhouseCallbackByID returns one callback.
func GreenhouseCallbackByID(ctx context.Context, q Querier, id int64) (*model.GreenhouseCallback, error) {
	cb, err := scanCallback(q.QueryRowContext(ctx, `SELECT `+callbackColumns+callbackFrom+`WHERE cb.id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("store: greenhouse callback %d: %w", id, notFound(err, "callback"))
	}
	return cb, nil
}

// LastGreenhouseCallback returns the newest callback of a candidate, or nil.
func LastGreenhouseCallback(ctx context.Context, q Querier, candidateID int64) (*model.GreenhouseCallback, error) {
	cb, err := scanCallback(q.QueryRowContext(ctx, `SELECT `+callbackColumns+callbackFrom+`WHERE cb.candidate_id = $1 ORDER BY cb.id DESC LIMIT 1`, candidateID))
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: last greenhouse callback: %w", err)
	}
	return cb, nil
}

// SupersedeGreenhouseCallbacks marks a candidate's undelivered callbacks
// superseded: a newer one carries the news.
func SupersedeGreenhouseCallbacks(ctx context.Context, q Querier, candidateID int64, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE greenhouse_callbacks SET status = 'superseded', next_try_at = NULL, updated_at = $1
WHERE candidate_id = $2 AND status IN ('pending', 'retrying')`, micros(now), candidateID)
	if err != nil {
		return fmt.Errorf("store: supersede greenhouse callbacks: %w", err)
	}
	return nil
}

// SaveGreenhouseCallback stores a callback's delivery state if it is still in
// one of the statuses from; it reports whether it was.
func SaveGreenhouseCallback(ctx context.Context, q Querier, cb *model.GreenhouseCallback, now time.Time, from ...model.CallbackStatus) (bool, error) {
	if len(from) == 0 {
		from = []model.CallbackStatus{cb.Status}
	}
	args := []any{cb.Status, cb.Tries, cb.LastCode, cb.LastError, nullTime(cb.NextTryAt), micros(now), nullTime(cb.DeliveredAt), cb.ID}
	cond := ""
	for i, s := range from {
		if i > 0 {
			cond += ", "
		}
		args = append(args, s)
		cond += fmt.Sprintf("$%d", len(args))
	}
	res, err := q.ExecContext(ctx, `UPDATE greenhouse_callbacks SET status = $1, tries = $2, last_code = $3, last_error = $4,
	next_try_at = $5, updated_at = $6, delivered_at = $7 WHERE id = $8 AND status IN (`+cond+`)`, args...)
	if err != nil {
		return false, fmt.Errorf("store: save greenhouse callback: %w", err)
	}
	n, _ := res.RowsAffected()
	cb.UpdatedAt = now
	return n > 0, nil
}

// ListGreenhouseCallbacks returns callbacks, newest first.
func ListGreenhouseCallbacks(ctx context.Context, q Querier, f model.CallbackFilter) ([]*model.GreenhouseCallback, error) {
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rows, err := q.QueryContext(ctx, `SELECT `+callbackColumns+callbackFrom+`
WHERE ($1 = 0 OR cb.org_id = $1) AND ($2 = '' OR cb.status = $2) ORDER BY cb.id DESC LIMIT $3`, f.OrgID, f.Status, limit)
	if err != nil {
		return nil, fmt.Errorf("store: list greenhouse callbacks: %w", err)
	}
	defer rows.Close()
	var out []*model.GreenhouseCallback
	for rows.Next() {
		cb, err := scanCallback(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list greenhouse callbacks: %w", err)
		}
		out = append(out, cb)
	}
	return out, rows.Err()
}

// GreenhouseCallbackCounts returns callbacks by status, for one organization or all (0).
func GreenhouseCallbackCounts(ctx context.Context, q Querier, orgID int64) (model.CallbackCounts, error) {
	counts := model.CallbackCounts{model.CallbackPending: 0, model.CallbackRetrying: 0, model.CallbackDelivered: 0, model.CallbackFailed: 0, model.CallbackSuperseded: 0}
	rows, err := q.QueryContext(ctx, `SELECT status, COUNT(*) FROM greenhouse_callbacks WHERE ($1 = 0 OR org_id = $1) GROUP BY status`, orgID)
	if err != nil {
		return nil, fmt.Errorf("store: greenhouse callback counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s model.CallbackStatus
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, fmt.Errorf("store: greenhouse callback counts: %w", err)
		}
		counts[s] = n
	}
	return counts, rows.Err()
}

// greenhouseRetention is how long events and reported errors are kept.
const greenhouseRetention = 90 * 24 * time.Hour

// maxEventDetail is the most characters an event's detail keeps.
const maxEventDetail = 1000

// AddGreenhouseEvent records an event, its detail cut to maxEventDetail
// characters (PruneGreenhouseEvents drops the old ones).
func AddGreenhouseEvent(ctx context.Context, q Querier, e *model.GreenhouseEvent) error {
	if utf8.RuneCountInString(e.Detail) > maxEventDetail {
		e.Detail = string([]rune(e.Detail)[:maxEventDetail])
	}
	err := q.QueryRowContext(ctx, `INSERT INTO greenhouse_events (org_id, kind, ok, detail, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		e.OrgID, e.Kind, e.OK, e.Detail, micros(e.CreatedAt)).Scan(&e.ID)
	if err != nil {
		return fmt.Errorf("store: add greenhouse event: %w", err)
	}
	return nil
}

// PruneGreenhouseEvents deletes the events older than the retention period
// at now, organization by organization (on the (org_id, created_at) index),
// and returns how many went. The minute sweep calls it, so that adding an
// event (send_test's transaction among others) is one statement.
func PruneGreenhouseEvents(ctx context.Context, q Querier, now time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM greenhouse_events WHERE org_id IN (SELECT id FROM organizations) AND created_at < $1`,
		micros(now.Add(-greenhouseRetention)))
	if err != nil {
		return 0, fmt.Errorf("store: prune greenhouse events: %w", err)
	}
	return res.RowsAffected()
}

// RecentGreenhouseEvents returns an organization's newest events first; with
// failedOnly, only those that did not succeed. since bounds their age (zero: any).
func RecentGreenhouseEvents(ctx context.Context, q Querier, orgID int64, failedOnly bool, since time.Time, limit int) ([]*model.GreenhouseEvent, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, org_id, kind, ok, detail, created_at FROM greenhouse_events
WHERE org_id = $1 AND ($2 = 0 OR ok = $3) AND created_at >= $4 ORDER BY created_at DESC, id DESC LIMIT $5`,
		orgID, boolInt(failedOnly), false, micros(since), limit)
	if err != nil {
		return nil, fmt.Errorf("store: greenhouse events: %w", err)
	}
	defer rows.Close()
	var out []*model.GreenhouseEvent
	for rows.Next() {
		e := &model.GreenhouseEvent{}
		var created int64
		if err := rows.Scan(&e.ID, &e.OrgID, &e.Kind, &e.OK, &e.Detail, &created); err != nil {
			return nil, fmt.Errorf("store: greenhouse events: %w", err)
		}
		e.CreatedAt = fromMicros(created)
		out = append(out, e)
	}
	return out, rows.Err()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// CreateResponseError stores a report and drops the organization's reports
// older than the retention period.
func CreateResponseError(ctx context.Context, q Querier, e *model.ResponseError) error {
	errs, err := json.Marshal(e.Errors)
	if err != nil {
		return fmt.Errorf("store: response error: %w", err)
	}
	err = q.QueryRowContext(ctx, `
INSERT INTO greenhouse_response_errors (org_id, api_call, errors, partner_test_id, partner_test_name, partner_interview_id, candidate_email, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		e.OrgID, e.APICall, string(errs), e.PartnerTestID, e.PartnerTestName, e.PartnerInterviewID, e.CandidateEmail, micros(e.CreatedAt)).Scan(&e.ID)
	if err != nil {
		return fmt.Errorf("store: create response error: %w", err)
	}
	if _, err := q.ExecContext(ctx, `DELETE FROM greenhouse_response_errors WHERE org_id = $1 AND created_at < $2`, e.OrgID, micros(e.CreatedAt.Add(-greenhouseRetention))); err != nil {
		return fmt.Errorf("store: prune response errors: %w", err)
	}
	return nil
}

// ListResponseErrors returns reports for one organization (or all: 0), newest first.
func ListResponseErrors(ctx context.Context, q Querier, orgID int64, since time.Time, limit int) ([]*model.ResponseError, error) {
	rows, err := q.QueryContext(ctx, `
SELECT r.id, r.org_id, r.api_call, r.errors, r.partner_test_id, r.partner_test_name, r.partner_interview_id, r.candidate_email, r.created_at, o.name
FROM greenhouse_response_errors r JOIN organizations o ON o.id = r.org_id
WHERE ($1 = 0 OR r.org_id = $1) AND r.created_at >= $2 ORDER BY r.created_at DESC, r.id DESC LIMIT $3`, orgID, micros(since), limit)
	if err != nil {
		return nil, fmt.Errorf("store: list response errors: %w", err)
	}
	defer rows.Close()
	var out []*model.ResponseError
	for rows.Next() {
		e := &model.ResponseError{}
		var errs string
		var created int64
		if err := rows.Scan(&e.ID, &e.OrgID, &e.APICall, &errs, &e.PartnerTestID, &e.PartnerTestName, &e.PartnerInterviewID,
			&e.CandidateEmail, &created, &e.OrgName); err != nil {
			return nil, fmt.Errorf("store: list response errors: %w", err)
		}
		if err := json.Unmarshal([]byte(errs), &e.Errors); err != nil {
			e.Errors = []string{errs}
		}
		e.CreatedAt = fromMicros(created)
		out = append(out, e)
	}
	return out, rows.Err()
}

// errNotRetryable is returned when a callback is not in a state to retry.
var errNotRetryable = apperror.New(apperror.Conflict, "Only a failed or stuck callback can be retried.")

// RetryGreenhouseCallback puts a failed callback back to pending with a fresh
// budget of tries; the caller enqueues its job in the same transaction.
//
// A pending or retrying callback unchanged since stuckBefore, and not due
// after it, is stuck (its job was lost): it is retried the same way.
func RetryGreenhouseCallback(ctx context.Context, q Querier, id int64, now, stuckBefore time.Time) error {
	res, err := q.ExecContext(ctx, `UPDATE greenhouse_callbacks SET status = 'pending', tries = 0, next_try_at = NULL, updated_at = $1
WHERE id = $2 AND (status = 'failed' OR (status IN ('pending', 'retrying') AND updated_at < $3 AND COALESCE(next_try_at, 0) < $3))`,
		micros(now), id, micros(stuckBefore))
	if err != nil {
		return fmt.Errorf("store: retry greenhouse callback: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errNotRetryable
	}
	return nil
}

// ExpiredUnreportedGreenhouse returns Greenhouse candidates whose link lapsed
// unstarted and whose expiry Greenhouse has not been told of yet.
func ExpiredUnreportedGreenhouse(ctx context.Context, q Querier, now time.Time, limit int) ([]*model.Candidate, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+candidateColumns+candidateFrom+`
WHERE c.source = 'greenhouse' AND `+linkLapsed("c.", "$1")+` AND c.gh_callback_url <> '' AND c.erased_at IS NULL
	AND NOT EXISTS (SELECT 1 FROM greenhouse_callbacks cb WHERE cb.candidate_id = c.id AND cb.reason = 'expired' AND cb.created_at >= c.expires_at)
ORDER BY c.expires_at LIMIT $2`, micros(now), limit)
	if err != nil {
		return nil, fmt.Errorf("store: expired greenhouse candidates: %w", err)
	}
	defer rows.Close()
	var out []*model.Candidate
	for rows.Next() {
		c, err := scanCandidate(rows)
		if err != nil {
			return nil, fmt.Errorf("store: expired greenhouse candidates: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// greenhouseStatusColumns are what test_status reports of a candidate c,
// all NULL when there is no such candidate (in a LEFT JOIN).
const greenhouseStatusColumns = `c.id, c.posting_id, c.source, c.status, c.expires_at, c.score, c.recommendation, c.started_at,
	c.completed_at, c.attempt_id, p.assessment_type, COALESCE(a.result_brief, ''), a.deadline_at, a.section_deadline_at,
	COALESCE(rs.provisional, FALSE)`

// greenhouseStatusRow scans greenhouseStatusColumns.
type greenhouseStatusRow struct {
	id, postingID, expires                                 sql.NullInt64
	source, status, rec, assessmentType                    sql.NullString
	attempt, started, completed, deadline, sectionDeadline sql.NullInt64
	score                                                  sql.NullFloat64
	result                                                 string
	provisional                                            bool
}

func (r *greenhouseStatusRow) dest() []any {
	return []any{&r.id, &r.postingID, &r.source, &r.status, &r.expires, &r.score, &r.rec, &r.started, &r.completed, &r.attempt,
		&r.assessmentType, &r.result, &r.deadline, &r.sectionDeadline, &r.provisional}
}

// get returns the row's candidate, or nil when there was none.
func (r *greenhouseStatusRow) get() *model.GreenhouseStatus {
	if !r.id.Valid {
		return nil
	}
	g := &model.GreenhouseStatus{ID: r.id.Int64, PostingID: r.postingID.Int64, Source: model.Source(r.source.String),
		Status: model.CandidateStatus(r.status.String), Recommendation: r.rec.String, AssessmentType: r.assessmentType.String,
		AttemptID: r.attempt.Int64, Provisional: r.provisional}
	g.ExpiresAt, g.StartedAt, g.CompletedAt = fromMicros(r.expires.Int64), nullMicros(r.started), nullMicros(r.completed)
	g.DeadlineAt, g.SectionDeadlineAt = nullMicros(r.deadline), nullMicros(r.sectionDeadline)
	if r.score.Valid {
		v := r.score.Float64
		g.Score = &v
	}
	if r.result != "" {
		g.Result = []byte(r.result)
	}
	return g
}

// GreenhouseStatus reads what test_status reports of an organization's
// candidate in one query by primary key.
func GreenhouseStatus(ctx context.Context, q Querier, orgID, id int64) (*model.GreenhouseStatus, error) {
	var r greenhouseStatusRow
	err := q.QueryRowContext(ctx, `SELECT `+greenhouseStatusColumns+`
FROM candidates c JOIN postings p ON p.id = c.posting_id LEFT JOIN attempts a ON a.id = c.attempt_id AND a.candidate_id = c.id
LEFT JOIN org_review_settings rs ON rs.org_id = c.org_id
WHERE c.id = $1 AND c.org_id = $2`, id, orgID).Scan(r.dest()...)
	if err != nil {
		return nil, fmt.Errorf("store: greenhouse status %d: %w", id, notFound(err, "candidate"))
	}
	return r.get(), nil
}

// keyCheckColumns are what checking a presented key k needs (a read
// endpoint's one query starts with them; its organization is k.org_id).
const keyCheckColumns = `k.id, k.org_id, k.prefix, k.key_hash, k.status, k.ended_at`

// keyCheckRow scans keyCheckColumns.
type keyCheckRow struct {
	k     model.APIKey
	ended sql.NullInt64
}

func (r *keyCheckRow) dest() []any {
	return []any{&r.k.ID, &r.k.OrgID, &r.k.Prefix, &r.k.Hash, &r.k.Status, &r.ended}
}

func (r *keyCheckRow) get() *model.APIKey {
	k := r.k
	k.EndedAt = nullMicros(r.ended)
	return &k
}

// APIKeyAndGreenhouseStatus is the key by its hash and GreenhouseStatus (of
// the key's organization's candidate id) in one query: a test_status call
// is one round trip. The status is nil when the organization has no such
// candidate; a key is returned in any status, and its candidate only while
// it is active. The key holds what checking it needs (keyCheckColumns).
func APIKeyAndGreenhouseStatus(ctx context.Context, q Querier, hash string, id int64) (*model.APIKey, *model.GreenhouseStatus, error) {
	var kr keyCheckRow
	var r greenhouseStatusRow
	err := q.QueryRowContext(ctx, `SELECT `+keyCheckColumns+`, `+greenhouseStatusColumns+`
FROM api_keys k
LEFT JOIN candidates c ON c.id = $2 AND c.org_id = k.org_id AND k.status = 'active'
LEFT JOIN postings p ON p.id = c.posting_id LEFT JOIN attempts a ON a.id = c.attempt_id AND a.candidate_id = c.id
LEFT JOIN org_review_settings rs ON rs.org_id = c.org_id
WHERE k.key_hash = $1`, hash, id).Scan(append(kr.dest(), r.dest()...)...)
	if err != nil {
		return nil, nil, fmt.Errorf("store: api key and greenhouse status: %w", notFound(err, "API key"))
	}
	return kr.get(), r.get(), nil
}

// APIKeyAndActivePostingTitles is the key by its hash and its
// organization's active postings (newest change first, with only their
// public id, title and assessment type) in one query: a
// list_tests call is one round trip. A key is returned in any status, and
// its organization's postings only while it is active. The key holds what
// checking it needs (keyCheckColumns).
func APIKeyAndActivePostingTitles(ctx context.Context, q Querier, hash string) (*model.APIKey, []*model.Posting, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+keyCheckColumns+`, p.public_id, p.title, p.assessment_type
FROM api_keys k
LEFT JOIN postings p ON p.org_id = k.org_id AND p.status = $2 AND k.status = 'active'
WHERE k.key_hash = $1 ORDER BY p.updated_at DESC, p.id DESC`, hash, model.PostingActive)
	if err != nil {
		return nil, nil, fmt.Errorf("store: api key and active postings: %w", err)
	}
	defer rows.Close()
	var k *model.APIKey
	var out []*model.Posting
	for rows.Next() {
		var kr keyCheckRow
		var publicID, title, assessmentType sql.NullString
		if err := rows.Scan(append(kr.dest(), &publicID, &title, &assessmentType)...); err != nil {
			return nil, nil, fmt.Errorf("store: api key and active postings: %w", err)
		}
		if k == nil {
			k = kr.get()
		}
		if publicID.Valid {
			out = append(out, &model.Posting{OrgID: k.OrgID, Status: model.PostingActive, PublicID: publicID.String,
				Title: title.String, AssessmentType: assessmentType.String})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("store: api key and active postings: %w", err)
	}
	if k == nil {
		return nil, nil, fmt.Errorf("store: api key and active postings: %w", notFound(sql.ErrNoRows, "API key"))
	}
	return k, out, nil
}

// SendTestTarget is what a Send Test reads before its transaction, in one
// query: the organization's posting with the public id (NotFound when it
// has none), the candidate already created for the Greenhouse test key (0
// when none), and whether Greenhouse candidates are mailed their link.
func SendTestTarget(ctx context.Context, q Querier, orgID int64, publicID, testKey string) (p *model.Posting, existing int64, emailCandidates bool, err error) {
	row := q.QueryRowContext(ctx, `SELECT `+postingColumns+`, COALESCE((SELECT c.id FROM candidates c WHERE c.org_id = $1 AND c.gh_test_id = $3), 0),
	COALESCE((SELECT g.email_candidates FROM greenhouse_settings g WHERE g.org_id = $1), FALSE)
FROM postings WHERE public_id = $2 AND org_id = $1`, orgID, publicID, testKey)
	p, err = scanPosting(extraScan{row, []any{&existing, &emailCandidates}})
	if err != nil {
		return nil, 0, false, fmt.Errorf("store: send test target %q: %w", publicID, notFound(err, "posting"))
	}
	return p, existing, emailCandidates, nil
}
