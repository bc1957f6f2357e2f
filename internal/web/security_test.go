package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/candidates"
	"github.com/talentsystems/talentsystems/internal/config"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// fromAddr makes c's requests come through a trusted proxy on behalf of ip.
func fromAddr(c *apptest.Client, ip string) *apptest.Client {
	c.HTTP.Transport = forwardedFor{ip}
	return c
}

type forwardedFor struct{ ip string }

func (f forwardedFor) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Forwarded-For", "203.0.113.66, "+f.ip) // the left hop is forged and ignored
	return http.DefaultTransport.RoundTrip(r)
}

// startWith starts an instance after edit changed its configuration.
func startWith(t *testing.T, edit func(*config.Config)) *env {
	t.Helper()
	box := apptest.NewMailbox(t)
	cfg := apptest.Config(t, "")
	cfg.SMTP = box.SMTP()
	edit(cfg)
	inst := apptest.Start(t, cfg)
	e := &env{Instance: inst, box: box}
	return e
}

func trustLoopback(cfg *config.Config) {
	cfg.TrustedProxies = []netipPrefix{mustPrefix("127.0.0.0/8"), mustPrefix("::1/128")}
}

func TestSignInLimitsDoNotLockOutTheOwner(t *testing.T) {
	t.Parallel()
	e := startWith(t, trustLoopback)
	e.member(t, "acme", "ann@acme.test", model.RoleAdmin)
	e.member(t, "acme", "bob@acme.test", model.RoleRecruiter)
	wrong := func(c *apptest.Client, email string) int {
		return c.Submit("/login", "/login", url.Values{"email": {email}, "password": {"a wrong guess"}}).Status
	}
	right := func(c *apptest.Client, email string) int {
		return c.Submit("/login", "/login", url.Values{"email": {email}, "password": {password}}).Status
	}

	// An attacker elsewhere guesses Ann's password until refused, and keeps
	// trying twice a minute.
	attacker := fromAddr(apptest.NewClient(t, e.URL), "198.51.100.7")
	var last int
	for range 7 {
		last = wrong(attacker, "ann@acme.test")
	}
	if last != http.StatusTooManyRequests {
		t.Errorf("7th guess from one address: %d, want 429", last)
	}
	// Ann, at home, still signs in.
	if st := right(fromAddr(apptest.NewClient(t, e.URL), "192.0.2.10"), "ann@acme.test"); st != http.StatusSeeOther {
		t.Errorf("the owner's correct password from another address: %d", st)
	}
	// Many attackers together: the email goes over its global limit, and
	// still an address with no failures gets through.
	for i := range 60 {
		wrong(fromAddr(apptest.NewClient(t, e.URL), fmt.Sprintf("198.51.100.%d", 100+i)), "ann@acme.test")
	}
	if st := right(fromAddr(apptest.NewClient(t, e.URL), "192.0.2.11"), "ann@acme.test"); st != http.StatusSeeOther {
		t.Errorf("the owner after a distributed attack: %d", st)
	}

	// Eleven failures from one office address do not lock out a colleague.
	office := "192.0.2.50"
	for i := range 11 {
		wrong(fromAddr(apptest.NewClient(t, e.URL), office), fmt.Sprintf("typo%d@acme.test", i))
	}
	if st := right(fromAddr(apptest.NewClient(t, e.URL), office), "bob@acme.test"); st != http.StatusSeeOther {
		t.Errorf("a colleague behind the same address: %d", st)
	}
}

func TestForwardedForIgnoredWithoutTrustedProxy(t *testing.T) {
	t.Parallel()
	e := start(t, "")
	// Rotating X-Forwarded-For does not escape the limit when no proxy is trusted.
	var last int
	for i := range 7 {
		c := fromAddr(apptest.NewClient(t, e.URL), fmt.Sprintf("198.51.100.%d", i))
		last = c.Submit("/login", "/login", url.Values{"email": {"staff@ts.test"}, "password": {"guess"}}).Status
	}
	if last != http.StatusTooManyRequests {
		t.Errorf("forged X-Forwarded-For escaped the limit: %d", last)
	}
}

func TestValidLinkOpensAfterOtherMisses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := start(t, "")
	_, ann := e.member(t, "acme", "ann@acme.test", model.RoleAdmin)
	p := importExample(t, e, ann, "customer-support-lead")
	cand, err := e.Candidates.Add(ctx, ann.Actor(), p.ID, candidates.Person{FirstName: "Cleo", LastName: "Candidate", Email: "cleo@example.test"}, candidates.AddOptions{Source: model.SourceManual})
	if err != nil {
		t.Fatal(err)
	}
	c := apptest.NewClient(t, e.URL)
	var last int
	for i := range 25 {
		last = c.Get(fmt.Sprintf("/a/notatoken%030d", i)).Status
	}
	if last != http.StatusTooManyRequests {
		t.Errorf("25th unknown link: %d, want 429", last)
	}
	if r := c.Get("/a/" + tokenOf(e, cand)); r.Status != http.StatusOK {
		t.Errorf("a valid link after others' misses: %d", r.Status)
	}
}

