package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/talentsystems/talentsystems/internal/apperror"
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
INSERT INTO emails (org_id, to_addr, subject, text_body, html_body, status, created_at, sealed)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		org, e.To, e.Subject, e.Text, e.HTML, e.Status, micros(e.CreatedAt), e.Sealed).Scan(&e.ID)
	if err != nil {
		return fmt.Errorf("store: create email: %w", err)
	}
	return nil
}

const emailColumns = `id, org_id, to_addr, subject, text_body, html_body, status, attempts, last_error, created_at, sent_at, sealed, purged_at`

func scanEmail(sc interface{ Scan(...any) error }) (*model.Email, error) {
	e := &model.Email{}
	var org, sent, purged sql.NullInt64
	var created int64
	if err := sc.Scan(&e.ID, &org, &e.To, &e.Subject, &e.Text, &e.HTML, &e.Status, &e.Attempts, &e.LastError, &created, &sent, &e.Sealed, &purged); err != nil {
		return nil, err
	}
	e.OrgID = org.Int64
	e.CreatedAt, e.SentAt, e.PurgedAt = fromMicros(created), nullMicros(sent), nullMicros(purged)
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

// ClaimEmail marks a queued mail as being sent and counts the try. It
// reports false when the mail was not queued (delivered, failed, uncertain,
// or claimed by a try still in flight or cut short by a crash).
func ClaimEmail(ctx context.Context, q Querier, id int64) (bool, error) {
	res, err := q.ExecContext(ctx, `UPDATE emails SET status = 'sending', attempts = attempts + 1 WHERE id = $1 AND status = 'queued'`, id)
	if err != nil {
		return false, fmt.Errorf("store: claim email: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: claim email: %w", err)
	}
	return n == 1, nil
}

// MarkEmail records the outcome of a claimed delivery try.
func MarkEmail(ctx context.Context, q Querier, id int64, status model.EmailStatus, lastError string, now time.Time) error {
	var sent sql.NullInt64
	if status == model.EmailSent || status == model.EmailLogged {
		sent = sql.NullInt64{Int64: micros(now), Valid: true}
	}
	_, err := q.ExecContext(ctx, `UPDATE emails SET status = $1, last_error = $2, sent_at = $3 WHERE id = $4`,
		status, lastError, sent, id)
	if err != nil {
		return fmt.Errorf("store: mark email: %w", err)
	}
	return nil
}

// RequeueEmail puts a failed or uncertain mail back in the queue (a staff
// decision); it is NotFound for a mail in any other status.
func RequeueEmail(ctx context.Context, q Querier, id int64) error {
	res, err := q.ExecContext(ctx, `UPDATE emails SET status = 'queued', last_error = '' WHERE id = $1 AND status IN ('failed', 'uncertain') AND purged_at IS NULL`, id)
	if err != nil {
		return fmt.Errorf("store: requeue email: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return apperror.New(apperror.NotFound, "Only a failed or uncertain mail whose body is still kept can be sent again.")
	}
	return nil
}

// PurgeEmailBodies deletes the bodies of mails that are done (delivered,
// failed or uncertain) and older than before; it returns how many.
func PurgeEmailBodies(ctx context.Context, q Querier, before, now time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, `UPDATE emails SET text_body = '', html_body = '', purged_at = $1
WHERE purged_at IS NULL AND created_at < $2 AND status IN ('sent', 'logged', 'failed', 'uncertain')`, micros(now), micros(before))
	if err != nil {
		return 0, fmt.Errorf("store: purge email bodies: %w", err)
	}
	return res.RowsAffected()
}

// EraseEmailsTo removes a person's address and the bodies of every mail to
// them (erasure of personal data); the subject is replaced too, since it can
// name them.
func EraseEmailsTo(ctx context.Context, q Querier, orgID int64, addr string, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE emails SET to_addr = 'erased', subject = '(erased)', text_body = '', html_body = '', purged_at = $1
WHERE org_id = $2 AND to_addr = $3`, micros(now), orgID, addr)
	if err != nil {
		return fmt.Errorf("store: erase emails: %w", err)
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
