package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/model"
)

// CreatePosting inserts a posting.
func CreatePosting(ctx context.Context, q Querier, p *model.Posting) error {
	by := sql.NullInt64{Int64: p.CreatedBy, Valid: p.CreatedBy != 0}
	p.Revision = 1
	err := q.QueryRowContext(ctx, `
INSERT INTO postings (org_id, public_id, status, title, assessment_type, department, location, document, revision, created_by, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $10, $10) RETURNING id`,
		p.OrgID, p.PublicID, p.Status, p.Title, p.AssessmentType, p.Department, p.Location, string(p.Document), by, micros(p.CreatedAt)).Scan(&p.ID)
	if err != nil {
		return fmt.Errorf("store: create posting: %w", err)
	}
	p.UpdatedAt = p.CreatedAt
	return nil
}

const postingColumns = `id, org_id, public_id, status, title, assessment_type, department, location, document, revision, version, created_by, created_at, updated_at, published_at`

func scanPosting(sc interface{ Scan(...any) error }) (*model.Posting, error) {
	p := &model.Posting{}
	var doc string
	var by, published sql.NullInt64
	var created, updated int64
	if err := sc.Scan(&p.ID, &p.OrgID, &p.PublicID, &p.Status, &p.Title, &p.AssessmentType, &p.Department, &p.Location,
		&doc, &p.Revision, &p.Version, &by, &created, &updated, &published); err != nil {
		return nil, err
	}
	p.Document = []byte(doc)
	p.CreatedBy = by.Int64
	p.CreatedAt, p.UpdatedAt, p.PublishedAt = fromMicros(created), fromMicros(updated), nullMicros(published)
	return p, nil
}

// OrgPosting returns a posting of orgID; another organization's is NotFound.
func OrgPosting(ctx context.Context, q Querier, orgID, id int64) (*model.Posting, error) {
	p, err := scanPosting(q.QueryRowContext(ctx, `SELECT `+postingColumns+` FROM postings WHERE id = $1 AND org_id = $2`, id, orgID))
	if err != nil {
		return nil, fmt.Errorf("store: posting %d: %w", id, notFound(err, "posting"))
	}
	return p, nil
}

// OrgPostingByPublicID returns a posting of orgID by its public id.
func OrgPostingByPublicID(ctx context.Context, q Querier, orgID int64, publicID string) (*model.Posting, error) {
	p, err := scanPosting(q.QueryRowContext(ctx, `SELECT `+postingColumns+` FROM postings WHERE public_id = $1 AND org_id = $2`, publicID, orgID))
	if err != nil {
		return nil, fmt.Errorf("store: posting %q: %w", publicID, notFound(err, "posting"))
	}
	return p, nil
}

// ListPostings returns an organization's postings, newest change first,
// optionally only those with status.
func ListPostings(ctx context.Context, q Querier, orgID int64, status model.PostingStatus) ([]*model.Posting, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+postingColumns+` FROM postings
WHERE org_id = $1 AND ($2 = '' OR status = $2) ORDER BY updated_at DESC, id DESC`, orgID, status)
	if err != nil {
		return nil, fmt.Errorf("store: list postings: %w", err)
	}
	defer rows.Close()
	var out []*model.Posting
	for rows.Next() {
		p, err := scanPosting(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list postings: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// CountPostings returns an organization's posting counts by status.
func CountPostings(ctx context.Context, q Querier, orgID int64) (model.PostingCounts, error) {
	counts := model.PostingCounts{model.PostingDraft: 0, model.PostingActive: 0, model.PostingClosed: 0}
	rows, err := q.QueryContext(ctx, `SELECT status, COUNT(*) FROM postings WHERE org_id = $1 GROUP BY status`, orgID)
	if err != nil {
		return nil, fmt.Errorf("store: count postings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s model.PostingStatus
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, fmt.Errorf("store: count postings: %w", err)
		}
		counts[s] = n
	}
	return counts, rows.Err()
}

// UpdatePosting saves p's document, columns and status if its revision is
// still p.Revision, and increments the revision; otherwise it is a Conflict.
func UpdatePosting(ctx context.Context, q Querier, p *model.Posting, now time.Time) error {
	var published sql.NullInt64
	if !p.PublishedAt.IsZero() {
		published = sql.NullInt64{Int64: micros(p.PublishedAt), Valid: true}
	}
	res, err := q.ExecContext(ctx, `
UPDATE postings SET status = $1, title = $2, assessment_type = $3, department = $4, location = $5, document = $6,
	version = $7, published_at = $8, revision = revision + 1, updated_at = $9
WHERE id = $10 AND org_id = $11 AND revision = $12`,
		p.Status, p.Title, p.AssessmentType, p.Department, p.Location, string(p.Document), p.Version, published, micros(now),
		p.ID, p.OrgID, p.Revision)
	if err != nil {
		return fmt.Errorf("store: update posting: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperror.New(apperror.Conflict, "Someone else changed this posting in the meantime. Reload it and make your change again.")
	}
	p.Revision++
	p.UpdatedAt = now
	return nil
}

// DeletePosting removes a posting of orgID.
func DeletePosting(ctx context.Context, q Querier, orgID, id int64) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM postings WHERE id = $1 AND org_id = $2`, id, orgID); err != nil {
		return fmt.Errorf("store: delete posting: %w", err)
	}
	return nil
}

// CreatePostingVersion stores a snapshot.
func CreatePostingVersion(ctx context.Context, q Querier, v *model.PostingVersion) error {
	by := sql.NullInt64{Int64: v.CreatedBy, Valid: v.CreatedBy != 0}
	err := q.QueryRowContext(ctx, `
INSERT INTO posting_versions (posting_id, version, document, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		v.PostingID, v.Version, string(v.Document), by, micros(v.CreatedAt)).Scan(&v.ID)
	if err != nil {
		return fmt.Errorf("store: create posting version: %w", err)
	}
	return nil
}

// UpdatePostingVersionDocument rewrites a snapshot after a change that does
// not affect candidates (title, description, thresholds).
func UpdatePostingVersionDocument(ctx context.Context, q Querier, postingID int64, version int, doc []byte) error {
	if _, err := q.ExecContext(ctx, `UPDATE posting_versions SET document = $1 WHERE posting_id = $2 AND version = $3`, string(doc), postingID, version); err != nil {
		return fmt.Errorf("store: update posting version: %w", err)
	}
	return nil
}

// GetPostingVersion returns one snapshot of a posting.
func GetPostingVersion(ctx context.Context, q Querier, postingID int64, version int) (*model.PostingVersion, error) {
	v := &model.PostingVersion{}
	var doc string
	var by sql.NullInt64
	var created int64
	err := q.QueryRowContext(ctx, `SELECT id, posting_id, version, document, created_by, created_at FROM posting_versions
WHERE posting_id = $1 AND version = $2`, postingID, version).Scan(&v.ID, &v.PostingID, &v.Version, &doc, &by, &created)
	if err != nil {
		return nil, fmt.Errorf("store: posting version: %w", notFound(err, "posting version"))
	}
	v.Document, v.CreatedBy, v.CreatedAt = []byte(doc), by.Int64, fromMicros(created)
	return v, nil
}
