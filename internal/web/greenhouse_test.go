package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/account"
	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/config"
	"github.com/talentsystems/talentsystems/internal/greenhouse/sandbox"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/posting"
	"github.com/talentsystems/talentsystems/internal/store"
)

// newGreenhouse starts the in-process Greenhouse sandbox on loopback: it
// sends candidates, takes the completion PATCH and reads test_status at
// once, as Greenhouse does, checking every answer against the contract.
// When the test ends it closes the sandbox and fails the test if the
// product broke the contract.
func newGreenhouse(t *testing.T, cfg sandbox.Config) *sandbox.Sandbox {
	t.Helper()
	if cfg.Log == nil {
		cfg.Log = apptest.Logger(t)
	}
	gh := sandbox.New(cfg)
	if err := gh.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		gh.Close()
		if v := gh.Snapshot().Violations; len(v) > 0 {
			t.Errorf("the Greenhouse sandbox found contract violations: %+v", v)
		}
	})
	return gh
}

// ghStart starts an instance whose callbacks may go to the sandbox gh (when
// not nil) and retry fast.
func ghStart(t *testing.T, dbURL string, gh *sandbox.Sandbox, tweak func(*config.Config)) *env {
	t.Helper()
	box := apptest.NewMailbox(t)
	cfg := apptest.Config(t, dbURL)
	cfg.SMTP = box.SMTP()
	ghConfig(cfg, gh)
	if tweak != nil {
		tweak(cfg)
	}
	inst := apptest.Start(t, cfg)
	if _, err := inst.Accounts.CreateUser(context.Background(), model.CommandLine(0), account.NewUser{Email: "staff@ts.test", Name: "Staff", Password: password, Role: model.RoleStaff}); err != nil {
		t.Fatal(err)
	}
	return &env{Instance: inst, box: box}
}

// ghConfig allows callbacks to the sandbox, as an operator would with
// TS_GREENHOUSE_SANDBOX_HOSTS, and makes retries fast.
func ghConfig(cfg *config.Config, gh *sandbox.Sandbox) {
	if gh != nil {
		cfg.Greenhouse.SandboxHosts = []string{gh.Addr()}
	}
	cfg.Greenhouse.CallbackRetryBase = 20 * time.Millisecond
	cfg.Greenhouse.CallbackRetryMax = 200 * time.Millisecond
	cfg.Greenhouse.CallbackTimeout = 5 * time.Second
}

// takeHomeURL is the sandbox's callback url for take-home test id, for
// send_test requests made by hand.
func takeHomeURL(gh *sandbox.Sandbox, id string) string {
	return gh.URL() + "/integrations/testing_partners/take_home_tests/" + id
}

// ghSend has the sandbox send a candidate for the posting publicID to its
// partner (see SetPartner) and returns the send and the candidate created.
func ghSend(t *testing.T, e *env, gh *sandbox.Sandbox, user *model.User, publicID, email string) (*sandbox.Send, *model.Candidate) {
	t.Helper()
	sd, err := gh.Send(context.Background(), sandbox.SendRequest{TestID: publicID, Email: email})
	if err != nil {
		t.Fatalf("send_test: %v", err)
	}
	n, err := strconv.ParseInt(sd.InterviewID, 10, 64)
	if err != nil {
		t.Fatalf("partner_interview_id %q: %v", sd.InterviewID, err)
	}
	return sd, mustCandidate(t, e, user, n)
}

// patchesOf returns the requests the sandbox received on a send's url, oldest first.
func patchesOf(st sandbox.State, sendID int64) []sandbox.Patch {
	var out []sandbox.Patch
	for _, p := range st.Patches {
		if p.SendID == sendID {
			out = append(out, p)
		}
	}
	return out
}

