package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/model"
)

// CreateInvitation stores an invitation.
func CreateInvitation(ctx context.Context, q Querier, inv *model.Invitation) error {
	var by sql.NullInt64
	if inv.InvitedBy != 0 {
		by = sql.NullInt64{Int64: inv.InvitedBy, Valid: true}
	}
	inv.Email = NormalizeEmail(inv.Email)
	err := q.QueryRowContext(ctx, `
INSERT INTO invitations (org_id, email, role, token_hash, invited_by, created_at, expires_at)
VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		inv.OrgID, inv.Email, string(inv.Role), inv.TokenHash, by, micros(inv.CreatedAt), micros(inv.ExpiresAt)).Scan(&inv.ID)
	if err != nil {
		return fmt.Errorf("store: create invitation: %w", err)
	}
	return nil
}

const invitationColumns = `id, org_id, email, role, token_hash, invited_by, created_at, expires_at, accepted_at`

func scanInvitation(sc interface{ Scan(...any) error }) (*model.Invitation, error) {
	inv := &model.Invitation{}
	var by, accepted sql.NullInt64
	var created, expires int64
	var role string
	if err := sc.Scan(&inv.ID, &inv.OrgID, &inv.Email, &role, &inv.TokenHash, &by, &created, &expires, &accepted); err != nil {
		return nil, err
	}
	inv.Role = model.Role(role)
	inv.InvitedBy = by.Int64
	inv.CreatedAt, inv.ExpiresAt, inv.AcceptedAt = fromMicros(created), fromMicros(expires), nullMicros(accepted)
	return inv, nil
}

// OpenInvitation returns the unaccepted, unexpired invitation with this token hash.
func OpenInvitation(ctx context.Context, q Querier, tokenHash string, now time.Time) (*model.Invitation, error) {
	inv, err := scanInvitation(q.QueryRowContext(ctx, `SELECT `+invitationColumns+` FROM invitations
WHERE token_hash = $1 AND accepted_at IS NULL AND expires_at > $2`, tokenHash, micros(now)))
	if err != nil {
		return nil, fmt.Errorf("store: invitation: %w", notFound(err, "invitation"))
	}
	return inv, nil
}

// AcceptInvitation marks an invitation used; it fails with Conflict when it was used already.
func AcceptInvitation(ctx context.Context, q Querier, id int64, now time.Time) error {
	res, err := q.ExecContext(ctx, `UPDATE invitations SET accepted_at = $1 WHERE id = $2 AND accepted_at IS NULL`, micros(now), id)
	if err != nil {
		return fmt.Errorf("store: accept invitation: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperror.New(apperror.Conflict, "this invitation has been used already")
	}
	return nil
}

// PendingInvitations returns an organization's open invitations, newest first.
func PendingInvitations(ctx context.Context, q Querier, orgID int64, now time.Time) ([]*model.Invitation, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+invitationColumns+` FROM invitations
WHERE org_id = $1 AND accepted_at IS NULL AND expires_at > $2 ORDER BY created_at DESC, id DESC`, orgID, micros(now))
	if err != nil {
		return nil, fmt.Errorf("store: pending invitations: %w", err)
	}
	defer rows.Close()
	var out []*model.Invitation
	for rows.Next() {
		inv, err := scanInvitation(rows)
		if err != nil {
			return nil, fmt.Errorf("store: pending invitations: %w", err)
		}
		out = append(out, inv)
	}
	return out, rows.Err()
}

// PendingInvitationByEmail returns the organization's open invitation for
// email, or NotFound.
func PendingInvitationByEmail(ctx context.Context, q Querier, orgID int64, email string, now time.Time) (*model.Invitation, error) {
	inv, err := scanInvitation(q.QueryRowContext(ctx, `SELECT `+invitationColumns+` FROM invitations
WHERE org_id = $1 AND LOWER(email) = LOWER($2) AND accepted_at IS NULL AND expires_at > $3 ORDER BY id DESC LIMIT 1`, orgID, email, micros(now)))
	if err != nil {
		return nil, fmt.Errorf("store: pending invitation: %w", notFound(err, "invitation"))
	}
	return inv, nil
}

// RevokeInvitation ends an open invitation of orgID now; one that is used,
// expired or another organization's is NotFound.
func RevokeInvitation(ctx context.Context, q Querier, orgID, id int64, now time.Time) (*model.Invitation, error) {
	inv, err := scanInvitation(q.QueryRowContext(ctx, `UPDATE invitations SET expires_at = $1
WHERE id = $2 AND org_id = $3 AND accepted_at IS NULL AND expires_at > $1 RETURNING `+invitationColumns, micros(now), id, orgID))
	if err != nil {
		return nil, fmt.Errorf("store: revoke invitation: %w", notFound(err, "pending invitation"))
	}
	return inv, nil
}
