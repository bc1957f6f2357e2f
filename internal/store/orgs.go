package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/model"
)

// CreateOrg inserts an organization; a taken slug is a Conflict.
func CreateOrg(ctx context.Context, q Querier, slug, name string, now time.Time) (*model.Org, error) {
	o := &model.Org{Slug: slug, Name: name, CreatedAt: now}
	err := q.QueryRowContext(ctx,
		`INSERT INTO organizations (slug, name, created_at) VALUES ($1, $2, $3) RETURNING id`,
		slug, name, micros(now)).Scan(&o.ID)
	if isUnique(err) {
		return nil, apperror.New(apperror.Conflict, "an organization with the slug %q already exists", slug)
	}
	if err != nil {
		return nil, fmt.Errorf("store: create org: %w", err)
	}
	return o, nil
}

const orgColumns = `id, slug, name, created_at, time_zone, (SELECT l.updated_at FROM org_logos l WHERE l.org_id = organizations.id)`

func scanOrg(sc interface{ Scan(...any) error }) (*model.Org, error) {
	o := &model.Org{}
	var created int64
	var logo sql.NullInt64
	if err := sc.Scan(&o.ID, &o.Slug, &o.Name, &created, &o.TimeZone, &logo); err != nil {
		return nil, err
	}
	o.CreatedAt = fromMicros(created)
	if logo.Valid {
		o.LogoAt = fromMicros(logo.Int64)
	}
	return o, nil
}

// OrgByID returns one organization.
func OrgByID(ctx context.Context, q Querier, id int64) (*model.Org, error) {
	o, err := scanOrg(q.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organizations WHERE id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("store: org %d: %w", id, notFound(err, "organization"))
	}
	return o, nil
}

// OrgBySlug returns one organization by its slug.
func OrgBySlug(ctx context.Context, q Querier, slug string) (*model.Org, error) {
	o, err := scanOrg(q.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organizations WHERE slug = $1`, slug))
	if err != nil {
		return nil, fmt.Errorf("store: org %q: %w", slug, notFound(err, "organization"))
	}
	return o, nil
}

// ListOrgs returns every organization with its member count, newest first.
func ListOrgs(ctx context.Context, q Querier) ([]*model.Org, error) {
	rows, err := q.QueryContext(ctx, `
SELECT o.id, o.slug, o.name, o.created_at, (SELECT COUNT(*) FROM users u WHERE u.org_id = o.id)
FROM organizations o ORDER BY o.created_at DESC, o.id DESC`)
	if err != nil {
		return nil, fmt.Errorf("store: list orgs: %w", err)
	}
	defer rows.Close()
	var out []*model.Org
	for rows.Next() {
		o := &model.Org{}
		var created int64
		if err := rows.Scan(&o.ID, &o.Slug, &o.Name, &created, &o.Users); err != nil {
			return nil, fmt.Errorf("store: list orgs: %w", err)
		}
		o.CreatedAt = fromMicros(created)
		out = append(out, o)
	}
	return out, rows.Err()
}

// SetOrgTimeZone changes the zone of an organization's members who have not
// chosen their own.
func SetOrgTimeZone(ctx context.Context, q Querier, orgID int64, zone string) error {
	if _, err := q.ExecContext(ctx, `UPDATE organizations SET time_zone = $1 WHERE id = $2`, zone, orgID); err != nil {
		return fmt.Errorf("store: set org time zone: %w", err)
	}
	return nil
}
