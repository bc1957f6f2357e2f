package sandbox

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

var nextRe = regexp.MustCompile(`<([^>]+)>; rel="next"`)

// bearerFor returns an Authorization header for a token with the scopes.
func bearerFor(t *testing.T, s *Sandbox, as string, scopes ...string) string {
	t.Helper()
	return "Bearer " + exchange(t, s, s.IssueCode(redirect, scopes, as))["access_token"]
}

// walk follows Link headers from first and returns every item and the number of pages.
func walk(t *testing.T, auth, first string) ([]map[string]any, int) {
	t.Helper()
	var all []map[string]any
	pages := 0
	for u := first; u != ""; pages++ {
		status, body, h := call(t, http.MethodGet, u, auth, "")
		if status != http.StatusOK {
			t.Fatalf("GET %s: %d %s", u, status, body)
		}
		var page []map[string]any
		if err := json.Unmarshal([]byte(body), &page); err != nil {
			t.Fatalf("page %s: %v", u, err)
		}
		all = append(all, page...)
		u = ""
		if m := nextRe.FindStringSubmatch(h.Get("Link")); m != nil {
			u = m[1]
		}
		if pages > 50 {
			t.Fatal("pagination does not end")
		}
	}
	return all, pages
}

// TestHarvestPagination: cursors walk every page, keep the filters, and
// must be the only parameter.
func TestHarvestPagination(t *testing.T) {
	s := start(t, Config{ClientID: "cid", ClientSecret: "secret", RateLimit: 1000})
	auth := bearerFor(t, s, AsServiceAccount, "harvest:jobs:list", "harvest:job_posts:list", "harvest:candidates:list", "harvest:applications:list")
	jobs, pages := walk(t, auth, s.URL()+"/v3/jobs?per_page=10")
	if len(jobs) < 30 || pages != (len(jobs)+9)/10 {
		t.Fatalf("%d jobs over %d pages", len(jobs), pages)
	}
	seen, names := map[float64]bool{}, map[string]bool{}
	statuses := map[string]int{}
	for _, j := range jobs {
		if seen[j["id"].(float64)] {
			t.Errorf("job %v listed twice", j["id"])
		}
		seen[j["id"].(float64)] = true
		if names[j["name"].(string)] {
			t.Errorf("two jobs are named %q", j["name"])
		}
		names[j["name"].(string)] = true
		statuses[j["status"].(string)]++
		for _, f := range []string{"name", "departments", "offices", "created_at", "updated_at"} {
			if _, ok := j[f]; !ok {
				t.Errorf("job %v lacks %s", j["id"], f)
			}
		}
	}
	if statuses["open"] == 0 || statuses["closed"] == 0 || statuses["draft"] == 0 {
		t.Errorf("job statuses %v", statuses)
	}
	open, _ := walk(t, auth, s.URL()+"/v3/jobs?status=open&per_page=7")
	if len(open) != statuses["open"] {
		t.Errorf("%d open jobs through cursors, want %d: the filter was lost", len(open), statuses["open"])
	}
	posts, _ := walk(t, auth, s.URL()+"/v3/job_posts?job_id="+strconv.Itoa(int(jobs[0]["id"].(float64))))
	if len(posts) != 1 || !strings.Contains(posts[0]["content"].(string), "<li>") || !strings.Contains(posts[0]["content"].(string), `<a href="https://`) {
		t.Errorf("job posts %v", posts)
	}
	apps, _ := walk(t, auth, s.URL()+"/v3/applications?per_page=500")
	byStatus := map[string]int{}
	for _, a := range apps {
		byStatus[a["status"].(string)]++
		if a["current_stage"] == nil {
			t.Errorf("application %v has no current stage", a["id"])
		}
	}
	if byStatus["active"] == 0 || byStatus["rejected"] == 0 || byStatus["hired"] == 0 {
		t.Errorf("application statuses %v", byStatus)
	}
	cands, _ := walk(t, auth, s.URL()+"/v3/candidates")
	if len(cands) != len(apps) {
		t.Errorf("%d candidates, %d applications", len(cands), len(apps))
	}

	_, _, h := call(t, http.MethodGet, s.URL()+"/v3/jobs?per_page=10", auth, "")
	next := nextRe.FindStringSubmatch(h.Get("Link"))[1]
	for _, tc := range []struct {
		name, url string
		want      int
	}{
		{"cursor and per_page", next + "&per_page=5", http.StatusUnprocessableEntity},
		{"cursor and status", next + "&status=open", http.StatusUnprocessableEntity},
		{"broken query", s.URL() + "/v3/jobs?cursor=%%%", http.StatusUnprocessableEntity},
		{"made-up cursor", s.URL() + "/v3/jobs?cursor=bm9wZQ", http.StatusUnprocessableEntity},
		{"per_page over 500", s.URL() + "/v3/jobs?per_page=501", http.StatusUnprocessableEntity},
		{"cursor alone", next, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if status, body, _ := call(t, http.MethodGet, tc.url, auth, ""); status != tc.want {
				t.Errorf("%d %s, want %d", status, short(body, 200), tc.want)
			}
		})
	}
}

