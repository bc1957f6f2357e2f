package store_test

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

func open(t *testing.T, databaseURL string) *store.Store {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, databaseURL, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := s.Pending(ctx); err != nil || n != 0 {
		t.Fatalf("after Migrate: %d pending, %v", n, err)
	}
	return s
}

var t0 = time.Date(2026, 11, 29, 10, 0, 0, 123456000, time.UTC)

func TestAccounts(t *testing.T) {
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		s := open(t, dbURL)
		acme, err := store.CreateOrg(ctx, s.DB, "acme", "Acme", t0)
		if err != nil {
			t.Fatal(err)
		}
		globex, err := store.CreateOrg(ctx, s.DB, "globex", "Globex", t0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.CreateOrg(ctx, s.DB, "acme", "Acme again", t0); apperror.KindOf(err) != apperror.Conflict {
			t.Errorf("duplicate slug: got %v, want Conflict", err)
		}
		ann := &model.User{OrgID: acme.ID, Email: " Ann@Acme.TEST ", Name: "Ann", PasswordHash: "h", Role: model.RoleAdmin, CreatedAt: t0}
		if err := store.CreateUser(ctx, s.DB, ann); err != nil {
			t.Fatal(err)
		}
		if ann.Email != "ann@acme.test" {
			t.Errorf("email not normalized: %q", ann.Email)
		}
		dup := &model.User{OrgID: globex.ID, Email: "ANN@acme.test", Name: "Other", PasswordHash: "h", Role: model.RoleAdmin, CreatedAt: t0}
		if err := store.CreateUser(ctx, s.DB, dup); apperror.KindOf(err) != apperror.Invalid {
			t.Errorf("duplicate email: got %v, want a field error", err)
		}
		got, err := store.UserByEmail(ctx, s.DB, "ANN@ACME.test")
		if err != nil || got.ID != ann.ID || !got.CreatedAt.Equal(t0) || got.OrgID != acme.ID {
			t.Fatalf("UserByEmail = %+v, %v", got, err)
		}
		// Tenancy: a user is found only within its own organization.
		if _, err := store.OrgUser(ctx, s.DB, globex.ID, ann.ID); apperror.KindOf(err) != apperror.NotFound {
			t.Errorf("OrgUser across organizations: got %v, want NotFound", err)
		}
		if err := store.SetUserRole(ctx, s.DB, globex.ID, ann.ID, model.RoleRecruiter); apperror.KindOf(err) != apperror.NotFound {
			t.Errorf("SetUserRole across organizations: got %v, want NotFound", err)
		}
		if u, _ := store.UserByID(ctx, s.DB, ann.ID); u.Role != model.RoleAdmin {
			t.Error("a foreign organization changed a role")
		}
		// A staff user belongs to no organization, and the schema enforces it.
		staff := &model.User{Email: "ops@example.test", Name: "Ops", PasswordHash: "h", Role: model.RoleStaff, CreatedAt: t0}
		if err := store.CreateUser(ctx, s.DB, staff); err != nil {
			t.Fatal(err)
		}
		bad := &model.User{OrgID: acme.ID, Email: "x@example.test", Name: "X", PasswordHash: "h", Role: model.RoleStaff, CreatedAt: t0}
		if err := store.CreateUser(ctx, s.DB, bad); err == nil {
			t.Error("a staff user inside an organization was stored")
		}
		if n, _ := store.CountStaff(ctx, s.DB); n != 1 {
			t.Errorf("CountStaff = %d", n)
		}
		orgs, err := store.ListOrgs(ctx, s.DB)
		if err != nil || len(orgs) != 2 {
			t.Fatalf("ListOrgs = %v, %v", orgs, err)
		}
		for _, o := range orgs {
			if o.Slug == "acme" && o.Users != 1 {
				t.Errorf("acme has %d users, want 1", o.Users)
			}
		}
	})
}

