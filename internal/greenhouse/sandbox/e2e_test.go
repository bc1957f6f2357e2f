package sandbox_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/account"
	"github.com/talentsystems/talentsystems/internal/app"
	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/greenhouse/sandbox"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// e2ePosting is a one-section posting a candidate answers over HTTP.
const e2ePosting = `{
  "format": "talentsystems.posting/v1",
  "title": "Sandbox Engineer",
  "description": "Keep integrations honest.",
  "assessment_type": "interview",
  "time_limit": {"interview_minutes": 30},
  "competencies": [{"key": "apis", "name": "APIs"}],
  "questions": [
    {"key": "verb", "section": "interview", "competency": "apis", "kind": "multiple_choice", "prompt": "Which method does the completion callback use?",
     "options": [{"key": "a", "text": "PATCH", "correct": true}, {"key": "b", "text": "POST"}]},
    {"key": "retry", "section": "interview", "competency": "apis", "kind": "free_text", "prompt": "When do you retry a callback?",
     "rubric": {"expected_points": [{"text": "Retries 5xx", "phrases": ["5xx"]}, {"text": "Honours Retry-After", "phrases": ["retry-after"]}]}}
  ]
}`

// product is a running instance with an organization, an active posting and its API key.
type product struct {
	*apptest.Instance
	orgID    int64
	publicID string
	key      string
}

// startProduct starts the product on databaseURL, letting it call sandboxHost back.
func startProduct(t *testing.T, databaseURL, sandboxHost string) *product {
	t.Helper()
	return startProductWith(t, databaseURL, sandboxHost, app.Options{})
}

