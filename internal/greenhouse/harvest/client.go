// Package harvest is the client of Greenhouse's Harvest v3 API and of its
// OAuth 2.0 authorization-code flow (golang.org/x/oauth2 with configurable
// endpoints). It knows the wire format and nothing of storage: the
// connection service (package connection) owns tokens, rules and
// transactions, and hands this client an access-token source.
package harvest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// Scopes are the Harvest scopes the product asks for.
var Scopes = []string{"harvest:jobs:list", "harvest:job_posts:list", "harvest:candidates:list",
	"harvest:applications:list", "harvest:notes:list", "harvest:notes:create"}

// Config configures a Client.
type Config struct {
	ClientID, ClientSecret string
	// AuthURL is the OAuth server's base URL (…/authorize, …/token).
	AuthURL string
	// HarvestURL is the API's base URL (…/v3/jobs).
	HarvestURL string
	// RedirectURL is where Greenhouse sends the browser back.
	RedirectURL string
	// HTTP makes every call; it should be an outbound policy's client.
	HTTP *http.Client
	// MaxWait is the longest Retry-After the client waits out itself before
	// giving the 429 to its caller (default 10 s).
	MaxWait time.Duration
	// UserAgent identifies us.
	UserAgent string
	// PerPage is the page size of lists (default 500, Harvest's maximum).
	PerPage int
	// RateWindow is the length of Greenhouse's rate-limit window (default
	// 10 s), used to pace calls when an answer's X-RateLimit-Remaining is
	// low and it does not say when the window resets (X-RateLimit-Reset).
	RateWindow time.Duration
	// LowWater is the X-RateLimit-Remaining at or below which the next call
	// with the same token waits for the window to reset (default 1, so that
	// concurrent callers rarely overrun the last request).
	LowWater int
}

// Client calls Greenhouse's OAuth server and the Harvest API.
type Client struct {
	cfg   Config
	oauth oauth2.Config

	mu sync.Mutex
	// pace is, per access token (one per organization), what Greenhouse's
	// rate-limit headers said: every caller sharing the client and the
	// token waits until notBefore, so throttling follows the headers, and
	// one organization's budget never slows another's.
	pace      map[string]*pace
	remaining int
}

// pace is one token's rate-limit state.
type pace struct {
	// notBefore is when the next call may be made: after a 429, its
	// Retry-After; after an answer with low X-RateLimit-Remaining, the
	// window's reset.
	notBefore time.Time
	// windowStart is when the current window began, as far as we know
	// (the answer that said Remaining = Limit - 1), zero if unknown.
	windowStart time.Time
	used        time.Time // last use, for pruning
}

// New returns a client for cfg.
func New(cfg Config) *Client {
	if cfg.MaxWait <= 0 {
		cfg.MaxWait = 10 * time.Second
	}
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.PerPage <= 0 || cfg.PerPage > 500 {
		cfg.PerPage = 500
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "TalentSystems-Harvest/1"
	}
	if cfg.RateWindow <= 0 {
		cfg.RateWindow = 10 * time.Second
	}
	if cfg.LowWater <= 0 {
		cfg.LowWater = 1
	}
	cfg.AuthURL, cfg.HarvestURL = strings.TrimRight(cfg.AuthURL, "/"), strings.TrimRight(cfg.HarvestURL, "/")
	return &Client{cfg: cfg, remaining: -1, pace: map[string]*pace{}, oauth: oauth2.Config{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret,
		Endpoint:    oauth2.Endpoint{AuthURL: cfg.AuthURL + "/authorize", TokenURL: cfg.AuthURL + "/token", AuthStyle: oauth2.AuthStyleInHeader},
		RedirectURL: cfg.RedirectURL, Scopes: Scopes}}
}

// Token is a token pair as Greenhouse grants it.
type Token struct {
	Access, Refresh string
	// Expiry is the access token's expires_at.
	Expiry time.Time
}

// AuthCodeURL is the authorize URL the browser is sent to.
func (c *Client) AuthCodeURL(state string) string { return c.oauth.AuthCodeURL(state) }

