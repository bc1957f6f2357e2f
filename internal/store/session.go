package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/talentsystems/talentsystems/internal/model"
)

// sessionQuery reads a candidate's session: candidate, organization,
// posting status, current attempt, document and help contact.
const sessionQuery = `SELECT ` + candidateColumns + `, o.slug, o.name, o.created_at, o.time_zone,
	(SELECT l.updated_at FROM org_logos l WHERE l.org_id = o.id), p.status,
	a.id, a.posting_version, a.status, a.position, a.started_at, a.deadline_at, a.section, a.section_deadline_at,
	a.submitted_at, a.submit_reason, a.result, a.result_brief, a.score, a.recommendation,
	COALESCE(CASE WHEN a.id IS NULL THEN p.document ELSE v.document END, ''),
	COALESCE((SELECT u.email FROM users u WHERE u.id = c.created_by AND u.org_id = c.org_id),
		(SELECT u.email FROM users u WHERE u.org_id = c.org_id AND u.role = 'admin' ORDER BY u.name, u.id LIMIT 1), '')
FROM candidates c JOIN postings p ON p.id = c.posting_id JOIN organizations o ON o.id = c.org_id
LEFT JOIN attempts a ON a.id = c.attempt_id AND a.candidate_id = c.id
LEFT JOIN posting_versions v ON v.posting_id = c.posting_id AND v.version = a.posting_version `

// CandidateSessionByToken reads the session of the link whose token hash is
// hash, in one query.
func CandidateSessionByToken(ctx context.Context, q Querier, hash string) (*model.CandidateSession, error) {
	cs, err := scanSession(q.QueryRowContext(ctx, sessionQuery+`WHERE c.token_hash = $1`, hash))
	if err != nil {
		return nil, fmt.Errorf("store: candidate session by token: %w", notFound(err, "candidate"))
	}
	return cs, nil
}

// CandidateSession reads the session of an organization's candidate id.
func CandidateSession(ctx context.Context, q Querier, orgID, id int64) (*model.CandidateSession, error) {
	cs, err := scanSession(q.QueryRowContext(ctx, sessionQuery+`WHERE c.id = $1 AND c.org_id = $2`, id, orgID))
	if err != nil {
		return nil, fmt.Errorf("store: candidate session %d: %w", id, notFound(err, "candidate"))
	}
	return cs, nil
}

// extraScan scans a row into a scanner's destinations followed by more.
type extraScan struct {
	row   interface{ Scan(...any) error }
	extra []any
}

func (e extraScan) Scan(dest ...any) error { return e.row.Scan(append(dest, e.extra...)...) }

func scanSession(row *sql.Row) (*model.CandidateSession, error) {
	cs := &model.CandidateSession{Org: &model.Org{}}
	var orgCreated int64
	var logo sql.NullInt64
	var id, version, position, started, deadline, secDeadline, submitted sql.NullInt64
	var status, section, reason, result, brief, rec sql.NullString
	var score sql.NullFloat64
	var doc string
	c, err := scanCandidate(extraScan{row, []any{&cs.Org.Slug, &cs.Org.Name, &orgCreated, &cs.Org.TimeZone, &logo, &cs.PostingStatus,
		&id, &version, &status, &position, &started, &deadline, &section, &secDeadline,
		&submitted, &reason, &result, &brief, &score, &rec, &doc, &cs.Contact}})
	if err != nil {
		return nil, err
	}
	cs.Candidate, cs.Document = c, []byte(doc)
	cs.Org.ID, cs.Org.CreatedAt = c.OrgID, fromMicros(orgCreated)
	if logo.Valid {
		cs.Org.LogoAt = fromMicros(logo.Int64)
	}
	if id.Valid {
		a := &model.Attempt{ID: id.Int64, CandidateID: c.ID, PostingVersion: int(version.Int64), Status: model.AttemptStatus(status.String),
			Position: int(position.Int64), StartedAt: fromMicros(started.Int64), DeadlineAt: nullMicros(deadline), Section: section.String,
			SectionDeadlineAt: nullMicros(secDeadline), SubmittedAt: nullMicros(submitted), SubmitReason: reason.String, Recommendation: rec.String}
		if result.String != "" {
			a.Result = []byte(result.String)
		}
		if brief.String != "" {
			a.Brief = []byte(brief.String)
		}
		if score.Valid {
			v := score.Float64
			a.Score = &v
		}
		cs.Attempt = a
	}
	return cs, nil
}
