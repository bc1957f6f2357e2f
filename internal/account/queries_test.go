package account_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/account"
	"github.com/talentsystems/talentsystems/internal/app"
	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/auth"
	"github.com/talentsystems/talentsystems/internal/model"
)

// open builds the services on a real database with a fake clock, without
// HTTP or job workers.
func open(t *testing.T, dbURL string) (*app.App, *apptest.Clock) {
	t.Helper()
	return apptest.NewApp(t, dbURL, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
}

func TestAccountQueries(t *testing.T) {
	t.Parallel()
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		a, clock := open(t, dbURL)
		cli := model.CommandLine(0)
		acme, err := a.Accounts.CreateOrg(ctx, cli, "Acme", "")
		if err != nil {
			t.Fatal(err)
		}
		other, _ := a.Accounts.CreateOrg(ctx, cli, "Other", "")
		ann, err := a.Accounts.CreateUser(ctx, cli, account.NewUser{OrgID: acme.ID, Email: "Ann@Acme.test", Password: "correct horse battery", Role: model.RoleAdmin})
		if err != nil {
			t.Fatal(err)
		}

		orgs, err := a.Accounts.Orgs(ctx)
		if err != nil || len(orgs) != 2 {
			t.Fatalf("Orgs: %d, %v", len(orgs), err)
		}
		if o, err := a.Accounts.OrgBySlug(ctx, "acme"); err != nil || o.ID != acme.ID {
			t.Errorf("OrgBySlug: %v, %v", o, err)
		}
		if _, err := a.Accounts.OrgByID(ctx, 999999); apperror.KindOf(err) != apperror.NotFound {
			t.Errorf("unknown org: %v", err)
		}
		if m, err := a.Accounts.Members(ctx, acme.ID); err != nil || len(m) != 1 || m[0].Email != "ann@acme.test" {
			t.Errorf("Members: %v, %v", m, err)
		}
		if taken, err := a.Accounts.EmailTaken(ctx, "ann@acme.test"); err != nil || !taken {
			t.Errorf("EmailTaken(ann) = %t, %v", taken, err)
		}
		if taken, err := a.Accounts.EmailTaken(ctx, "bob@acme.test"); err != nil || taken {
			t.Errorf("EmailTaken(bob) = %t, %v", taken, err)
		}

		// A member invites into their own organization only; the mail is in
		// the outbox as soon as Invite returns.
		if _, err := a.Accounts.Invite(ctx, ann.Actor(), other.ID, "eve@other.test", model.RoleAdmin); apperror.KindOf(err) != apperror.Forbidden {
			t.Errorf("invite into another org: %v", err)
		}
		link, err := a.Accounts.Invite(ctx, ann.Actor(), acme.ID, "bob@acme.test", model.RoleRecruiter)
		if err != nil {
			t.Fatal(err)
		}
		outbox, err := a.Queue.Outbox(ctx, 10)
		if err != nil || len(outbox) != 1 || outbox[0].To != "bob@acme.test" {
			t.Fatalf("Outbox: %v, %v", outbox, err)
		}
		if e, err := a.Queue.Email(ctx, outbox[0].ID); err != nil || e.Subject != outbox[0].Subject {
			t.Errorf("Email: %v, %v", e, err)
		}
		if counts, err := a.Queue.Counts(ctx); err != nil || counts["available"] != 1 {
			t.Errorf("queue Counts: %v, %v (want 1 available: nothing works jobs here)", counts, err)
		}
		token := link[strings.LastIndex(link, "/")+1:]
		inv, org, err := a.Accounts.Invitation(ctx, token)
		if err != nil || inv.Email != "bob@acme.test" || org.ID != acme.ID {
			t.Fatalf("Invitation: %v %v %v", inv, org, err)
		}
		if p, err := a.Accounts.PendingInvitations(ctx, acme.ID); err != nil || len(p) != 1 {
			t.Errorf("PendingInvitations: %d, %v", len(p), err)
		}
		if log, err := a.Accounts.AuditLog(ctx, acme.ID, 10); err != nil || len(log) != 3 || log[0].Action != "user.invite" {
			t.Errorf("AuditLog: %v, %v", log, err)
		}

		// The invitation lapses with the clock.
		clock.Advance(account.InvitationTTL + time.Minute)
		if p, err := a.Accounts.PendingInvitations(ctx, acme.ID); err != nil || len(p) != 0 {
			t.Errorf("PendingInvitations after the TTL: %d, %v", len(p), err)
		}
		if _, _, err := a.Accounts.Invitation(ctx, token); err != account.ErrBadInvitation {
			t.Errorf("expired invitation: %v", err)
		}
	})
}

func TestSessions(t *testing.T) {
	t.Parallel()
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		a, clock := open(t, dbURL)
		acme, _ := a.Accounts.CreateOrg(ctx, model.CommandLine(0), "Acme", "")
		ann, _ := a.Accounts.CreateUser(ctx, model.CommandLine(0), account.NewUser{OrgID: acme.ID, Email: "ann@acme.test", Password: "correct horse battery", Role: model.RoleAdmin})
		staff, _ := a.Accounts.CreateUser(ctx, model.CommandLine(0), account.NewUser{Email: "ops@ts.test", Password: "correct horse battery", Role: model.RoleStaff})

		tokens := map[string]string{}
		for _, u := range []*model.User{ann, staff} {
			tok, err := a.Accounts.StartSession(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			tokens[u.Email] = tok
		}
		u, org, err := a.Accounts.SessionUser(ctx, auth.Hash(tokens["ann@acme.test"]))
		if err != nil || u.ID != ann.ID || org == nil || org.ID != acme.ID {
			t.Errorf("SessionUser(ann): %v %v %v", u, org, err)
		}
		u, org, err = a.Accounts.SessionUser(ctx, auth.Hash(tokens["ops@ts.test"]))
		if err != nil || u.ID != staff.ID || org != nil {
			t.Errorf("SessionUser(staff): %v %v %v", u, org, err)
		}
		if err := a.Accounts.EndSession(ctx, auth.Hash(tokens["ops@ts.test"])); err != nil {
			t.Fatal(err)
		}
		if _, _, err := a.Accounts.SessionUser(ctx, auth.Hash(tokens["ops@ts.test"])); apperror.KindOf(err) != apperror.NotFound {
			t.Errorf("ended session: %v", err)
		}
		clock.Advance(account.SessionTTL)
		if _, _, err := a.Accounts.SessionUser(ctx, auth.Hash(tokens["ann@acme.test"])); apperror.KindOf(err) != apperror.NotFound {
			t.Errorf("expired session: %v", err)
		}
	})
}
