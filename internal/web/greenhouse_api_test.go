package web_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/candidates"
	"github.com/talentsystems/talentsystems/internal/config"
	"github.com/talentsystems/talentsystems/internal/greenhouse/sandbox"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// rawCall sends a request with the given headers as they are.
func rawCall(t *testing.T, method, url string, headers map[string]string, body string) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s %s: %d with Content-Type %q: %s", method, url, resp.StatusCode, ct, b.String())
	}
	return resp.StatusCode, b.String(), resp.Header
}

// TestGreenhouseErrors checks every error the API promises, each with a
// JSON body.
func TestGreenhouseErrors(t *testing.T) {
	ctx := context.Background()
	gh := newGreenhouse(t, sandbox.Config{})
	e := ghStart(t, "", gh, nil)
	_, user, postingID, publicID, key := ghOrg(t, e, "acme")
	api := e.URL + "/api/greenhouse/"
	auth := "Basic " + base64.StdEncoding.EncodeToString([]byte(key+":"))
	jsonHeaders := map[string]string{"Authorization": auth, "Content-Type": "application/json"}
	good := sendTestBody(publicID, "harry@example.edu", takeHomeURL(gh, "1"))

	t.Run("401", func(t *testing.T) {
		for name, h := range map[string]string{
			"missing":       "",
			"bearer":        "Bearer " + key,
			"malformed":     "Basic !!!",
			"oversized":     "Basic " + strings.Repeat("A", 4000),
			"unknown key":   "Basic " + base64.StdEncoding.EncodeToString([]byte("gh_"+strings.Repeat("x", 40)+":")),
			"not a key":     "Basic " + base64.StdEncoding.EncodeToString([]byte("admin:admin")),
			"key as passwd": "Basic " + base64.StdEncoding.EncodeToString([]byte(":"+key)),
		} {
			status, body, hdr := rawCall(t, http.MethodGet, api+"list_tests", map[string]string{"Authorization": h}, "")
			if status != http.StatusUnauthorized || hdr.Get("WWW-Authenticate") != `Basic realm="Talent Systems", charset="UTF-8"` || !strings.Contains(body, `"error"`) {
				t.Errorf("%s: %d %q %s", name, status, hdr.Get("WWW-Authenticate"), body)
			}
		}
	})
	t.Run("404 unknown endpoint", func(t *testing.T) {
		if status, _, _ := rawCall(t, http.MethodGet, api+"nope", jsonHeaders, ""); status != http.StatusNotFound {
			t.Errorf("%d", status)
		}
	})
	t.Run("405", func(t *testing.T) {
		for path, method := range map[string]string{"list_tests": http.MethodPost, "send_test": http.MethodGet, "test_status": http.MethodDelete, "response_errors": http.MethodPut} {
			status, _, hdr := rawCall(t, method, api+path, jsonHeaders, "")
			if status != http.StatusMethodNotAllowed || hdr.Get("Allow") == "" {
				t.Errorf("%s %s: %d Allow %q", method, path, status, hdr.Get("Allow"))
			}
		}
	})
	t.Run("415", func(t *testing.T) {
		for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "nonsense/"} {
			h := map[string]string{"Authorization": auth, "Content-Type": ct}
			if status, _, _ := rawCall(t, http.MethodPost, api+"send_test", h, good); status != http.StatusUnsupportedMediaType {
				t.Errorf("%s: %d", ct, status)
			}
		}
		h := map[string]string{"Authorization": auth, "Content-Type": "application/json; charset=utf-8"}
		if status, body, _ := rawCall(t, http.MethodPost, api+"response_errors", h, `{"api_call":"x","errors":["y"]}`); status != http.StatusOK {
			t.Errorf("JSON with a charset: %d %s", status, body)
		}
	})
	t.Run("413", func(t *testing.T) {
		big := `{"partner_test_id": "` + strings.Repeat("x", 1<<20) + `"}`
		if status, _, _ := rawCall(t, http.MethodPost, api+"send_test", jsonHeaders, big); status != http.StatusRequestEntityTooLarge {
			t.Errorf("over 1 MiB: %d", status)
		}
		// Without a Content-Length the limit holds too.
		req, _ := http.NewRequest(http.MethodPost, api+"response_errors", &chunked{left: 2 << 20})
		req.Header.Set("Authorization", auth)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("chunked over 1 MiB: %d", resp.StatusCode)
		}
	})
	t.Run("400 names the field", func(t *testing.T) {
		var doc map[string]any
		json.Unmarshal([]byte(good), &doc)
		cases := map[string]func(map[string]any){
			"partner_test_id":                  func(m map[string]any) { delete(m, "partner_test_id") },
			"candidate":                        func(m map[string]any) { delete(m, "candidate") },
			"candidate.first_name":             func(m map[string]any) { delete(m["candidate"].(map[string]any), "first_name") },
			"candidate.last_name":              func(m map[string]any) { m["candidate"].(map[string]any)["last_name"] = "" },
			"candidate.email":                  func(m map[string]any) { m["candidate"].(map[string]any)["email"] = "not an email" },
			"candidate.greenhouse_profile_url": func(m map[string]any) { delete(m["candidate"].(map[string]any), "greenhouse_profile_url") },
			"url":                              func(m map[string]any) { delete(m, "url") },
		}
		for field, edit := range cases {
			var m map[string]any
			json.Unmarshal([]byte(good), &m)
			edit(m)
			b, _ := json.Marshal(m)
			status, body, _ := rawCall(t, http.MethodPost, api+"send_test", jsonHeaders, string(b))
			var answer struct {
				Error  string            `json:"error"`
				Fields map[string]string `json:"fields"`
			}
			json.Unmarshal([]byte(body), &answer)
			if status != http.StatusBadRequest || answer.Fields[field] == "" || !strings.Contains(answer.Error, field) {
				t.Errorf("%s: %d %s", field, status, body)
			}
		}
		for name, body := range map[string]string{"not JSON": `{"partner_test_id":`, "array": `[]`, "empty": ``, "trailing": good + `{}`} {
			if status, answer, _ := rawCall(t, http.MethodPost, api+"send_test", jsonHeaders, body); status != http.StatusBadRequest || !strings.Contains(answer, `"body"`) {
				t.Errorf("%s: %d %s", name, status, answer)
			}
		}
		if status, body, _ := rawCall(t, http.MethodGet, api+"test_status", jsonHeaders, ""); status != http.StatusBadRequest || !strings.Contains(body, "partner_interview_id") {
			t.Errorf("test_status without an id: %d %s", status, body)
		}
		if status, body, _ := rawCall(t, http.MethodPost, api+"response_errors", jsonHeaders, `{"errors": []}`); status != http.StatusBadRequest || !strings.Contains(body, "api_call") {
			t.Errorf("response_errors without api_call: %d %s", status, body)
		}
		if n := candidateCount(t, e, user.OrgID); n != 0 {
			t.Errorf("refused requests created %d candidates", n)
		}
	})
	t.Run("404 postings and interviews", func(t *testing.T) {
		if status, _, _ := rawCall(t, http.MethodPost, api+"send_test", jsonHeaders, sendTestBody("pst_unknown", "a@b.test", takeHomeURL(gh, "2"))); status != http.StatusNotFound {
			t.Errorf("unknown posting: %d", status)
		}
		draft := importDraft(t, e, user)
		if status, _, _ := rawCall(t, http.MethodPost, api+"send_test", jsonHeaders, sendTestBody(draft, "a@b.test", takeHomeURL(gh, "3"))); status != http.StatusNotFound {
			t.Errorf("draft posting: %d", status)
		}
		for _, id := range []string{"999999", "abc", "-1", "1.5", "0x10"} {
			if status, _, _ := rawCall(t, http.MethodGet, api+"test_status?partner_interview_id="+id, jsonHeaders, ""); status != http.StatusNotFound {
				t.Errorf("test_status %s: %d", id, status)
			}
		}
		// A candidate added by hand is no Greenhouse interview.
		manual, err := e.Candidates.Add(ctx, user.Actor(), postingID, personOf("manual@example.test"), manualOptions())
		if err != nil {
			t.Fatal(err)
		}
		if status, _, _ := rawCall(t, http.MethodGet, api+"test_status?partner_interview_id="+strconv.FormatInt(manual.ID, 10), jsonHeaders, ""); status != http.StatusNotFound {
			t.Errorf("manual candidate: %d", status)
		}
		// A closed posting takes no candidates either.
		if err := e.Postings.Close(ctx, user.Actor(), postingID); err != nil {
			t.Fatal(err)
		}
		if status, _, _ := rawCall(t, http.MethodPost, api+"send_test", jsonHeaders, sendTestBody(publicID, "a@b.test", takeHomeURL(gh, "4"))); status != http.StatusNotFound {
			t.Errorf("closed posting: %d", status)
		}
		if status, body, _ := rawCall(t, http.MethodGet, api+"list_tests", jsonHeaders, ""); status != http.StatusOK || body != "[]\n" {
			t.Errorf("list_tests without active postings: %d %s", status, body)
		}
		if err := e.Postings.Reopen(ctx, user.Actor(), postingID); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("legacy url and unknown fields", func(t *testing.T) {
		body := `{"partner_test_id": "` + publicID + `", "brand_new_field": [1, {"x": null}],
			"candidate": {"first_name": "Old", "last_name": "Style", "email": "old@example.test", "phone_number": null,
			"greenhouse_profile_url": "https://app.greenhouse.io/people/5", "url": "` + takeHomeURL(gh, "legacy-7") + `", "extra": 1}}`
		status, answer, _ := rawCall(t, http.MethodPost, api+"send_test", jsonHeaders, body)
		if status != http.StatusOK {
			t.Fatalf("%d %s", status, answer)
		}
		id, _ := strconv.ParseInt(interviewID(t, answer), 10, 64)
		c := mustCandidate(t, e, user, id)
		if c.GHCallbackURL != takeHomeURL(gh, "legacy-7") || c.GHTestID != "legacy-7" || c.GHCandidateID != "5" || c.GHApplicationID != "" {
			t.Errorf("candidate %+v", c)
		}
	})
	t.Run("response_errors", func(t *testing.T) {
		body := `{"api_call": "test_status", "errors": ["partner_status is 'complete' but partner_profile url is missing"],
			"partner_test_id": "12345", "partner_test_name": "Personality Test", "partner_interview_id": "299506", "candidate_email": "hpotter@example.edu"}`
		status, answer, _ := rawCall(t, http.MethodPost, api+"response_errors", jsonHeaders, body)
		if status != http.StatusOK || answer != "{\"status\":200}\n" {
			t.Errorf("%d %s", status, answer)
		}
		list, err := store.ListResponseErrors(ctx, e.Store.DB, user.OrgID, time.Time{}, 10)
		if err != nil || len(list) == 0 || list[0].PartnerInterviewID != "299506" || list[0].Errors[0] != "partner_status is 'complete' but partner_profile url is missing" {
			t.Errorf("stored %+v %v", list, err)
		}
	})
}

// chunked is a body of unknown length.
type chunked struct{ left int }

func (c *chunked) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, io.EOF
	}
	n := min(len(p), c.left)
	for i := range p[:n] {
		p[i] = ' '
	}
	c.left -= n
	return n, nil
}