// startProductWith is startProduct with the instance's options.
func startProductWith(t *testing.T, databaseURL, sandboxHost string, opts app.Options) *product {
	t.Helper()
	ctx := context.Background()
	cfg := apptest.Config(t, databaseURL)
	cfg.Greenhouse.SandboxHosts = []string{sandboxHost}
	cfg.Greenhouse.CallbackRetryBase = 20 * time.Millisecond
	cfg.Greenhouse.CallbackRetryMax = 200 * time.Millisecond
	inst := apptest.StartWith(t, cfg, opts)
	org, err := inst.Accounts.CreateOrg(ctx, model.CommandLine(0), "Acme", "acme")
	if err != nil {
		t.Fatal(err)
	}
	admin, err := inst.Accounts.CreateUser(ctx, model.CommandLine(0), account.NewUser{OrgID: org.ID, Email: "ann@acme.test", Name: "Ann", Password: "correct horse battery", Role: model.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	p, err := inst.Postings.Import(ctx, admin.Actor(), strings.NewReader(e2ePosting), true)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	// This test answers in milliseconds, which the speed signal rightly
	// flags for a person's review; the integration is under test here, the
	// review flow in internal/candidates, so the automatic levels are final.
	if err := inst.Candidates.SetReviewSettings(ctx, admin.Actor(), p.ID, model.ReviewSettings{Mode: model.ReviewNever, Reviewers: 1}); err != nil {
		t.Fatal(err)
	}
	issued, err := inst.APIKeys.Generate(ctx, model.CommandLine(org.ID), org.ID)
	if err != nil {
		t.Fatal(err)
	}
	return &product{Instance: inst, orgID: org.ID, publicID: p.PublicID, key: issued.Key}
}

// takeAssessment answers the candidate's pages over HTTP, as a candidate does.
func takeAssessment(t *testing.T, p *product, interviewID string) {
	t.Helper()
	id, err := strconv.ParseInt(interviewID, 10, 64)
	if err != nil {
		t.Fatalf("partner_interview_id %q: %v", interviewID, err)
	}
	cand, err := store.OrgCandidate(context.Background(), p.Store.DB, p.orgID, id)
	if err != nil {
		t.Fatal(err)
	}
	path := strings.TrimPrefix(p.Candidates.Link(cand), p.URL)
	c := apptest.NewClient(t, p.URL)
	steps := []struct {
		name, page, action string
		form               url.Values
		next               string
	}{
		{"start", path, path + "/start", url.Values{"consent": {"yes"}}, path},
		{"question 1", path + "/q/1", path + "/q/1", url.Values{"answer": {"a"}, "action": {"next"}}, path + "/q/2"},
		{"question 2", path + "/q/2", path + "/q/2", url.Values{"answer": {"Retry 5xx answers with backoff and honour Retry-After."}, "action": {"review"}}, path + "/review"},
		{"submit", path + "/review", path + "/submit", nil, path},
	}
	for _, s := range steps {
		if r := c.Submit(s.page, s.action, s.form); r.Status != http.StatusSeeOther || r.Location != s.next {
			t.Fatalf("%s: %d to %q, want a redirect to %q", s.name, r.Status, r.Location, s.next)
		}
	}
	if r := c.Get(path); r.Status != http.StatusOK || !strings.Contains(r.Body, "Thank you") {
		t.Fatalf("after submitting: %d", r.Status)
	}
}

// TestEndToEnd: the sandbox plays Greenhouse against the real product. It
// lists the tests, sends a candidate, the candidate completes over HTTP, the
// product's PATCH arrives with the right key, and the sandbox reads
// test_status complete with a score and a working link, with no violation.
func TestEndToEnd(t *testing.T) {
	apptest.Databases(t, func(t *testing.T, databaseURL string) {
		ctx := context.Background()
		s := sandbox.New(sandbox.Config{Log: apptest.Logger(t)})
		if err := s.Start("127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		p := startProduct(t, databaseURL, s.Addr())
		s.SetPartner(p.URL, p.key)

		tests, err := s.ListTests(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(tests) != 1 || tests[0].ID != p.publicID || !strings.HasPrefix(tests[0].Name, "Sandbox Engineer") {
			t.Fatalf("list_tests: %+v", tests)
		}
		sd, err := s.Send(ctx, sandbox.SendRequest{TestID: tests[0].ID, TestName: tests[0].Name, Email: "hpotter@example.edu"})
		if err != nil {
			t.Fatalf("send_test: %v", err)
		}
		if id, err := s.Resend(ctx, sd.ID); err != nil || id != sd.InterviewID {
			t.Errorf("a repeated send_test: %q %v, want %q", id, err, sd.InterviewID)
		}
		again, err := s.Poll(ctx, sd.ID)
		if err != nil || again.PartnerStatus != "sent" {
			t.Fatalf("test_status before starting: %v %+v", err, again)
		}

		takeAssessment(t, p, sd.InterviewID)

		wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		st, err := s.Wait(wctx, func(st sandbox.State) bool {
			return len(st.Patches) > 0 && len(st.StatusReads) > 1
		})
		if err != nil {
			t.Fatalf("no PATCH and test_status read: %+v", st)
		}
		patch := st.Patches[0]
		if patch.Method != http.MethodPatch || patch.Auth != "ok" || patch.Answer != http.StatusOK || patch.Body != "" || patch.SendID != sd.ID {
			t.Errorf("the product's callback: %+v", patch)
		}
		read := st.StatusReads[1]
		if read.Trigger != "patch" || read.Code != http.StatusOK || read.Violations != 0 {
			t.Errorf("test_status after the PATCH: %+v", read)
		}
		got := st.Sends[0].Status
		if got == nil || got.PartnerStatus != "complete" || got.Score == nil || *got.Score <= 0 || *got.Score > 100 {
			t.Fatalf("status: %+v", got)
		}
		if !strings.HasPrefix(got.ProfileURL, p.URL+"/postings/") {
			t.Errorf("partner_profile_url %q", got.ProfileURL)
		}
		labels := map[string]string{}
		for _, m := range got.Metadata {
			labels[m.Label] = m.Value
		}
		if labels["Recommendation"] == "" || labels["Completed At"] == "" {
			t.Errorf("metadata %v", got.Metadata)
		}
		if len(st.Violations) != 0 {
			t.Errorf("the product broke the contract: %+v", st.Violations)
		}
		// The link works: it leads an anonymous visitor to sign in.
		resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Get(got.ProfileURL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			t.Errorf("partner_profile_url answers %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
}
