package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/model"
)

var resetLinkRe = regexp.MustCompile(`http://[^\s"]+/password/reset/[A-Za-z0-9_-]+`)

func TestPasswordReset(t *testing.T) {
	t.Parallel()
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		e := start(t, dbURL)
		signedIn, _ := e.member(t, "acme", "ann@acme.test", model.RoleAdmin)
		c := apptest.NewClient(t, e.URL)
		for _, email := range []string{"nobody@acme.test", "ANN@acme.test"} {
			r := c.Submit("/password/forgot", "/password/forgot", url.Values{"email": {email}})
			if r.Status != http.StatusOK || !strings.Contains(r.Body, "If an account with") {
				t.Fatalf("forgot %s: %d", email, r.Status)
			}
		}
		mail := e.box.WaitFor(t, "ann@acme.test", 10*time.Second)
		link := resetLinkRe.FindString(mail.Text)
		if link == "" {
			t.Fatalf("no reset link in %q", mail.Text)
		}
		// Mail is queued in the request's own transaction: the outbox is
		// complete once the requests have been answered.
		outbox, err := e.Queue.Outbox(context.Background(), 50)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range outbox {
			if m.To == "nobody@acme.test" {
				t.Error("a reset mail went to an address with no account")
			}
		}
		path := strings.TrimPrefix(link, e.URL)
		if r := c.Submit(path, path, url.Values{"password": {"short"}, "password_confirm": {"short"}}); r.Status != http.StatusBadRequest {
			t.Errorf("short password: %d", r.Status)
		}
		if r := c.Submit(path, path, url.Values{"password": {"a new long password"}, "password_confirm": {"another one"}}); r.Status != http.StatusBadRequest {
			t.Errorf("mismatched passwords: %d", r.Status)
		}
		r := c.Submit(path, path, url.Values{"password": {"a new long password"}, "password_confirm": {"a new long password"}})
		mustStatus(t, "reset", r, http.StatusSeeOther)
		if r := c.Get("/settings"); r.Status != http.StatusOK {
			t.Errorf("not signed in after the reset: %d", r.Status)
		}
		if r := signedIn.Get("/settings"); r.Status != http.StatusSeeOther {
			t.Errorf("an old session survived the reset: %d", r.Status)
		}
		if r := apptest.NewClient(t, e.URL).Get(path); r.Status != http.StatusNotFound {
			t.Errorf("a used reset link answers %d", r.Status)
		}
		apptest.NewClient(t, e.URL).SignIn("ann@acme.test", "a new long password")
		if r := apptest.NewClient(t, e.URL).Submit("/login", "/login", url.Values{"email": {"ann@acme.test"}, "password": {password}}); r.Status != http.StatusUnauthorized {
			t.Errorf("the old password still works: %d", r.Status)
		}
	})
}

func TestPasswordResetMailsAreLimited(t *testing.T) {
	t.Parallel()
	e := start(t, "")
	e.member(t, "acme", "ann@acme.test", model.RoleAdmin)
	for range 5 {
		c := apptest.NewClient(t, e.URL)
		c.Submit("/password/forgot", "/password/forgot", url.Values{"email": {"ann@acme.test"}})
	}
	// Each request queued its mail (or not) in its own transaction.
	outbox, err := e.Queue.Outbox(context.Background(), 50)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(outbox); n != 3 {
		t.Errorf("%d reset mails in an hour, want at most 3", n)
	}
	apptest.Eventually(t, 10*time.Second, "three reset mails delivered", func() bool { return len(e.box.Messages()) == 3 })
}
