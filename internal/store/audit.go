package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
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

// RedactPersonalData replaces each of needles (a person's email, name) with
// "[erased]" wherever an organization keeps free text about people: the audit
// log, the Greenhouse activity log and Greenhouse's error reports (whose
// candidate_email is cleared when it is one of them). Needles shorter than
// three characters are skipped, so that erasing "Al" does not mangle every
// detail. Call it in the erasure's transaction.
func RedactPersonalData(ctx context.Context, q Querier, orgID int64, needles ...string) error {
	for _, n := range needles {
		if len([]rune(n)) < 3 {
			continue
		}
		like := "%" + likeEscape(n) + "%"
		for _, stmt := range []string{
			`UPDATE audit_events SET detail = REPLACE(detail, $1, '[erased]') WHERE org_id = $2 AND detail LIKE $3 ESCAPE '\'`,
			`UPDATE greenhouse_events SET detail = REPLACE(detail, $1, '[erased]') WHERE org_id = $2 AND detail LIKE $3 ESCAPE '\'`,
			`UPDATE greenhouse_response_errors SET errors = REPLACE(errors, $1, '[erased]'), candidate_email = REPLACE(candidate_email, $1, '[erased]')
WHERE org_id = $2 AND (errors LIKE $3 ESCAPE '\' OR candidate_email LIKE $3 ESCAPE '\')`,
		} {
			if _, err := q.ExecContext(ctx, stmt, n, orgID, like); err != nil {
				return fmt.Errorf("store: redact personal data: %w", err)
			}
		}
	}
	return nil
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
