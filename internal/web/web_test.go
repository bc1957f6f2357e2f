package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/account"
	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

const password = "correct horse battery"

// env is one running instance with a mailbox and a staff user.
type env struct {
	*apptest.Instance
	box *apptest.Mailbox
}

func start(t *testing.T, dbURL string) *env {
	t.Helper()
	box := apptest.NewMailbox(t)
	cfg := apptest.Config(t, dbURL)
	cfg.SMTP = box.SMTP()
	inst := apptest.Start(t, cfg)
	if _, err := inst.Accounts.CreateUser(context.Background(), model.CommandLine(0), account.NewUser{Email: "staff@ts.test", Name: "Staff", Password: password, Role: model.RoleStaff}); err != nil {
		t.Fatal(err)
	}
	return &env{Instance: inst, box: box}
}

// member creates an organization member directly and returns a signed-in client.
func (e *env) member(t *testing.T, orgSlug, email string, role model.Role) (*apptest.Client, *model.User) {
	t.Helper()
	ctx := context.Background()
	org, err := store.OrgBySlug(ctx, e.Store.DB, orgSlug)
	if err != nil {
		if org, err = e.Accounts.CreateOrg(ctx, model.CommandLine(0), strings.ToUpper(orgSlug[:1])+orgSlug[1:], orgSlug); err != nil {
			t.Fatal(err)
		}
	}
	u, err := e.Accounts.CreateUser(ctx, model.CommandLine(0), account.NewUser{OrgID: org.ID, Email: email, Name: email[:strings.IndexByte(email, '@')], Password: password, Role: role})
	if err != nil {
		t.Fatal(err)
	}
	c := apptest.NewClient(t, e.URL)
	c.SignIn(email, password)
	return c, u
}

var linkRe = regexp.MustCompile(`http://[^\s"]+/invite/[A-Za-z0-9_-]+`)

func TestSignInAndOut(t *testing.T) {
	t.Parallel()
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		e := start(t, dbURL)
		c := apptest.NewClient(t, e.URL)
		if r := c.Get("/postings"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login?next=") {
			t.Fatalf("anonymous /postings: %d %s", r.Status, r.Location)
		}
		for _, tc := range []struct{ email, pw string }{{"staff@ts.test", "wrong password"}, {"nobody@ts.test", password}, {"", ""}} {
			r := c.Submit("/login", "/login", url.Values{"email": {tc.email}, "password": {tc.pw}})
			if r.Status != http.StatusUnauthorized || !strings.Contains(r.Body, "Wrong email or password.") {
				t.Errorf("sign in %q/%q: %d", tc.email, tc.pw, r.Status)
			}
		}
		r := c.Submit("/login", "/login", url.Values{"email": {"STAFF@ts.test"}, "password": {password}, "next": {"/staff/outbox"}})
		if r.Status != http.StatusSeeOther || r.Location != "/staff/outbox" {
			t.Fatalf("sign in: %d %s", r.Status, r.Location)
		}
		if r := c.Get("/staff"); r.Status != http.StatusOK || !strings.Contains(r.Body, "Organizations") {
			t.Fatalf("staff console: %d", r.Status)
		}
		r = c.Submit("/staff", "/logout", nil)
		if r.Status != http.StatusSeeOther {
			t.Fatalf("logout: %d", r.Status)
		}
		if r := c.Get("/staff"); r.Status != http.StatusSeeOther {
			t.Errorf("after logout /staff: %d, want a redirect to sign in", r.Status)
		}
	})
}

func TestOpenRedirectRefused(t *testing.T) {
	t.Parallel()
	e := start(t, "")
	for _, next := range []string{"https://evil.example/", "//evil.example", "/\\evil.example"} {
		c := apptest.NewClient(t, e.URL)
		r := c.Submit("/login", "/login", url.Values{"email": {"staff@ts.test"}, "password": {password}, "next": {next}})
		if r.Status != http.StatusSeeOther || r.Location != "/" {
			t.Errorf("next=%q redirected to %q", next, r.Location)
		}
	}
}

