package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/model"
)

// CreateUser inserts a user; a taken email is a Conflict.
func CreateUser(ctx context.Context, q Querier, u *model.User) error {
	var org sql.NullInt64
	if u.OrgID != 0 {
		org = sql.NullInt64{Int64: u.OrgID, Valid: true}
	}
	u.Email = NormalizeEmail(u.Email)
	err := q.QueryRowContext(ctx, `
INSERT INTO users (org_id, email, name, password_hash, role, created_at)
VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		org, u.Email, u.Name, u.PasswordHash, string(u.Role), micros(u.CreatedAt)).Scan(&u.ID)
	if isUnique(err) {
		return apperror.Field("email", "a user with the email %s already exists", u.Email)
	}
	if err != nil {
		return fmt.Errorf("store: create user: %w", err)
	}
	return nil
}

const userColumns = `id, org_id, email, name, password_hash, role, created_at, time_zone`

func scanUser(sc interface{ Scan(...any) error }) (*model.User, error) {
	u := &model.User{}
	var org sql.NullInt64
	var created int64
	var role string
	if err := sc.Scan(&u.ID, &org, &u.Email, &u.Name, &u.PasswordHash, &role, &created, &u.TimeZone); err != nil {
		return nil, err
	}
	u.OrgID = org.Int64
	u.Role = model.Role(role)
	u.CreatedAt = fromMicros(created)
	return u, nil
}

// UserByID returns one user.
func UserByID(ctx context.Context, q Querier, id int64) (*model.User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("store: user %d: %w", id, notFound(err, "user"))
	}
	return u, nil
}

// UserByEmail returns one user by email, ignoring case.
func UserByEmail(ctx context.Context, q Querier, email string) (*model.User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE email = $1`, NormalizeEmail(email)))
	if err != nil {
		return nil, fmt.Errorf("store: user by email: %w", notFound(err, "user"))
	}
	return u, nil
}

// OrgUser returns a user of the given organization; a user of another is NotFound.
func OrgUser(ctx context.Context, q Querier, orgID, id int64) (*model.User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1 AND org_id = $2`, id, orgID))
	if err != nil {
		return nil, fmt.Errorf("store: org user %d: %w", id, notFound(err, "user"))
	}
	return u, nil
}

// ListOrgUsers returns the members of an organization by name.
func ListOrgUsers(ctx context.Context, q Querier, orgID int64) ([]*model.User, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+userColumns+` FROM users WHERE org_id = $1 ORDER BY name, id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	defer rows.Close()
	var out []*model.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// CountStaff returns how many staff users exist.
func CountStaff(ctx context.Context, q Querier) (int, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE role = 'staff'`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count staff: %w", err)
	}
	return n, nil
}

// CountOrgAdmins returns how many admins an organization has.
func CountOrgAdmins(ctx context.Context, q Querier, orgID int64) (int, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE org_id = $1 AND role = 'admin'`, orgID).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count admins: %w", err)
	}
	return n, nil
}

// SetUserRole changes the role of a member of orgID.
func SetUserRole(ctx context.Context, q Querier, orgID, userID int64, role model.Role) error {
	res, err := q.ExecContext(ctx, `UPDATE users SET role = $1 WHERE id = $2 AND org_id = $3`, string(role), userID, orgID)
	if err != nil {
		return fmt.Errorf("store: set role: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperror.New(apperror.NotFound, "user not found")
	}
	return nil
}

// SetUserProfile changes a user's name and, when hash is not empty, password.
func SetUserProfile(ctx context.Context, q Querier, userID int64, name, hash string) error {
	_, err := q.ExecContext(ctx, `
UPDATE users SET name = $1, password_hash = CASE WHEN $2 = '' THEN password_hash ELSE $2 END WHERE id = $3`,
		name, hash, userID)
	if err != nil {
		return fmt.Errorf("store: set profile: %w", err)
	}
	return nil
}

// SetUserTimeZone changes the zone a user's pages show times in.
func SetUserTimeZone(ctx context.Context, q Querier, userID int64, zone string) error {
	if _, err := q.ExecContext(ctx, `UPDATE users SET time_zone = $1 WHERE id = $2`, zone, userID); err != nil {
		return fmt.Errorf("store: set time zone: %w", err)
	}
	return nil
}

// DeleteOrgUser removes a member of orgID; their sessions go with them, and
// what they created keeps existing without them.
func DeleteOrgUser(ctx context.Context, q Querier, orgID, id int64) error {
	res, err := q.ExecContext(ctx, `DELETE FROM users WHERE id = $1 AND org_id = $2`, id, orgID)
	if err != nil {
		return fmt.Errorf("store: delete user: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperror.New(apperror.NotFound, "user not found")
	}
	return nil
}
