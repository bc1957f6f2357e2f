package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/model"
)

func nullInt(v int64) sql.NullInt64 { return sql.NullInt64{Int64: v, Valid: v != 0} }

func nullTime(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: micros(t), Valid: true}
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// ErrPostingChanged is AddCandidate's answer when the posting was saved
// again or is no longer active: nothing was created.
var ErrPostingChanged = errors.New("store: the posting changed")

// insertCandidate inserts a candidate, when $21 is 0 or its posting is still
// active at revision $21, returning its id.
const insertCandidate = `INSERT INTO candidates (org_id, posting_id, first_name, last_name, email, phone, source, status,
	token_hash, token_sealed, expires_at, extra_time_pct, gh_test_id, gh_candidate_id, gh_application_id, gh_profile_url,
	gh_callback_url, gh_sent_by, created_by, created_at, updated_at)
SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20
WHERE CAST($21 AS BIGINT) = 0 OR EXISTS (SELECT 1 FROM postings WHERE id = $2 AND status = 'active' AND revision = $21) RETURNING id`

// CreateCandidate inserts a candidate, whatever its posting's state, with
// nothing else (for tests; the services add candidates with
// AddCandidate). A Greenhouse test id already used in the organization is a
// Conflict.
func CreateCandidate(ctx context.Context, q Querier, c *model.Candidate) error {
	return createCandidate(ctx, q, insertCandidate, c, 0)
}

// NewCandidateLog is what adding a candidate writes to the logs with it: the
// audit entry (the new id, then AuditDetail) and, when Event is set, the
// Greenhouse event.
type NewCandidateLog struct {
	ActorID     int64
	Action      string
	AuditDetail string
	Event       *CandidateEvent
}

// CandidateEvent is a Greenhouse event about a new candidate: its detail is
// Before, the candidate's id, then After.
type CandidateEvent struct {
	Kind, Before, After string
}

// AddCandidate inserts a candidate and its log lines, checking in the same
// statement that its posting is still active at revision (which every save
// increments; 0 skips the check), so that a caller holding a posting it read
// earlier needs no other round trip. It is one statement on PostgreSQL,
// where each statement of a write transaction is a round trip that costs
// about as much as the insert (send_test's throughput), and three on
// SQLite, which has no inserts in WITH.
func (s *Store) AddCandidate(ctx context.Context, q Querier, c *model.Candidate, revision int, log NewCandidateLog) error {
	event := log.Event
	if event == nil {
		event = &CandidateEvent{}
	}
	if s.Dialect == Postgres {
		return createCandidate(ctx, q, `WITH c AS (`+insertCandidate+`),
a AS (INSERT INTO audit_events (org_id, actor_id, action, detail, created_at)
	SELECT $1, NULLIF(CAST($22 AS BIGINT), 0), $23, CAST(id AS TEXT) || $24, $20 FROM c),
e AS (INSERT INTO greenhouse_events (org_id, kind, ok, detail, created_at)
	SELECT $1, $25, TRUE, LEFT($26 || CAST(id AS TEXT) || $27, `+strconv.Itoa(maxEventDetail)+`), $20 FROM c WHERE $25 <> '')
SELECT id FROM c`, c, revision, log.ActorID, log.Action, log.AuditDetail, event.Kind, event.Before, event.After)
	}
	if err := createCandidate(ctx, q, insertCandidate, c, revision); err != nil {
		return err
	}
	id := strconv.FormatInt(c.ID, 10)
	if err := Audit(ctx, q, c.OrgID, log.ActorID, log.Action, id+log.AuditDetail, c.CreatedAt); err != nil {
		return err
	}
	if event.Kind == "" {
		return nil
	}
	return AddGreenhouseEvent(ctx, q, &model.GreenhouseEvent{OrgID: c.OrgID, Kind: event.Kind, OK: true, Detail: event.Before + id + event.After, CreatedAt: c.CreatedAt})
}

func createCandidate(ctx context.Context, q Querier, query string, c *model.Candidate, revision int, more ...any) error {
	args := append([]any{c.OrgID, c.PostingID, c.FirstName, c.LastName, c.Email, c.Phone, c.Source, c.Status, c.TokenHash, c.TokenSealed,
		micros(c.ExpiresAt), c.ExtraTimePct, nullString(c.GHTestID), c.GHCandidateID, c.GHApplicationID, c.GHProfileURL, c.GHCallbackURL, c.GHSentBy,
		nullInt(c.CreatedBy), micros(c.CreatedAt), revision}, more...)
	err := q.QueryRowContext(ctx, query, args...).Scan(&c.ID)
	if isUnique(err) {
		if c.GHTestID != "" {
			return apperror.New(apperror.Conflict, "a candidate for this Greenhouse test already exists")
		}
		return apperror.Field("email", "%s is already a candidate for this posting", c.Email)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return ErrPostingChanged
	}
	if err != nil {
		return fmt.Errorf("store: create candidate: %w", err)
	}
	c.UpdatedAt = c.CreatedAt
	return nil
}

