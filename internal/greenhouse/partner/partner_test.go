package partner_test

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"net/url"
	"os"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/greenhouse/partner"
	"github.com/talentsystems/talentsystems/internal/jobs"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// fixture is an instance with one organization, its admin, an active
// posting and an API key.
type fixture struct {
	*apptest.Instance
	admin    *model.User
	publicID string
	header   string
}

func setup(t *testing.T, dbURL string) *fixture {
	t.Helper()
	ctx := context.Background()
	inst := apptest.Start(t, apptest.Config(t, dbURL))
	org, err := store.CreateOrg(ctx, inst.Store.DB, "acme", "Acme", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	admin := &model.User{OrgID: org.ID, Email: "ann@acme.test", Name: "Ann", PasswordHash: "x", Role: model.RoleAdmin, CreatedAt: time.Now()}
	if err := store.CreateUser(ctx, inst.Store.DB, admin); err != nil {
		t.Fatal(err)
	}
	staff := &model.User{Email: "ops@ts.test", Name: "Ops", PasswordHash: "x", Role: model.RoleStaff, CreatedAt: time.Now()}
	if err := store.CreateUser(ctx, inst.Store.DB, staff); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("../../../examples/postings/backend-engineer.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := inst.Postings.Import(ctx, admin.Actor(), f, true)
	if err != nil {
		t.Fatal(err)
	}
	issued, err := inst.APIKeys.Generate(ctx, model.CommandLine(org.ID), org.ID)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{Instance: inst, admin: admin, publicID: p.PublicID, header: "Basic " + base64.StdEncoding.EncodeToString([]byte(issued.Key+":"))}
}

func sendBody(publicID, testID string) string {
	return `{"partner_test_id": "` + publicID + `", "candidate": {"first_name": "Harry", "last_name": "Potter", "email": "hp@example.test",
 "greenhouse_profile_url": "https://app.greenhouse.io/people/17681532?application_id=26234709"},
 "url": "https://app.greenhouse.io/integrations/testing_partners/take_home_tests/` + testID + `"}`
}

// TestSendTestOnce: concurrent and repeated sends of one Greenhouse test
// create one candidate, and test_status reads it, at the service level.
func TestSendTestOnce(t *testing.T) {
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		f := setup(t, dbURL)
		gh := f.Greenhouse
		caller, err := gh.Authenticate(ctx, f.header, "send_test")
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		ids := make([]string, 8)
		errs := make([]error, 8)
		for i := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				out, err := gh.SendTest(ctx, caller, strings.NewReader(sendBody(f.publicID, "98765")))
				errs[i] = err
				if err == nil {
					ids[i] = out.PartnerInterviewID
				}
			}()
		}
		wg.Wait()
		for i := range ids {
			if errs[i] != nil || ids[i] != ids[0] {
				t.Fatalf("send %d: %q %v, want %q", i, ids[i], errs[i], ids[0])
			}
		}
		_, n, err := store.ListCandidates(ctx, f.Store.DB, model.CandidateFilter{OrgID: f.admin.OrgID, Now: time.Now()})
		if err != nil || n != 1 {
			t.Fatalf("%d candidates (%v), want 1", n, err)
		}
		st, err := gh.TestStatus(ctx, caller, url.Values{"partner_interview_id": {ids[0]}})
		if err != nil || st.PartnerStatus != "sent" || st.PartnerScore != nil {
			t.Fatalf("test_status: %+v %v", st, err)
		}
		if _, err := gh.SendTest(ctx, caller, strings.NewReader(sendBody("pst_nope", "1"))); apperror.KindOf(err) != apperror.NotFound {
			t.Errorf("unknown posting: %v, want NotFound", err)
		}
		// A test already sent is answered with its candidate even once its
		// posting is closed, or when the send names another posting id.
		p, err := store.OrgPostingByPublicID(ctx, f.Store.DB, f.admin.OrgID, f.publicID)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Postings.Close(ctx, f.admin.Actor(), p.ID); err != nil {
			t.Fatal(err)
		}
		for _, posting := range []string{f.publicID, "pst_nope"} {
			if out, err := gh.SendTest(ctx, caller, strings.NewReader(sendBody(posting, "98765"))); err != nil || out.PartnerInterviewID != ids[0] {
				t.Errorf("the same test again, to %s: %+v %v, want %s", posting, out, err, ids[0])
			}
		}
		if _, err := gh.SendTest(ctx, caller, strings.NewReader(sendBody(f.publicID, "98766"))); apperror.KindOf(err) != apperror.NotFound {
			t.Errorf("a new test to a closed posting: %v, want NotFound", err)
		}
		if _, err := gh.TestStatus(ctx, caller, url.Values{"partner_interview_id": {"999999"}}); apperror.KindOf(err) != apperror.NotFound {
			t.Errorf("unknown interview: %v, want NotFound", err)
		}
	})
}

