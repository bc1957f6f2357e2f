package app_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/account"
	"github.com/talentsystems/talentsystems/internal/app"
	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/candidates"
	"github.com/talentsystems/talentsystems/internal/jobs"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// TestJobsSurviveRestart commits work while no worker runs, stops the
// instance, and starts a new one that delivers it.
func TestJobsSurviveRestart(t *testing.T) {
	t.Parallel()
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		box := apptest.NewMailbox(t)
		cfg := apptest.Config(t, dbURL)
		cfg.SMTP = box.SMTP()
		first, err := app.New(ctx, cfg, app.Options{Log: apptest.Logger(t)})
		if err != nil {
			t.Fatal(err)
		}
		org, err := first.Accounts.CreateOrg(ctx, model.CommandLine(0), "Acme", "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := first.Accounts.Invite(ctx, model.CommandLine(0), org.ID, "ann@acme.test", model.RoleAdmin); err != nil {
			t.Fatal(err)
		}
		if err := first.Close(); err != nil {
			t.Fatal(err)
		}
		if n := len(box.Messages()); n != 0 {
			t.Fatalf("%d mails sent by an instance that never started its workers", n)
		}
		second := apptest.Start(t, cfg)
		box.WaitFor(t, "ann@acme.test", 10*time.Second)
		apptest.Eventually(t, 5*time.Second, "the outbox to record delivery", func() bool {
			emails, _ := second.Queue.Outbox(ctx, 10)
			return len(emails) == 1 && emails[0].Status == model.EmailSent
		})
	})
}

// TestEmailRetries lets the SMTP server refuse the first delivery.
func TestEmailRetries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	box := apptest.NewMailbox(t)
	box.FailNext(1)
	cfg := apptest.Config(t, "")
	cfg.SMTP = box.SMTP()
	inst := apptest.Start(t, cfg)
	org, _ := inst.Accounts.CreateOrg(ctx, model.CommandLine(0), "Acme", "")
	if _, err := inst.Accounts.Invite(ctx, model.CommandLine(0), org.ID, "ann@acme.test", model.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	box.WaitFor(t, "ann@acme.test", 15*time.Second)
	apptest.Eventually(t, 5*time.Second, "the outbox to record two tries", func() bool {
		emails, _ := inst.Queue.Outbox(ctx, 10)
		return len(emails) == 1 && emails[0].Status == model.EmailSent && emails[0].Attempts == 2
	})
	if n := len(box.Messages()); n != 1 {
		t.Errorf("%d mails delivered, want exactly 1", n)
	}
}

