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
		{"patch:failure_rate=1,failure_status=503,count=3", "patch", Fault{FailureRate: 1, FailureStatus: 503, Count: 3}, ""},
		{"patch:hold=true,count=1", "", Fault{}, "cannot be counted"},
		{"patch:failure_rate=1,count=-1", "", Fault{}, "cannot be negative"},
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

// TestFaultSequence: a sequence of counted faults plays each fault for its
// count of requests, in order, then leaves the endpoint behaving; set from
// Go or as a JSON array through the admin endpoint.
func TestFaultSequence(t *testing.T) {
	p := newPartner(t, "gh_key")
	s := start(t, Config{PartnerURL: p.srv.URL, APIKey: "gh_key", Legacy: true})
	sd, err := s.Send(context.Background(), SendRequest{TestID: "p-1", Email: "a@example.test"})
	if err != nil {
		t.Fatal(err)
	}
	err = s.SetFaults("patch",
		Fault{RateLimitRate: 1, RetryAfter: 2, Count: 1},
		Fault{FailureRate: 1, FailureStatus: 500, Count: 2},
		Fault{Count: 1}, // one request behaves
		Fault{FailureRate: 1, FailureStatus: 502, Count: 1})
	if err != nil {
		t.Fatal(err)
	}
	if f := s.Faults()["patch"]; f.RateLimitRate != 1 || f.Count != 1 {
		t.Errorf("fault in force %+v", f)
	}
	if code, page, _ := call(t, http.MethodGet, s.URL()+"/", "", ""); code != http.StatusOK || !strings.Contains(page, "the next request, then 3 more faults") {
		t.Errorf("the page does not show the sequence: %d", code)
	}
	req, _ := http.NewRequest(http.MethodPatch, sd.URL, nil)
	req.Header.Set("Authorization", rightKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "2" {
		t.Fatalf("first PATCH: %v %v", err, resp)
	}
	resp.Body.Close()
	if f := s.Faults()["patch"]; f.FailureStatus != 500 || f.Count != 2 {
		t.Errorf("fault in force after the 429 %+v", f)
	}
	if got, want := outcomes(t, sd.URL, 5), []int{500, 500, 200, 502, 200}; !slices.Equal(got, want) {
		t.Errorf("answers %v, want %v", got, want)
	}
	if f := s.Faults(); len(f) != 0 {
		t.Errorf("faults left after the sequence: %v", f)
	}
	var answers []int
	for _, pt := range s.Snapshot().Patches {
		answers = append(answers, pt.Answer)
	}
	if want := []int{429, 500, 500, 200, 502, 200}; !slices.Equal(answers, want) {
		t.Errorf("recorded answers %v, want %v", answers, want)
	}

	// A counted fault left without a sequence runs out; a new fault replaces a sequence.
	if err := s.SetFaults("patch", Fault{FailureRate: 1, Count: 1}, Fault{FailureRate: 1, FailureStatus: 504, Count: 5}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetFault("patch", Fault{FailureRate: 1, FailureStatus: 403, Count: 1}); err != nil {
		t.Fatal(err)
	}
	if got := outcomes(t, sd.URL, 2); !slices.Equal(got, []int{403, 200}) {
		t.Errorf("a fault set over a sequence: %v", got)
	}

	// Through the admin endpoint, as a JSON array.
	if code, b, _ := call(t, http.MethodPut, s.URL()+"/admin/faults/patch", "", `[{"failure_rate": 1, "failure_status": 503, "count": 2}, {"rate_limit_rate": 1}]`); code != http.StatusOK {
		t.Fatalf("admin sequence: %d %s", code, b)
	}
	if got := outcomes(t, sd.URL, 3); !slices.Equal(got, []int{503, 503, 429}) {
		t.Errorf("admin sequence answers %v", got)
	}
	if f := s.Faults()["patch"]; f.RateLimitRate != 1 || f.Count != 0 {
		t.Errorf("the last fault of a sequence should last: %+v", f)
	}
	for _, bad := range []string{`[{"failure_rate": 1}, {"rate_limit_rate": 1}]`, `[{"failure_rate": 1, "count": 1, "nonsense": 1}]`} {
		if code, _, _ := call(t, http.MethodPut, s.URL()+"/admin/faults/patch", "", bad); code != http.StatusBadRequest {
			t.Errorf("%s: %d", bad, code)
		}
	}
	if err := s.SetFaults("patch", Fault{FailureRate: 1}, Fault{DropRate: 1}); err == nil || !strings.Contains(err.Error(), "never end") {
		t.Errorf("an uncounted fault before another: %v", err)
	}
	if err := s.SetFaults("patch"); err != nil || len(s.Faults()) != 0 {
		t.Errorf("no faults should clear the endpoint: %v %v", err, s.Faults())
	}
}

// TestPatchCredential: with PatchCredential set, the PATCH must carry that
// credential, not the organization key.
func TestPatchCredential(t *testing.T) {
	p := newPartner(t, "gh_key")
	s := start(t, Config{PartnerURL: p.srv.URL, APIKey: "gh_key", Legacy: true, PatchCredential: "partner:s3cret"})
	sd, err := s.Send(context.Background(), SendRequest{TestID: "p-1", Email: "a@example.test"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ auth, want string }{
		{rightKey, "wrong"},
		{"Basic " + base64.StdEncoding.EncodeToString([]byte("partner:wrong")), "wrong"},
		{"Basic " + base64.StdEncoding.EncodeToString([]byte("partner:")), "wrong"},
		{"Basic " + base64.StdEncoding.EncodeToString([]byte("partner:s3cret")), "ok"},
	} {
		call(t, http.MethodPatch, sd.URL, tc.auth, "")
		pt := s.Snapshot().Patches
		got := pt[len(pt)-1]
		if got.Auth != tc.want || (tc.want == "ok") != (got.Answer == http.StatusOK) || (tc.want != "ok") != (got.Answer == http.StatusForbidden) {
			t.Errorf("%s: %s answered %d, want %s", tc.auth, got.Auth, got.Answer, tc.want)
		}
	}
}