const candidateColumns = `c.id, c.org_id, c.posting_id, c.first_name, c.last_name, c.email, c.phone, c.source, c.status,
	COALESCE(c.token_hash, ''), c.token_sealed, c.expires_at, c.extra_time_pct, c.attempt_id, c.score, c.recommendation,
	c.started_at, c.completed_at, c.erased_at, COALESCE(c.gh_test_id, ''), c.gh_candidate_id, c.gh_application_id,
	c.gh_profile_url, c.gh_callback_url, c.gh_sent_by, c.created_by, c.created_at, c.updated_at, p.title`

const candidateFrom = ` FROM candidates c JOIN postings p ON p.id = c.posting_id `

func scanCandidate(sc interface{ Scan(...any) error }) (*model.Candidate, error) {
	c := &model.Candidate{}
	var attempt, started, completed, erased, by sql.NullInt64
	var score sql.NullFloat64
	var expires, created, updated int64
	err := sc.Scan(&c.ID, &c.OrgID, &c.PostingID, &c.FirstName, &c.LastName, &c.Email, &c.Phone, &c.Source, &c.Status,
		&c.TokenHash, &c.TokenSealed, &expires, &c.ExtraTimePct, &attempt, &score, &c.Recommendation,
		&started, &completed, &erased, &c.GHTestID, &c.GHCandidateID, &c.GHApplicationID,
		&c.GHProfileURL, &c.GHCallbackURL, &c.GHSentBy, &by, &created, &updated, &c.PostingTitle)
	if err != nil {
		return nil, err
	}
	c.ExpiresAt, c.CreatedAt, c.UpdatedAt = fromMicros(expires), fromMicros(created), fromMicros(updated)
	c.StartedAt, c.CompletedAt, c.ErasedAt = nullMicros(started), nullMicros(completed), nullMicros(erased)
	c.AttemptID, c.CreatedBy = attempt.Int64, by.Int64
	if score.Valid {
		v := score.Float64
		c.Score = &v
	}
	return c, nil
}

// PostingCandidatesByEmail returns the live (not erased) candidates of a
// posting of orgID keyed by their normalised email; when several share one
// (an older database's duplicates) the first added is kept.
func PostingCandidatesByEmail(ctx context.Context, q Querier, orgID, postingID int64) (map[string]*model.Candidate, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+candidateColumns+candidateFrom+`WHERE c.org_id = $1 AND c.posting_id = $2 AND c.erased_at IS NULL ORDER BY c.id`, orgID, postingID)
	if err != nil {
		return nil, fmt.Errorf("store: candidates by email: %w", err)
	}
	defer rows.Close()
	out := map[string]*model.Candidate{}
	for rows.Next() {
		c, err := scanCandidate(rows)
		if err != nil {
			return nil, fmt.Errorf("store: candidates by email: %w", err)
		}
		key := strings.ToLower(strings.TrimSpace(c.Email))
		if _, ok := out[key]; !ok {
			out[key] = c
		}
	}
	return out, rows.Err()
}

// PostingCandidateByEmail returns the first live candidate of a posting of
// orgID with the normalised email, or NotFound.
func PostingCandidateByEmail(ctx context.Context, q Querier, orgID, postingID int64, email string) (*model.Candidate, error) {
	c, err := scanCandidate(q.QueryRowContext(ctx, `SELECT `+candidateColumns+candidateFrom+`WHERE c.org_id = $1 AND c.posting_id = $2 AND c.erased_at IS NULL
	AND LOWER(TRIM(c.email)) = $3 ORDER BY c.id LIMIT 1`, orgID, postingID, strings.ToLower(strings.TrimSpace(email))))
	if err != nil {
		return nil, fmt.Errorf("store: candidate by email: %w", notFound(err, "candidate"))
	}
	return c, nil
}

