// Package apptest starts whole instances of the product for tests: on SQLite
// in a temporary folder, or on a fresh PostgreSQL database of its own when
// TEST_DATABASE_URL is set, with a real in-process SMTP server.
package apptest

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"flag"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/talentsystems/talentsystems/internal/app"
	"github.com/talentsystems/talentsystems/internal/config"
)

// PostgresURL creates an empty database for this test on the server named by
// TEST_DATABASE_URL, drops it when the test ends, and returns its URL. It
// skips the test when TEST_DATABASE_URL is not set (CI always sets it).
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		skipOutsideCI(t, "TEST_DATABASE_URL is not set; PostgreSQL tests run in CI")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open %s: %v", base, err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	rand.Read(b)
	name := "ts_test_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer admin.Close()
		admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("TEST_DATABASE_URL: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}

// Databases runs fn once on SQLite and once on PostgreSQL (when available),
// passing the DATABASE_URL to use ("" for SQLite).
func Databases(t *testing.T, fn func(t *testing.T, databaseURL string)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, "") })
	t.Run("postgres", func(t *testing.T) { fn(t, PostgresURL(t)) })
}

// Config returns a configuration for a test instance on databaseURL ("" for
// SQLite in a temporary folder), with fast job polling and mail to the log.
func Config(t testing.TB, databaseURL string) *config.Config {
	t.Helper()
	env := map[string]string{
		"TS_DATA_DIR":          t.TempDir(),
		"DATABASE_URL":         databaseURL,
		"TS_JOB_POLL_INTERVAL": "50ms",
		"TS_LOG_LEVEL":         "warn",
		"TS_SECRET_KEY":        "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
	}
	cfg, err := config.Load(flag.NewFlagSet("test", flag.ContinueOnError), nil, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// Instance is a running app and its address.
type Instance struct {
	*app.App
	URL string
}

// Start starts a whole instance on a free loopback port and stops it when the
// test ends. It sets cfg.BaseURL to the instance's address.
func Start(t testing.TB, cfg *config.Config) *Instance {
	t.Helper()
	return StartWith(t, cfg, app.Options{})
}

// Logger returns a logger that writes warnings and errors to the test log.
func Logger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// Eventually retries cond every 20 ms until it holds or timeout passes.
func Eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// skipOutsideCI skips the test on a developer's machine that lacks a part, and
// fails it in CI (CI=true), where every part is installed and nothing may skip.
func skipOutsideCI(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("%s, and CI must run every test", why)
	}
	t.Skip(why)
}

// JobsSettled waits until the queue holds no job of kind that is still to
// run (available, scheduled, retryable or running): from then on nothing
// more will happen for that kind, so a test can assert that something did
// not happen without sleeping and hoping.
func JobsSettled(t testing.TB, db *sql.DB, kind string, timeout time.Duration) {
	t.Helper()
	Eventually(t, timeout, "the "+kind+" jobs to settle", func() bool {
		var n int
		err := db.QueryRow(`SELECT COUNT(*) FROM river_job WHERE kind = $1 AND state IN ('available', 'scheduled', 'retryable', 'running', 'pending')`, kind).Scan(&n)
		return err == nil && n == 0
	})
}
