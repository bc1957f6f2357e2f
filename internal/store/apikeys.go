package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/model"
)

// CreateAPIKey inserts a key. A second active key for the organization is a Conflict.
func CreateAPIKey(ctx context.Context, q Querier, k *model.APIKey) error {
	err := q.QueryRowContext(ctx, `
INSERT INTO api_keys (org_id, prefix, key_hash, key_sealed, status, created_by, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		k.OrgID, k.Prefix, k.Hash, k.Sealed, k.Status, nullInt(k.CreatedBy), micros(k.CreatedAt)).Scan(&k.ID)
	if isUnique(err) {
		return apperror.New(apperror.Conflict, "The organization already has an active API key: rotate or revoke it instead.")
	}
	if err != nil {
		return fmt.Errorf("store: create api key: %w", err)
	}
	return nil
}

const apiKeyColumns = `id, org_id, prefix, key_hash, key_sealed, status, created_by, created_at, last_used_at, ended_at`

func scanAPIKey(sc interface{ Scan(...any) error }) (*model.APIKey, error) {
	k := &model.APIKey{}
	var by, used, ended sql.NullInt64
	var created int64
	if err := sc.Scan(&k.ID, &k.OrgID, &k.Prefix, &k.Hash, &k.Sealed, &k.Status, &by, &created, &used, &ended); err != nil {
		return nil, err
	}
	k.CreatedBy, k.CreatedAt = by.Int64, fromMicros(created)
	k.LastUsedAt, k.EndedAt = nullMicros(used), nullMicros(ended)
	return k, nil
}

// APIKeyByHash returns the key, in any status, whose hash is hash.
func APIKeyByHash(ctx context.Context, q Querier, hash string) (*model.APIKey, error) {
	k, err := scanAPIKey(q.QueryRowContext(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE key_hash = $1`, hash))
	if err != nil {
		return nil, fmt.Errorf("store: api key by hash: %w", notFound(err, "API key"))
	}
	return k, nil
}

// APIKeyAndOrgByHash returns the key, in any status, whose hash is hash,
// with its organization: what authenticating an API call needs, in one query.
func APIKeyAndOrgByHash(ctx context.Context, q Querier, hash string) (*model.APIKey, *model.Org, error) {
	k := &model.APIKey{}
	o := &model.Org{}
	var by, used, ended sql.NullInt64
	var created, orgCreated int64
	err := q.QueryRowContext(ctx, `SELECT k.id, k.org_id, k.prefix, k.key_hash, k.key_sealed, k.status, k.created_by, k.created_at,
	k.last_used_at, k.ended_at, o.slug, o.name, o.created_at
FROM api_keys k JOIN organizations o ON o.id = k.org_id WHERE k.key_hash = $1`, hash).Scan(&k.ID, &k.OrgID, &k.Prefix, &k.Hash, &k.Sealed, &k.Status,
		&by, &created, &used, &ended, &o.Slug, &o.Name, &orgCreated)
	if err != nil {
		return nil, nil, fmt.Errorf("store: api key by hash: %w", notFound(err, "API key"))
	}
	k.CreatedBy, k.CreatedAt = by.Int64, fromMicros(created)
	k.LastUsedAt, k.EndedAt = nullMicros(used), nullMicros(ended)
	o.ID, o.CreatedAt = k.OrgID, fromMicros(orgCreated)
	return k, o, nil
}

// ActiveAPIKey returns the organization's active key, or NotFound.
func ActiveAPIKey(ctx context.Context, q Querier, orgID int64) (*model.APIKey, error) {
	k, err := scanAPIKey(q.QueryRowContext(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE org_id = $1 AND status = 'active'`, orgID))
	if err != nil {
		return nil, fmt.Errorf("store: active api key: %w", notFound(err, "active API key"))
	}
	return k, nil
}

// OrgAPIKeys returns an organization's keys, newest first.
func OrgAPIKeys(ctx context.Context, q Querier, orgID int64, limit int) ([]*model.APIKey, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE org_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`, orgID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: org api keys: %w", err)
	}
	defer rows.Close()
	var out []*model.APIKey
	for rows.Next() {
		k, err := scanAPIKey(rows)
		if err != nil {
			return nil, fmt.Errorf("store: org api keys: %w", err)
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// EndActiveAPIKey marks the organization's active key rotated or revoked and
// forgets its sealed copy. It returns the ended key, or NotFound when there
// was no active key.
func EndActiveAPIKey(ctx context.Context, q Querier, orgID int64, status model.KeyStatus, now time.Time) (*model.APIKey, error) {
	k, err := ActiveAPIKey(ctx, q, orgID)
	if err != nil {
		return nil, err
	}
	res, err := q.ExecContext(ctx, `UPDATE api_keys SET status = $1, key_sealed = '', ended_at = $2 WHERE id = $3 AND status = 'active'`,
		status, micros(now), k.ID)
	if err != nil {
		return nil, fmt.Errorf("store: end api key: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, apperror.New(apperror.Conflict, "The key was changed at the same time by someone else. Reload and try again.")
	}
	k.Status, k.Sealed, k.EndedAt = status, "", now
	return k, nil
}

// TouchAPIKey records that a key was last used at now, unless a later use
// is already recorded. The partner service calls it when it flushes the uses
// it counted in memory, so that answering a call writes nothing.
func TouchAPIKey(ctx context.Context, q Querier, id int64, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE api_keys SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $1)`,
		micros(now), id)
	if err != nil {
		return fmt.Errorf("store: touch api key: %w", err)
	}
	return nil
}