// TestAuthenticate: wrong and ended keys are refused as bad credentials,
// and the card says why a rotated key fails.
func TestAuthenticate(t *testing.T) {
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		f := setup(t, dbURL)
		gh := f.Greenhouse
		for _, h := range []string{"", "Bearer x", "Basic " + base64.StdEncoding.EncodeToString([]byte("gh_nope:"))} {
			if _, err := gh.Authenticate(ctx, h, "list_tests"); !errors.Is(err, partner.ErrBadKey) {
				t.Errorf("%q: %v, want ErrBadKey", h, err)
			}
		}
		if _, err := f.APIKeys.Rotate(ctx, model.CommandLine(f.admin.OrgID), f.admin.OrgID); err != nil {
			t.Fatal(err)
		}
		if _, err := gh.Authenticate(ctx, f.header, "list_tests"); !errors.Is(err, partner.ErrBadKey) {
			t.Fatalf("rotated key: %v, want ErrBadKey", err)
		}
		card, err := gh.Card(ctx, f.admin.OrgID, model.Actor{})
		if err != nil {
			t.Fatal(err)
		}
		var found bool
		for _, tr := range card.Troubles {
			found = found || (tr.Issue == "API key not working" && tr.Detected && strings.Contains(strings.Join(tr.Details, " "), "rotated"))
		}
		if !found {
			t.Errorf("the card does not say the key was rotated: %+v", card.Troubles)
		}
	})
}

// TestRequestSetupOnce: a setup request mails staff once however often it
// is asked, the card shows Requested, and a key answers it.
func TestRequestSetupOnce(t *testing.T) {
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		f := setup(t, dbURL)
		gh := f.Greenhouse
		if _, err := f.APIKeys.Revoke(ctx, model.CommandLine(f.admin.OrgID), f.admin.OrgID); err != nil {
			t.Fatal(err)
		}
		actor := f.admin.Actor()
		first, err := gh.RequestSetup(ctx, actor)
		if err != nil || !first.Fresh {
			t.Fatalf("first request: %+v %v", first, err)
		}
		again, err := gh.RequestSetup(ctx, actor)
		if err != nil || again.Fresh || !again.RequestedAt.Equal(first.RequestedAt) {
			t.Fatalf("second request: %+v %v", again, err)
		}
		mails, err := store.RecentEmails(ctx, f.Store.DB, 50)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, m := range mails {
			if strings.HasPrefix(m.Subject, "Greenhouse setup requested") {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d setup mails to staff, want 1", n)
		}
		st, err := gh.State(ctx, f.admin.OrgID)
		if err != nil || st.Status != partner.Requested {
			t.Fatalf("state %+v %v, want Requested", st, err)
		}
		if _, _, err := gh.KeyAction(ctx, model.CommandLine(0), f.admin.OrgID, "generate"); err != nil {
			t.Fatal(err)
		}
		if st, err := gh.State(ctx, f.admin.OrgID); err != nil || st.Status != partner.Active || !st.RequestedAt.IsZero() {
			t.Errorf("after a key: %+v %v, want Active with the request answered", st, err)
		}
		if _, _, err := gh.KeyAction(ctx, model.CommandLine(0), f.admin.OrgID, "explode"); apperror.KindOf(err) != apperror.NotFound {
			t.Errorf("unknown action: %v", err)
		}
	})
}