// deliveredOf returns the PATCHes of a send that Greenhouse accepted.
func deliveredOf(st sandbox.State, sendID int64) []sandbox.Patch {
	var out []sandbox.Patch
	for _, p := range patchesOf(st, sendID) {
		if p.Answer >= 200 && p.Answer < 300 {
			out = append(out, p)
		}
	}
	return out
}

// readsAfterPatch returns what the sandbox read from test_status right after
// each accepted PATCH of a send, oldest first: the answer's JSON, or nil when
// the read failed.
func readsAfterPatch(t *testing.T, st sandbox.State, sendID int64) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, r := range st.StatusReads {
		if r.SendID != sendID || r.Trigger != "patch" {
			continue
		}
		var m map[string]any
		if r.Code == http.StatusOK && r.Error == "" {
			if err := json.Unmarshal([]byte(r.Body), &m); err != nil {
				t.Errorf("test_status answer %q: %v", r.Body, err)
			}
		}
		out = append(out, m)
	}
	return out
}

// ghWait waits until cond holds for the sandbox's state, and returns it.
func ghWait(t *testing.T, gh *sandbox.Sandbox, timeout time.Duration, what string, cond func(sandbox.State) bool) sandbox.State {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	st, err := gh.Wait(ctx, cond)
	if err != nil {
		t.Fatalf("waiting for %s: %v; the sandbox has %d PATCHes %+v and %d test_status reads %+v", what, err, len(st.Patches), st.Patches, len(st.StatusReads), st.StatusReads)
	}
	return st
}

// ghCall makes an API request as Greenhouse does: HTTP Basic with the key as
// user name and an empty password, JSON in and out.
func ghCall(t *testing.T, base, method, path, key, body string) (int, string, http.Header) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.SetBasicAuth(key, "")
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s %s answered %d with Content-Type %q, not JSON: %s", method, path, resp.StatusCode, ct, b)
	}
	return resp.StatusCode, string(b), resp.Header
}

func sendTestBody(postingID, email, callbackURL string) string {
	b, _ := json.Marshal(map[string]any{
		"partner_test_id": postingID,
		"candidate": map[string]any{"first_name": "Harry", "last_name": "Potter", "preferred_name": nil, "email": email,
			"phone_number": "123-456-7890", "resume_url": "https://example.com/resume.pdf",
			"greenhouse_profile_url": "https://app.greenhouse.io/people/17681532?application_id=26234709"},
		"sent_by": "recruiter@example.org",
		"url":     callbackURL,
	})
	return string(b)
}

// ghOrg creates an organization with an admin and a published posting, and
// generates its API key.
func ghOrg(t *testing.T, e *env, slug string) (admin *apptest.Client, user *model.User, postingID int64, publicID, key string) {
	t.Helper()
	admin, user = e.member(t, slug, "admin@"+slug+".test", model.RoleAdmin)
	p := importExample(t, e, user, "backend-engineer")
	finalLevels(t, e, user, p.ID)
	issued, err := e.APIKeys.Generate(context.Background(), model.CommandLine(user.OrgID), user.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	return admin, user, p.ID, p.PublicID, issued.Key
}

func interviewID(t *testing.T, body string) string {
	t.Helper()
	var r struct {
		ID any `json:"partner_interview_id"`
	}
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("send_test answer %s: %v", body, err)
	}
	id, ok := r.ID.(string)
	if !ok || id == "" {
		t.Fatalf("partner_interview_id is not a non-empty string: %s", body)
	}
	return id
}

func mustCallbacks(t *testing.T, e *env, orgID int64) []*model.GreenhouseCallback {
	t.Helper()
	cbs, err := store.ListGreenhouseCallbacks(context.Background(), e.Store.DB, model.CallbackFilter{OrgID: orgID})
	if err != nil {
		t.Fatal(err)
	}
	return cbs
}

