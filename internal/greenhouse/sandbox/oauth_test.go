package sandbox

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

const redirect = "https://partner.example/oauth/callback"

// tokenCall posts a token request with the given client credentials.
func tokenCall(t *testing.T, s *Sandbox, id, secret string, form url.Values) (int, map[string]string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.URL()+"/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if id != "" {
		req.SetBasicAuth(id, secret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]string
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func exchange(t *testing.T, s *Sandbox, code string) map[string]string {
	t.Helper()
	status, tok := tokenCall(t, s, "cid", "secret", url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect}})
	if status != http.StatusOK {
		t.Fatalf("code exchange: %d %v", status, tok)
	}
	return tok
}

func refresh(t *testing.T, s *Sandbox, rt string) (int, map[string]string) {
	t.Helper()
	return tokenCall(t, s, "cid", "secret", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}})
}

// TestAuthorizeConsent: the consent page, then the redirect with code and state.
func TestAuthorizeConsent(t *testing.T) {
	s := start(t, Config{ClientID: "cid", ClientSecret: "secret"})
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	q := url.Values{"response_type": {"code"}, "client_id": {"cid"}, "redirect_uri": {redirect}, "scope": {"harvest:jobs:list harvest:notes:create"}, "state": {"xyz"}}
	code, body, _ := call(t, http.MethodGet, s.URL()+"/authorize?"+q.Encode(), "", "")
	if code != http.StatusOK || !strings.Contains(body, "harvest:notes:create") || !strings.Contains(body, "A service account") {
		t.Fatalf("consent page: %d", code)
	}
	cases := []struct {
		name  string
		query url.Values
		code  int
		want  string // in the body (a page) or the Location (a redirect)
	}{
		{"unknown client", url.Values{"response_type": {"code"}, "client_id": {"x"}, "redirect_uri": {redirect}, "scope": {"harvest:jobs:list"}}, http.StatusBadRequest, "client_id is unknown"},
		{"no redirect", url.Values{"response_type": {"code"}, "client_id": {"cid"}, "scope": {"harvest:jobs:list"}}, http.StatusBadRequest, "redirect_uri"},
		{"unknown scope", url.Values{"response_type": {"code"}, "client_id": {"cid"}, "redirect_uri": {redirect}, "scope": {"harvest:everything"}, "state": {"s"}}, http.StatusFound, "error=invalid_scope"},
		{"token flow", url.Values{"response_type": {"token"}, "client_id": {"cid"}, "redirect_uri": {redirect}, "scope": {"harvest:jobs:list"}}, http.StatusFound, "error=unsupported_response_type"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := noRedirect.Get(s.URL() + "/authorize?" + tc.query.Encode())
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.code || (tc.code == http.StatusFound && !strings.Contains(resp.Header.Get("Location"), tc.want)) {
				t.Errorf("%d %s", resp.StatusCode, resp.Header.Get("Location"))
			}
		})
	}
	form := url.Values{"client_id": {"cid"}, "redirect_uri": {redirect}, "scope": {"harvest:jobs:list"}, "state": {"xyz"}, "as": {AsServiceAccount}, "decision": {"allow"}}
	resp, err := noRedirect.PostForm(s.URL()+"/authorize", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || loc.Query().Get("state") != "xyz" || loc.Query().Get("code") == "" || !strings.HasPrefix(loc.String(), redirect) {
		t.Fatalf("allow: %d %s", resp.StatusCode, loc)
	}
	tok := exchange(t, s, loc.Query().Get("code"))
	if tok["token_type"] != "Bearer" || tok["access_token"] == "" || tok["refresh_token"] == "" {
		t.Errorf("token answer %v", tok)
	}
	form.Set("decision", "deny")
	resp, _ = noRedirect.PostForm(s.URL()+"/authorize", form)
	resp.Body.Close()
	if !strings.Contains(resp.Header.Get("Location"), "error=access_denied") {
		t.Errorf("deny: %s", resp.Header.Get("Location"))
	}
	// A form posted from another site is refused.
	req, _ := http.NewRequest(http.MethodPost, s.URL()+"/authorize", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if resp, err := noRedirect.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site consent: %v %v", resp.StatusCode, err)
	}
}

