package sandbox

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Scopes are the Harvest v3 scopes the sandbox knows.
var Scopes = []string{"harvest:jobs:list", "harvest:job_posts:list", "harvest:candidates:list",
	"harvest:applications:list", "harvest:notes:list", "harvest:notes:create", "harvest:attachments:create"}

// Authorizer kinds: who consented on the authorize page.
const (
	AsUser           = "user"            // a Site Admin user, authorizing as themselves
	AsServiceAccount = "service_account" // a service account
	AsBasicUser      = "basic_user"      // a user without Site Admin: Harvest answers 403
)

type oauthState struct {
	codes   map[string]*authCode
	access  map[string]*token
	refresh map[string]*token
}

type authCode struct {
	redirectURI string
	scopes      []string
	as          string
	expires     time.Time
	used        bool
	grant       string // the grant the code created, revoked if the code is replayed
}

// token is an access or a refresh token of a grant.
type token struct {
	grant   string
	scopes  []string
	as      string
	expires time.Time
	used    bool // a refresh token is single use
	revoked bool
}

func newToken(prefix string) string {
	b := make([]byte, 24)
	rand.Read(b)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// oauthError answers an RFC 6749 error.
func oauthError(w http.ResponseWriter, code int, kind, description string) {
	w.Header().Set("Cache-Control", "no-store")
	if code == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="Greenhouse sandbox"`)
	}
	writeJSON(w, code, map[string]string{"error": kind, "error_description": description})
}

func (s *Sandbox) grantEvent(kind, detail string) {
	at := s.now()
	s.update(func(st *State) { st.Grants = append(st.Grants, GrantEvent{Kind: kind, Detail: detail, At: at}) })
}

// authorizeRequest is a checked /authorize query.
type authorizeRequest struct {
	ClientID, RedirectURI, State string
	Scopes                       []string
}

// checkAuthorize validates an authorize query. A bad client or redirect URI
// is shown on the page (never redirected to, per RFC 6749 §4.1.2.1); other
// errors go back to the redirect URI.
func (s *Sandbox) checkAuthorize(q url.Values) (authorizeRequest, string, string) {
	ar := authorizeRequest{ClientID: q.Get("client_id"), RedirectURI: q.Get("redirect_uri"), State: q.Get("state"), Scopes: strings.Fields(q.Get("scope"))}
	if ar.ClientID != s.cfg.ClientID {
		return ar, "", "The client_id is unknown to Greenhouse."
	}
	u, err := url.Parse(ar.RedirectURI)
	if err != nil || !u.IsAbs() || u.Fragment != "" || (len(s.cfg.RedirectURIs) > 0 && !slices.Contains(s.cfg.RedirectURIs, ar.RedirectURI)) {
		return ar, "", "The redirect_uri is missing or not registered for this client."
	}
	if q.Get("response_type") != "code" {
		return ar, "unsupported_response_type", ""
	}
	if len(ar.Scopes) == 0 {
		return ar, "invalid_scope", ""
	}
	for _, sc := range ar.Scopes {
		if !slices.Contains(Scopes, sc) {
			return ar, "invalid_scope", ""
		}
	}
	return ar, "", ""
}

// redirectWith sends the browser back to the client with query values.
func redirectWith(w http.ResponseWriter, r *http.Request, target string, v url.Values) {
	u, _ := url.Parse(target)
	q := u.Query()
	for k, vs := range v {
		q[k] = vs
	}
	u.RawQuery = q.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound)
}

// IssueCode issues an authorization code as if a person had consented on
// the authorize page, for tests that need no browser.
func (s *Sandbox) IssueCode(redirectURI string, scopes []string, as string) string {
	code := newToken("gh_code_")
	s.mu.Lock()
	s.oauth.codes[code] = &authCode{redirectURI: redirectURI, scopes: scopes, as: as, expires: s.now().Add(s.cfg.CodeTTL)}
	s.mu.Unlock()
	s.grantEvent("code", fmt.Sprintf("authorization code issued (as %s) for %s", as, strings.Join(scopes, " ")))
	return code
}

// tokenEndpoint serves POST /token: HTTP Basic client authentication, grant
// types authorization_code and refresh_token, expires_at in the answer.
func (s *Sandbox) tokenEndpoint(w http.ResponseWriter, r *http.Request) {
	if _, answered := s.faults.apply("token", w, r); answered {
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok || subtle.ConstantTimeCompare([]byte(id), []byte(s.cfg.ClientID)) != 1 || subtle.ConstantTimeCompare([]byte(secret), []byte(s.cfg.ClientSecret)) != 1 {
		s.grantEvent("refused", "token request with missing or wrong client credentials: invalid_client")
		oauthError(w, http.StatusUnauthorized, "invalid_client", "Client authentication failed: send HTTP Basic client_id:client_secret.")
		return
	}
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "The body is not a form.")
		return
	}
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	var scopes []string
	var as, grant string
	switch gt := r.PostForm.Get("grant_type"); gt {
	case "authorization_code":
		code := r.PostForm.Get("code")
		c := s.oauth.codes[code]
		if code == "" {
			s.refuseLocked(w, "invalid_request", "code is missing.")
			return
		}
		if c == nil || c.used || !now.Before(c.expires) {
			if c != nil && c.used {
				s.revokeGrantLocked(c.grant) // a replayed code revokes what it granted (RFC 6749 §4.1.2)
			}
			s.refuseLocked(w, "invalid_grant", "The authorization code is unknown, used or expired.")
			return
		}
		if r.PostForm.Get("redirect_uri") != c.redirectURI {
			s.refuseLocked(w, "invalid_grant", "redirect_uri does not match the one authorized.")
			return
		}
		c.used = true
		scopes, as, grant = c.scopes, c.as, newToken("grant_")
		c.grant = grant
	case "refresh_token":
		rt := s.oauth.refresh[r.PostForm.Get("refresh_token")]
		switch {
		case r.PostForm.Get("refresh_token") == "":
			s.refuseLocked(w, "invalid_request", "refresh_token is missing.")
			return
		case rt == nil:
			s.refuseLocked(w, "invalid_grant", "The refresh token is unknown.")
			return
		case rt.revoked:
			s.refuseLocked(w, "invalid_grant", "The refresh token was revoked.")
			return
		case rt.used:
			s.refuseLocked(w, "invalid_grant", "The refresh token was already used: refresh tokens are single use.")
			return
		case !now.Before(rt.expires):
			s.refuseLocked(w, "invalid_grant", "The refresh token expired.")
			return
		}
		rt.used = true
		scopes, as, grant = rt.scopes, rt.as, rt.grant
	case "":
		s.refuseLocked(w, "invalid_request", "grant_type is missing.")
		return
	default:
		s.refuseLocked(w, "unsupported_grant_type", "grant_type "+gt+" is not supported.")
		return
	}
	access, refresh := newToken("gh_at_"), newToken("gh_rt_")
	expires := now.Add(s.cfg.AccessTokenTTL)
	s.oauth.access[access] = &token{grant: grant, scopes: scopes, as: as, expires: expires}
	s.oauth.refresh[refresh] = &token{grant: grant, scopes: scopes, as: as, expires: now.Add(s.cfg.RefreshTokenTTL)}
	s.state.Grants = append(s.state.Grants, GrantEvent{Kind: r.PostForm.Get("grant_type"), At: now,
		Detail: fmt.Sprintf("tokens granted (as %s, %s), access token until %s", as, strings.Join(scopes, " "), expires.UTC().Format(time.RFC3339))})
	s.notifyLocked()
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]string{"access_token": access, "refresh_token": refresh, "token_type": "Bearer",
		"expires_at": expires.UTC().Format(time.RFC3339)})
}

// refuseLocked records and answers a refused token request; s.mu is held.
func (s *Sandbox) refuseLocked(w http.ResponseWriter, kind, description string) {
	s.state.Grants = append(s.state.Grants, GrantEvent{Kind: "refused", Detail: kind + ": " + description, At: s.now()})
	s.notifyLocked()
	oauthError(w, http.StatusBadRequest, kind, description)
}

func (s *Sandbox) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *Sandbox) revokeGrantLocked(grant string) {
	for _, m := range []map[string]*token{s.oauth.access, s.oauth.refresh} {
		for _, t := range m {
			if grant != "" && t.grant == grant {
				t.revoked = true
			}
		}
	}
}

// RevokeGrants revokes every grant of the sandbox's organization, as when a
// Greenhouse admin removes the partner's access, and returns how many
// grants were live.
func (s *Sandbox) RevokeGrants() int {
	s.mu.Lock()
	now := s.now()
	grants := map[string]bool{}
	for _, m := range []map[string]*token{s.oauth.access, s.oauth.refresh} {
		for _, t := range m {
			if !t.revoked && !t.used && now.Before(t.expires) {
				grants[t.grant] = true
			}
			t.revoked = true
		}
	}
	for _, c := range s.oauth.codes {
		c.used = true // a code not yet exchanged is withdrawn too
	}
	s.mu.Unlock()
	s.grantEvent("revoked", fmt.Sprintf("the organization's grants were revoked (%d)", len(grants)))
	return len(grants)
}

// bearer returns the live access token of a request, or answers 401.
func (s *Sandbox) bearer(w http.ResponseWriter, r *http.Request) (*token, string, bool) {
	h := r.Header.Get("Authorization")
	scheme, tok, _ := strings.Cut(h, " ")
	if !strings.EqualFold(scheme, "Bearer") || tok == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="Harvest"`)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_token", "message": "A Bearer access token is required."})
		return nil, "", false
	}
	s.mu.Lock()
	t := s.oauth.access[tok]
	var live bool
	if t != nil {
		live = !t.revoked && s.now().Before(t.expires)
	}
	s.mu.Unlock()
	if !live {
		w.Header().Set("WWW-Authenticate", `Bearer realm="Harvest", error="invalid_token"`)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_token", "message": "The access token is unknown, expired or revoked."})
		return nil, "", false
	}
	return t, tok, true
}
