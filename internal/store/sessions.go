package store

import (
	"context"
	"fmt"
	"time"

	"github.com/talentsystems/talentsystems/internal/model"
)

// CreateSession stores a session by the hash of its token.
func CreateSession(ctx context.Context, q Querier, tokenHash string, userID int64, now, expires time.Time) error {
	_, err := q.ExecContext(ctx, `
INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at) VALUES ($1, $2, $3, $4, $3)`,
		tokenHash, userID, micros(now), micros(expires))
	if err != nil {
		return fmt.Errorf("store: create session: %w", err)
	}
	return nil
}

// SessionUser returns the user of an unexpired session, or NotFound.
func SessionUser(ctx context.Context, q Querier, tokenHash string, now time.Time) (*model.User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, `
SELECT u.id, u.org_id, u.email, u.name, u.password_hash, u.role, u.created_at, u.time_zone
FROM sessions s JOIN users u ON u.id = s.user_id
WHERE s.token_hash = $1 AND s.expires_at > $2`, tokenHash, micros(now)))
	if err != nil {
		return nil, fmt.Errorf("store: session: %w", notFound(err, "session"))
	}
	return u, nil
}

// DeleteSession ends one session.
func DeleteSession(ctx context.Context, q Querier, tokenHash string) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions ends every session of a user but keep (pass "" to end all).
func DeleteUserSessions(ctx context.Context, q Querier, userID int64, keep string) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2`, userID, keep); err != nil {
		return fmt.Errorf("store: delete user sessions: %w", err)
	}
	return nil
}

// DeleteExpiredSessions removes sessions that ended before now.
func DeleteExpiredSessions(ctx context.Context, q Querier, now time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, micros(now))
	if err != nil {
		return 0, fmt.Errorf("store: delete expired sessions: %w", err)
	}
	return res.RowsAffected()
}