// TestTokens: client auth, lifetimes, single-use rotating refresh tokens,
// revocation, and RFC 6749 error bodies.
func TestTokens(t *testing.T) {
	clk := newClock()
	s := start(t, Config{ClientID: "cid", ClientSecret: "secret", Now: clk.Now, AccessTokenTTL: 10 * time.Second, RefreshTokenTTL: 30 * time.Second})
	code := s.IssueCode(redirect, []string{"harvest:jobs:list"}, AsUser)

	for _, tc := range []struct {
		name, id, secret string
	}{{"no client auth", "", ""}, {"wrong secret", "cid", "nope"}, {"wrong id", "other", "secret"}} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := tokenCall(t, s, tc.id, tc.secret, url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect}})
			if status != http.StatusUnauthorized || body["error"] != "invalid_client" {
				t.Errorf("%d %v", status, body)
			}
		})
	}
	if status, body := tokenCall(t, s, "cid", "secret", url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {"https://evil.example/"}}); status != http.StatusBadRequest || body["error"] != "invalid_grant" {
		t.Errorf("wrong redirect_uri: %d %v", status, body)
	}
	tok := exchange(t, s, code)
	if tok["expires_at"] != clk.Now().Add(10*time.Second).Format(time.RFC3339) {
		t.Errorf("expires_at %q", tok["expires_at"])
	}
	if _, ok := tok["expires_in"]; ok {
		t.Error("the answer has expires_in; Greenhouse sends expires_at")
	}
	if status, body := tokenCall(t, s, "cid", "secret", url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect}}); status != http.StatusBadRequest || body["error"] != "invalid_grant" {
		t.Errorf("reused code: %d %v", status, body)
	}
	// The replayed code revoked what it granted.
	if status, _, _ := call(t, http.MethodGet, s.URL()+"/v3/jobs", "Bearer "+tok["access_token"], ""); status != http.StatusUnauthorized {
		t.Errorf("access token after its code was replayed: %d", status)
	}

	tok = exchange(t, s, s.IssueCode(redirect, []string{"harvest:jobs:list"}, AsUser))
	status, next := refresh(t, s, tok["refresh_token"])
	if status != http.StatusOK || next["refresh_token"] == tok["refresh_token"] || next["access_token"] == tok["access_token"] {
		t.Fatalf("refresh: %d %v", status, next)
	}
	if status, body := refresh(t, s, tok["refresh_token"]); status != http.StatusBadRequest || body["error"] != "invalid_grant" {
		t.Errorf("reused refresh token: %d %v", status, body)
	}
	if status, _, _ := call(t, http.MethodGet, s.URL()+"/v3/jobs", "Bearer "+next["access_token"], ""); status != http.StatusOK {
		t.Errorf("fresh access token: %d", status)
	}
	clk.Advance(11 * time.Second)
	if status, _, h := call(t, http.MethodGet, s.URL()+"/v3/jobs", "Bearer "+next["access_token"], ""); status != http.StatusUnauthorized || !strings.Contains(h.Get("WWW-Authenticate"), "invalid_token") {
		t.Errorf("expired access token: %d", status)
	}
	clk.Advance(20 * time.Second)
	if status, body := refresh(t, s, next["refresh_token"]); status != http.StatusBadRequest || body["error"] != "invalid_grant" || !strings.Contains(body["error_description"], "expired") {
		t.Errorf("expired refresh token: %d %v", status, body)
	}

	tok = exchange(t, s, s.IssueCode(redirect, []string{"harvest:jobs:list"}, AsUser))
	pending := s.IssueCode(redirect, []string{"harvest:jobs:list"}, AsUser)
	if n := s.RevokeGrants(); n != 1 {
		t.Errorf("revoked %d grants, want 1", n)
	}
	if status, body := refresh(t, s, tok["refresh_token"]); status != http.StatusBadRequest || body["error"] != "invalid_grant" {
		t.Errorf("revoked refresh token: %d %v", status, body)
	}
	if status, _, _ := call(t, http.MethodGet, s.URL()+"/v3/jobs", "Bearer "+tok["access_token"], ""); status != http.StatusUnauthorized {
		t.Errorf("revoked access token: %d", status)
	}
	if status, body := tokenCall(t, s, "cid", "secret", url.Values{"grant_type": {"authorization_code"}, "code": {pending}, "redirect_uri": {redirect}}); body["error"] != "invalid_grant" {
		t.Errorf("a code issued before the revocation: %d %v", status, body)
	}
	for _, tc := range []struct {
		form url.Values
		want string
	}{
		{url.Values{"grant_type": {"password"}}, "unsupported_grant_type"},
		{url.Values{}, "invalid_request"},
		{url.Values{"grant_type": {"refresh_token"}}, "invalid_request"},
		{url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"made-up"}}, "invalid_grant"},
	} {
		if status, body := tokenCall(t, s, "cid", "secret", tc.form); status != http.StatusBadRequest || body["error"] != tc.want {
			t.Errorf("%v: %d %v, want %s", tc.form, status, body, tc.want)
		}
	}
	var kinds []string
	for _, g := range s.Snapshot().Grants {
		kinds = append(kinds, g.Kind)
	}
	if !slices.Contains(kinds, "revoked") || !slices.Contains(kinds, "refresh_token") || !slices.Contains(kinds, "refused") {
		t.Errorf("the grant log lacks events: %v", kinds)
	}
}
