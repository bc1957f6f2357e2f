package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/talentsystems/talentsystems/internal/model"
)

// Audit appends an event; call it in the transaction of the change it records.
func Audit(ctx context.Context, q Querier, orgID, actorID int64, action, detail string, now time.Time) error {
	null := func(v int64) sql.NullInt64 { return sql.NullInt64{Int64: v, Valid: v != 0} }
	_, err := q.ExecContext(ctx, `INSERT INTO audit_events (org_id, actor_id, action, detail, created_at) VALUES ($1, $2, $3, $4, $5)`,
		null(orgID), null(actorID), action, detail, micros(now))
	if err != nil {
		return fmt.Errorf("store: audit %s: %w", action, err)
	}
	return nil
}

// OrgAudit returns an organization's newest events first.
func OrgAudit(ctx context.Context, q Querier, orgID int64, limit int) ([]*model.AuditEvent, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, COALESCE(org_id, 0), COALESCE(actor_id, 0), action, detail, created_at
FROM audit_events WHERE org_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`, orgID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: org audit: %w", err)
	}
	defer rows.Close()
	var out []*model.AuditEvent
	for rows.Next() {
		e := &model.AuditEvent{}
		var created int64
		if err := rows.Scan(&e.ID, &e.OrgID, &e.ActorID, &e.Action, &e.Detail, &created); err != nil {
			return nil, fmt.Errorf("store: org audit: %w", err)
		}
		e.CreatedAt = fromMicros(created)
		out = append(out, e)
	}
	return out, rows.Err()
}
