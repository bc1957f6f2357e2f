package web_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/account"
	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/config"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/posting"
	"github.com/talentsystems/talentsystems/internal/store"
)

// fakeGreenhouse stands in for Greenhouse's side of the callback: it takes
// the PATCH at take_home_tests/{id} and, as Greenhouse does, calls
// test_status at once with the same key, recording what it read.
type fakeGreenhouse struct {
	srv *httptest.Server
	t   *testing.T

	mu         sync.Mutex
	tsURL, key string
	interviews map[string]string // take_home_tests id → partner_interview_id
	failures   []int             // statuses to answer before succeeding
	retryAfter string            // sent with a 429 failure
	patches    []ghPatch
}

type ghPatch struct {
	At     time.Time
	Path   string
	Method string
	Auth   string
	Body   string
	Answer int
	// Status is what test_status said right after the PATCH, when answered 2xx.
	Status map[string]any
}

func newFakeGreenhouse(t *testing.T) *fakeGreenhouse {
	f := &fakeGreenhouse{t: t, interviews: map[string]string{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// host is the fake's host:port, to configure as a sandbox host.
func (f *fakeGreenhouse) host() string { return strings.TrimPrefix(f.srv.URL, "http://") }

// callbackURL is the url a send_test carries for take-home test id.
func (f *fakeGreenhouse) callbackURL(id string) string {
	return f.srv.URL + "/integrations/testing_partners/take_home_tests/" + id
}

func (f *fakeGreenhouse) set(tsURL, key string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tsURL, f.key = tsURL, key
}

func (f *fakeGreenhouse) expect(testID, interviewID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.interviews[testID] = interviewID
}

func (f *fakeGreenhouse) failWith(codes ...int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failures = append(f.failures, codes...)
}

func (f *fakeGreenhouse) list() []ghPatch {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]ghPatch(nil), f.patches...)
}

// delivered returns the PATCHes that Greenhouse accepted.
func (f *fakeGreenhouse) delivered() []ghPatch {
	var out []ghPatch
	for _, p := range f.list() {
		if p.Answer < 300 {
			out = append(out, p)
		}
	}
	return out
}

func (f *fakeGreenhouse) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	p := ghPatch{At: time.Now(), Path: r.URL.Path, Method: r.Method, Auth: r.Header.Get("Authorization"), Body: string(body)}
	code := http.StatusOK
	switch {
	case r.Method != http.MethodPatch:
		code = http.StatusPreconditionFailed // what Greenhouse answers to another method
	case p.Auth != "Basic "+base64.StdEncoding.EncodeToString([]byte(f.key+":")):
		code = http.StatusForbidden
	case len(f.failures) > 0:
		code, f.failures = f.failures[0], f.failures[1:]
		if code == http.StatusTooManyRequests && f.retryAfter != "" {
			w.Header().Set("Retry-After", f.retryAfter)
		}
	}
	interview := f.interviews[r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]]
	tsURL, key := f.tsURL, f.key
	f.mu.Unlock()
	if code < 300 && interview != "" {
		// Greenhouse calls Test Status as soon as it is told: the result must already be committed.
		status, st, _ := ghCall(f.t, tsURL, http.MethodGet, "/api/greenhouse/test_status?partner_interview_id="+interview, key, "")
		if status == http.StatusOK {
			json.Unmarshal([]byte(st), &p.Status)
		}
	}
	p.Answer = code
	f.mu.Lock()
	f.patches = append(f.patches, p)
	f.mu.Unlock()
	w.WriteHeader(code)
	fmt.Fprint(w, `{"status":"ok"}`)
}