// TestSuccessfulReadsCounted: a successful list_tests writes no event; the
// card, shown next, stores and shows one event standing for all the calls.
func TestSuccessfulReadsCounted(t *testing.T) {
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		f := setup(t, dbURL)
		gh := f.Greenhouse
		for range 3 {
			if _, err := gh.AuthenticatedListTests(ctx, f.header); err != nil {
				t.Fatal(err)
			}
		}
		events, err := store.RecentGreenhouseEvents(ctx, f.Store.DB, f.admin.OrgID, false, time.Time{}, 50)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range events {
			if e.Kind == "list_tests" {
				t.Fatalf("list_tests wrote an event on the read path: %q", e.Detail)
			}
		}
		card, err := gh.Card(ctx, f.admin.OrgID, model.Actor{})
		if err != nil {
			t.Fatal(err)
		}
		var listed []string
		for _, e := range card.Events {
			if e.Kind == "list_tests" {
				listed = append(listed, e.Detail)
			}
		}
		if len(listed) != 1 || !strings.Contains(listed[0], "1 active") || !strings.Contains(listed[0], "The last of 3 list_tests calls") {
			t.Errorf("card events for list_tests: %q", listed)
		}
	})
}

// TestKeyUseNotedInMemory: authenticating writes nothing, not even the key's
// last use, which the card's flush stores; a revoked key is refused at once.
func TestKeyUseNotedInMemory(t *testing.T) {
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		f := setup(t, dbURL)
		gh := f.Greenhouse
		caller, err := gh.Authenticate(ctx, f.header, "list_tests")
		if err != nil {
			t.Fatal(err)
		}
		if caller.Org.ID != f.admin.OrgID || caller.Org.Slug != "acme" || caller.Org.Name != "Acme" || caller.Org.CreatedAt.IsZero() {
			t.Errorf("caller's organization: %+v", caller.Org)
		}
		k, err := store.ActiveAPIKey(ctx, f.Store.DB, f.admin.OrgID)
		if err != nil {
			t.Fatal(err)
		}
		if !k.LastUsedAt.IsZero() {
			t.Errorf("the call wrote the key's last use at once: %v", k.LastUsedAt)
		}
		if _, err := gh.Card(ctx, f.admin.OrgID, model.Actor{}); err != nil {
			t.Fatal(err)
		}
		if k, err = store.ActiveAPIKey(ctx, f.Store.DB, f.admin.OrgID); err != nil || k.LastUsedAt.IsZero() {
			t.Errorf("after the card's flush: last use %v, %v", k.LastUsedAt, err)
		}
		if _, err := f.APIKeys.Revoke(ctx, model.CommandLine(f.admin.OrgID), f.admin.OrgID); err != nil {
			t.Fatal(err)
		}
		if _, err := gh.Authenticate(ctx, f.header, "list_tests"); !errors.Is(err, partner.ErrBadKey) {
			t.Errorf("revoked key: got %v, want a refusal", err)
		}
	})
}

