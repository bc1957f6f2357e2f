package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/candidates"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// TestTimeZones checks that the browser's zone becomes a new user's at
// sign-in, that the profile setting is validated and changes the zone, and
// that the recruiter's pages show times in it with its abbreviation while
// the export stays in UTC.
func TestTimeZones(t *testing.T) {
	t.Parallel()
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		e := start(t, dbURL)
		_, ann := e.member(t, "acme", "ann@acme.test", model.RoleAdmin)
		ctx := context.Background()
		p := importExample(t, e, ann, "backend-engineer")
		cand, err := e.Candidates.Add(ctx, ann.Actor(), p.ID, candidates.Person{FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.test"}, candidates.AddOptions{Source: model.SourceManual})
		if err != nil {
			t.Fatal(err)
		}
		zoneOf := func() string {
			u, err := store.UserByID(ctx, e.Store.DB, ann.ID)
			if err != nil {
				t.Fatal(err)
			}
			return u.TimeZone
		}
		// member signed in once already, without a zone: still UTC.
		if z := zoneOf(); z != "" {
			t.Fatalf("zone %q before any browser reported one", z)
		}
		c := apptest.NewClient(t, e.URL)
		c.Submit("/login", "/login", url.Values{"email": {"ann@acme.test"}, "password": {password}, "browser_time_zone": {"Asia/Tokyo"}})
		if z := zoneOf(); z != "Asia/Tokyo" {
			t.Fatalf("zone %q after signing in from Tokyo", z)
		}
		// A later sign-in from elsewhere does not override the setting,
		// and an unknown name from a browser is ignored.
		other := apptest.NewClient(t, e.URL)
		other.Submit("/login", "/login", url.Values{"email": {"ann@acme.test"}, "password": {password}, "browser_time_zone": {"Europe/Paris"}})
		if z := zoneOf(); z != "Asia/Tokyo" {
			t.Fatalf("zone %q after a second sign-in", z)
		}

		jst := cand.CreatedAt.In(time.FixedZone("JST", 9*3600)).Format("2 Jan 2006 15:04") + " JST"
		list := fmt.Sprintf("/postings/%d/candidates", p.ID)
		expectStatus(t, "list in Tokyo time", c.Get(list), http.StatusOK, jst)
		expectStatus(t, "scorecard in Tokyo time", c.Get(fmt.Sprintf("%s/%d", list, cand.ID)), http.StatusOK, "JST")
		expectStatus(t, "all candidates", c.Get("/candidates"), http.StatusOK, jst)

		// The profile setting: refused with a clear message, then changed.
		bad := c.Submit("/settings", "/settings/profile", url.Values{"name": {"ann"}, "time_zone": {"Mars/Olympus_Mons"}})
		expectStatus(t, "unknown zone", bad, http.StatusBadRequest, `is not a time zone`, `id="tz-err"`, `value="Mars/Olympus_Mons"`)
		if z := zoneOf(); z != "Asia/Tokyo" {
			t.Fatalf("a refused zone changed the setting to %q", z)
		}
		expectRedirect(t, "New York", c.Submit("/settings", "/settings/profile", url.Values{"name": {"ann"}, "time_zone": {"America/New_York"}}), "/settings")
		ny, _ := time.LoadLocation("America/New_York")
		want := cand.CreatedAt.In(ny).Format("2 Jan 2006 15:04 MST")
		expectStatus(t, "list in New York time", c.Get(list), http.StatusOK, want)
		expectStatus(t, "settings say the zone", c.Get("/settings"), http.StatusOK, `value="America/New_York"`, "Now: America/New_York")

		// Messages the services write name days in the reader's zone
		// too: adding the candidate again says when they were added.
		var far *time.Location
		for _, name := range []string{"Pacific/Kiritimati", "Etc/GMT+12", "America/New_York", "Asia/Tokyo"} {
			if loc, _ := time.LoadLocation(name); loc != nil && cand.CreatedAt.In(loc).Day() != cand.CreatedAt.UTC().Day() {
				far = loc
				break
			}
		}
		if far == nil {
			t.Fatalf("no zone where %s is another day", cand.CreatedAt.UTC())
		}
		expectRedirect(t, far.String(), c.Submit("/settings", "/settings/profile", url.Values{"name": {"ann"}, "time_zone": {far.String()}}), "/settings")
		again := c.Submit(list, list, url.Values{"first_name": {"Ada"}, "last_name": {"Lovelace"}, "email": {"ada@example.test"}})
		expectStatus(t, "duplicate in the reader's zone", again, http.StatusConflict, "(added "+cand.CreatedAt.In(far).Format("2 Jan 2006")+",")
		invite := url.Values{"email": {"zed@acme.test"}, "role": {"recruiter"}}
		mustStatus(t, "invite", c.Submit("/settings", "/settings/teammates", invite), http.StatusSeeOther)
		inv, err := store.PendingInvitationByEmail(ctx, e.Store.DB, ann.OrgID, "zed@acme.test", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		expectStatus(t, "invited again, in the reader's zone", c.Submit("/settings", "/settings/teammates", invite), http.StatusBadRequest,
			"already invited on "+inv.CreatedAt.In(far).Format("2 Jan 2006"))
		expectRedirect(t, "New York again", c.Submit("/settings", "/settings/profile", url.Values{"name": {"ann"}, "time_zone": {"America/New_York"}}), "/settings")

		// Exports keep ISO 8601 in UTC.
		csv := c.Get(list + "/export")
		if csv.Status != http.StatusOK || !strings.Contains(csv.Body, cand.CreatedAt.UTC().Format("2006-01-02T15:04")) {
			t.Errorf("export: %d\n%s", csv.Status, csv.Body)
		}
		// A teammate without a zone of their own sees the organization's;
		// only an admin sets it, and only to a zone.
		rob, _ := e.member(t, "acme", "rob@acme.test", model.RoleRecruiter)
		expectStatus(t, "recruiter sets the org zone", rob.Submit("/settings", "/settings/time-zone", url.Values{"org_time_zone": {"Europe/Berlin"}}), http.StatusForbidden)
		expectStatus(t, "bad org zone", c.Submit("/settings", "/settings/time-zone", url.Values{"org_time_zone": {"Berlin"}}), http.StatusBadRequest, `id="org-tz-err"`, "is not a time zone")
		expectRedirect(t, "org zone", c.Submit("/settings", "/settings/time-zone", url.Values{"org_time_zone": {"Europe/Berlin"}}), "/settings#org-tz")
		berlin, _ := time.LoadLocation("Europe/Berlin")
		expectStatus(t, "teammate in the org's zone", rob.Get(list), http.StatusOK, cand.CreatedAt.In(berlin).Format("2 Jan 2006 15:04 MST"))
		expectStatus(t, "own zone first", c.Get(list), http.StatusOK, want)

		// Empty is the organization's zone again, and without one UTC.
		expectRedirect(t, "own zone emptied", c.Submit("/settings", "/settings/profile", url.Values{"name": {"ann"}, "time_zone": {""}}), "/settings")
		expectStatus(t, "back to the org's zone", c.Get(list), http.StatusOK, cand.CreatedAt.In(berlin).Format("2 Jan 2006 15:04 MST"))
		expectRedirect(t, "org zone emptied", c.Submit("/settings", "/settings/time-zone", url.Values{"org_time_zone": {""}}), "/settings#org-tz")
		expectStatus(t, "list in UTC", c.Get(list), http.StatusOK, cand.CreatedAt.UTC().Format("2 Jan 2006 15:04")+" UTC")
	})
}

// TestBrowserTimeZone signs a new user in from a browser in Berlin: their
// pages then show Berlin time, and the settings page offers the browser's
// zone and passes the audit.
func TestBrowserTimeZone(t *testing.T) {
	t.Parallel()
	ctx := apptest.Browser(t)
	e := start(t, "")
	_, ann := e.member(t, "acme", "ann@acme.test", model.RoleAdmin)
	apptest.Do(t, ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "Europe/Berlin"})
		return err
	}))
	signInBrowser(t, ctx, e.URL, "ann@acme.test")
	u, err := store.UserByID(context.Background(), e.Store.DB, ann.ID)
	if err != nil || u.TimeZone != "Europe/Berlin" {
		t.Fatalf("zone after signing in from Berlin: %q %v", u.TimeZone, err)
	}
	apptest.Load(t, ctx, chromedp.Navigate(e.URL+"/settings"))
	hint := apptest.Get(t, ctx, chromedp.Text(`#tz-hint`))
	if !strings.Contains(hint, "Now: Europe/Berlin") || !(strings.Contains(hint, "CET") || strings.Contains(hint, "CEST")) {
		t.Errorf("settings hint %q", hint)
	}
	apptest.Audit(t, ctx)

	// A candidate's page, whose reader's zone the server does not know,
	// shows the link's expiry in the browser's zone once the script ran.
	p := importExample(t, e, ann, "data-analyst")
	cand, err := e.Candidates.Add(context.Background(), ann.Actor(), p.ID, candidates.Person{FirstName: "Grace", LastName: "Hopper", Email: "grace@example.test"}, candidates.AddOptions{Source: model.SourceManual})
	if err != nil {
		t.Fatal(err)
	}
	apptest.Load(t, ctx, chromedp.Navigate(e.URL+"/a/"+tokenOf(e, cand)))
	expiry := apptest.Get(t, ctx, chromedp.Text(`time[data-local]`))
	if strings.Contains(expiry, "UTC") || !(strings.Contains(expiry, "GMT+1") || strings.Contains(expiry, "CET")) {
		t.Errorf("the candidate's expiry reads %q, not in the browser's zone", expiry)
	}
}
