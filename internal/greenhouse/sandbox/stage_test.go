package sandbox

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// TestViolationsReported: every contract violation in a partner's answer is
// posted to its response_errors in the documented shape, and a good answer
// reports nothing.
func TestViolationsReported(t *testing.T) {
	cases := []struct {
		name, endpoint, answer string
		want                   string // a substring of the reported errors; "" for none
	}{
		{"list_tests good", "list_tests", `[{"partner_test_id":"p-1","partner_test_name":"Backend"}]`, ""},
		{"list_tests wrapped", "list_tests", `{"tests":[{"partner_test_id":"p-1","partner_test_name":"Backend"}]}`, "not a JSON array"},
		{"list_tests numeric id", "list_tests", `[{"partner_test_id":12345,"partner_test_name":"Backend"}]`, "partner_test_id is not a string"},
		{"list_tests no name", "list_tests", `[{"partner_test_id":"p-1"}]`, "partner_test_name is missing"},
		{"send_test good", "send_test", `{"partner_interview_id":"42"}`, ""},
		{"send_test numeric id", "send_test", `{"partner_interview_id":42}`, "partner_interview_id is not a string"},
		{"send_test empty", "send_test", `{}`, "partner_interview_id is missing"},
		{"send_test not json", "send_test", `ok`, "not a JSON object"},
		{"test_status good", "test_status", `{"partner_status":"complete","partner_profile_url":"https://p.example/r","partner_score":81.5,"metadata":{"A":"x","B":2,"C":false,"D":null},"extra":[1]}`, ""},
		{"test_status in progress", "test_status", `{"partner_status":"in_progress"}`, ""},
		{"test_status no status", "test_status", `{"partner_score":1}`, "partner_status is missing"},
		{"test_status complete without link", "test_status", `{"partner_status":"complete","partner_score":81}`, "partner_profile_url is missing"},
		{"test_status relative link", "test_status", `{"partner_status":"complete","partner_profile_url":"/r/1"}`, "not an absolute http(s) URL"},
		{"test_status string score", "test_status", `{"partner_status":"complete","partner_profile_url":"https://p.example/r","partner_score":"81"}`, "partner_score is not a number"},
		{"test_status nested metadata", "test_status", `{"partner_status":"complete","partner_profile_url":"https://p.example/r","metadata":{"Scores":{"a":1}}}`, "metadata must be flat"},
		{"test_status metadata array", "test_status", `{"partner_status":"sent","metadata":["a"]}`, "metadata is not a JSON object"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := newPartner(t, "gh_key")
			p.answer(tc.endpoint, tc.answer)
			s := start(t, Config{PartnerURL: p.srv.URL, APIKey: "gh_key"})
			ctx := context.Background()
			_, err := s.ListTests(ctx)
			if tc.endpoint == "list_tests" {
				checkReport(t, s, p, "list_tests", tc.want)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			sd, err := s.Send(ctx, SendRequest{TestID: "p-1", TestName: "Backend", Email: "hpotter@example.edu"})
			if tc.endpoint == "send_test" {
				if (err != nil) != (tc.want != "") {
					t.Errorf("Send: %v", err)
				}
				checkReport(t, s, p, "send_test", tc.want)
				if tc.want != "" && p.reported()[0]["candidate_email"] != "hpotter@example.edu" {
					t.Errorf("report lacks candidate_email: %v", p.reported()[0])
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.Poll(ctx, sd.ID)
			if (err != nil) != (tc.want != "") {
				t.Errorf("Poll: %v", err)
			}
			checkReport(t, s, p, "test_status", tc.want)
			if tc.want != "" {
				rep := p.reported()[0]
				if rep["partner_interview_id"] != "42" || rep["partner_test_id"] != "p-1" || rep["partner_test_name"] != "Backend" {
					t.Errorf("report lacks the test's ids: %v", rep)
				}
			}
		})
	}
}

// checkReport checks that exactly one report with want was posted (none when want is "").
func checkReport(t *testing.T, s *Sandbox, p *partnerAPI, call, want string) {
	t.Helper()
	reps := p.reported()
	if want == "" {
		if len(reps) != 0 || len(s.Snapshot().Violations) != 0 {
			t.Errorf("a good answer was reported: %v", reps)
		}
		return
	}
	if len(reps) != 1 {
		t.Fatalf("%d reports, want 1: %v", len(reps), reps)
	}
	errs, _ := reps[0]["errors"].([]any)
	if reps[0]["api_call"] != call || len(errs) == 0 || !strings.Contains(errs[0].(string), want) {
		t.Errorf("report %v, want api_call %s with %q", reps[0], call, want)
	}
	v := s.Snapshot().Violations
	if len(v) != 1 || v[0].ReportCode != http.StatusOK {
		t.Errorf("recorded violations %+v", v)
	}
}

// TestPatchReceiver: the callback receiver answers as Greenhouse does, and a
// 2xx is followed by a test_status read.
func TestPatchReceiver(t *testing.T) {
	p := newPartner(t, "gh_key")
	s := start(t, Config{PartnerURL: p.srv.URL, APIKey: "gh_key"})
	sd, err := s.Send(context.Background(), SendRequest{TestID: "p-1", Email: "hpotter@example.edu"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(sd.URL, s.URL()+"/integrations/testing_partners/take_home_tests/") ||
		!strings.HasPrefix(sd.ProfileURL, "https://app.greenhouse.io/people/") || !strings.Contains(sd.ProfileURL, "?application_id=") {
		t.Errorf("send: url %s profile %s", sd.URL, sd.ProfileURL)
	}
	basic := func(user, pass string) string {
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
	}
	cases := []struct {
		name, method, url, auth string
		want                    int
	}{
		{"wrong key", http.MethodPatch, sd.URL, basic("gh_other", ""), http.StatusForbidden},
		{"key with a password", http.MethodPatch, sd.URL, basic("gh_key", "x"), http.StatusForbidden},
		{"no credential", http.MethodPatch, sd.URL, "", http.StatusForbidden},
		{"POST", http.MethodPost, sd.URL, basic("gh_key", ""), http.StatusPreconditionFailed},
		{"GET", http.MethodGet, sd.URL, basic("gh_key", ""), http.StatusPreconditionFailed},
		{"unknown test", http.MethodPatch, s.URL() + "/integrations/testing_partners/take_home_tests/1", basic("gh_key", ""), http.StatusNotFound},
		{"right", http.MethodPatch, sd.URL, basic("gh_key", ""), http.StatusOK},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if code, body, _ := call(t, tc.method, tc.url, tc.auth, ""); code != tc.want {
				t.Errorf("%s: %d %s, want %d", tc.name, code, body, tc.want)
			}
		})
	}
	st := waitFor(t, s, "the test_status read after the PATCH", func(st State) bool { return len(st.StatusReads) == 1 })
	if r := st.StatusReads[0]; r.Trigger != "patch" || r.Code != http.StatusOK || r.Violations != 0 {
		t.Errorf("read %+v", r)
	}
	got := st.Sends[0].Status
	if got == nil || got.PartnerStatus != "complete" || *got.Score != 81 || got.ProfileURL != "https://partner.example/r/42" {
		t.Fatalf("status %+v", got)
	}
	wantMeta := []MetadataEntry{{"Recommendation", "Yes"}, {"Problem solving", "4.2"}, {"Passed", "true"}}
	if !slices.Equal(got.Metadata, wantMeta) {
		t.Errorf("metadata %v, want %v in the partner's order", got.Metadata, wantMeta)
	}
	var auths []string
	for _, pt := range st.Patches {
		auths = append(auths, pt.Auth)
	}
	if want := []string{"wrong", "wrong", "missing", "ok", "ok", "ok", "ok"}; !slices.Equal(auths, want) {
		t.Errorf("recorded credentials %v, want %v", auths, want)
	}
}

// TestLegacyPolling: in legacy mode a PATCH reads nothing; a poll does.
func TestLegacyPolling(t *testing.T) {
	p := newPartner(t, "gh_key")
	s := start(t, Config{PartnerURL: p.srv.URL, APIKey: "gh_key", Legacy: true})
	sd, err := s.Send(context.Background(), SendRequest{TestID: "p-1", Email: "a@example.test"})
	if err != nil {
		t.Fatal(err)
	}
	if code, _, _ := call(t, http.MethodPatch, sd.URL, "Basic "+base64.StdEncoding.EncodeToString([]byte("gh_key:")), ""); code != http.StatusOK {
		t.Fatalf("PATCH: %d", code)
	}
	s.Close() // waits for background reads, if any were wrongly started
	if n := len(s.Snapshot().StatusReads); n != 0 {
		t.Fatalf("legacy mode read test_status %d times after a PATCH", n)
	}
	st, err := s.Poll(context.Background(), sd.ID)
	if err != nil || st.PartnerStatus != "complete" {
		t.Fatalf("poll: %v %+v", err, st)
	}
	if _, err := s.Poll(context.Background(), 7); err == nil {
		t.Error("polling an unknown test succeeded")
	}
}

// TestResend: a repeated send_test must give the same partner_interview_id.
func TestResend(t *testing.T) {
	p := newPartner(t, "gh_key")
	s := start(t, Config{PartnerURL: p.srv.URL, APIKey: "gh_key", Legacy: true})
	ctx := context.Background()
	sd, err := s.Send(ctx, SendRequest{TestID: "p-1", Email: "a@example.test"})
	if err != nil {
		t.Fatal(err)
	}
	if id, err := s.Resend(ctx, sd.ID); err != nil || id != "42" {
		t.Errorf("same id: %q %v", id, err)
	}
	p.answer("send_test", `{"partner_interview_id":"43"}`)
	if id, err := s.Resend(ctx, sd.ID); !errors.Is(err, ErrDuplicate) || id != "43" {
		t.Errorf("another id: %q %v", id, err)
	}
	if got := s.Snapshot().Sends[0].Resends; !slices.Equal(got, []string{"42", "43"}) {
		t.Errorf("resends %v", got)
	}
	code, body, _ := call(t, http.MethodGet, s.URL()+"/", "", "")
	if code != http.StatusOK || !strings.Contains(body, "same id") || !strings.Contains(body, "another id, 43") {
		t.Errorf("the page does not show the repeats: %d", code)
	}
	if _, err := s.Resend(ctx, 1); !errors.Is(err, ErrNoSend) {
		t.Errorf("unknown send: %v", err)
	}
}