// TestAuthenticatedTestStatus: the one-query test_status answers as
// Authenticate then TestStatus do, for a known, unknown, malformed, missing
// and another organization's id, and refuses a revoked key at once.
func TestAuthenticatedTestStatus(t *testing.T) {
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		f := setup(t, dbURL)
		gh := f.Greenhouse
		caller, err := gh.Authenticate(ctx, f.header, "send_test")
		if err != nil {
			t.Fatal(err)
		}
		out, err := gh.SendTest(ctx, caller, strings.NewReader(sendBody(f.publicID, "4242")))
		if err != nil {
			t.Fatal(err)
		}
		other, err := store.CreateOrg(ctx, f.Store.DB, "globex", "Globex", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		p, err := store.OrgPosting(ctx, f.Store.DB, f.admin.OrgID, 1)
		if err != nil {
			t.Fatal(err)
		}
		theirs := &model.Candidate{OrgID: other.ID, PostingID: p.ID, FirstName: "O", LastName: "T", Email: "o@example.test",
			Source: model.SourceGreenhouse, Status: model.CandidateSent, TokenHash: "h-other", ExpiresAt: time.Now().Add(time.Hour), CreatedAt: time.Now()}
		if err := store.CreateCandidate(ctx, f.Store.DB, theirs); err != nil {
			t.Fatal(err)
		}
		cases := []url.Values{
			{"partner_interview_id": {out.PartnerInterviewID}},
			{"partner_interview_id": {"999999"}},
			{"partner_interview_id": {"not a number"}},
			{"partner_interview_id": {""}},
			{},
			{"partner_interview_id": {strconv.FormatInt(theirs.ID, 10)}},
		}
		for _, q := range cases {
			want, wantErr := gh.TestStatus(ctx, caller, q)
			got, err := gh.AuthenticatedTestStatus(ctx, f.header, q)
			if !reflect.DeepEqual(got, want) || apperror.KindOf(err) != apperror.KindOf(wantErr) || apperror.Message(err) != apperror.Message(wantErr) {
				t.Errorf("%v: got %+v, %v; want %+v, %v", q, got, err, want, wantErr)
			}
		}
		bad := "Basic " + base64.StdEncoding.EncodeToString([]byte("gh_nope:"))
		if _, err := gh.AuthenticatedTestStatus(ctx, bad, cases[0]); !errors.Is(err, partner.ErrBadKey) {
			t.Errorf("unknown key: %v, want ErrBadKey", err)
		}
		if _, err := f.APIKeys.Revoke(ctx, model.CommandLine(f.admin.OrgID), f.admin.OrgID); err != nil {
			t.Fatal(err)
		}
		if st, err := gh.AuthenticatedTestStatus(ctx, f.header, cases[0]); !errors.Is(err, partner.ErrBadKey) {
			t.Errorf("revoked key: %+v, %v; want ErrBadKey", st, err)
		}
	})
}

// TestSweepPrunesEvents: adding an event no longer deletes old ones (that
// was a second statement in send_test's transaction); the minute sweep
// deletes the events past their 90 days and keeps the others.
func TestSweepPrunesEvents(t *testing.T) {
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		f := setup(t, dbURL)
		old := &model.GreenhouseEvent{OrgID: f.admin.OrgID, Kind: "send_test", OK: true, Detail: "old", CreatedAt: time.Now().Add(-91 * 24 * time.Hour)}
		recent := &model.GreenhouseEvent{OrgID: f.admin.OrgID, Kind: "send_test", OK: true, Detail: "recent", CreatedAt: time.Now().Add(-89 * 24 * time.Hour)}
		for _, e := range []*model.GreenhouseEvent{old, recent} {
			if err := store.AddGreenhouseEvent(ctx, f.Store.DB, e); err != nil {
				t.Fatal(err)
			}
		}
		caller, err := f.Greenhouse.Authenticate(ctx, f.header, "send_test")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Greenhouse.SendTest(ctx, caller, strings.NewReader(sendBody(f.publicID, "4242"))); err != nil {
			t.Fatal(err)
		}
		details := func() []string {
			events, err := store.RecentGreenhouseEvents(ctx, f.Store.DB, f.admin.OrgID, false, time.Time{}, 100)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, e := range events {
				out = append(out, e.Detail)
			}
			return out
		}
		if got := details(); len(got) != 4 || got[2] != "recent" || got[3] != "old" {
			t.Fatalf("before the sweep: %q, want the send, the key, recent, old", got)
		}
		if err := f.Store.Tx(ctx, func(tx *sql.Tx) error { return f.Queue.Insert(ctx, tx, jobs.SweepArgs{}) }); err != nil {
			t.Fatal(err)
		}
		apptest.Eventually(t, 10*time.Second, "the sweep to prune the old event", func() bool { return len(details()) == 3 })
		if got := details(); got[2] != "recent" || !strings.HasPrefix(got[0], "Greenhouse sent candidate") {
			t.Errorf("after the sweep: %q", got)
		}
	})
}