// Exchange trades an authorization code for a token pair.
func (c *Client) Exchange(ctx context.Context, code string) (*Token, error) {
	t, err := c.oauth.Exchange(c.ctx(ctx), code)
	if err != nil {
		return nil, tokenError(err)
	}
	return token(t)
}

// Refresh trades a (single-use) refresh token for a new pair.
func (c *Client) Refresh(ctx context.Context, refresh string) (*Token, error) {
	// An expired access token makes the source refresh at once.
	t, err := c.oauth.TokenSource(c.ctx(ctx), &oauth2.Token{RefreshToken: refresh, Expiry: time.Unix(1, 0)}).Token()
	if err != nil {
		return nil, tokenError(err)
	}
	return token(t)
}

func (c *Client) ctx(ctx context.Context) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, c.cfg.HTTP)
}

// token reads Greenhouse's answer: expires_at (ISO 8601), not expires_in.
func token(t *oauth2.Token) (*Token, error) {
	out := &Token{Access: t.AccessToken, Refresh: t.RefreshToken, Expiry: t.Expiry}
	if s, ok := t.Extra("expires_at").(string); ok && s != "" {
		at, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return nil, &Error{Kind: KindProtocol, Message: fmt.Sprintf("Greenhouse answered an expires_at that is not a time: %q", s)}
		}
		out.Expiry = at
	}
	if out.Access == "" || out.Refresh == "" {
		return nil, &Error{Kind: KindProtocol, Message: "Greenhouse answered without an access token and a refresh token"}
	}
	if out.Expiry.IsZero() {
		out.Expiry = time.Now().Add(time.Hour) // the documented lifetime
	}
	return out, nil
}

// Kind classifies a failed call, for what the user is told.
type Kind string

const (
	// KindGrant: the code or refresh token was refused (invalid_grant): the
	// connection must be made again.
	KindGrant Kind = "grant"
	// KindAuth: the access token was refused (401).
	KindAuth Kind = "auth"
	// KindScope: 403, a missing scope or an authorizer without Site Admin.
	KindScope Kind = "scope"
	// KindNotFound: 404.
	KindNotFound Kind = "not_found"
	// KindRateLimit: 429; RetryAfter says when to try again.
	KindRateLimit Kind = "rate_limit"
	// KindUnavailable: 5xx, a timeout or no answer: try again later.
	KindUnavailable Kind = "unavailable"
	// KindRequest: another 4xx: our request was refused.
	KindRequest Kind = "request"
	// KindProtocol: an answer we cannot read.
	KindProtocol Kind = "protocol"
)

// Error is a failed call to Greenhouse.
type Error struct {
	Kind       Kind
	Status     int
	Code       string // the OAuth error code, e.g. invalid_grant
	Message    string
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("greenhouse: %d %s", e.Status, e.Message)
	}
	return "greenhouse: " + e.Message
}

// KindOf returns the kind of a call's error ("" for other errors).
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return ""
}

// RetryAfterOf returns how long Greenhouse asked to wait, if it did.
func RetryAfterOf(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}

func tokenError(err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		status := 0
		if re.Response != nil {
			status = re.Response.StatusCode
		}
		e := &Error{Status: status, Code: re.ErrorCode, Message: re.ErrorCode + ": " + re.ErrorDescription}
		switch {
		case re.ErrorCode == "invalid_grant":
			e.Kind = KindGrant
		case status == http.StatusTooManyRequests:
			e.Kind, e.RetryAfter = KindRateLimit, retryAfter(re.Response.Header)
		case status >= 500 || status == 0:
			e.Kind = KindUnavailable
		default:
			e.Kind = KindRequest
		}
		if re.ErrorCode == "" {
			e.Message = strings.TrimSpace(string(re.Body))
		}
		return e
	}
	return &Error{Kind: KindUnavailable, Message: "the token request failed: " + err.Error()}
}

// TokenSource gives the access token to use. stale, when set, is a token
// Greenhouse just refused: the source must refresh rather than return it.
type TokenSource func(ctx context.Context, stale string) (string, error)

