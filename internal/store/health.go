package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// ProbeWrite commits a one-row write, so that readiness reflects whether
// writes work (a full disk, a read-only file or a lost primary fail it).
func (s *Store) ProbeWrite(ctx context.Context, now time.Time) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO health_probe (id, probed_at) VALUES (1, $1)
ON CONFLICT (id) DO UPDATE SET probed_at = excluded.probed_at`, micros(now))
		if err != nil {
			return fmt.Errorf("store: write probe: %w", err)
		}
		return nil
	})
}

// DataDir is the SQLite data folder, "" on PostgreSQL.
func (s *Store) DataDir() string { return s.dir }
