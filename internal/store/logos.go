package store

import (
	"context"
	"fmt"
	"time"

	"github.com/talentsystems/talentsystems/internal/model"
)

// SetOrgLogo stores an organization's logo, replacing any earlier one.
func SetOrgLogo(ctx context.Context, q Querier, orgID int64, contentType string, data []byte, now time.Time) error {
	_, err := q.ExecContext(ctx, `
INSERT INTO org_logos (org_id, content_type, data, updated_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (org_id) DO UPDATE SET content_type = excluded.content_type, data = excluded.data, updated_at = excluded.updated_at`,
		orgID, contentType, data, micros(now))
	if err != nil {
		return fmt.Errorf("store: set logo: %w", err)
	}
	return nil
}

// DeleteOrgLogo removes an organization's logo, if it has one.
func DeleteOrgLogo(ctx context.Context, q Querier, orgID int64) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM org_logos WHERE org_id = $1`, orgID); err != nil {
		return fmt.Errorf("store: delete logo: %w", err)
	}
	return nil
}

// OrgLogo returns an organization's logo; none is NotFound.
func OrgLogo(ctx context.Context, q Querier, orgID int64) (*model.Logo, error) {
	l := &model.Logo{OrgID: orgID}
	var updated int64
	err := q.QueryRowContext(ctx, `SELECT content_type, data, updated_at FROM org_logos WHERE org_id = $1`, orgID).
		Scan(&l.ContentType, &l.Data, &updated)
	if err != nil {
		return nil, fmt.Errorf("store: logo of org %d: %w", orgID, notFound(err, "logo"))
	}
	l.UpdatedAt = fromMicros(updated)
	return l, nil
}
