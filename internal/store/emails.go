package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/talentsystems/talentsystems/internal/model"
)

// CreateEmail stores a queued message.
func CreateEmail(ctx context.Context, q Querier, e *model.Email) error {
	var org sql.NullInt64
	if e.OrgID != 0 {
		org = sql.NullInt64{Int64: e.OrgID, Valid: true}
	}
	e.Status = model.EmailQueued
	err := q.QueryRowContext(ctx, `
INSERT INTO emails (org_id, to_addr, subject, text_body, html_body, status, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		org, e.To, e.Subject, e.Text, e.HTML, e.Status, micros(e.CreatedAt)).Scan(&e.ID)
	if err != nil {
		return fmt.Errorf("store: create email: %w", err)
	}
	return nil
}

const emailColumns = `id, org_id, to_addr, subject, text_body, html_body, status, attempts, last_error, created_at, sent_at`

func scanEmail(sc interface{ Scan(...any) error }) (*model.Email, error) {
	e := &model.Email{}
	var org, sent sql.NullInt64
	var created int64
	if err := sc.Scan(&e.ID, &org, &e.To, &e.Subject, &e.Text, &e.HTML, &e.Status, &e.Attempts, &e.LastError, &created, &sent); err != nil {
		return nil, err
	}
	e.OrgID = org.Int64
	e.CreatedAt, e.SentAt = fromMicros(created), nullMicros(sent)
	return e, nil
}

// EmailByID returns one message.
func EmailByID(ctx context.Context, q Querier, id int64) (*model.Email, error) {
	e, err := scanEmail(q.QueryRowContext(ctx, `SELECT `+emailColumns+` FROM emails WHERE id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("store: email %d: %w", id, notFound(err, "email"))
	}
	return e, nil
}

// RecentEmails returns the newest messages first.
func RecentEmails(ctx context.Context, q Querier, limit int) ([]*model.Email, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+emailColumns+` FROM emails ORDER BY created_at DESC, id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: recent emails: %w", err)
	}
	defer rows.Close()
	var out []*model.Email
	for rows.Next() {
		e, err := scanEmail(rows)
		if err != nil {
			return nil, fmt.Errorf("store: recent emails: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// MarkEmail records the outcome of one delivery attempt.
func MarkEmail(ctx context.Context, q Querier, id int64, status model.EmailStatus, lastError string, now time.Time) error {
	var sent sql.NullInt64
	if status == model.EmailSent || status == model.EmailLogged {
		sent = sql.NullInt64{Int64: micros(now), Valid: true}
	}
	_, err := q.ExecContext(ctx, `UPDATE emails SET status = $1, last_error = $2, attempts = attempts + 1, sent_at = $3 WHERE id = $4`,
		status, lastError, sent, id)
	if err != nil {
		return fmt.Errorf("store: mark email: %w", err)
	}
	return nil
}

// JobCounts returns the number of queued jobs by state, from River's table.
func JobCounts(ctx context.Context, q Querier) (map[string]int, error) {
	counts := map[string]int{"available": 0, "scheduled": 0, "retryable": 0, "running": 0, "discarded": 0}
	rows, err := q.QueryContext(ctx, `SELECT state, COUNT(*) FROM river_job WHERE state <> 'completed' GROUP BY state`)
	if err != nil {
		return nil, fmt.Errorf("store: job counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var state string
		var n int
		if err := rows.Scan(&state, &n); err != nil {
			return nil, fmt.Errorf("store: job counts: %w", err)
		}
		counts[state] = n
	}
	return counts, rows.Err()
}
