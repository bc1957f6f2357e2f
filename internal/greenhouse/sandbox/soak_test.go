package sandbox_test

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/app"
	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/greenhouse/sandbox"
)

// TestCrashSoak: Greenhouse candidates complete while the sandbox fails 30 %
// of the product's PATCHes; the first instance is stopped abruptly (its
// context already cancelled: no grace for requests or jobs) halfway, and a
// second instance starts on the same database and finishes. Every
// completion must reach the sandbox with a 200. TS_SOAK_CANDIDATES sets the
// size (default 6; docs/reliability.md has the long run's figures).
func TestCrashSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("soak")
	}
	n := 6
	if v, err := strconv.Atoi(os.Getenv("TS_SOAK_CANDIDATES")); err == nil && v > 1 {
		n = v
	}
	ctx := context.Background()
	began := time.Now()
	s := sandbox.New(sandbox.Config{Log: apptest.Logger(t)})
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.SetFault("patch", sandbox.Fault{FailureRate: 0.3}); err != nil {
		t.Fatal(err)
	}
	// The first instance is stopped abruptly: its queue's goroutines outlive
	// the test (as a killed process's would not), so they log to stderr,
	// not to the test's log, which may not be written after the test.
	first := startProductWith(t, "", s.Addr(), app.Options{Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))})
	cfg := *first.Config // the same data folder and secret key
	s.SetPartner(first.URL, first.key)
	tests, err := s.ListTests(ctx)
	if err != nil || len(tests) != 1 {
		t.Fatalf("list_tests: %v %+v", err, tests)
	}
	var sends []*sandbox.Send
	for i := range n {
		sd, err := s.Send(ctx, sandbox.SendRequest{TestID: tests[0].ID, TestName: tests[0].Name, Email: "c" + strconv.Itoa(i) + "@example.edu"})
		if err != nil {
			t.Fatalf("send_test %d: %v", i, err)
		}
		sends = append(sends, sd)
	}
	for _, sd := range sends[:n/2] {
		takeAssessment(t, first, sd.InterviewID)
	}
	// Abrupt stop: callbacks in flight or failed and waiting are left behind.
	stopped, cancel := context.WithCancel(ctx)
	cancel()
	first.Shutdown(stopped)

	second := &product{Instance: apptest.StartWith(t, &cfg, app.Options{}), orgID: first.orgID, publicID: first.publicID, key: first.key}
	s.SetPartner(second.URL, second.key)
	for _, sd := range sends[n/2:] {
		takeAssessment(t, second, sd.InterviewID)
	}
	// A job the first instance was running when it stopped is rescued by
	// River after two minutes (RescueStuckJobsAfter): allow for that.
	wctx, stop := context.WithTimeout(ctx, 200*time.Second)
	defer stop()
	st, err := s.Wait(wctx, func(st sandbox.State) bool {
		ok := map[int64]bool{}
		for _, p := range st.Patches {
			if p.Answer == http.StatusOK {
				ok[p.SendID] = true
			}
		}
		return len(ok) == n
	})
	if err != nil {
		got := map[int64]bool{}
		for _, p := range st.Patches {
			if p.Answer == http.StatusOK {
				got[p.SendID] = true
			}
		}
		t.Fatalf("%d of %d completions reached the sandbox (%d PATCHes in all)", len(got), n, len(st.Patches))
	}
	failed := 0
	for _, p := range st.Patches {
		if p.Answer != http.StatusOK {
			failed++
		}
	}
	t.Logf("%d completions, %d PATCHes, %d refused by the fault, all delivered after %s", n, len(st.Patches), failed, time.Since(began).Round(time.Second))
}
