package sandbox

import (
	"context"
	"encoding/base64"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

var rightKey = "Basic " + base64.StdEncoding.EncodeToString([]byte("gh_key:"))

func TestParseFault(t *testing.T) {
	cases := []struct {
		in       string
		endpoint string
		want     Fault
		err      string
	}{
		{"patch:failure_rate=0.5,latency=200ms", "patch", Fault{FailureRate: 0.5, LatencyMS: 200}, ""},
		{"jobs:rate_limit_rate=1,retry_after=30", "jobs", Fault{RateLimitRate: 1, RetryAfter: 30}, ""},
		{"token:drop_rate=0.25,timeout_rate=0.25,timeout_seconds=2", "token", Fault{DropRate: 0.25, TimeoutRate: 0.25, TimeoutSeconds: 2}, ""},
		{"patch:hold=true", "patch", Fault{Hold: true}, ""},
		{"patch:failure_rate=0.6,drop_rate=0.6", "", Fault{}, "add up to"},
		{"patch:failure_rate=2", "", Fault{}, "between 0 and 1"},
		{"patch:failure_status=200", "", Fault{}, "4xx or 5xx"},
		{"nowhere:failure_rate=1", "", Fault{}, "start with an endpoint"},
		{"patch:speed=1", "", Fault{}, "unknown key"},
		{"patch:failure_rate", "", Fault{}, "not key=value"},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			endpoint, f, err := ParseFault(tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || endpoint != tc.endpoint || f != tc.want {
				t.Errorf("%s %+v %v", endpoint, f, err)
			}
		})
	}
}

// outcomes sends n PATCHes with the right key and returns the answers (0 for none).
func outcomes(t *testing.T, url string, n int) []int {
	t.Helper()
	client := &http.Client{Timeout: 2 * time.Second}
	var out []int
	for i := 0; i < n; i++ {
		req, _ := http.NewRequest(http.MethodPatch, url, nil)
		req.Header.Set("Authorization", rightKey)
		resp, err := client.Do(req)
		if err != nil {
			out = append(out, 0)
			continue
		}
		resp.Body.Close()
		out = append(out, resp.StatusCode)
	}
	return out
}

// TestFaultsSeeded: the same seed gives the same faults on the same requests.
func TestFaultsSeeded(t *testing.T) {
	run := func(seed uint64) []int {
		p := newPartner(t, "gh_key")
		s := start(t, Config{PartnerURL: p.srv.URL, APIKey: "gh_key", Seed: seed, Legacy: true,
			Faults: map[string]Fault{"patch": {FailureRate: 0.4, RateLimitRate: 0.2, DropRate: 0.1, FailureStatus: 502}}})
		sd, err := s.Send(context.Background(), SendRequest{TestID: "p-1", Email: "a@example.test"})
		if err != nil {
			t.Fatal(err)
		}
		return outcomes(t, sd.URL, 30)
	}
	a, b, c := run(7), run(7), run(8)
	if !slices.Equal(a, b) {
		t.Errorf("seed 7 gave %v, then %v", a, b)
	}
	if slices.Equal(a, c) {
		t.Errorf("seeds 7 and 8 gave the same faults %v", a)
	}
	for _, code := range []int{0, 200, 429, 502} {
		if !slices.Contains(a, code) {
			t.Errorf("30 requests never gave %d: %v", code, a)
		}
	}
}

// TestFaultKinds: each kind of fault, set at runtime through the admin
// endpoint, does what it says, and clearing it restores the endpoint.
func TestFaultKinds(t *testing.T) {
	p := newPartner(t, "gh_key")
	s := start(t, Config{PartnerURL: p.srv.URL, APIKey: "gh_key", Legacy: true, ClientID: "cid", ClientSecret: "secret"})
	sd, err := s.Send(context.Background(), SendRequest{TestID: "p-1", Email: "a@example.test"})
	if err != nil {
		t.Fatal(err)
	}
	set := func(endpoint, body string) {
		t.Helper()
		if code, b, _ := call(t, http.MethodPut, s.URL()+"/admin/faults/"+endpoint, "", body); code != http.StatusOK {
			t.Fatalf("set fault %s: %d %s", body, code, b)
		}
	}
	set("patch", `{"rate_limit_rate": 1, "retry_after": 7}`)
	req, _ := http.NewRequest(http.MethodPatch, sd.URL, nil)
	req.Header.Set("Authorization", rightKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "7" {
		t.Fatalf("429 fault: %v %v", err, resp)
	}
	resp.Body.Close()

	set("patch", `{"drop_rate": 1}`)
	if got := outcomes(t, sd.URL, 1); got[0] != 0 {
		t.Errorf("dropped connection answered %d", got[0])
	}
	set("patch", `{"timeout_rate": 1, "timeout_seconds": 30}`)
	began := time.Now()
	if got := outcomes(t, sd.URL, 1); got[0] != 0 || time.Since(began) < 2*time.Second {
		t.Errorf("timeout answered %d after %s", got[0], time.Since(began))
	}
	set("patch", `{"latency_ms": 300}`)
	began = time.Now()
	if got := outcomes(t, sd.URL, 1); got[0] != http.StatusOK || time.Since(began) < 300*time.Millisecond {
		t.Errorf("latency: %d after %s", got[0], time.Since(began))
	}

	set("patch", `{"hold": true}`)
	done := make(chan []int)
	go func() { done <- outcomes(t, sd.URL, 1) }()
	select {
	case got := <-done:
		t.Fatalf("a held PATCH was answered %v", got)
	case <-time.After(300 * time.Millisecond):
	}
	set("patch", `{}`)
	select {
	case got := <-done:
		if got[0] != http.StatusOK {
			t.Errorf("released PATCH answered %d", got[0])
		}
	case <-time.After(2 * time.Second):
		t.Fatal("clearing the hold did not release the PATCH")
	}

	set("token", `{"failure_rate": 1, "failure_status": 500}`)
	if status, _ := tokenCall(t, s, "cid", "secret", nil); status != http.StatusInternalServerError {
		t.Errorf("token fault: %d", status)
	}
	set("jobs", `{"rate_limit_rate": 1, "retry_after": 3}`)
	if status, _, h := call(t, http.MethodGet, s.URL()+"/v3/jobs", "", ""); status != http.StatusTooManyRequests || h.Get("Retry-After") != "3" {
		t.Errorf("jobs fault: %d %q", status, h.Get("Retry-After"))
	}
	if code, _, _ := call(t, http.MethodPut, s.URL()+"/admin/faults/nowhere", "", `{}`); code != http.StatusBadRequest {
		t.Errorf("unknown endpoint: %d", code)
	}
	if code, _, _ := call(t, http.MethodPut, s.URL()+"/admin/faults/patch", "", `{"failure_rate": 3}`); code != http.StatusBadRequest {
		t.Errorf("bad rate: %d", code)
	}
	if f := s.Faults(); len(f) != 2 || f["token"].FailureRate != 1 || f["jobs"].RateLimitRate != 1 {
		t.Errorf("faults in force %v", f)
	}
	var faults []string
	for _, pt := range s.Snapshot().Patches {
		faults = append(faults, pt.Fault)
	}
	if faults[0] != "429" || faults[1] != "dropped connection" {
		t.Errorf("recorded faults %q", faults)
	}
	if st := s.Snapshot().Patches; st[0].Answer != http.StatusTooManyRequests || st[1].Answer != 0 {
		t.Errorf("recorded answers %d, %d", st[0].Answer, st[1].Answer)
	}
}
