package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/talentsystems/talentsystems/internal/model"
)

const harvestConnColumns = `org_id, status, access_sealed, refresh_sealed, access_expires_at, refresh_expires_at, scopes,
	connected_by, connected_by_name, connected_at, refreshed_at, reason, updated_at`

func scanHarvestConnection(sc interface{ Scan(...any) error }) (*model.HarvestConnection, error) {
	c := &model.HarvestConnection{}
	var access, refresh, connected, updated int64
	var by, refreshed sql.NullInt64
	err := sc.Scan(&c.OrgID, &c.Status, &c.AccessSealed, &c.RefreshSealed, &access, &refresh, &c.Scopes,
		&by, &c.ConnectedByName, &connected, &refreshed, &c.Reason, &updated)
	if err != nil {
		return nil, err
	}
	c.AccessExpiresAt, c.RefreshExpiresAt, c.ConnectedAt, c.UpdatedAt = fromMicros(access), fromMicros(refresh), fromMicros(connected), fromMicros(updated)
	c.ConnectedBy, c.RefreshedAt = by.Int64, nullMicros(refreshed)
	return c, nil
}

// HarvestConnection returns an organization's connection, nil when none.
func HarvestConnection(ctx context.Context, q Querier, orgID int64) (*model.HarvestConnection, error) {
	c, err := scanHarvestConnection(q.QueryRowContext(ctx, `SELECT `+harvestConnColumns+` FROM harvest_connections WHERE org_id = $1`, orgID))
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: harvest connection: %w", err)
	}
	return c, nil
}

// LockHarvestConnection returns an organization's connection and holds its
// row until tx ends, so that one refresh at a time spends the refresh
// token: SELECT … FOR UPDATE on PostgreSQL; on SQLite the transaction
// already holds the database's single write lock (BEGIN IMMEDIATE).
func (s *Store) LockHarvestConnection(ctx context.Context, tx *sql.Tx, orgID int64) (*model.HarvestConnection, error) {
	query := `SELECT ` + harvestConnColumns + ` FROM harvest_connections WHERE org_id = $1`
	if s.Dialect == Postgres {
		query += ` FOR UPDATE`
	}
	c, err := scanHarvestConnection(tx.QueryRowContext(ctx, query, orgID))
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: lock harvest connection: %w", err)
	}
	return c, nil
}

