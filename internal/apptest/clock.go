package apptest

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/app"
	"github.com/talentsystems/talentsystems/internal/config"
)

// Clock is a clock that a test moves by hand, so that time limits and
// expiries can be tested without waiting.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock that stands at start until moved.
func NewClock(start time.Time) *Clock { return &Clock{now: start.UTC()} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock d forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// StartWith is Start with options for app.New, e.g. a Clock's Now. A nil
// opts.Log logs to the test.
func StartWith(t testing.TB, cfg *config.Config, opts app.Options) *Instance {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg.BaseURL = "http://" + ln.Addr().String()
	if opts.Log == nil {
		opts.Log = Logger(t)
	}
	a, err := app.New(context.Background(), cfg, opts)
	if err != nil {
		ln.Close()
		t.Fatalf("app.New: %v", err)
	}
	if err := a.StartOn(context.Background(), ln); err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() { a.Shutdown(context.Background()) })
	return &Instance{App: a, URL: cfg.BaseURL}
}

// NewApp builds the services on dbURL's database (SQLite in a temporary
// folder when empty) with a Clock standing at start, without HTTP or job
// workers. The App is closed when the test ends.
func NewApp(t testing.TB, dbURL string, start time.Time) (*app.App, *Clock) {
	t.Helper()
	clock := NewClock(start)
	a, err := app.New(context.Background(), Config(t, dbURL), app.Options{Now: clock.Now, Log: Logger(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a, clock
}