func candidateCount(t *testing.T, e *env, orgID int64) int {
	t.Helper()
	_, n, err := store.ListCandidates(context.Background(), e.Store.DB, model.CandidateFilter{OrgID: orgID, Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestGreenhouseRateLimit: a key over its rate gets 429 with Retry-After.
func TestGreenhouseRateLimit(t *testing.T) {
	e := ghStart(t, "", nil, func(c *config.Config) { c.Greenhouse.RateLimit = 8 })
	_, _, _, _, key := ghOrg(t, e, "acme")
	var limited *http.Header
	for i := 0; i < 10; i++ {
		status, body, hdr := ghCall(t, e.URL, http.MethodGet, "/api/greenhouse/list_tests", key, "")
		if status == http.StatusTooManyRequests {
			if !strings.Contains(body, `"error"`) {
				t.Errorf("429 body %s", body)
			}
			limited = &hdr
			break
		}
	}
	if limited == nil {
		t.Fatal("10 requests at once with a limit of 8 a minute were all answered")
	}
	if s, err := strconv.Atoi(limited.Get("Retry-After")); err != nil || s < 1 || s > 8 {
		t.Errorf("Retry-After %q", limited.Get("Retry-After"))
	}
}

// TestGreenhouseIdempotentConcurrent sends the same test 20 times at once:
// every answer names one candidate, and only one exists.
func TestGreenhouseIdempotentConcurrent(t *testing.T) {
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		gh := newGreenhouse(t, sandbox.Config{})
		e := ghStart(t, dbURL, gh, nil)
		_, user, _, publicID, key := ghOrg(t, e, "acme")
		// Twenty identical requests at once, as Greenhouse's retries could
		// come: made by hand, since the sandbox sends one at a time.
		body := sendTestBody(publicID, "twenty@example.edu", takeHomeURL(gh, "424242"))
		var wg sync.WaitGroup
		ids := make(chan string, 20)
		for i := 0; i < 20; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				status, answer, _ := ghCall(t, e.URL, http.MethodPost, "/api/greenhouse/send_test", key, body)
				if status != http.StatusOK {
					t.Errorf("concurrent send_test: %d %s", status, answer)
					return
				}
				ids <- interviewID(t, answer)
			}()
		}
		wg.Wait()
		close(ids)
		seen := map[string]int{}
		for id := range ids {
			seen[id]++
		}
		if len(seen) != 1 {
			t.Errorf("20 identical sends answered with ids %v", seen)
		}
		if n := candidateCount(t, e, user.OrgID); n != 1 {
			t.Errorf("%d candidates after 20 identical sends", n)
		}
		// A different take-home test for the same person is a new candidate.
		gh.SetPartner(e.URL, key)
		sd, err := gh.Send(context.Background(), sandbox.SendRequest{TestID: publicID, Email: "twenty@example.edu"})
		if err != nil || seen[sd.InterviewID] != 0 || candidateCount(t, e, user.OrgID) != 2 {
			t.Errorf("another test: %v %+v", err, sd)
		}
	})
}

