// Package store holds every SQL statement of the application. One set of
// queries (with $n placeholders) serves SQLite and PostgreSQL; only the schema
// files under migrations/ differ by dialect.
package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/talentsystems/talentsystems/internal/apperror"
)

//go:embed migrations
var migrations embed.FS

// Dialect names a database engine.
type Dialect string

// The supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Store is the application's database.
type Store struct {
	// DB serves reads and single statements. On SQLite it is a small pool of
	// connections kept open (a new connection re-parses the schema).
	DB      *sql.DB
	Dialect Dialect
	// writer runs Tx. On SQLite it is one connection, so write transactions
	// queue in Go instead of spinning in SQLite's busy handler; on
	// PostgreSQL it is DB.
	writer *sql.DB
	// turns queues write transactions for the SQLite writer in arrival order
	// (nil on PostgreSQL): database/sql hands a freed connection to a random
	// waiter, so under load a write could wait behind many later ones (the
	// tail of send_test's latency), while a channel's senders are served in
	// order.
	turns chan struct{}
	// dir is the SQLite data folder ("" on PostgreSQL).
	dir string
}

// sqliteReaders is the size of the SQLite read pool: WAL readers run in
// parallel with each other and with the writer.
func sqliteReaders() int { return max(4, 2*runtime.GOMAXPROCS(0)) }

// Querier is what a query needs: a *sql.DB or a *sql.Tx.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Open connects to PostgreSQL when databaseURL is set, else to the SQLite file
// talentsystems.db in dataDir (created when missing). It checks the connection.
func Open(ctx context.Context, databaseURL, dataDir string) (*Store, error) {
	var s *Store
	if databaseURL != "" {
		db, err := sql.Open("pgx", databaseURL)
		if err != nil {
			return nil, fmt.Errorf("store: open postgres: %w", err)
		}
		db.SetMaxOpenConns(20)
		db.SetMaxIdleConns(20) // idle = open: no connection churn under load
		s = &Store{DB: db, Dialect: Postgres, writer: db}
	} else {
		if err := os.MkdirAll(dataDir, 0o700); err != nil {
			return nil, fmt.Errorf("store: data folder %s cannot be created: %w", dataDir, err)
		}
		path := filepath.Join(dataDir, "talentsystems.db")
		dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
		connector, err := sqlite.NewConnector(dsn)
		if err != nil {
			return nil, fmt.Errorf("store: open sqlite %s: %w", path, err)
		}
		// Each connection keeps its statements prepared (stmtcache.go).
		db := sql.OpenDB(cachingConnector{connector})
		w := sql.OpenDB(cachingConnector{connector})
		// Go's default pool (unlimited open, 2 idle) opened a connection,
		// and re-parsed the schema, on most requests under load.
		n := sqliteReaders()
		db.SetMaxOpenConns(n)
		db.SetMaxIdleConns(n)
		w.SetMaxOpenConns(1)
		w.SetMaxIdleConns(1)
		s = &Store{DB: db, Dialect: SQLite, writer: w, turns: make(chan struct{}, 1), dir: dataDir}
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := s.ping(pingCtx); err != nil {
		s.Close()
		return nil, fmt.Errorf("store: connect to %s database: %w", s.Dialect, err)
	}
	if s.Dialect == SQLite {
		// A read-only data folder only shows on the first write.
		// The table's name is this process's own, so that two commands
		// starting at once on one data folder do not drop each other's.
		check := "_write_check_" + rand.Text()
		if _, err := s.DB.ExecContext(ctx, "CREATE TABLE "+check+"(x INTEGER); DROP TABLE "+check); err != nil {
			s.Close()
			return nil, fmt.Errorf("store: the data folder %s is not writable: %w", dataDir, err)
		}
	}
	return s, nil
}

// ping checks the connection. A new SQLite file is switched to WAL by the
// first connection, which takes an exclusive lock without waiting for a busy
// one: processes opening the same new file at once retry until the deadline.
func (s *Store) ping(ctx context.Context) error {
	for wait := 5 * time.Millisecond; ; wait = min(2*wait, 200*time.Millisecond) {
		err := s.DB.PingContext(ctx)
		var sqErr *sqlite.Error
		if err == nil || s.Dialect != SQLite || !errors.As(err, &sqErr) || sqErr.Code()&0xff != sqlite3.SQLITE_BUSY {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
	}
}

// Close closes the database.
func (s *Store) Close() error {
	err := s.DB.Close()
	if s.writer != nil && s.writer != s.DB {
		err = errors.Join(err, s.writer.Close())
	}
	return err
}

func (s *Store) goose() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations/"+string(s.Dialect))
	if err != nil {
		return nil, err
	}
	d := goose.DialectSQLite3
	if s.Dialect == Postgres {
		d = goose.DialectPostgres
	}
	return goose.NewProvider(d, s.DB, sub, goose.WithDisableGlobalRegistry(true))
}

// Migrate applies every pending schema migration, each in a transaction.
func (s *Store) Migrate(ctx context.Context) error {
	p, err := s.goose()
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	return nil
}

// MigrateTo applies the pending schema migrations up to and including
// version (tests build an older database with it).
func (s *Store) MigrateTo(ctx context.Context, version int64) error {
	p, err := s.goose()
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	if _, err := p.UpTo(ctx, version); err != nil {
		return fmt.Errorf("store: migrate to %d: %w", version, err)
	}
	return nil
}

// migrationLockID is the PostgreSQL advisory lock that serializes migrations
// of instances starting at the same time.
const migrationLockID = 72_617_001

// WithMigrationLock runs fn while holding the migration lock (PostgreSQL; on
// SQLite one writer at a time is the database's own rule).
func (s *Store) WithMigrationLock(ctx context.Context, fn func() error) error {
	if s.Dialect != Postgres {
		return fn()
	}
	conn, err := s.DB.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: migration lock: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationLockID); err != nil {
		return fmt.Errorf("store: migration lock: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrationLockID)
	return fn()
}

// Pending reports how many schema migrations are not applied yet.
func (s *Store) Pending(ctx context.Context) (int, error) {
	p, err := s.goose()
	if err != nil {
		return 0, fmt.Errorf("store: migrations: %w", err)
	}
	status, err := p.Status(ctx)
	if err != nil {
		return 0, fmt.Errorf("store: migration status: %w", err)
	}
	n := 0
	for _, m := range status {
		if m.State == goose.StatePending {
			n++
		}
	}
	return n, nil
}

// Tx runs fn in a transaction and commits when fn returns nil.
func (s *Store) Tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	w := s.writer
	if w == nil {
		w = s.DB
	}
	if s.turns != nil {
		select {
		case s.turns <- struct{}{}:
			defer func() { <-s.turns }()
		case <-ctx.Done():
			return fmt.Errorf("store: begin: %w", ctx.Err())
		}
	}
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// micros converts a time to the stored form: microseconds since the Unix epoch.
// Integers compare and sort the same on both databases.
func micros(t time.Time) int64 { return t.UnixMicro() }

// fromMicros converts a stored time back.
func fromMicros(v int64) time.Time { return time.UnixMicro(v).UTC() }

// nullMicros converts an optional stored time; the zero time means none.
func nullMicros(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return fromMicros(v.Int64)
}

// isUnique reports whether err is a unique-constraint violation.
func isUnique(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		return sqErr.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || sqErr.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// notFound maps sql.ErrNoRows to a NotFound error naming what was missing.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return apperror.New(apperror.NotFound, "%s not found", what)
	}
	return err
}

// NormalizeEmail lower-cases and trims an address so lookups ignore case.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
