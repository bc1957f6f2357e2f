package sandbox

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jba/templatecheck"
)

// TestTemplatesTypeCheck checks each page template against its view type.
func TestTemplatesTypeCheck(t *testing.T) {
	views := map[string]any{"stage": StagePage{}, "authorize": AuthorizePage{}}
	for name, tmpl := range pageTemplates {
		view, ok := views[name]
		if !ok {
			t.Errorf("template %s has no view type in this test", name)
			continue
		}
		if err := templatecheck.CheckHTML(tmpl, view); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestStagePageForms: the page lists the partner's tests; its forms send a
// candidate, poll, set a fault and revoke, each shown on the page after.
func TestStagePageForms(t *testing.T) {
	p := newPartner(t, "gh_key")
	s := start(t, Config{PartnerURL: p.srv.URL, APIKey: "gh_key", Legacy: true})
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(path string, form url.Values) *http.Response {
		t.Helper()
		resp, err := client.PostForm(s.URL()+path, form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	page := func() string {
		t.Helper()
		code, body, _ := call(t, http.MethodGet, s.URL()+"/", "", "")
		if code != http.StatusOK {
			t.Fatalf("page: %d", code)
		}
		return body
	}
	if body := page(); !strings.Contains(body, `<option value="p-1">Backend Engineer — Interview (p-1)</option>`) {
		t.Errorf("the page does not offer the partner's test")
	}
	if resp := post("/sends", url.Values{"test_id": {""}, "email": {"x@example.test"}}); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("send without a test: %d", resp.StatusCode)
	}
	resp := post("/sends", url.Values{"test_id": {"p-1"}, "first_name": {"Ginny"}, "last_name": {"Weasley"}, "email": {"ginny@example.test"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("send: %d", resp.StatusCode)
	}
	sd := s.Snapshot().Sends[0]
	if sd.InterviewID != "42" || sd.TestName != "Backend Engineer — Interview" || sd.FirstName != "Ginny" {
		t.Errorf("send %+v", sd)
	}
	post("/sends/"+strings.TrimPrefix(sd.URL, s.URL()+"/integrations/testing_partners/take_home_tests/")+"/poll", nil)
	post("/faults", url.Values{"endpoint": {"patch"}, "failure_rate": {"0.5"}, "latency_ms": {"20"}})
	post("/revoke", nil)
	body := page()
	for _, want := range []string{"Ginny Weasley", "<td class=\"status\">Complete</td>", "<td class=\"score\">81</td>", `href="https://partner.example/r/42"`,
		"<dt>Problem solving</dt><dd>4.2</dd>", "poll", "<td>patch</td><td>0.5</td>", "revoked"} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if f := s.Faults()["patch"]; f.FailureRate != 0.5 || f.LatencyMS != 20 {
		t.Errorf("fault from the form %+v", f)
	}
	req, _ := http.NewRequest(http.MethodPost, s.URL()+"/revoke", nil)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if resp, err := client.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site form: %v %v", resp.StatusCode, err)
	}
}
