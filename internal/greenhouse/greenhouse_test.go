package greenhouse

import (
	"encoding/base64"
	"errors"
	"math"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/scoring"
)

const key = "gh_0123456789abcdefghijABCDEFGHIJ0123456789"

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestParseBasicAuth(t *testing.T) {
	ok := []struct{ name, header string }{
		{"documented form", "Basic " + b64(key+":")},
		{"lower-case scheme", "basic " + b64(key+":")},
		{"unpadded", "Basic " + strings.TrimRight(b64(key+":"), "=")},
		{"password ignored", "Basic " + b64(key+":secret")},
		{"extra spaces", "  Basic   " + b64(key+":") + " "},
	}
	for _, tc := range ok {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseBasicAuth(tc.header)
			if err != nil || got != key {
				t.Fatalf("got %q, %v", got, err)
			}
		})
	}
	bad := []struct {
		name, header string
		want         error
	}{
		{"missing", "", ErrNoCredentials},
		{"blank", "   ", ErrNoCredentials},
		{"bearer", "Bearer " + key, ErrBadCredentials},
		{"no credentials", "Basic", ErrBadCredentials},
		{"not base64", "Basic !!!", ErrBadCredentials},
		{"no colon", "Basic " + b64(key), ErrBadCredentials},
		{"empty user", "Basic " + b64(":"+key), ErrBadCredentials},
		{"user with space", "Basic " + b64("gh_a b:"), ErrBadCredentials},
		{"control character", "Basic " + b64("gh_a\x00b:"), ErrBadCredentials},
		{"user too long", "Basic " + b64(strings.Repeat("a", 171)+":"), ErrBadCredentials},
		{"oversized header", "Basic " + strings.Repeat("A", MaxAuthorizationLength), ErrBadCredentials},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			if got, err := ParseBasicAuth(tc.header); !errors.Is(err, tc.want) {
				t.Fatalf("got %q, %v; want %v", got, err, tc.want)
			}
		})
	}
	if got, _ := ParseBasicAuth(BasicAuth(key, "")); got != key {
		t.Errorf("BasicAuth does not round-trip: %q", got)
	}
}

const validSendTest = `{
  "partner_test_id": "pst_abc",
  "candidate": {
    "first_name": "Harry", "last_name": "Potter", "preferred_name": null,
    "email": "hpotter@example.edu", "phone_number": "123-456-7890",
    "resume_url": "https://example.com/resume",
    "greenhouse_profile_url": "https://app.greenhouse.io/people/17681532?application_id=26234709",
    "some_new_field": {"nested": [1, 2]}
  },
  "sent_by": "recruiter@example.org",
  "url": "https://app.greenhouse.io/integrations/testing_partners/take_home_tests/98765",
  "another_new_field": true
}`

func TestDecodeSendTest(t *testing.T) {
	st, err := DecodeSendTest(strings.NewReader(validSendTest))
	if err != nil {
		t.Fatal(err)
	}
	want := SendTest{PartnerTestID: "pst_abc", SentBy: "recruiter@example.org",
		URL: "https://app.greenhouse.io/integrations/testing_partners/take_home_tests/98765",
		Candidate: Candidate{FirstName: "Harry", LastName: "Potter", Email: "hpotter@example.edu", PhoneNumber: "123-456-7890",
			ResumeURL: "https://example.com/resume", GreenhouseProfileURL: "https://app.greenhouse.io/people/17681532?application_id=26234709"}}
	if *st != want {
		t.Errorf("got %+v\nwant %+v", *st, want)
	}

	legacy := `{"partner_test_id": 12345, "candidate": {"first_name": "A", "last_name": "B", "email": "a@b.test",
		"greenhouse_profile_url": "https://app.greenhouse.io/people/1", "url": "https://app.greenhouse.io/x/take_home_tests/7"}}`
	st, err = DecodeSendTest(strings.NewReader(legacy))
	if err != nil {
		t.Fatal(err)
	}
	if st.URL != "https://app.greenhouse.io/x/take_home_tests/7" || st.PartnerTestID != "12345" {
		t.Errorf("legacy request: %+v", st)
	}

	bad := []struct{ name, body, field string }{
		{"empty", ``, "body"},
		{"not json", `{"partner_test_id": `, "body"},
		{"array", `[]`, "body"},
		{"null", `null`, "body"},
		{"trailing data", `{} {}`, "body"},
		{"no test id", strings.Replace(validSendTest, `"partner_test_id": "pst_abc",`, ``, 1), "partner_test_id"},
		{"null test id", strings.Replace(validSendTest, `"pst_abc"`, `null`, 1), "partner_test_id"},
		{"empty test id", strings.Replace(validSendTest, `"pst_abc"`, `"  "`, 1), "partner_test_id"},
		{"object test id", strings.Replace(validSendTest, `"pst_abc"`, `{}`, 1), "partner_test_id"},
		{"no first name", strings.Replace(validSendTest, `"first_name": "Harry",`, ``, 1), "candidate.first_name"},
		{"no last name", strings.Replace(validSendTest, `"last_name": "Potter",`, ``, 1), "candidate.last_name"},
		{"no email", strings.Replace(validSendTest, `"email": "hpotter@example.edu",`, ``, 1), "candidate.email"},
		{"no profile url", strings.Replace(validSendTest, `"greenhouse_profile_url": "https://app.greenhouse.io/people/17681532?application_id=26234709",`, ``, 1), "candidate.greenhouse_profile_url"},
		{"relative profile url", strings.Replace(validSendTest, `https://app.greenhouse.io/people/17681532`, `/people/1`, 1), "candidate.greenhouse_profile_url"},
		{"no url", strings.Replace(validSendTest, `"url": "https://app.greenhouse.io/integrations/testing_partners/take_home_tests/98765",`, ``, 1), "url"},
		{"bad url", strings.Replace(validSendTest, `"https://app.greenhouse.io/integrations`, `"ftp://x/integrations`, 1), "url"},
		{"candidate not an object", `{"partner_test_id": "1", "candidate": "Harry", "url": "https://a.greenhouse.io/take_home_tests/1"}`, "candidate"},
		{"no candidate", `{"partner_test_id": "1", "url": "https://a.greenhouse.io/take_home_tests/1"}`, "candidate"},
		{"long name", strings.Replace(validSendTest, `"Harry"`, `"`+strings.Repeat("x", 101)+`"`, 1), "candidate.first_name"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeSendTest(strings.NewReader(tc.body))
			if apperror.KindOf(err) != apperror.Invalid {
				t.Fatalf("error %v is not Invalid", err)
			}
			if _, ok := apperror.FieldsOf(err)[tc.field]; !ok {
				t.Errorf("error %q does not name %s: %v", err, tc.field, apperror.FieldsOf(err))
			}
			if !strings.Contains(apperror.Message(err), tc.field) && tc.field != "body" {
				t.Errorf("message %q does not name %s", apperror.Message(err), tc.field)
			}
		})
	}
	big := `{"partner_test_id": "` + strings.Repeat("x", MaxBodyBytes) + `"}`
	if _, err := DecodeSendTest(strings.NewReader(big)); apperror.KindOf(err) != apperror.TooLarge {
		t.Errorf("over 1 MiB: %v", err)
	}
}