// TestHarvestAccess: Bearer auth, scopes, the authorizer's permission, notes.
func TestHarvestAccess(t *testing.T) {
	s := start(t, Config{ClientID: "cid", ClientSecret: "secret"})
	jobsOnly := bearerFor(t, s, AsUser, "harvest:jobs:list")
	notes := bearerFor(t, s, AsServiceAccount, "harvest:notes:create")
	basic := bearerFor(t, s, AsBasicUser, "harvest:jobs:list")
	note := `{"candidate_id": 309001, "body": "Assessment complete: 81/100. https://partner.example/r/42", "visibility": "admin_only"}`
	cases := []struct {
		name, method, path, auth, body string
		want                           int
	}{
		{"no token", http.MethodGet, "/v3/jobs", "", "", http.StatusUnauthorized},
		{"made-up token", http.MethodGet, "/v3/jobs", "Bearer nope", "", http.StatusUnauthorized},
		{"basic auth", http.MethodGet, "/v3/jobs", "Basic Zm9vOg==", "", http.StatusUnauthorized},
		{"in scope", http.MethodGet, "/v3/jobs", jobsOnly, "", http.StatusOK},
		{"missing scope", http.MethodGet, "/v3/candidates", jobsOnly, "", http.StatusForbidden},
		{"missing scope for notes", http.MethodPost, "/v3/notes", jobsOnly, note, http.StatusForbidden},
		{"not a site admin", http.MethodGet, "/v3/jobs", basic, "", http.StatusForbidden},
		{"note", http.MethodPost, "/v3/notes", notes, note, http.StatusCreated},
		{"note with a bad visibility", http.MethodPost, "/v3/notes", notes, `{"candidate_id": 309001, "body": "x", "visibility": "everyone"}`, http.StatusUnprocessableEntity},
		{"note on an unknown candidate", http.MethodPost, "/v3/notes", notes, `{"candidate_id": 1, "body": "x", "visibility": "private"}`, http.StatusNotFound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if status, body, _ := call(t, tc.method, s.URL()+tc.path, tc.auth, tc.body); status != tc.want {
				t.Errorf("%d %s, want %d", status, short(body, 200), tc.want)
			}
		})
	}
	got := s.Snapshot().Notes
	if len(got) != 1 || got[0].CandidateID != 309001 || got[0].Visibility != "admin_only" || !strings.Contains(got[0].Body, "81/100") {
		t.Errorf("notes recorded: %+v", got)
	}
}

// TestHarvestRateLimit: X-RateLimit-* headers count down; over the limit
// 429 with Retry-After until the window passes.
func TestHarvestRateLimit(t *testing.T) {
	clk := newClock()
	s := start(t, Config{ClientID: "cid", ClientSecret: "secret", Now: clk.Now, RateLimit: 3, RateWindow: 10 * time.Second})
	auth := bearerFor(t, s, AsUser, "harvest:jobs:list")
	for i := 2; i >= 0; i-- {
		status, _, h := call(t, http.MethodGet, s.URL()+"/v3/jobs", auth, "")
		if status != http.StatusOK || h.Get("X-RateLimit-Limit") != "3" || h.Get("X-RateLimit-Remaining") != strconv.Itoa(i) {
			t.Fatalf("request %d: %d limit %s remaining %s", 3-i, status, h.Get("X-RateLimit-Limit"), h.Get("X-RateLimit-Remaining"))
		}
	}
	clk.Advance(4 * time.Second)
	status, _, h := call(t, http.MethodGet, s.URL()+"/v3/jobs", auth, "")
	if status != http.StatusTooManyRequests || h.Get("Retry-After") != "6" || h.Get("X-RateLimit-Remaining") != "0" {
		t.Fatalf("over the limit: %d Retry-After %q", status, h.Get("Retry-After"))
	}
	clk.Advance(6 * time.Second)
	if status, _, _ := call(t, http.MethodGet, s.URL()+"/v3/jobs", auth, ""); status != http.StatusOK {
		t.Errorf("after the window: %d", status)
	}
}