// request is one Harvest call.
type request struct {
	method, path string
	query        url.Values
	body         any
}

// do makes a call with the source's token: on a 401 it refreshes once and
// retries once; on a 429 it waits out a Retry-After of up to MaxWait (every
// caller of the client waits) and tries again, else it returns the 429.
// It returns the response's Link header and decodes the body into out.
func (c *Client) do(ctx context.Context, ts TokenSource, r request, out any) (string, error) {
	tok, err := ts(ctx, "")
	if err != nil {
		return "", err
	}
	target := r.path
	if !strings.HasPrefix(target, "http") {
		target = c.cfg.HarvestURL + r.path
		if len(r.query) > 0 {
			target += "?" + r.query.Encode()
		}
	}
	refreshed := false
	for tries := 0; ; tries++ {
		if err := c.wait(ctx, tok); err != nil {
			return "", err
		}
		link, err := c.once(ctx, tok, r.method, target, r.body, out)
		switch KindOf(err) {
		case KindAuth:
			if refreshed {
				return "", err
			}
			refreshed = true
			if tok, err = ts(ctx, tok); err != nil {
				return "", err
			}
			continue
		case KindRateLimit:
			if d := RetryAfterOf(err); d <= c.cfg.MaxWait && tries < 3 {
				continue // wait() waits out notBefore
			}
		}
		return link, err
	}
}

// wait blocks until the token may call again: Greenhouse's Retry-After has
// passed, or the window in which it said few requests remain has reset.
func (c *Client) wait(ctx context.Context, tok string) error {
	c.mu.Lock()
	var d time.Duration
	if p := c.pace[tok]; p != nil {
		d = time.Until(p.notBefore)
	}
	c.mu.Unlock()
	if d <= 0 {
		return nil
	}
	if d > c.cfg.MaxWait {
		return &Error{Kind: KindRateLimit, Status: http.StatusTooManyRequests, Message: "rate limit reached", RetryAfter: d}
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Remaining is the X-RateLimit-Remaining of the last answer (-1 before any).
func (c *Client) Remaining() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.remaining
}

func (c *Client) once(ctx context.Context, tok, method, target string, body, out any) (string, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return "", err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.cfg.HTTP.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", &Error{Kind: KindUnavailable, Message: "no answer: " + err.Error()}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return "", &Error{Kind: KindUnavailable, Status: resp.StatusCode, Message: "the answer was cut off"}
	}
	c.observe(tok, resp.Header, time.Now())
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if out != nil {
			if err := json.Unmarshal(raw, out); err != nil {
				return "", &Error{Kind: KindProtocol, Status: resp.StatusCode, Message: "the answer is not the JSON expected: " + err.Error()}
			}
		}
		return resp.Header.Get("Link"), nil
	}
	e := &Error{Status: resp.StatusCode, Message: apiMessage(raw, resp.Status)}
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		e.Kind = KindAuth
	case resp.StatusCode == http.StatusForbidden:
		e.Kind = KindScope
	case resp.StatusCode == http.StatusNotFound:
		e.Kind = KindNotFound
	case resp.StatusCode == http.StatusTooManyRequests:
		e.Kind, e.RetryAfter = KindRateLimit, retryAfter(resp.Header)
		c.mu.Lock()
		if p := c.paceLocked(tok, time.Now()); time.Now().Add(e.RetryAfter).After(p.notBefore) {
			p.notBefore = time.Now().Add(e.RetryAfter)
		}
		c.mu.Unlock()
	case resp.StatusCode >= 500:
		e.Kind = KindUnavailable
	default:
		e.Kind = KindRequest
	}
	return "", e
}

// paceLocked returns the token's pace, creating it; call with c.mu held.
// Tokens unused for an hour (access tokens live one) are forgotten.
func (c *Client) paceLocked(tok string, now time.Time) *pace {
	p := c.pace[tok]
	if p == nil {
		if len(c.pace) > 64 {
			for k, old := range c.pace {
				if now.Sub(old.used) > time.Hour {
					delete(c.pace, k)
				}
			}
		}
		p = &pace{}
		c.pace[tok] = p
	}
	p.used = now
	return p
}