// OrgCandidate returns a candidate of orgID; another organization's is NotFound.
func OrgCandidate(ctx context.Context, q Querier, orgID, id int64) (*model.Candidate, error) {
	c, err := scanCandidate(q.QueryRowContext(ctx, `SELECT `+candidateColumns+candidateFrom+`WHERE c.id = $1 AND c.org_id = $2`, id, orgID))
	if err != nil {
		return nil, fmt.Errorf("store: candidate %d: %w", id, notFound(err, "candidate"))
	}
	return c, nil
}

// CandidateByTokenHash returns the candidate whose current link has this hash.
func CandidateByTokenHash(ctx context.Context, q Querier, hash string) (*model.Candidate, error) {
	c, err := scanCandidate(q.QueryRowContext(ctx, `SELECT `+candidateColumns+candidateFrom+`WHERE c.token_hash = $1`, hash))
	if err != nil {
		return nil, fmt.Errorf("store: candidate by token: %w", notFound(err, "candidate"))
	}
	return c, nil
}

// CandidateByGHTest returns an organization's candidate created for a Greenhouse test id.
func CandidateByGHTest(ctx context.Context, q Querier, orgID int64, testID string) (*model.Candidate, error) {
	c, err := scanCandidate(q.QueryRowContext(ctx, `SELECT `+candidateColumns+candidateFrom+`WHERE c.org_id = $1 AND c.gh_test_id = $2`, orgID, testID))
	if err != nil {
		return nil, fmt.Errorf("store: candidate by greenhouse test: %w", notFound(err, "candidate"))
	}
	return c, nil
}

var candidateSorts = map[string]string{
	"created": "c.created_at", "name": "LOWER(c.last_name || ' ' || c.first_name)", "score": "COALESCE(c.score, -1)",
	"status": "c.status", "expires": "c.expires_at", "completed": "COALESCE(c.completed_at, 0)",
	// Percentile orders like the score: within a posting the rank follows it.
	"percentile": "COALESCE(c.score, -1)",
}

// ListCandidates returns a page of candidates and the total that match.
func ListCandidates(ctx context.Context, q Querier, f model.CandidateFilter) ([]*model.Candidate, int, error) {
	cond, args := candidateWhere(f)
	var total int
	if f.PostingID != 0 && f.Source == "" && strings.TrimSpace(f.Search) == "" {
		// Filtered by posting and status only: the counters have the total.
		counts, err := CandidateCounts(ctx, q, f.OrgID, f.PostingID, f.Now)
		if err != nil {
			return nil, 0, err
		}
		for s, n := range counts {
			if f.Status == "" || s == f.Status {
				total += n
			}
		}
	} else if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM candidates c WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count candidates: %w", err)
	}
	order, ok := candidateSorts[f.Sort]
	if !ok {
		order = candidateSorts["created"]
	}
	dir := " ASC"
	if f.Desc {
		dir = " DESC"
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	rows, err := q.QueryContext(ctx, `SELECT `+candidateColumns+candidateFrom+`WHERE `+cond+
		` ORDER BY `+order+dir+`, c.id`+dir+fmt.Sprintf(` LIMIT %d OFFSET %d`, limit, max(0, f.Offset)), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list candidates: %w", err)
	}
	defer rows.Close()
	var out []*model.Candidate
	for rows.Next() {
		c, err := scanCandidate(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("store: list candidates: %w", err)
		}
		out = append(out, c)
	}
	return out, total, rows.Err()
}

// candidateWhere is the WHERE condition (on alias c) and its arguments of a
// candidate filter, shared by the list and the export.
func candidateWhere(f model.CandidateFilter) (string, []any) {
	where := []string{"c.org_id = $1"}
	args := []any{f.OrgID}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", fmt.Sprintf("$%d", len(args))))
	}
	if f.PostingID != 0 {
		add("c.posting_id = ?", f.PostingID)
	}
	now := micros(f.Now)
	switch f.Status {
	case model.CandidateExpired:
		add(linkLapsed("c.", "?"), now)
	case model.CandidateSent:
		add("c.status = 'sent' AND c.expires_at > ?", now)
	case model.CandidateStarted, model.CandidateCompleted:
		add("c.status = ?", f.Status)
	}
	if f.Source != "" {
		add("c.source = ?", f.Source)
	}
	if s := strings.TrimSpace(f.Search); s != "" {
		s = "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(strings.ToLower(s)) + "%"
		add(`(LOWER(c.first_name || ' ' || c.last_name) LIKE ? ESCAPE '\' OR LOWER(c.email) LIKE ? ESCAPE '\')`, s)
	}
	return strings.Join(where, " AND "), args
}