// TestGreenhouseTenantWalls: one organization's key never sees another's
// postings or interviews.
func TestGreenhouseTenantWalls(t *testing.T) {
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		gh := newGreenhouse(t, sandbox.Config{})
		e := ghStart(t, dbURL, gh, nil)
		_, _, _, publicA, keyA := ghOrg(t, e, "acme")
		_, userB, _, publicB, keyB := ghOrg(t, e, "globex")
		gh.SetPartner(e.URL, keyA) // the sandbox plays A's Greenhouse; B's sends carry B's key

		_, body, _ := ghCall(t, e.URL, http.MethodGet, "/api/greenhouse/list_tests", keyA, "")
		if !strings.Contains(body, publicA) || strings.Contains(body, publicB) {
			t.Errorf("A's list_tests: %s", body)
		}
		if tests, err := gh.ListTests(ctx); err != nil || len(tests) != 1 || tests[0].ID != publicA {
			t.Errorf("A's list_tests through the sandbox: %+v %v", tests, err)
		}
		var refused *sandbox.PartnerError
		if _, err := gh.Send(ctx, sandbox.SendRequest{TestID: publicB, Email: "x@example.test"}); !errors.As(err, &refused) || refused.Code != http.StatusNotFound {
			t.Errorf("A sends to B's posting: %v", err)
		}
		if n := candidateCount(t, e, userB.OrgID); n != 0 {
			t.Errorf("B has %d candidates", n)
		}
		sdB, err := gh.Send(ctx, sandbox.SendRequest{TestID: publicB, Email: "x@example.test", APIKey: keyB})
		if err != nil {
			t.Fatalf("B sends: %v", err)
		}
		idB := sdB.InterviewID
		if status, _, _ := ghCall(t, e.URL, http.MethodGet, "/api/greenhouse/test_status?partner_interview_id="+idB, keyA, ""); status != http.StatusNotFound {
			t.Errorf("A reads B's interview: %d", status)
		}
		// The same take-home test (url) in A is A's own, new candidate.
		status, answer, _ := ghCall(t, e.URL, http.MethodPost, "/api/greenhouse/send_test", keyA, sendTestBody(publicA, "x@example.test", sdB.URL))
		if status != http.StatusOK || interviewID(t, answer) == idB {
			t.Errorf("A's send with B's test id: %d %s", status, answer)
		}
	})
}

