package sandbox

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// clock is a clock a test moves by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// partnerAPI is a partner's Assessment Partner API that answers what the
// test tells it to, and records the response errors Greenhouse reports.
type partnerAPI struct {
	srv *httptest.Server
	key string

	mu       sync.Mutex
	answers  map[string]string // endpoint → JSON body answered with 200
	reports  []map[string]any
	requests []string
}

func newPartner(t *testing.T, key string) *partnerAPI {
	t.Helper()
	p := &partnerAPI{key: key, answers: map[string]string{
		"list_tests":  `[{"partner_test_id":"p-1","partner_test_name":"Backend Engineer — Interview"}]`,
		"send_test":   `{"partner_interview_id":"42"}`,
		"test_status": `{"partner_status":"complete","partner_profile_url":"https://partner.example/r/42","partner_score":81,"metadata":{"Recommendation":"Yes","Problem solving":4.2,"Passed":true}}`,
	}}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *partnerAPI) answer(endpoint, body string) {
	p.mu.Lock()
	p.answers[endpoint] = body
	p.mu.Unlock()
}

func (p *partnerAPI) reported() []map[string]any {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]map[string]any(nil), p.reports...)
}

func (p *partnerAPI) serve(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/api/greenhouse/")
	user, pass, ok := r.BasicAuth()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.requests = append(p.requests, r.Method+" "+name)
	if !ok || user != p.key || pass != "" {
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"error":"bad key"}`)
		return
	}
	if name == "response_errors" {
		var rep map[string]any
		json.NewDecoder(r.Body).Decode(&rep)
		p.reports = append(p.reports, rep)
		io.WriteString(w, `{"status":200}`)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, p.answers[name])
}

// start starts a sandbox for the partner on loopback, closed with the test.
func start(t *testing.T, cfg Config) *Sandbox {
	t.Helper()
	s := New(cfg)
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func waitFor(t *testing.T, s *Sandbox, what string, cond func(State) bool) State {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	st, err := s.Wait(ctx, cond)
	if err != nil {
		t.Fatalf("waiting for %s: %v", what, err)
	}
	return st
}

// call makes a request and returns status, body and headers.
func call(t *testing.T, method, url, auth, body string) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}