func TestControlCharactersAreRefused(t *testing.T) {
	t.Parallel()
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		e := start(t, dbURL)
		c, _ := e.member(t, "acme", "ann@acme.test", model.RoleAdmin)
		anon := apptest.NewClient(t, e.URL)
		for what, r := range map[string]*apptest.Response{
			"sign-in email":   anon.Submit("/login", "/login", url.Values{"email": {"ann\x00@acme.test"}, "password": {"x"}}),
			"forgot email":    anon.Submit("/password/forgot", "/password/forgot", url.Values{"email": {"a\x00@acme.test"}}),
			"search":          c.Get("/candidates?q=%00"),
			"profile name":    c.Submit("/settings", "/settings/profile", url.Values{"name": {"Ann\x00"}}),
			"line break name": c.Get("/candidates?q=a%0Ab"),
			"tab in a name":   c.Submit("/settings", "/settings/profile", url.Values{"name": {"Ann\tB"}}),
			"newline in name": c.Submit("/settings", "/settings/profile", url.Values{"name": {"Ann\nB"}}),
			"CR in an email":  anon.Submit("/password/forgot", "/password/forgot", url.Values{"email": {"a@acme.test\r"}}),
			"tab in a title":  c.Submit("/postings/new", "/postings", url.Values{"title": {"Lead\tEngineer"}}),
		} {
			if r.Status != http.StatusBadRequest {
				t.Errorf("%s: %d, want 400", what, r.Status)
			}
		}
		if r := c.Submit("/settings", "/settings/profile", url.Values{"name": {"Ann\tB"}}); !strings.Contains(r.Body, "single line") {
			t.Errorf("a tab in a name is not told in words: %.300s", r.Body)
		}
		if r := c.Submit("/settings", "/settings/profile", url.Values{"name": {"Ann Ok"}}); r.Status != http.StatusSeeOther {
			t.Errorf("a clean profile name: %d", r.Status)
		}
		// Multi-line fields keep tabs and line breaks.
		if r := c.Submit("/postings/new", "/postings", url.Values{"title": {"Lead Engineer"}, "description": {"Line one.\r\n\tIndented line two."}}); r.Status == http.StatusBadRequest {
			t.Errorf("a multi-line description: %d %.300s", r.Status, r.Body)
		}
	})
}

func TestHeadersAndMetricsToken(t *testing.T) {
	t.Parallel()
	e := startWith(t, func(cfg *config.Config) {
		cfg.MetricsToken = "metrics-secret"
	})
	c, ann := e.member(t, "acme", "ann@acme.test", model.RoleAdmin)
	p := importExample(t, e, ann, "customer-support-lead")
	if cc := c.Get(fmt.Sprintf("/postings/%d/export", p.ID)).Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("posting export Cache-Control %q", cc)
	}
	if r := c.Get("/metrics"); r.Status != http.StatusUnauthorized {
		t.Errorf("metrics without the token: %d", r.Status)
	}
	scrape := func() (int, string) {
		req, _ := http.NewRequest(http.MethodGet, e.URL+"/metrics", nil)
		req.Header.Set("Authorization", "Bearer metrics-secret")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if st, body := scrape(); st != http.StatusOK || !strings.Contains(body, "talentsystems_jobs{") {
		t.Errorf("metrics with the token: %d", st)
	}
	e.Store.DB.Close()
	st, body := scrape()
	if st != http.StatusOK || !strings.Contains(body, "talentsystems_http_requests_total") || !strings.Contains(body, "talentsystems_metrics_collect_errors_total 1") {
		t.Errorf("metrics with the database down: %d\n%.600s", st, body)
	}
}

func TestInviteDoesNotRevealOtherOrganizations(t *testing.T) {
	t.Parallel()
	e := start(t, "")
	c, _ := e.member(t, "acme", "ann@acme.test", model.RoleAdmin)
	e.member(t, "globex", "hank@globex.test", model.RoleAdmin)
	free := c.Submit("/settings", "/settings/teammates", url.Values{"email": {"new@acme.test"}, "role": {"recruiter"}})
	taken := c.Submit("/settings", "/settings/teammates", url.Values{"email": {"hank@globex.test"}, "role": {"recruiter"}})
	if free.Status != taken.Status || free.Location != taken.Location {
		t.Errorf("free address %d %s, another organization's %d %s", free.Status, free.Location, taken.Status, taken.Location)
	}
	outbox, _ := e.Queue.Outbox(context.Background(), 50)
	for _, m := range outbox {
		if m.To == "hank@globex.test" {
			t.Error("an invitation was mailed to another organization's member")
		}
	}
}