// TestGreenhouseKeyRotation: a rotated key is refused from the next request,
// the new one works, and a revoked key is refused; the organization's card
// says why.
func TestGreenhouseKeyRotation(t *testing.T) {
	ctx := context.Background()
	e := ghStart(t, "", nil, nil)
	admin, user, _, _, oldKey := ghOrg(t, e, "acme")
	if status, _, _ := ghCall(t, e.URL, http.MethodGet, "/api/greenhouse/list_tests", oldKey, ""); status != http.StatusOK {
		t.Fatalf("old key before rotation: %d", status)
	}
	issued, err := e.APIKeys.Rotate(ctx, model.CommandLine(user.OrgID), user.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	status, body, hdr := ghCall(t, e.URL, http.MethodGet, "/api/greenhouse/list_tests", oldKey, "")
	if status != http.StatusUnauthorized || hdr.Get("WWW-Authenticate") == "" || !strings.Contains(body, "rotated") {
		t.Errorf("rotated key: %d %s", status, body)
	}
	if status, _, _ := ghCall(t, e.URL, http.MethodGet, "/api/greenhouse/list_tests", issued.Key, ""); status != http.StatusOK {
		t.Errorf("new key: %d", status)
	}
	card := admin.Get("/settings/integrations").Body
	if !strings.Contains(card, "which was rotated on") || !strings.Contains(card, "the key may have been revoked or rotated") {
		t.Error("the card does not explain the refused rotated key")
	}
	if _, err := e.APIKeys.Revoke(ctx, model.CommandLine(user.OrgID), user.OrgID); err != nil {
		t.Fatal(err)
	}
	if status, _, _ := ghCall(t, e.URL, http.MethodGet, "/api/greenhouse/list_tests", issued.Key, ""); status != http.StatusUnauthorized {
		t.Errorf("revoked key: %d", status)
	}
	card = admin.Get("/settings/integrations").Body
	if !strings.Contains(card, `id="gh-status">Revoked<`) || !strings.Contains(card, "Request Setup") {
		t.Error("the card does not show Revoked with Request Setup")
	}
	k, err := store.ActiveAPIKey(ctx, e.Store.DB, user.OrgID)
	if err == nil {
		t.Errorf("an active key after revocation: %+v", k)
	}
}

// importDraft imports an example posting as a draft and returns its public id.
func importDraft(t *testing.T, e *env, u *model.User) string {
	t.Helper()
	f, err := os.Open("../../examples/postings/data-analyst.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := e.Postings.Import(context.Background(), u.Actor(), f, false)
	if err != nil {
		t.Fatal(err)
	}
	return p.PublicID
}

func personOf(email string) candidates.Person {
	return candidates.Person{FirstName: "Manual", LastName: "Person", Email: email}
}

func manualOptions() candidates.AddOptions {
	return candidates.AddOptions{Source: model.SourceManual}
}

// TestStaffResponseErrors shows the errors Greenhouse reported to staff, on
// the console and the organization's page, at times in the viewer's zone.
func TestStaffResponseErrors(t *testing.T) {
	e := ghStart(t, "", nil, nil)
	_, user, _, _, key := ghOrg(t, e, "acme")
	h := map[string]string{"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte(key+":")), "Content-Type": "application/json"}
	if status, body, _ := rawCall(t, http.MethodPost, e.URL+"/api/greenhouse/response_errors", h, `{"api_call":"send_test","errors":["the test could not be found"]}`); status != http.StatusOK {
		t.Fatalf("response_errors: %d %s", status, body)
	}
	staff := apptest.NewClient(t, e.URL)
	staff.SignIn("staff@ts.test", password)
	for _, page := range []string{"/staff/greenhouse", "/staff/orgs/" + strconv.FormatInt(user.OrgID, 10) + "/greenhouse"} {
		expectStatus(t, page, staff.Get(page), http.StatusOK, "the test could not be found", " UTC</td><td>Acme")
	}
}