// TestGreenhouseEndToEnd drives the integration through the Greenhouse
// sandbox: it lists the tests, sends a candidate (twice), the candidate
// completes, the PATCH arrives with the organization's key, and the
// test_status Greenhouse reads at once is complete with score, link and flat
// metadata. Then a re-score and a reset reach Greenhouse too.
func TestGreenhouseEndToEnd(t *testing.T) {
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		gh := newGreenhouse(t, sandbox.Config{})
		e := ghStart(t, dbURL, gh, nil)
		admin, user, postingID, publicID, key := ghOrg(t, e, "acme")
		gh.SetPartner(e.URL, key)

		status, body, _ := ghCall(t, e.URL, http.MethodGet, "/api/greenhouse/list_tests", key, "")
		if status != http.StatusOK {
			t.Fatalf("list_tests: %d %s", status, body)
		}
		var raw []map[string]any
		if err := json.Unmarshal([]byte(body), &raw); err != nil || len(raw) != 1 || len(raw[0]) != 2 {
			t.Fatalf("list_tests entries are not exactly partner_test_id and partner_test_name: %s", body)
		}
		tests, err := gh.ListTests(ctx)
		if err != nil {
			t.Fatalf("list_tests: %v", err)
		}
		if len(tests) != 1 || tests[0].ID != publicID || tests[0].Name != "Senior Backend Engineer (Go) — Interview and practical" {
			t.Errorf("list_tests: %+v", tests)
		}

		sd, err := gh.Send(ctx, sandbox.SendRequest{TestID: tests[0].ID, TestName: tests[0].Name, Email: "hpotter@example.edu"})
		if err != nil {
			t.Fatalf("send_test: %v", err)
		}
		id := sd.InterviewID
		if again, err := gh.Resend(ctx, sd.ID); err != nil || again != id {
			t.Errorf("repeated send_test: %q %v, want the same id %s", again, err, id)
		}
		testKey := strconv.FormatInt(sd.ID, 10)
		cid, _ := strconv.ParseInt(id, 10, 64)
		c := mustCandidate(t, e, user, cid)
		if c.Source != model.SourceGreenhouse || c.PostingID != postingID || c.GHCandidateID != strconv.FormatInt(sd.CandidateID, 10) ||
			c.GHApplicationID != strconv.FormatInt(sd.ApplicationID, 10) || c.GHTestID != testKey || c.GHSentBy != sd.SentBy ||
			c.GHCallbackURL != sd.URL || c.Email != "hpotter@example.edu" {
			t.Errorf("candidate: %+v for send %+v", c, sd)
		}
		if list, n, _ := store.ListCandidates(ctx, e.Store.DB, model.CandidateFilter{OrgID: user.OrgID, Now: time.Now()}); n != 1 {
			t.Errorf("%d candidates after a repeated send_test: %v", n, list)
		}
		if emails, _ := store.RecentEmails(ctx, e.Store.DB, 50); containsMailTo(emails, "hpotter@example.edu") {
			t.Error("a Greenhouse candidate was emailed without the organization opting in")
		}

		if st, err := gh.Poll(ctx, sd.ID); err != nil || st.Raw != "{\"partner_status\":\"sent\"}\n" {
			t.Errorf("test_status before starting: %v %+v", err, st)
		}
		token := tokenOf(e, c)
		if err := e.Candidates.Start(ctx, token, true); err != nil {
			t.Fatal(err)
		}
		if st, err := gh.Poll(ctx, sd.ID); err != nil || st.PartnerStatus != "in_progress" {
			t.Errorf("test_status after starting: %v %+v", err, st)
		}
		if n := len(gh.Snapshot().Patches); n != 0 {
			t.Errorf("starting the assessment called Greenhouse %d times", n)
		}

		// The candidate completes the assessment (through the service the pages use).
		ss := complete(t, e, c, goodAnswers(mustDoc(t, e, user, postingID)))
		st := ghWait(t, gh, 10*time.Second, "the completion PATCH and test_status read", func(st sandbox.State) bool { return len(readsAfterPatch(t, st, sd.ID)) == 1 })
		if d := deliveredOf(st, sd.ID); len(d) != 1 {
			t.Fatalf("%d PATCHes accepted, want 1: %+v", len(d), st.Patches)
		}
		p := st.Patches[0]
		if p.Method != http.MethodPatch || p.Path != "/integrations/testing_partners/take_home_tests/"+testKey || p.Body != "" || p.Auth != "ok" || p.Answer != http.StatusOK {
			t.Errorf("callback: %+v", p)
		}
		read := readsAfterPatch(t, st, sd.ID)[0]
		c = mustCandidate(t, e, user, cid)
		checkComplete(t, e, c, read, len(ss.Doc.Competencies))

		// The scorecard link works for a signed-in member of the organization.
		link, _ := read["partner_profile_url"].(string)
		if r := admin.Get(strings.TrimPrefix(link, e.URL)); r.Status != http.StatusOK {
			t.Errorf("partner_profile_url for a signed-in member: %d", r.Status)
		}
		if r := apptest.NewClient(t, e.URL).Get(strings.TrimPrefix(link, e.URL)); r.Status != http.StatusSeeOther {
			t.Errorf("partner_profile_url anonymous: %d", r.Status)
		}
		apptest.Eventually(t, 5*time.Second, "the callback recorded as delivered", func() bool {
			cbs := mustCallbacks(t, e, user.OrgID)
			return len(cbs) == 1 && cbs[0].Status == model.CallbackDelivered && cbs[0].Tries == 1 && cbs[0].Reason == model.CallbackCompleted
		})

		// A recruiter's override changes the score: Greenhouse hears of it again.
		a, err := store.GetAttempt(ctx, e.Store.DB, c.ID, c.AttemptID)
		if err != nil {
			t.Fatal(err)
		}
		var res struct {
			Questions []struct {
				Key   string `json:"key"`
				Level int    `json:"level"`
			} `json:"questions"`
		}
		json.Unmarshal(a.Result, &res)
		before := *c.Score
		if err := e.Candidates.Override(ctx, user.Actor(), c.ID, res.Questions[0].Key, 1, "Reviewed by hand: the answer misses the point."); err != nil {
			t.Fatal(err)
		}
		st = ghWait(t, gh, 10*time.Second, "the PATCH after an override", func(st sandbox.State) bool { return len(readsAfterPatch(t, st, sd.ID)) == 2 })
		c = mustCandidate(t, e, user, cid)
		after := readsAfterPatch(t, st, sd.ID)[1]
		if after["partner_score"] == before || after["partner_score"] != round1(*c.Score) {
			t.Errorf("score after override: Greenhouse read %v, was %v, now %v", after["partner_score"], before, *c.Score)
		}
		if cbs := mustCallbacks(t, e, user.OrgID); cbs[0].Reason != model.CallbackRescored {
			t.Errorf("second callback's reason %q", cbs[0].Reason)
		}

		// A reset withdraws the result: Greenhouse is told and reads "sent".
		if err := e.Candidates.Reset(ctx, user.Actor(), c.ID); err != nil {
			t.Fatal(err)
		}
		st = ghWait(t, gh, 10*time.Second, "the PATCH after a reset", func(st sandbox.State) bool { return len(readsAfterPatch(t, st, sd.ID)) == 3 })
		if got := readsAfterPatch(t, st, sd.ID)[2]; got["partner_status"] != "sent" || len(got) != 1 {
			t.Errorf("status after reset: %v", got)
		}
		if emails, _ := store.RecentEmails(ctx, e.Store.DB, 50); containsMailTo(emails, "hpotter@example.edu") {
			t.Error("a reset emailed a Greenhouse candidate")
		}
		// The new attempt is reported again once completed.
		c = mustCandidate(t, e, user, cid)
		complete(t, e, c, nil)
		st = ghWait(t, gh, 10*time.Second, "the PATCH after the second completion", func(st sandbox.State) bool { return len(readsAfterPatch(t, st, sd.ID)) == 4 })
		if got := readsAfterPatch(t, st, sd.ID)[3]; got["partner_status"] != "complete" {
			t.Errorf("status after the second completion: %v", got)
		}
		if d := deliveredOf(st, sd.ID); len(d) != 4 || len(st.Patches) != 4 {
			t.Errorf("%d PATCHes accepted of %d, want 4 of 4", len(d), len(st.Patches))
		}
		if cbs := mustCallbacks(t, e, user.OrgID); cbs[0].Reason != model.CallbackCompleted || cbs[1].Reason != model.CallbackReset {
			t.Errorf("callback reasons: %s, %s", cbs[0].Reason, cbs[1].Reason)
		}

		// Staff see every callback; the organization sees the activity.
		staff := apptest.NewClient(t, e.URL)
		staff.SignIn("staff@ts.test", password)
		if r := staff.Get("/staff/greenhouse"); r.Status != http.StatusOK || strings.Count(r.Body, "take_home_tests/"+testKey) != 4 || !strings.Contains(r.Body, "delivered") {
			t.Errorf("staff callbacks page: %d", r.Status)
		}
		card := admin.Get("/settings/integrations")
		for _, want := range []string{"Greenhouse sent candidate #" + id, "Greenhouse notified of candidate " + id, "Greenhouse read the status of candidate #" + id + ": complete"} {
			if !strings.Contains(card.Body, want) {
				t.Errorf("the card's activity lacks %q", want)
			}
		}
		if v := gh.Snapshot().Violations; len(v) != 0 {
			t.Errorf("the product broke the contract: %+v", v)
		}
	})
}