// SaveHarvestConnection creates or replaces an organization's connection.
func SaveHarvestConnection(ctx context.Context, q Querier, c *model.HarvestConnection) error {
	_, err := q.ExecContext(ctx, `
INSERT INTO harvest_connections (`+harvestConnColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
ON CONFLICT (org_id) DO UPDATE SET status = excluded.status, access_sealed = excluded.access_sealed,
	refresh_sealed = excluded.refresh_sealed, access_expires_at = excluded.access_expires_at,
	refresh_expires_at = excluded.refresh_expires_at, scopes = excluded.scopes, connected_by = excluded.connected_by,
	connected_by_name = excluded.connected_by_name, connected_at = excluded.connected_at,
	refreshed_at = excluded.refreshed_at, reason = excluded.reason, updated_at = excluded.updated_at`,
		c.OrgID, c.Status, c.AccessSealed, c.RefreshSealed, micros(c.AccessExpiresAt), micros(c.RefreshExpiresAt), c.Scopes,
		nullInt(c.ConnectedBy), c.ConnectedByName, micros(c.ConnectedAt), nullTime(c.RefreshedAt), c.Reason, micros(c.UpdatedAt))
	if err != nil {
		return fmt.Errorf("store: save harvest connection: %w", err)
	}
	return nil
}

// DeleteHarvestConnection deletes an organization's connection and reports
// whether there was one.
func DeleteHarvestConnection(ctx context.Context, q Querier, orgID int64) (bool, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM harvest_connections WHERE org_id = $1`, orgID)
	if err != nil {
		return false, fmt.Errorf("store: delete harvest connection: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// HarvestConnectionsDue lists the connected organizations whose refresh
// token expires before the given time.
func HarvestConnectionsDue(ctx context.Context, q Querier, before time.Time) ([]int64, error) {
	return int64s(ctx, q, `SELECT org_id FROM harvest_connections WHERE status = 'connected' AND refresh_expires_at < $1 ORDER BY org_id`, micros(before))
}

// ConnectedHarvestOrgs lists the organizations with a working connection.
func ConnectedHarvestOrgs(ctx context.Context, q Querier) ([]int64, error) {
	return int64s(ctx, q, `SELECT org_id FROM harvest_connections WHERE status = 'connected' ORDER BY org_id`)
}

func int64s(ctx context.Context, q Querier, query string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// CreateHarvestState records an OAuth state in flight.
func CreateHarvestState(ctx context.Context, q Querier, s *model.HarvestState) error {
	_, err := q.ExecContext(ctx, `INSERT INTO harvest_oauth_states (state_hash, org_id, user_id, session_hash, expires_at) VALUES ($1, $2, $3, $4, $5)`,
		s.Hash, s.OrgID, s.UserID, s.SessionHash, micros(s.ExpiresAt))
	if err != nil {
		return fmt.Errorf("store: create oauth state: %w", err)
	}
	return nil
}

// TakeHarvestState deletes and returns a state: a state is used once, even
// by two requests at the same time. It also drops expired states.
func TakeHarvestState(ctx context.Context, q Querier, hash string, now time.Time) (*model.HarvestState, error) {
	if _, err := q.ExecContext(ctx, `DELETE FROM harvest_oauth_states WHERE expires_at < $1 AND state_hash <> $2`, micros(now), hash); err != nil {
		return nil, fmt.Errorf("store: expire oauth states: %w", err)
	}
	s := &model.HarvestState{}
	var exp int64
	err := q.QueryRowContext(ctx, `DELETE FROM harvest_oauth_states WHERE state_hash = $1
RETURNING state_hash, org_id, user_id, session_hash, expires_at`, hash).Scan(&s.Hash, &s.OrgID, &s.UserID, &s.SessionHash, &exp)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: take oauth state: %w", err)
	}
	s.ExpiresAt = fromMicros(exp)
	return s, nil
}

// CreateHarvestImport records an imported job. Two imports of the same job
// meet the UNIQUE constraint: the second fails with a unique violation
// (isUnique), reported as ok false.
func CreateHarvestImport(ctx context.Context, q Querier, im *model.HarvestImport) (bool, error) {
	err := q.QueryRowContext(ctx, `INSERT INTO harvest_imports (org_id, gh_job_id, posting_id, created_by, created_at)
VALUES ($1, $2, $3, $4, $5) RETURNING id`, im.OrgID, im.GHJobID, im.PostingID, nullInt(im.CreatedBy), micros(im.CreatedAt)).Scan(&im.ID)
	if isUnique(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: create harvest import: %w", err)
	}
	return true, nil
}

// HarvestImports maps an organization's imported Greenhouse job ids to their postings.
func HarvestImports(ctx context.Context, q Querier, orgID int64) (map[int64]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT gh_job_id, posting_id FROM harvest_imports WHERE org_id = $1`, orgID)
	if err != nil {
		return nil, fmt.Errorf("store: harvest imports: %w", err)
	}
	defer rows.Close()
	out := map[int64]int64{}
	for rows.Next() {
		var job, posting int64
		if err := rows.Scan(&job, &posting); err != nil {
			return nil, fmt.Errorf("store: harvest imports: %w", err)
		}
		out[job] = posting
	}
	return out, rows.Err()
}

const pushColumns = `id, org_id, candidate_id, kind, content_hash, fingerprint, status, tries, last_error, note_id, created_at, updated_at, pushed_at`

func scanPush(sc interface{ Scan(...any) error }) (*model.HarvestPush, error) {
	p := &model.HarvestPush{}
	var created, updated int64
	var pushed sql.NullInt64
	if err := sc.Scan(&p.ID, &p.OrgID, &p.CandidateID, &p.Kind, &p.ContentHash, &p.Fingerprint, &p.Status, &p.Tries,
		&p.LastError, &p.NoteID, &created, &updated, &pushed); err != nil {
		return nil, err
	}
	p.CreatedAt, p.UpdatedAt, p.PushedAt = fromMicros(created), fromMicros(updated), nullMicros(pushed)
	return p, nil
}

// CreateHarvestPush records a push unless the candidate already has one of
// the kind with the fingerprint; it reports whether it was created.
func CreateHarvestPush(ctx context.Context, q Querier, p *model.HarvestPush) (bool, error) {
	err := q.QueryRowContext(ctx, `INSERT INTO harvest_pushes (org_id, candidate_id, kind, content_hash, fingerprint, status, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT (candidate_id, kind, fingerprint) DO NOTHING RETURNING id`,
		p.OrgID, p.CandidateID, p.Kind, p.ContentHash, p.Fingerprint, p.Status, micros(p.CreatedAt)).Scan(&p.ID)
	if err == sql.ErrNoRows {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: create harvest push: %w", err)
	}
	return true, nil
}

// LastHarvestPush returns a candidate's newest push of a kind, nil if none.
func LastHarvestPush(ctx context.Context, q Querier, candidateID int64, kind model.PushKind) (*model.HarvestPush, error) {
	p, err := scanPush(q.QueryRowContext(ctx, `SELECT `+pushColumns+` FROM harvest_pushes WHERE candidate_id = $1 AND kind = $2
ORDER BY id DESC LIMIT 1`, candidateID, kind))
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: last harvest push: %w", err)
	}
	return p, nil
}

// HarvestPush returns a push by id.
func HarvestPush(ctx context.Context, q Querier, id int64) (*model.HarvestPush, error) {
	p, err := scanPush(q.QueryRowContext(ctx, `SELECT `+pushColumns+` FROM harvest_pushes WHERE id = $1`, id))
	if err != nil {
		return nil, notFound(err, "push")
	}
	return p, nil
}

// CandidateHarvestPushes lists a candidate's pushes, newest first.
func CandidateHarvestPushes(ctx context.Context, q Querier, orgID, candidateID int64) ([]*model.HarvestPush, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+pushColumns+` FROM harvest_pushes WHERE org_id = $1 AND candidate_id = $2 ORDER BY id DESC`, orgID, candidateID)
	if err != nil {
		return nil, fmt.Errorf("store: harvest pushes: %w", err)
	}
	defer rows.Close()
	var out []*model.HarvestPush
	for rows.Next() {
		p, err := scanPush(rows)
		if err != nil {
			return nil, fmt.Errorf("store: harvest pushes: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// SupersedeHarvestPushes marks a candidate's pending pushes of a kind superseded.
func SupersedeHarvestPushes(ctx context.Context, q Querier, candidateID int64, kind model.PushKind, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE harvest_pushes SET status = 'superseded', updated_at = $3
WHERE candidate_id = $1 AND kind = $2 AND status = 'pending'`, candidateID, kind, micros(now))
	if err != nil {
		return fmt.Errorf("store: supersede harvest pushes: %w", err)
	}
	return nil
}

// CancelHarvestPushes cancels an organization's queued pushes (pending, or
// sending: waiting to retry or to be looked up) and returns how many.
func CancelHarvestPushes(ctx context.Context, q Querier, orgID int64, now time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, `UPDATE harvest_pushes SET status = 'cancelled', last_error = 'the Greenhouse connection was disconnected', updated_at = $2
WHERE org_id = $1 AND status IN ('pending', 'sending')`, orgID, micros(now))
	if err != nil {
		return 0, fmt.Errorf("store: cancel harvest pushes: %w", err)
	}
	return res.RowsAffected()
}

// SaveHarvestPush stores a push's outcome if it is still in status from
// (or also, when given, in status also); it reports whether it did.
func SaveHarvestPush(ctx context.Context, q Querier, p *model.HarvestPush, from model.PushStatus, now time.Time, also ...model.PushStatus) (bool, error) {
	other := from
	if len(also) > 0 {
		other = also[0]
	}
	third := other
	if len(also) > 1 {
		third = also[1]
	}
	res, err := q.ExecContext(ctx, `UPDATE harvest_pushes SET status = $3, tries = $4, last_error = $5, note_id = $6, pushed_at = $7, updated_at = $8
WHERE id = $1 AND status IN ($2, $9, $10)`, p.ID, from, p.Status, p.Tries, p.LastError, p.NoteID, nullTime(p.PushedAt), micros(now), other, third)
	if err != nil {
		return false, fmt.Errorf("store: save harvest push: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// ProblemHarvestPushes lists, newest first, the pushes that need a person:
// failed or uncertain ones, and pending or sending ones unchanged since
// stuckBefore (Stuck set), across organizations, at most limit.
func ProblemHarvestPushes(ctx context.Context, q Querier, stuckBefore time.Time, limit int) ([]*model.HarvestPushListing, error) {
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.org_id, p.candidate_id, p.kind, p.content_hash, p.fingerprint, p.status, p.tries, p.last_error,
  p.note_id, p.created_at, p.updated_at, p.pushed_at, o.name, c.first_name || ' ' || c.last_name, c.posting_id
FROM harvest_pushes p JOIN organizations o ON o.id = p.org_id JOIN candidates c ON c.id = p.candidate_id
WHERE p.status IN ('failed', 'uncertain') OR (p.status IN ('pending', 'sending') AND p.updated_at < $1)
ORDER BY p.id DESC LIMIT $2`, micros(stuckBefore), limit)
	if err != nil {
		return nil, fmt.Errorf("store: problem harvest pushes: %w", err)
	}
	defer rows.Close()
	var out []*model.HarvestPushListing
	for rows.Next() {
		l := &model.HarvestPushListing{}
		p := &l.HarvestPush
		var created, updated int64
		var pushed sql.NullInt64
		if err := rows.Scan(&p.ID, &p.OrgID, &p.CandidateID, &p.Kind, &p.ContentHash, &p.Fingerprint, &p.Status, &p.Tries,
			&p.LastError, &p.NoteID, &created, &updated, &pushed, &l.OrgName, &l.CandidateName, &l.PostingID); err != nil {
			return nil, fmt.Errorf("store: problem harvest pushes: %w", err)
		}
		p.CreatedAt, p.UpdatedAt, p.PushedAt = fromMicros(created), fromMicros(updated), nullMicros(pushed)
		l.Stuck = p.Status == model.PushPending || p.Status == model.PushSending
		out = append(out, l)
	}
	return out, rows.Err()
}

// GreenhouseCandidateIDs maps an organization's Greenhouse candidate ids to
// one of their candidates (for outcomes).
func GreenhouseCandidateIDs(ctx context.Context, q Querier, orgID int64) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT gh_candidate_id FROM candidates
WHERE org_id = $1 AND source = 'greenhouse' AND gh_candidate_id IS NOT NULL AND gh_candidate_id <> '' ORDER BY gh_candidate_id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("store: greenhouse candidate ids: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: greenhouse candidate ids: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// SaveHarvestOutcome creates or updates an application's outcome.
func SaveHarvestOutcome(ctx context.Context, q Querier, o *model.HarvestOutcome) error {
	_, err := q.ExecContext(ctx, `
INSERT INTO harvest_outcomes (org_id, gh_application_id, gh_candidate_id, gh_job_id, status, stage, rejected_at, hired_at, fetched_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (org_id, gh_application_id) DO UPDATE SET gh_candidate_id = excluded.gh_candidate_id, gh_job_id = excluded.gh_job_id,
	status = excluded.status, stage = excluded.stage, rejected_at = excluded.rejected_at, hired_at = excluded.hired_at,
	fetched_at = excluded.fetched_at`,
		o.OrgID, o.GHApplicationID, o.GHCandidateID, o.GHJobID, o.Status, o.Stage, nullTime(o.RejectedAt), nullTime(o.HiredAt), micros(o.FetchedAt))
	if err != nil {
		return fmt.Errorf("store: save harvest outcome: %w", err)
	}
	return nil
}

// HarvestOutcomes lists an organization's application outcomes.
func HarvestOutcomes(ctx context.Context, q Querier, orgID int64) ([]*model.HarvestOutcome, error) {
	rows, err := q.QueryContext(ctx, `SELECT org_id, gh_application_id, gh_candidate_id, gh_job_id, status, stage, rejected_at, hired_at, fetched_at
FROM harvest_outcomes WHERE org_id = $1 ORDER BY gh_application_id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("store: harvest outcomes: %w", err)
	}
	defer rows.Close()
	var out []*model.HarvestOutcome
	for rows.Next() {
		o := &model.HarvestOutcome{}
		var rejected, hired sql.NullInt64
		var fetched int64
		if err := rows.Scan(&o.OrgID, &o.GHApplicationID, &o.GHCandidateID, &o.GHJobID, &o.Status, &o.Stage, &rejected, &hired, &fetched); err != nil {
			return nil, fmt.Errorf("store: harvest outcomes: %w", err)
		}
		o.RejectedAt, o.HiredAt, o.FetchedAt = nullMicros(rejected), nullMicros(hired), fromMicros(fetched)
		out = append(out, o)
	}
	return out, rows.Err()
}

// OrgAdmins lists an organization's admins.
func OrgAdmins(ctx context.Context, q Querier, orgID int64) ([]*model.User, error) {
	users, err := ListOrgUsers(ctx, q, orgID)
	if err != nil {
		return nil, err
	}
	var out []*model.User
	for _, u := range users {
		if u.Role == model.RoleAdmin {
			out = append(out, u)
		}
	}
	return out, nil
}