func TestDecodeResponseError(t *testing.T) {
	r, err := DecodeResponseError(strings.NewReader(`{"api_call": "test_status",
		"errors": ["partner_status is 'complete' but partner_profile url is missing", {"odd": 1}],
		"partner_test_id": "12345", "partner_test_name": "Personality Test", "partner_interview_id": 299506,
		"candidate_email": "hpotter@example.edu", "new": 1}`))
	if err != nil {
		t.Fatal(err)
	}
	if r.APICall != "test_status" || len(r.Errors) != 2 || r.Errors[1] != `{"odd": 1}` || r.PartnerInterviewID != "299506" || r.PartnerTestName != "Personality Test" {
		t.Errorf("%+v", r)
	}
	if r, err := DecodeResponseError(strings.NewReader(`{"api_call": "send_test", "errors": "one"}`)); err != nil || len(r.Errors) != 1 {
		t.Errorf("single string: %+v %v", r, err)
	}
	for body, field := range map[string]string{
		`{"errors": ["x"]}`:                      "api_call",
		`{"api_call": "send_test"}`:              "errors",
		`{"api_call": "send_test", "errors": 3}`: "errors",
		`{"api_call": [], "errors": []}`:         "api_call",
	} {
		if _, err := DecodeResponseError(strings.NewReader(body)); apperror.FieldsOf(err)[field] == "" {
			t.Errorf("%s: %v does not name %s", body, err, field)
		}
	}
}

func TestParseInterviewID(t *testing.T) {
	if id, err := ParseInterviewID(url.Values{"partner_interview_id": {" 42 "}}); err != nil || id != "42" {
		t.Errorf("got %q %v", id, err)
	}
	for _, q := range []url.Values{{}, {"partner_interview_id": {""}}, {"partner_interview_id": {strings.Repeat("1", 101)}}} {
		if _, err := ParseInterviewID(q); apperror.FieldsOf(err)["partner_interview_id"] == "" {
			t.Errorf("%v: %v", q, err)
		}
	}
}