func TestSessionsAndInvitations(t *testing.T) {
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		s := open(t, dbURL)
		org, _ := store.CreateOrg(ctx, s.DB, "acme", "Acme", t0)
		u := &model.User{OrgID: org.ID, Email: "a@acme.test", Name: "A", PasswordHash: "h", Role: model.RoleAdmin, CreatedAt: t0}
		if err := store.CreateUser(ctx, s.DB, u); err != nil {
			t.Fatal(err)
		}
		if err := store.CreateSession(ctx, s.DB, "hash1", u.ID, t0, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		store.CreateSession(ctx, s.DB, "hash2", u.ID, t0, t0.Add(time.Hour))
		if got, err := store.SessionUser(ctx, s.DB, "hash1", t0.Add(time.Minute)); err != nil || got.ID != u.ID {
			t.Fatalf("SessionUser = %v, %v", got, err)
		}
		if _, err := store.SessionUser(ctx, s.DB, "hash1", t0.Add(2*time.Hour)); apperror.KindOf(err) != apperror.NotFound {
			t.Errorf("expired session: got %v", err)
		}
		if err := store.DeleteUserSessions(ctx, s.DB, u.ID, "hash1"); err != nil {
			t.Fatal(err)
		}
		if _, err := store.SessionUser(ctx, s.DB, "hash2", t0); apperror.KindOf(err) != apperror.NotFound {
			t.Error("DeleteUserSessions kept another session")
		}
		if _, err := store.SessionUser(ctx, s.DB, "hash1", t0); err != nil {
			t.Error("DeleteUserSessions ended the kept session")
		}
		if n, err := store.DeleteExpiredSessions(ctx, s.DB, t0.Add(2*time.Hour)); err != nil || n != 1 {
			t.Errorf("DeleteExpiredSessions = %d, %v", n, err)
		}

		inv := &model.Invitation{OrgID: org.ID, Email: "New@Acme.test", Role: model.RoleRecruiter, TokenHash: "th", InvitedBy: u.ID, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
		if err := store.CreateInvitation(ctx, s.DB, inv); err != nil {
			t.Fatal(err)
		}
		got, err := store.OpenInvitation(ctx, s.DB, "th", t0)
		if err != nil || got.Email != "new@acme.test" || got.InvitedBy != u.ID || !got.ExpiresAt.Equal(t0.Add(time.Hour)) {
			t.Fatalf("OpenInvitation = %+v, %v", got, err)
		}
		if _, err := store.OpenInvitation(ctx, s.DB, "th", t0.Add(2*time.Hour)); apperror.KindOf(err) != apperror.NotFound {
			t.Error("expired invitation still open")
		}
		if err := store.AcceptInvitation(ctx, s.DB, inv.ID, t0); err != nil {
			t.Fatal(err)
		}
		if err := store.AcceptInvitation(ctx, s.DB, inv.ID, t0); apperror.KindOf(err) != apperror.Conflict {
			t.Errorf("second accept: got %v, want Conflict", err)
		}
		if _, err := store.OpenInvitation(ctx, s.DB, "th", t0); apperror.KindOf(err) != apperror.NotFound {
			t.Error("accepted invitation still open")
		}
	})
}

func TestTxRollsBack(t *testing.T) {
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		s := open(t, dbURL)
		err := s.Tx(ctx, func(tx *sql.Tx) error {
			if _, err := store.CreateOrg(ctx, tx, "acme", "Acme", t0); err != nil {
				return err
			}
			_, err := store.CreateOrg(ctx, tx, "acme", "Acme twice", t0)
			return err
		})
		if apperror.KindOf(err) != apperror.Conflict {
			t.Fatalf("got %v, want Conflict", err)
		}
		if orgs, _ := store.ListOrgs(ctx, s.DB); len(orgs) != 0 {
			t.Errorf("a failed transaction left %d organizations", len(orgs))
		}
	})
}

// TestTxTurns: on SQLite, write transactions waiting for the one writer
// run in the order they came (database/sql alone hands the connection to a
// random waiter), and one whose context ends while it waits gives up with
// that error.
func TestTxTurns(t *testing.T) {
	ctx := context.Background()
	s := open(t, "")
	release := make(chan struct{})
	holding := make(chan struct{})
	go s.Tx(ctx, func(*sql.Tx) error { close(holding); <-release; return nil })
	<-holding
	const waiters = 8
	var mu sync.Mutex
	var order []int
	var wg sync.WaitGroup
	for i := range waiters {
		wg.Go(func() {
			s.Tx(ctx, func(*sql.Tx) error { mu.Lock(); order = append(order, i); mu.Unlock(); return nil })
		})
		time.Sleep(20 * time.Millisecond) // waiter i queues before waiter i+1 starts
	}
	gone, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if err := s.Tx(gone, func(*sql.Tx) error { return nil }); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a wait past its context: %v, want the deadline", err)
	}
	close(release)
	wg.Wait()
	for i, got := range order {
		if got != i {
			t.Fatalf("transactions ran in the order %v, want the order they came", order)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := store.Open(ctx, "postgres://nobody@127.0.0.1:1/none?connect_timeout=2", t.TempDir()); err == nil {
		t.Error("an unreachable PostgreSQL was accepted")
	}
	if _, err := store.Open(ctx, "", "/proc/no-such-folder/data"); err == nil {
		t.Error("an uncreatable data folder was accepted")
	}
}

// TestOpenConcurrently: commands started at once on one SQLite data folder
// all open it (the start-up write check of one never drops another's).
// TestOpenAgainConcurrently opens an existing data folder many times at
// once, as admin commands started together do: the write check of one must
// not drop another's table ("no such table: _write_check").
func TestOpenAgainConcurrently(t *testing.T) {
	dir := t.TempDir()
	s, err := store.Open(context.Background(), "", dir)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	errs := make(chan error, 8*25)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 25 {
				s, err := store.Open(context.Background(), "", dir)
				if err == nil {
					s.Close()
				}
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

func TestOpenConcurrently(t *testing.T) {
	dir := t.TempDir()
	errs := make(chan error, 16)
	for range cap(errs) {
		go func() {
			s, err := store.Open(context.Background(), "", dir)
			if err == nil {
				s.Close()
			}
			errs <- err
		}()
	}
	for range cap(errs) {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