// UpdateCandidate saves a candidate's mutable fields.
func UpdateCandidate(ctx context.Context, q Querier, c *model.Candidate, now time.Time) error {
	var score sql.NullFloat64
	if c.Score != nil {
		score = sql.NullFloat64{Float64: *c.Score, Valid: true}
	}
	res, err := q.ExecContext(ctx, `
UPDATE candidates SET first_name = $1, last_name = $2, email = $3, phone = $4, status = $5, token_hash = $6, token_sealed = $7,
	expires_at = $8, extra_time_pct = $9, attempt_id = $10, score = $11, recommendation = $12, started_at = $13,
	completed_at = $14, erased_at = $15, updated_at = $16
WHERE id = $17 AND org_id = $18`,
		c.FirstName, c.LastName, c.Email, c.Phone, c.Status, nullString(c.TokenHash), c.TokenSealed,
		micros(c.ExpiresAt), c.ExtraTimePct, nullInt(c.AttemptID), score, c.Recommendation, nullTime(c.StartedAt),
		nullTime(c.CompletedAt), nullTime(c.ErasedAt), micros(now), c.ID, c.OrgID)
	if err != nil {
		return fmt.Errorf("store: update candidate: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperror.New(apperror.NotFound, "candidate not found")
	}
	c.UpdatedAt = now
	return syncCandidateItems(ctx, q, c.ID, c.AttemptID)
}

// CandidateResets returns when each of a candidate's links was replaced by a
// reset, oldest first.
func CandidateResets(ctx context.Context, q Querier, candidateID int64) ([]time.Time, error) {
	rows, err := q.QueryContext(ctx, `SELECT created_at FROM retired_tokens WHERE candidate_id = $1 AND reason = 'reset' ORDER BY created_at`, candidateID)
	if err != nil {
		return nil, fmt.Errorf("store: candidate resets: %w", err)
	}
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var at int64
		if err := rows.Scan(&at); err != nil {
			return nil, fmt.Errorf("store: candidate resets: %w", err)
		}
		out = append(out, fromMicros(at))
	}
	return out, rows.Err()
}

// RetireToken remembers a replaced link so its page can say why it stopped working.
func RetireToken(ctx context.Context, q Querier, hash string, candidateID int64, reason string, now time.Time) error {
	if hash == "" {
		return nil
	}
	_, err := q.ExecContext(ctx, `INSERT INTO retired_tokens (token_hash, candidate_id, reason, created_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (token_hash) DO NOTHING`, hash, candidateID, reason, micros(now))
	if err != nil {
		return fmt.Errorf("store: retire token: %w", err)
	}
	return nil
}

// RetiredTokenReason returns why a link was replaced, or NotFound.
func RetiredTokenReason(ctx context.Context, q Querier, hash string) (string, error) {
	var reason string
	err := q.QueryRowContext(ctx, `SELECT reason FROM retired_tokens WHERE token_hash = $1`, hash).Scan(&reason)
	if err != nil {
		return "", fmt.Errorf("store: retired token: %w", notFound(err, "link"))
	}
	return reason, nil
}

// RetiredTokenOrg returns why a link was replaced and the organization of
// its candidate, or NotFound.
func RetiredTokenOrg(ctx context.Context, q Querier, hash string) (reason string, orgID int64, err error) {
	err = q.QueryRowContext(ctx, `SELECT r.reason, c.org_id FROM retired_tokens r JOIN candidates c ON c.id = r.candidate_id WHERE r.token_hash = $1`, hash).Scan(&reason, &orgID)
	if err != nil {
		return "", 0, fmt.Errorf("store: retired token: %w", notFound(err, "link"))
	}
	return reason, orgID, nil
}

// syncCandidateItems brings the item sums in step with a candidate's change:
// the attempts it was counted with (a reset replaces the attempt) and its
// current one.
func syncCandidateItems(ctx context.Context, q Querier, candidateID, attemptID int64) error {
	rows, err := q.QueryContext(ctx, `SELECT attempt_id FROM item_attempts WHERE candidate_id = $1`, candidateID)
	if err != nil {
		return fmt.Errorf("store: item sums of candidate %d: %w", candidateID, err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("store: item sums of candidate %d: %w", candidateID, err)
		}
		if id != attemptID {
			ids = append(ids, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: item sums of candidate %d: %w", candidateID, err)
	}
	for _, id := range append(ids, attemptID) {
		if err := SyncItemSums(ctx, q, id); err != nil {
			return err
		}
	}
	return nil
}
