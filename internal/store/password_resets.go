package store

import (
	"context"
	"fmt"
	"time"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/model"
)

// CreatePasswordReset stores a one-time password reset by its token hash.
func CreatePasswordReset(ctx context.Context, q Querier, tokenHash string, userID int64, now, expires time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
		tokenHash, userID, micros(now), micros(expires))
	if err != nil {
		return fmt.Errorf("store: create password reset: %w", err)
	}
	return nil
}

// PasswordResetUser returns the user of an unused, unexpired reset.
func PasswordResetUser(ctx context.Context, q Querier, tokenHash string, now time.Time) (*model.User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, `
SELECT u.id, u.org_id, u.email, u.name, u.password_hash, u.role, u.created_at, u.time_zone
FROM password_resets r JOIN users u ON u.id = r.user_id
WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > $2`, tokenHash, micros(now)))
	if err != nil {
		return nil, fmt.Errorf("store: password reset: %w", notFound(err, "password reset"))
	}
	return u, nil
}

// UsePasswordReset marks a reset used; a second use is a Conflict. Every
// other open reset of the user ends too.
func UsePasswordReset(ctx context.Context, q Querier, tokenHash string, userID int64, now time.Time) error {
	res, err := q.ExecContext(ctx, `UPDATE password_resets SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL`, micros(now), tokenHash)
	if err != nil {
		return fmt.Errorf("store: use password reset: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperror.New(apperror.Conflict, "This reset link has been used already.")
	}
	if _, err := q.ExecContext(ctx, `UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL`, micros(now), userID); err != nil {
		return fmt.Errorf("store: use password reset: %w", err)
	}
	return nil
}

// EndPasswordResets ends every open reset link of a user (their password
// changed another way).
func EndPasswordResets(ctx context.Context, q Querier, userID int64, now time.Time) error {
	if _, err := q.ExecContext(ctx, `UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL`, micros(now), userID); err != nil {
		return fmt.Errorf("store: end password resets: %w", err)
	}
	return nil
}

// RecentPasswordResets counts a user's resets created since since.
func RecentPasswordResets(ctx context.Context, q Querier, userID int64, since time.Time) (int, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM password_resets WHERE user_id = $1 AND created_at > $2`, userID, micros(since)).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: recent password resets: %w", err)
	}
	return n, nil
}