func TestPasswordChangeEndsResetLinks(t *testing.T) {
	t.Parallel()
	e := start(t, "")
	c, _ := e.member(t, "acme", "ann@acme.test", model.RoleAdmin)
	apptest.NewClient(t, e.URL).Submit("/password/forgot", "/password/forgot", url.Values{"email": {"ann@acme.test"}})
	mail := e.box.WaitFor(t, "ann@acme.test", 10*time.Second)
	link := resetLinkRe.FindString(mail.Text)
	if link == "" {
		t.Fatalf("no reset link in %q", mail.Text)
	}
	mustStatus(t, "change password", c.Submit("/settings", "/settings/profile", url.Values{"name": {"Ann"}, "current_password": {password}, "new_password": {"a brand new password"}}), http.StatusSeeOther)
	if r := apptest.NewClient(t, e.URL).Get(strings.TrimPrefix(link, e.URL)); r.Status != http.StatusNotFound {
		t.Errorf("a reset link from before the password change answers %d", r.Status)
	}
}

func TestErasureReachesMailsAndLogs(t *testing.T) {
	t.Parallel()
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		e := start(t, dbURL)
		c, ann := e.member(t, "acme", "ann@acme.test", model.RoleAdmin)
		p := importExample(t, e, ann, "customer-support-lead")
		cand, err := e.Candidates.Add(ctx, ann.Actor(), p.ID, candidates.Person{FirstName: "Grace", LastName: "Hopper", Email: "grace@example.test"}, candidates.AddOptions{Source: model.SourceManual, SendEmail: true})
		if err != nil {
			t.Fatal(err)
		}
		e.box.WaitFor(t, "grace@example.test", 10*time.Second)
		if err := store.AddGreenhouseEvent(ctx, e.Store.DB, &model.GreenhouseEvent{OrgID: ann.OrgID, Kind: "send_test", OK: true, Detail: "test sent to Grace Hopper <grace@example.test>", CreatedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
		cardURL := fmt.Sprintf("/postings/%d/candidates/%d", p.ID, cand.ID)
		mustStatus(t, "erase", c.Submit(cardURL, cardURL+"/erase", url.Values{"confirm": {"erase"}}), http.StatusSeeOther)
		for table, query := range map[string]string{
			"emails":            `SELECT to_addr || ' ' || subject || ' ' || text_body || ' ' || html_body FROM emails`,
			"audit_events":      `SELECT detail FROM audit_events`,
			"greenhouse_events": `SELECT detail FROM greenhouse_events`,
		} {
			rows, err := e.Store.DB.QueryContext(ctx, query)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var s string
				rows.Scan(&s)
				if strings.Contains(s, "grace@example.test") || strings.Contains(s, "Grace") || strings.Contains(s, "Hopper") {
					t.Errorf("%s keeps personal data after erasure: %q", table, s)
				}
			}
			rows.Close()
		}
	})
}

type netipPrefix = netip.Prefix

func mustPrefix(s string) netip.Prefix { return netip.MustParsePrefix(s) }

// TestMetricsAddr serves /metrics on its own address (TS_METRICS_ADDR),
// with the token when one is set, and no longer on the main one.
func TestMetricsAddr(t *testing.T) {
	t.Parallel()
	e := startWith(t, func(cfg *config.Config) {
		cfg.MetricsAddr = "127.0.0.1:0"
		cfg.MetricsToken = "metrics-secret"
	})
	get := func(url, token string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	addr := e.MetricsAddr()
	if addr == "" || addr == e.Addr() {
		t.Fatalf("metrics address %q (main %s)", addr, e.Addr())
	}
	if st, body := get("http://"+addr+"/metrics", "metrics-secret"); st != http.StatusOK || !strings.Contains(body, "talentsystems_jobs{") {
		t.Errorf("metrics on its own address: %d", st)
	}
	if st, _ := get("http://"+addr+"/metrics", ""); st != http.StatusUnauthorized {
		t.Errorf("metrics on its own address without the token: %d", st)
	}
	if st, _ := get("http://"+addr+"/login", ""); st != http.StatusNotFound {
		t.Errorf("the metrics address serves the site: /login %d", st)
	}
	if st, _ := get(e.URL+"/metrics", "metrics-secret"); st != http.StatusNotFound {
		t.Errorf("the main address still serves /metrics: %d", st)
	}
}