// TestWorkRollsBackWithItsChange checks that a job enqueued in a failed
// transaction never exists.
func TestWorkRollsBackWithItsChange(t *testing.T) {
	t.Parallel()
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		inst := apptest.Start(t, apptest.Config(t, dbURL))
		boom := errors.New("boom")
		err := inst.Store.Tx(ctx, func(tx *sql.Tx) error {
			if err := inst.Queue.SendEmail(ctx, tx, &model.Email{To: "x@example.test", Subject: "s", Text: "t", CreatedAt: time.Now()}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		var n int
		if err := inst.Store.DB.QueryRow(`SELECT COUNT(*) FROM river_job`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		emails, _ := inst.Queue.Outbox(ctx, 10)
		if n != 0 || len(emails) != 0 {
			t.Errorf("rolled back work left %d jobs and %d emails", n, len(emails))
		}
	})
}

// TestTwoInstancesShareSessionsAndJobs runs two instances on one PostgreSQL
// database: a session made on one works on the other, and work enqueued by
// one is done by the other.
func TestTwoInstancesShareSessionsAndJobs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dbURL := apptest.PostgresURL(t)
	box := apptest.NewMailbox(t)
	cfgA, cfgB := apptest.Config(t, dbURL), apptest.Config(t, dbURL)
	cfgA.SMTP, cfgB.SMTP = box.SMTP(), box.SMTP()
	a := apptest.Start(t, cfgA)
	b := apptest.Start(t, cfgB)
	if _, err := a.Accounts.CreateUser(ctx, model.CommandLine(0), account.NewUser{Email: "staff@ts.test", Password: "correct horse battery", Role: model.RoleStaff}); err != nil {
		t.Fatal(err)
	}
	// A only serves requests from now on: its workers stop.
	if err := a.Queue.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	c := apptest.NewClient(t, a.URL)
	c.SignIn("staff@ts.test", "correct horse battery")
	r := c.Submit("/staff", "/staff/orgs", url.Values{"name": {"Acme"}, "admin_email": {"ann@acme.test"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("create org on A: %d", r.Status)
	}
	box.WaitFor(t, "ann@acme.test", 10*time.Second)

	// The cookie jar sends A's session cookie to B (cookies ignore ports).
	onB := apptest.NewClient(t, b.URL)
	onB.HTTP.Jar = c.HTTP.Jar
	if r := onB.Get("/staff"); r.Status != http.StatusOK || !strings.Contains(r.Body, "Acme") {
		t.Errorf("A's session on B: %d", r.Status)
	}
	// A form rendered by A is accepted by B (a shared secret key signs CSRF tokens).
	r = onB.Submit("/staff", "/staff/orgs", url.Values{"name": {"Globex"}})
	if r.Status != http.StatusSeeOther {
		t.Errorf("form on B: %d", r.Status)
	}
}

// TestFirstStartCreatesStaffOnce checks the first-start account.
func TestFirstStartCreatesStaffOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg := apptest.Config(t, "")
	inst := apptest.Start(t, cfg)
	email, pw, created, err := inst.Accounts.EnsureStaff(ctx)
	if err != nil || !created || email == "" || len(pw) < 20 {
		t.Fatalf("EnsureStaff = %q, %d chars, %v, %v", email, len(pw), created, err)
	}
	if _, _, again, err := inst.Accounts.EnsureStaff(ctx); err != nil || again {
		t.Errorf("second EnsureStaff created=%v err=%v", again, err)
	}
	apptest.NewClient(t, inst.URL).SignIn(email, pw)
}

// TestConcurrentStartsMigrateOnce starts three instances on one empty
// PostgreSQL database at once; the migration lock lets each start cleanly.
func TestConcurrentStartsMigrateOnce(t *testing.T) {
	t.Parallel()
	dbURL := apptest.PostgresURL(t)
	errs := make(chan error, 3)
	for range 3 {
		go func() {
			a, err := app.New(context.Background(), apptest.Config(t, dbURL), app.Options{Log: apptest.Logger(t)})
			if err == nil {
				a.Close()
			}
			errs <- err
		}()
	}
	for range 3 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// TestShutdownFinishesInFlightRequests begins a request, shuts the instance
// down while the request body is still arriving, and gets a whole answer.
func TestShutdownFinishesInFlightRequests(t *testing.T) {
	t.Parallel()
	cfg := apptest.Config(t, "")
	inst := apptest.Start(t, cfg)
	body, w := io.Pipe()
	req, _ := http.NewRequest(http.MethodPost, inst.URL+"/login", body)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	type result struct {
		status int
		err    error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			got <- result{err: err}
			return
		}
		resp.Body.Close()
		got <- result{status: resp.StatusCode}
	}()
	io.WriteString(w, "email=ann%40example.test&")
	time.Sleep(100 * time.Millisecond) // the request is in the handler, reading its body
	stopped := make(chan error, 1)
	go func() { stopped <- inst.Shutdown(context.Background()) }()
	time.Sleep(100 * time.Millisecond)
	select {
	case err := <-stopped:
		t.Fatalf("shutdown returned before the request finished: %v", err)
	default:
	}
	io.WriteString(w, "password=x")
	w.Close()
	r := <-got
	if r.err != nil || r.status != http.StatusForbidden { // no CSRF token: a whole, proper answer
		t.Errorf("in-flight request: status %d, err %v", r.status, r.err)
	}
	if err := <-stopped; err != nil {
		t.Errorf("shutdown: %v", err)
	}
	if _, err := http.Get(inst.URL + "/healthz"); err == nil {
		t.Error("the server still answers after shutdown")
	}
}

// TestSweepSubmitsOverdueAttempts lets a candidate's time run out while
// nobody has the page open: the periodic sweep submits and scores it.
func TestSweepSubmitsOverdueAttempts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := apptest.NewClock(time.Now())
	inst := apptest.StartWith(t, apptest.Config(t, ""), app.Options{Now: clock.Now})
	org, _ := inst.Accounts.CreateOrg(ctx, model.CommandLine(0), "Acme", "")
	doc, _ := os.ReadFile("../../examples/postings/customer-support-lead.json") // 40 minutes in all
	p, err := inst.Postings.Import(ctx, model.CommandLine(org.ID), bytes.NewReader(doc), true)
	if err != nil {
		t.Fatal(err)
	}
	c, err := inst.Candidates.Add(ctx, model.CommandLine(org.ID), p.ID, candidates.Person{FirstName: "Ada", LastName: "L", Email: "ada@example.test"}, candidates.AddOptions{Source: model.SourceManual})
	if err != nil {
		t.Fatal(err)
	}
	link := inst.Candidates.Link(c)
	if err := inst.Candidates.Start(ctx, link[strings.LastIndex(link, "/")+1:], true); err != nil {
		t.Fatal(err)
	}
	if n, err := inst.Candidates.SubmitOverdue(ctx); err != nil || n != 0 {
		t.Fatalf("before the deadline the sweep submitted %d (%v)", n, err)
	}
	clock.Advance(41 * time.Minute)
	// The sweep runs as a job, here enqueued by hand instead of waiting a minute.
	if err := inst.Store.Tx(ctx, func(tx *sql.Tx) error { return inst.Queue.Insert(ctx, tx, jobs.SweepArgs{}) }); err != nil {
		t.Fatal(err)
	}
	apptest.Eventually(t, 10*time.Second, "the sweep to submit the attempt", func() bool {
		got, _ := inst.Candidates.Get(ctx, model.CommandLine(org.ID), c.ID)
		return got.Status == model.CandidateCompleted && got.Score != nil
	})
	got, _ := inst.Candidates.Get(ctx, model.CommandLine(org.ID), c.ID)
	a, _ := store.GetAttempt(ctx, inst.Store.DB, c.ID, got.AttemptID)
	if a.SubmitReason != "time_limit" || got.Recommendation != "strong_no" {
		t.Errorf("submitted by %q, recommendation %q", a.SubmitReason, got.Recommendation)
	}
}

// TestReadinessNeedsWrites: /readyz fails when the data folder is nearly full
// or when a write does not commit, while reads still work.
func TestReadinessNeedsWrites(t *testing.T) {
	t.Parallel()
	readyz := func(inst *apptest.Instance) (int, string) {
		resp, err := http.Get(inst.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	roomy := func(string) (uint64, error) { return 10 << 30, nil }
	full := func(string) (uint64, error) { return 1 << 20, nil }

	ok := apptest.StartWith(t, apptest.Config(t, ""), app.Options{FreeBytes: roomy})
	if st, body := readyz(ok); st != http.StatusOK {
		t.Errorf("healthy instance: %d %s", st, body)
	}
	nearlyFull := apptest.StartWith(t, apptest.Config(t, ""), app.Options{FreeBytes: full})
	if st, body := readyz(nearlyFull); st != http.StatusServiceUnavailable || !strings.Contains(body, "full") {
		t.Errorf("nearly full disk: %d %s", st, body)
	}
	broken := apptest.StartWith(t, apptest.Config(t, ""), app.Options{FreeBytes: roomy})
	if _, err := broken.Store.DB.Exec(`DROP TABLE health_probe`); err != nil {
		t.Fatal(err)
	}
	if st, body := readyz(broken); st != http.StatusServiceUnavailable || !strings.Contains(body, "writes") {
		t.Errorf("writes failing: %d %s", st, body)
	}
}