// ghStart starts an instance whose callbacks may go to fake and retry fast.
func ghStart(t *testing.T, dbURL string, fake *fakeGreenhouse, tweak func(*config.Config)) *env {
	t.Helper()
	box := apptest.NewMailbox(t)
	cfg := apptest.Config(t, dbURL)
	cfg.SMTP = box.SMTP()
	ghConfig(cfg, fake)
	if tweak != nil {
		tweak(cfg)
	}
	inst := apptest.Start(t, cfg)
	if _, err := inst.Accounts.CreateUser(context.Background(), model.CommandLine(0), account.NewUser{Email: "staff@ts.test", Name: "Staff", Password: password, Role: model.RoleStaff}); err != nil {
		t.Fatal(err)
	}
	return &env{Instance: inst, box: box}
}

func ghConfig(cfg *config.Config, fake *fakeGreenhouse) {
	if fake != nil {
		cfg.Greenhouse.SandboxHosts = []string{fake.host()}
	}
	cfg.Greenhouse.CallbackRetryBase = 20 * time.Millisecond
	cfg.Greenhouse.CallbackRetryMax = 200 * time.Millisecond
	cfg.Greenhouse.CallbackTimeout = 5 * time.Second
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
	issued, err := e.APIKeys.Generate(context.Background(), user.OrgID, 0)
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

// TestGreenhouseEndToEnd drives the integration as Greenhouse does: list the
// tests, send a candidate (twice), the candidate completes, the PATCH
// arrives, and test_status is complete with score, link and flat metadata.
// Then a re-score and a reset reach Greenhouse too.
func TestGreenhouseEndToEnd(t *testing.T) {
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		fake := newFakeGreenhouse(t)
		e := ghStart(t, dbURL, fake, nil)
		admin, user, postingID, publicID, key := ghOrg(t, e, "acme")
		fake.set(e.URL, key)

		status, body, _ := ghCall(t, e.URL, http.MethodGet, "/api/greenhouse/list_tests", key, "")
		if status != http.StatusOK {
			t.Fatalf("list_tests: %d %s", status, body)
		}
		var tests []map[string]any
		if err := json.Unmarshal([]byte(body), &tests); err != nil || len(tests) != 1 {
			t.Fatalf("list_tests: %s", body)
		}
		if tests[0]["partner_test_id"] != publicID || tests[0]["partner_test_name"] != "Senior Backend Engineer (Go) — Interview and practical" || len(tests[0]) != 2 {
			t.Errorf("list_tests entry: %v", tests[0])
		}

		send := sendTestBody(publicID, "hpotter@example.edu", fake.callbackURL("98765"))
		status, body, _ = ghCall(t, e.URL, http.MethodPost, "/api/greenhouse/send_test", key, send)
		if status != http.StatusOK {
			t.Fatalf("send_test: %d %s", status, body)
		}
		id := interviewID(t, body)
		fake.expect("98765", id)
		status, again, _ := ghCall(t, e.URL, http.MethodPost, "/api/greenhouse/send_test", key, send)
		if status != http.StatusOK || interviewID(t, again) != id {
			t.Errorf("repeated send_test: %d %s, want the same id %s", status, again, id)
		}
		cid, _ := strconv.ParseInt(id, 10, 64)
		c := mustCandidate(t, e, user, cid)
		if c.Source != model.SourceGreenhouse || c.PostingID != postingID || c.GHCandidateID != "17681532" || c.GHApplicationID != "26234709" ||
			c.GHTestID != "98765" || c.GHSentBy != "recruiter@example.org" || c.GHCallbackURL != fake.callbackURL("98765") || c.Email != "hpotter@example.edu" {
			t.Errorf("candidate: %+v", c)
		}
		if list, n, _ := store.ListCandidates(ctx, e.Store.DB, model.CandidateFilter{OrgID: user.OrgID, Now: time.Now()}); n != 1 {
			t.Errorf("%d candidates after a repeated send_test: %v", n, list)
		}
		if emails, _ := store.RecentEmails(ctx, e.Store.DB, 50); containsMailTo(emails, "hpotter@example.edu") {
			t.Error("a Greenhouse candidate was emailed without the organization opting in")
		}

		status, body, _ = ghCall(t, e.URL, http.MethodGet, "/api/greenhouse/test_status?partner_interview_id="+id, key, "")
		if status != http.StatusOK || body != "{\"partner_status\":\"sent\"}\n" {
			t.Errorf("test_status before starting: %d %s", status, body)
		}
		token := tokenOf(e, c)
		if err := e.Candidates.Start(ctx, token, true); err != nil {
			t.Fatal(err)
		}
		if _, body, _ = ghCall(t, e.URL, http.MethodGet, "/api/greenhouse/test_status?partner_interview_id="+id, key, ""); !strings.Contains(body, `"in_progress"`) {
			t.Errorf("test_status after starting: %s", body)
		}
		if len(fake.list()) != 0 {
			t.Error("starting the assessment called Greenhouse")
		}

		// The candidate completes the assessment (through the service the pages use).
		ss := complete(t, e, c, goodAnswers(mustDoc(t, e, user, postingID)))
		apptest.Eventually(t, 10*time.Second, "the completion PATCH", func() bool { return len(fake.delivered()) == 1 })
		p := fake.delivered()[0]
		if p.Method != http.MethodPatch || p.Path != "/integrations/testing_partners/take_home_tests/98765" || p.Body != "" {
			t.Errorf("callback: %+v", p)
		}
		c = mustCandidate(t, e, user, cid)
		checkComplete(t, e, c, p.Status, len(ss.Doc.Competencies))

		// The scorecard link works for a signed-in member of the organization.
		if r := admin.Get(strings.TrimPrefix(p.Status["partner_profile_url"].(string), e.URL)); r.Status != http.StatusOK {
			t.Errorf("partner_profile_url for a signed-in member: %d", r.Status)
		}
		if r := apptest.NewClient(t, e.URL).Get(strings.TrimPrefix(p.Status["partner_profile_url"].(string), e.URL)); r.Status != http.StatusSeeOther {
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
		apptest.Eventually(t, 10*time.Second, "the PATCH after an override", func() bool { return len(fake.delivered()) == 2 })
		c = mustCandidate(t, e, user, cid)
		after := fake.delivered()[1].Status
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
		apptest.Eventually(t, 10*time.Second, "the PATCH after a reset", func() bool { return len(fake.delivered()) == 3 })
		if st := fake.delivered()[2].Status; st["partner_status"] != "sent" || len(st) != 1 {
			t.Errorf("status after reset: %v", st)
		}
		if emails, _ := store.RecentEmails(ctx, e.Store.DB, 50); containsMailTo(emails, "hpotter@example.edu") {
			t.Error("a reset emailed a Greenhouse candidate")
		}
		// The new attempt is reported again once completed.
		c = mustCandidate(t, e, user, cid)
		complete(t, e, c, nil)
		apptest.Eventually(t, 10*time.Second, "the PATCH after the second completion", func() bool { return len(fake.delivered()) == 4 })
		if st := fake.delivered()[3].Status; st["partner_status"] != "complete" {
			t.Errorf("status after the second completion: %v", st)
		}
		if cbs := mustCallbacks(t, e, user.OrgID); cbs[0].Reason != model.CallbackCompleted || cbs[1].Reason != model.CallbackReset {
			t.Errorf("callback reasons: %s, %s", cbs[0].Reason, cbs[1].Reason)
		}

		// Staff see every callback; the organization sees the activity.
		staff := apptest.NewClient(t, e.URL)
		staff.SignIn("staff@ts.test", password)
		if r := staff.Get("/staff/greenhouse"); r.Status != http.StatusOK || strings.Count(r.Body, "take_home_tests/98765") != 4 || !strings.Contains(r.Body, "delivered") {
			t.Errorf("staff callbacks page: %d", r.Status)
		}
		card := admin.Get("/settings/integrations")
		for _, want := range []string{"Greenhouse sent candidate #" + id, "Greenhouse notified of candidate " + id, "Greenhouse read the status of candidate #" + id + ": complete"} {
			if !strings.Contains(card.Body, want) {
				t.Errorf("the card's activity lacks %q", want)
			}
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