func TestProfileURLAndTestKey(t *testing.T) {
	c, a := ParseProfileURL("https://app.greenhouse.io/people/17681532?application_id=26234709")
	if c != "17681532" || a != "26234709" {
		t.Errorf("got %q %q", c, a)
	}
	if c, a := ParseProfileURL("https://app.greenhouse.io/somewhere"); c != "" || a != "" {
		t.Errorf("got %q %q", c, a)
	}
	if k := TestKey("https://app.greenhouse.io/integrations/testing_partners/take_home_tests/98765"); k != "98765" {
		t.Errorf("key %q", k)
	}
	if k := TestKey("https://app.greenhouse.io/take_home_tests/98765?x=1#y"); k != "98765" {
		t.Errorf("key %q", k)
	}
	if k := TestKey("https://app.greenhouse.io/other/5"); k != "https://app.greenhouse.io/other/5" {
		t.Errorf("key %q", k)
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for v, want := range map[string]time.Duration{"": 0, "120": 2 * time.Minute, "-1": 0, "soon": 0,
		now.Add(90 * time.Second).Format(time.RFC1123): 90 * time.Second, "99999999999": 7 * 24 * time.Hour} {
		if got := ParseRetryAfter(strings.Replace(v, "UTC", "GMT", 1), now); got != want {
			t.Errorf("ParseRetryAfter(%q) = %s, want %s", v, got, want)
		}
	}
}

func TestBuildStatus(t *testing.T) {
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	score := 81.25
	res := &scoring.Result{Competencies: []scoring.CompetencyScore{{Key: "ps", Name: "Problem solving", Score: 72.46}, {Key: "rec", Name: "Recommendation", Score: 50}}}
	a := Assessment{CandidateID: 42, PostingID: 7, Status: "completed", Score: &score, Recommendation: "strong_yes",
		StartedAt: now.Add(-time.Hour), CompletedAt: now.Add(-time.Minute), ExpiresAt: now.Add(-time.Hour), AssessmentType: "both", Result: res}
	st := BuildStatus(a, "https://ts.example/", now)
	if st.PartnerStatus != StatusComplete || st.PartnerProfileURL != "https://ts.example/postings/7/candidates/42" || *st.PartnerScore != 81.3 {
		t.Errorf("%+v", st)
	}
	want := map[string]any{"Recommendation": "Strong yes", "Assessment Type": "Interview and practical", "Problem solving": 72.5,
		"Competency: Recommendation": 50.0, "Started At": "2026-11-29T11:00:00Z", "Completed At": "2026-11-29T11:59:00Z"}
	if len(st.Metadata) != len(want) {
		t.Errorf("metadata %v", st.Metadata)
	}
	for k, v := range want {
		if st.Metadata[k] != v {
			t.Errorf("metadata[%q] = %v, want %v", k, st.Metadata[k], v)
		}
	}
	for status, want := range map[string]string{"sent": StatusSent, "started": StatusInProgress} {
		a := Assessment{Status: status, ExpiresAt: now.Add(time.Hour)}
		if st := BuildStatus(a, "", now); st.PartnerStatus != want || st.PartnerScore != nil || st.Metadata != nil || st.PartnerProfileURL != "" {
			t.Errorf("%s: %+v", status, st)
		}
	}
	if st := BuildStatus(Assessment{Status: "sent", ExpiresAt: now}, "", now); st.PartnerStatus != StatusExpired {
		t.Errorf("expired: %+v", st)
	}
	if st := BuildStatus(Assessment{Status: "started", ExpiresAt: now.Add(-time.Hour)}, "", now); st.PartnerStatus != StatusInProgress {
		t.Errorf("an attempt under way past the link's expiry: %+v", st)
	}
	high := 100.04
	if st := BuildStatus(Assessment{Status: "completed", Score: &high}, "", now); *st.PartnerScore != 100 || math.IsNaN(*st.PartnerScore) {
		t.Errorf("score not clamped: %v", *st.PartnerScore)
	}
}

func TestDecodersRefuseControlCharacters(t *testing.T) {
	bodies := map[string]string{
		"send_test first_name": `{"partner_test_id":"p1","url":"https://x.greenhouse.io/r","candidate":{"first_name":"A\u0000nn","last_name":"B","email":"a@b.test","greenhouse_profile_url":"https://app.greenhouse.io/people/1"}}`,
		"send_test email":      `{"partner_test_id":"p1","url":"https://x.greenhouse.io/r","candidate":{"first_name":"Ann","last_name":"B","email":"a@b.test\u0000","greenhouse_profile_url":"https://app.greenhouse.io/people/1"}}`,
		"send_test id":         `{"partner_test_id":"p\u001b1","url":"https://x.greenhouse.io/r","candidate":{"first_name":"Ann","last_name":"B","email":"a@b.test","greenhouse_profile_url":"https://app.greenhouse.io/people/1"}}`,
	}
	for name, body := range bodies {
		if _, err := DecodeSendTest(strings.NewReader(body)); apperror.KindOf(err) != apperror.Invalid {
			t.Errorf("%s: %v, want Invalid", name, err)
		}
	}
	for name, body := range map[string]string{
		"errors list":   `{"api_call":"send_test","errors":["bad\u0000"]}`,
		"errors string": `{"api_call":"send_test","errors":"bad\u0000"}`,
		"email":         `{"api_call":"send_test","errors":["x"],"candidate_email":"a\u0000@b.test"}`,
	} {
		if _, err := DecodeResponseError(strings.NewReader(body)); apperror.KindOf(err) != apperror.Invalid {
			t.Errorf("%s: %v, want Invalid", name, err)
		}
	}
	if _, err := DecodeResponseError(strings.NewReader(`{"api_call":"send_test","errors":["line one\nline two\ttab"]}`)); err != nil {
		t.Errorf("multi-line error text refused: %v", err)
	}
	if _, err := ParseInterviewID(url.Values{"partner_interview_id": {"a\x00b"}}); err == nil {
		t.Error("an interview id with NUL was accepted")
	}
}
