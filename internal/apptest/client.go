package apptest

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// Client is a browser-like HTTP client: it keeps cookies, does not follow
// redirects (tests look at them), and fills in CSRF tokens from pages.
type Client struct {
	t    testing.TB
	base string
	HTTP *http.Client
}

// NewClient returns a client for the instance at base.
func NewClient(t testing.TB, base string) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{t: t, base: base, HTTP: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// Response is a finished response with its body read.
type Response struct {
	Status   int
	Body     string
	Location string
	Header   http.Header
}

// Base is the instance's URL.
func (c *Client) Base() string { return c.base }

// Get fetches path.
func (c *Client) Get(path string) *Response {
	c.t.Helper()
	return c.do(http.MethodGet, path, nil)
}

// Post sends a form as is (no CSRF token added).
func (c *Client) Post(path string, form url.Values) *Response {
	c.t.Helper()
	return c.do(http.MethodPost, path, form)
}

var (
	csrfRe     = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)
	revisionRe = regexp.MustCompile(`name="revision" value="(\d+)"`)
)

// Submit loads page, takes its CSRF token (and the posting revision it shows,
// if any), and posts form to action.
func (c *Client) Submit(page, action string, form url.Values) *Response {
	c.t.Helper()
	r := c.Get(page)
	m := csrfRe.FindStringSubmatch(r.Body)
	if m == nil {
		c.t.Fatalf("no CSRF token on %s (status %d)", page, r.Status)
	}
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	f.Set("csrf_token", m[1])
	if rev := revisionRe.FindStringSubmatch(r.Body); rev != nil && f.Get("revision") == "" {
		f.Set("revision", rev[1]) // like a browser, send the revision the page was rendered at
	}
	return c.Post(action, f)
}

// SignIn signs in through the sign-in form and fails the test if refused.
func (c *Client) SignIn(email, password string) {
	c.t.Helper()
	r := c.Submit("/login", "/login", url.Values{"email": {email}, "password": {password}})
	if r.Status != http.StatusSeeOther {
		c.t.Fatalf("sign in as %s: status %d: %s", email, r.Status, r.Body)
	}
}

func (c *Client) do(method, path string, form url.Values) *Response {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return &Response{Status: resp.StatusCode, Body: string(b), Location: resp.Header.Get("Location"), Header: resp.Header}
}