func containsMailTo(emails []*model.Email, to string) bool {
	for _, m := range emails {
		if m.To == to {
			return true
		}
	}
	return false
}

func round1(f float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'f', 1, 64), 64)
	return v
}

// checkComplete checks a complete test_status answer against the candidate.
func checkComplete(t *testing.T, e *env, c *model.Candidate, st map[string]any, competencies int) {
	t.Helper()
	if st["partner_status"] != "complete" {
		t.Fatalf("test_status right after the PATCH: %v", st)
	}
	want := fmt.Sprintf("%s/postings/%d/candidates/%d", e.URL, c.PostingID, c.ID)
	if st["partner_profile_url"] != want {
		t.Errorf("partner_profile_url %v, want %s", st["partner_profile_url"], want)
	}
	score, ok := st["partner_score"].(float64)
	if !ok || score < 0 || score > 100 || score != round1(*c.Score) || score == 0 {
		t.Errorf("partner_score %v (candidate's %v)", st["partner_score"], *c.Score)
	}
	md, ok := st["metadata"].(map[string]any)
	if !ok {
		t.Fatalf("metadata %v", st["metadata"])
	}
	for k, v := range md {
		switch v.(type) {
		case string, float64, bool:
		default:
			t.Errorf("metadata %q is not flat: %v", k, v)
		}
	}
	if md["Recommendation"] == "" || md["Assessment Type"] != "Interview and practical" {
		t.Errorf("metadata %v", md)
	}
	for _, k := range []string{"Started At", "Completed At"} {
		if s, _ := md[k].(string); !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`).MatchString(s) {
			t.Errorf("metadata %s = %v", k, md[k])
		}
	}
	if len(md) != 4+competencies {
		t.Errorf("metadata has %d keys, want 4 plus %d competencies: %v", len(md), competencies, md)
	}
	if _, ok := md["API and system design"].(float64); !ok {
		t.Errorf("no competency score in %v", md)
	}
}

func mustDoc(t *testing.T, e *env, u *model.User, postingID int64) *posting.Posting {
	t.Helper()
	p, err := e.Postings.Get(context.Background(), u.Actor(), postingID)
	if err != nil {
		t.Fatal(err)
	}
	return p.Doc
}