// observe reads an answer's rate-limit headers. When X-RateLimit-Remaining
// is at or below the low-water mark, the token's next call waits until the
// window resets: X-RateLimit-Reset when Greenhouse sends it (seconds to
// wait, or a Unix time), else the start of the window (the answer that
// said Limit - 1) plus RateWindow, else a whole RateWindow from now.
func (c *Client) observe(tok string, h http.Header, now time.Time) {
	n, err := strconv.Atoi(strings.TrimSpace(h.Get("X-RateLimit-Remaining")))
	if err != nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.remaining = n
	p := c.paceLocked(tok, now)
	if limit, err := strconv.Atoi(strings.TrimSpace(h.Get("X-RateLimit-Limit"))); err == nil && n == limit-1 {
		p.windowStart = now
	}
	if n > c.cfg.LowWater {
		return
	}
	reset := now.Add(c.cfg.RateWindow)
	if !p.windowStart.IsZero() && p.windowStart.Add(c.cfg.RateWindow).After(now) {
		reset = p.windowStart.Add(c.cfg.RateWindow)
	}
	if r, err := strconv.ParseInt(strings.TrimSpace(h.Get("X-RateLimit-Reset")), 10, 64); err == nil && r >= 0 {
		if r > 1_000_000_000 {
			reset = time.Unix(r, 0)
		} else {
			reset = now.Add(time.Duration(r) * time.Second)
		}
	}
	if reset.After(p.notBefore) {
		p.notBefore = reset
	}
	p.windowStart = time.Time{}
}

// apiMessage is Harvest's error message, or the status line.
func apiMessage(raw []byte, status string) string {
	var m struct {
		Message string   `json:"message"`
		Errors  []string `json:"errors"`
	}
	if json.Unmarshal(raw, &m) == nil {
		if m.Message != "" {
			return m.Message
		}
		if len(m.Errors) > 0 {
			return strings.Join(m.Errors, "; ")
		}
	}
	return status
}

// retryAfter reads Retry-After in seconds (default 1 s, at most a day).
func retryAfter(h http.Header) time.Duration {
	n, err := strconv.Atoi(strings.TrimSpace(h.Get("Retry-After")))
	if err != nil || n < 0 {
		if t, err := http.ParseTime(h.Get("Retry-After")); err == nil {
			return max(time.Until(t), 0)
		}
		return time.Second
	}
	return min(time.Duration(n)*time.Second, 24*time.Hour)
}

var nextRe = regexp.MustCompile(`<([^>]+)>\s*;\s*rel="?next"?`)

// nextLink returns the rel="next" URL of a Link header, or "".
func nextLink(link string) string {
	for _, part := range strings.Split(link, ",") {
		if m := nextRe.FindStringSubmatch(part); m != nil {
			return m[1]
		}
	}
	return ""
}

// list fetches every page of a list, following the Link cursor. Following
// a cursor, the cursor must be the only parameter: the next URL is used as
// Greenhouse gave it, as long as it stays on the Harvest host.
func list[T any](ctx context.Context, c *Client, ts TokenSource, path string, q url.Values) ([]T, error) {
	var all []T
	r := request{method: http.MethodGet, path: path, query: q}
	for pages := 0; pages < 1000; pages++ {
		var page []T
		link, err := c.do(ctx, ts, r, &page)
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		next := nextLink(link)
		if next == "" {
			return all, nil
		}
		if !sameOrigin(next, c.cfg.HarvestURL) {
			return nil, &Error{Kind: KindProtocol, Message: "the next page is on another host: " + next}
		}
		r = request{method: http.MethodGet, path: next}
	}
	return nil, &Error{Kind: KindProtocol, Message: "more than 1000 pages"}
}

func sameOrigin(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	return err1 == nil && err2 == nil && ua.Scheme == ub.Scheme && strings.EqualFold(ua.Host, ub.Host)
}