func TestLoginRateLimit(t *testing.T) {
	t.Parallel()
	e := start(t, "")
	c := apptest.NewClient(t, e.URL)
	var last *apptest.Response
	for i := 0; i < 6; i++ {
		last = c.Submit("/login", "/login", url.Values{"email": {"staff@ts.test"}, "password": {"guess " + strconv.Itoa(i)}})
	}
	if last.Status != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" {
		t.Fatalf("6th wrong attempt: %d", last.Status)
	}
	// Even the right password is refused while limited.
	r := c.Submit("/login", "/login", url.Values{"email": {"staff@ts.test"}, "password": {password}})
	if r.Status != http.StatusTooManyRequests {
		t.Errorf("right password while limited: %d", r.Status)
	}
}

func TestCSRF(t *testing.T) {
	t.Parallel()
	e := start(t, "")
	c := apptest.NewClient(t, e.URL)
	c.SignIn("staff@ts.test", password)
	cases := map[string]url.Values{
		"missing": {"name": {"Evil"}},
		"forged":  {"name": {"Evil"}, "csrf_token": {"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}},
	}
	for name, form := range cases {
		t.Run(name, func(t *testing.T) {
			r := c.Post("/staff/orgs", form)
			if r.Status != http.StatusForbidden || !strings.Contains(r.Body, "expired or came from another site") {
				t.Errorf("status %d", r.Status)
			}
		})
	}
	t.Run("token of another browser", func(t *testing.T) {
		other := apptest.NewClient(t, e.URL)
		m := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(other.Get("/login").Body)
		if r := c.Post("/staff/orgs", url.Values{"name": {"Evil"}, "csrf_token": {m[1]}}); r.Status != http.StatusForbidden {
			t.Errorf("status %d", r.Status)
		}
	})
	t.Run("cross-origin", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, e.URL+"/staff/orgs", strings.NewReader("name=Evil"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		resp, err := c.HTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("status %d", resp.StatusCode)
		}
	})
	if orgs, _ := store.ListOrgs(context.Background(), e.Store.DB); len(orgs) != 0 {
		t.Errorf("refused forms created %d organizations", len(orgs))
	}
}

// TestOnboarding is the first-day story: staff creates an organization and
// invites its admin; the admin joins through the mailed link and invites a
// recruiter, who joins too; roles change, and the last admin stays an admin.
func TestOnboarding(t *testing.T) {
	t.Parallel()
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		e := start(t, dbURL)
		staff := apptest.NewClient(t, e.URL)
		staff.SignIn("staff@ts.test", password)
		r := staff.Submit("/staff", "/staff/orgs", url.Values{"name": {"Acme Corp"}, "admin_email": {"ann@acme.test"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("create org: %d %s", r.Status, r.Body)
		}
		if r := staff.Get(r.Location); !strings.Contains(r.Body, "acme-corp") || !strings.Contains(r.Body, "ann@acme.test") {
			t.Errorf("org page lacks slug or pending invitation")
		}

		mail := e.box.WaitFor(t, "ann@acme.test", 10*time.Second)
		if !strings.Contains(mail.Subject, "Acme Corp") || !strings.Contains(mail.HTML, "Set your password") {
			t.Errorf("invitation mail: %q\n%s", mail.Subject, mail.HTML)
		}
		link := linkRe.FindString(mail.Text)
		if link == "" {
			t.Fatalf("no link in %q", mail.Text)
		}
		path := strings.TrimPrefix(link, e.URL)
		apptest.Eventually(t, 5*time.Second, "the outbox to show the mail sent", func() bool {
			return strings.Contains(staff.Get("/staff/outbox").Body, "badge-sent")
		})

		ann := apptest.NewClient(t, e.URL)
		if r := ann.Submit(path, path, url.Values{"name": {"Ann"}, "password": {"short"}, "password_confirm": {"short"}}); r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "at least 10") {
			t.Errorf("short password: %d", r.Status)
		}
		if r := ann.Submit(path, path, url.Values{"name": {"Ann"}, "password": {password}, "password_confirm": {password + "x"}}); r.Status != http.StatusBadRequest {
			t.Errorf("mismatched passwords: %d", r.Status)
		}
		if r := ann.Submit(path, path, url.Values{"name": {"Ann Admin"}, "password": {password}, "password_confirm": {password}}); r.Status != http.StatusSeeOther {
			t.Fatalf("accept: %d %s", r.Status, r.Body)
		}
		if r := apptest.NewClient(t, e.URL).Get(path); r.Status != http.StatusNotFound {
			t.Errorf("a used invitation link answers %d", r.Status)
		}
		if r := ann.Get("/settings"); r.Status != http.StatusOK || !strings.Contains(r.Body, "Invite a teammate") {
			t.Fatalf("admin settings: %d", r.Status)
		}

		r = ann.Submit("/settings", "/settings/teammates", url.Values{"email": {"bob@acme.test"}, "role": {"recruiter"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("invite: %d %s", r.Status, r.Body)
		}
		for _, bad := range []url.Values{{"email": {"not-an-email"}, "role": {"recruiter"}}, {"email": {"x@acme.test"}, "role": {"owner"}}, {"email": {"ann@acme.test"}, "role": {"admin"}}} {
			if r := ann.Submit("/settings", "/settings/teammates", bad); r.Status != http.StatusBadRequest {
				t.Errorf("invite %v: %d", bad, r.Status)
			}
		}
		bobMail := e.box.WaitFor(t, "bob@acme.test", 10*time.Second)
		bobPath := strings.TrimPrefix(linkRe.FindString(bobMail.Text), e.URL)
		bob := apptest.NewClient(t, e.URL)
		if r := bob.Submit(bobPath, bobPath, url.Values{"name": {"Bob"}, "password": {password}, "password_confirm": {password}}); r.Status != http.StatusSeeOther {
			t.Fatalf("bob accepts: %d", r.Status)
		}
		if r := bob.Get("/settings"); strings.Contains(r.Body, "Invite a teammate") {
			t.Error("a recruiter sees the teammates form")
		}
		if r := bob.Submit("/settings", "/settings/teammates", url.Values{"email": {"eve@acme.test"}, "role": {"admin"}}); r.Status != http.StatusForbidden {
			t.Errorf("recruiter invites: %d", r.Status)
		}
		if r := bob.Get("/staff"); r.Status != http.StatusForbidden {
			t.Errorf("recruiter opens the staff console: %d", r.Status)
		}

		annUser, _ := store.UserByEmail(context.Background(), e.Store.DB, "ann@acme.test")
		bobUser, _ := store.UserByEmail(context.Background(), e.Store.DB, "bob@acme.test")
		rolePath := func(u *model.User) string { return "/settings/teammates/" + strconv.FormatInt(u.ID, 10) + "/role" }
		if r := ann.Submit("/settings", rolePath(annUser), url.Values{"role": {"recruiter"}}); r.Status != http.StatusConflict || !strings.Contains(r.Body, "only admin") {
			t.Errorf("demoting the last admin: %d", r.Status)
		}
		if r := ann.Submit("/settings", rolePath(bobUser), url.Values{"role": {"admin"}}); r.Status != http.StatusSeeOther {
			t.Errorf("promote bob: %d", r.Status)
		}
		if u, _ := store.UserByID(context.Background(), e.Store.DB, bobUser.ID); u.Role != model.RoleAdmin {
			t.Errorf("bob is %s", u.Role)
		}
		if r := bob.Get("/settings"); !strings.Contains(r.Body, "Invite a teammate") {
			t.Error("bob's session did not pick up his new role")
		}
	})
}

func TestTenantWalls(t *testing.T) {
	t.Parallel()
	e := start(t, "")
	_, acmeUser := e.member(t, "acme", "ann@acme.test", model.RoleAdmin)
	globex, _ := e.member(t, "globex", "gus@globex.test", model.RoleAdmin)
	r := globex.Submit("/settings", "/settings/teammates/"+strconv.FormatInt(acmeUser.ID, 10)+"/role", url.Values{"role": {"recruiter"}})
	if r.Status != http.StatusNotFound {
		t.Errorf("changing another organization's user: %d", r.Status)
	}
	if u, _ := store.UserByID(context.Background(), e.Store.DB, acmeUser.ID); u.Role != model.RoleAdmin {
		t.Error("another organization's admin changed a role")
	}
	page := globex.Get("/settings").Body
	if strings.Contains(page, "ann@acme.test") {
		t.Error("another organization's member is listed")
	}
	if r := globex.Get("/staff/orgs/1"); r.Status != http.StatusForbidden {
		t.Errorf("org admin opens staff org page: %d", r.Status)
	}
}

func TestProfile(t *testing.T) {
	t.Parallel()
	e := start(t, "")
	c, _ := e.member(t, "acme", "ann@acme.test", model.RoleAdmin)
	other := apptest.NewClient(t, e.URL)
	other.SignIn("ann@acme.test", password)
	if r := c.Submit("/settings", "/settings/profile", url.Values{"name": {"Ann"}, "current_password": {"wrong"}, "new_password": {"another password"}}); r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "current password is wrong") {
		t.Errorf("wrong current password: %d", r.Status)
	}
	if r := c.Submit("/settings", "/settings/profile", url.Values{"name": {"Ann B"}, "current_password": {password}, "new_password": {"another password"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("change password: %d", r.Status)
	}
	if r := c.Get("/settings"); r.Status != http.StatusOK || !strings.Contains(r.Body, "Ann B") {
		t.Error("the changing session was signed out or the name not saved")
	}
	if r := other.Get("/settings"); r.Status != http.StatusSeeOther {
		t.Errorf("another session survived a password change: %d", r.Status)
	}
	apptest.NewClient(t, e.URL).SignIn("ann@acme.test", "another password")
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	e := start(t, "")
	c := apptest.NewClient(t, e.URL)
	c.SignIn("staff@ts.test", password)
	big := url.Values{"name": {strings.Repeat("x", 2<<20)}}
	if r := c.Post("/staff/orgs", big); r.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("2 MiB form: %d", r.Status)
	}
	for _, form := range []url.Values{{"name": {""}}, {"name": {"Acme"}, "slug": {"Not A Slug"}}, {"name": {"Acme"}, "admin_email": {"nope"}}} {
		if r := c.Submit("/staff", "/staff/orgs", form); r.Status != http.StatusBadRequest {
			t.Errorf("create org %v: %d", form, r.Status)
		}
	}
	c.Submit("/staff", "/staff/orgs", url.Values{"name": {"Acme"}})
	if r := c.Submit("/staff", "/staff/orgs", url.Values{"name": {"Acme"}}); r.Status != http.StatusConflict {
		t.Errorf("duplicate slug: %d", r.Status)
	}
	if orgs, _ := store.ListOrgs(context.Background(), e.Store.DB); len(orgs) != 1 {
		t.Errorf("%d organizations after one good request", len(orgs))
	}
	if r := c.Get("/invite/not-a-token"); r.Status != http.StatusNotFound || !strings.Contains(r.Body, "not valid") {
		t.Errorf("unknown invitation: %d", r.Status)
	}
	for _, p := range []string{"/no/such/page", "/staff/orgs/999", "/staff/orgs/abc", "/staff/outbox/999"} {
		if r := c.Get(p); r.Status != http.StatusNotFound {
			t.Errorf("%s: %d", p, r.Status)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, e.URL+"/staff/orgs/999", nil)
	req.Header.Set("Accept", "application/json")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound || resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("JSON error: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

func TestOperations(t *testing.T) {
	t.Parallel()
	e := start(t, "")
	c := apptest.NewClient(t, e.URL)
	if r := c.Get("/healthz"); r.Status != http.StatusOK {
		t.Errorf("healthz: %d", r.Status)
	}
	if r := c.Get("/readyz"); r.Status != http.StatusOK || !strings.Contains(r.Body, "ready") {
		t.Errorf("readyz: %d %s", r.Status, r.Body)
	}
	c.Get("/login")
	r := c.Get("/metrics")
	for _, want := range []string{`talentsystems_http_requests_total{code="200",method="GET",route="GET /login"}`, "talentsystems_http_request_duration_seconds_bucket", `talentsystems_jobs{state="available"}`} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if r.Header.Get("X-Request-Id") == "" {
		t.Error("no request id")
	}
	e.Store.DB.Close()
	if r := c.Get("/readyz"); r.Status != http.StatusServiceUnavailable {
		t.Errorf("readyz with the database closed: %d", r.Status)
	}
}
