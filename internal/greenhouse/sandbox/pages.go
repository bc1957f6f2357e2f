package sandbox

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

//go:embed templates
var templateFiles embed.FS

// templates are parsed once per process; each page is the layout plus its own file.
var pageTemplates = map[string]*template.Template{
	"stage":     parsePage("stage.html"),
	"authorize": parsePage("authorize.html"),
}

var funcs = template.FuncMap{
	"when": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("15:04:05 UTC")
	},
	"score": func(f *float64) string {
		if f == nil {
			return ""
		}
		return strconv.FormatFloat(*f, 'f', -1, 64)
	},
	"statusLabel": statusLabel,
	"join":        strings.Join,
}

func parsePage(name string) *template.Template {
	return template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/"+name))
}

// statusLabel shows a partner_status as Greenhouse does: "complete" → "Complete".
func statusLabel(s string) string {
	if s == "" {
		return "Sent"
	}
	s = strings.ReplaceAll(s, "_", " ")
	return strings.ToUpper(s[:1]) + s[1:]
}

// StagePage is the view of the sandbox's home page: the assessment stage
// and everything the sandbox received.
type StagePage struct {
	Title      string
	SandboxURL string
	PartnerURL string
	Legacy     bool
	Tests      []Test
	TestsError string
	// Form is what the send form shows; FormError why a send failed.
	Form      SendInput
	FormError string
	Notice    string
	State     State
	Faults    []FaultRow
	Endpoints []string
}

// FaultRow is an endpoint's fault on the page.
type FaultRow struct {
	Endpoint string
	Fault    Fault
	// Queued is how many faults of a sequence wait behind Fault.
	Queued int
}

// AuthorizePage is the view of the OAuth consent page.
type AuthorizePage struct {
	Title       string
	ClientID    string
	RedirectURI string
	State       string
	Scope       string
	Scopes      []string
	Error       string
}

func (s *Sandbox) render(w http.ResponseWriter, code int, page string, view any) {
	var buf bytes.Buffer
	if err := pageTemplates[page].Execute(&buf, view); err != nil {
		s.log.Error("sandbox: render", "page", page, "err", err)
		http.Error(w, "The page could not be shown.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	buf.WriteTo(w)
}

// stageView builds the home page's view, reading the partner's tests.
func (s *Sandbox) stageView(r *http.Request) *StagePage {
	v := &StagePage{Title: "Greenhouse sandbox", SandboxURL: s.URL(), PartnerURL: s.partnerFor("", "").url, Legacy: s.cfg.Legacy,
		State: s.Snapshot(), Endpoints: Endpoints}
	slices.Reverse(v.State.Sends)
	slices.Reverse(v.State.Patches)
	slices.Reverse(v.State.StatusReads)
	slices.Reverse(v.State.Violations)
	slices.Reverse(v.State.Notes)
	slices.Reverse(v.State.Grants)
	if tests, err := s.ListTests(r.Context()); err != nil {
		v.TestsError = err.Error()
	} else {
		v.Tests = tests
	}
	faults, queued := s.Faults(), s.faults.queued()
	for _, e := range Endpoints {
		if f, ok := faults[e]; ok {
			v.Faults = append(v.Faults, FaultRow{Endpoint: e, Fault: f, Queued: queued[e]})
		}
	}
	return v
}

func (s *Sandbox) stagePage(w http.ResponseWriter, r *http.Request) {
	v := s.stageView(r)
	v.Notice = r.URL.Query().Get("notice")
	s.render(w, http.StatusOK, "stage", v)
}

// sendForm sends the candidate of the page's form, then shows the page.
func (s *Sandbox) sendForm(w http.ResponseWriter, r *http.Request) {
	in := SendInput{TestID: r.PostFormValue("test_id"), FirstName: strings.TrimSpace(r.PostFormValue("first_name")),
		LastName: strings.TrimSpace(r.PostFormValue("last_name")), Email: strings.TrimSpace(r.PostFormValue("email"))}
	fail := func(msg string) {
		v := s.stageView(r)
		v.Form, v.FormError = in, msg
		s.render(w, http.StatusBadRequest, "stage", v)
	}
	if in.TestID == "" || in.Email == "" {
		fail("Choose a test and enter the candidate's email.")
		return
	}
	name := ""
	if tests, err := s.ListTests(r.Context()); err == nil {
		for _, t := range tests {
			if t.ID == in.TestID {
				name = t.Name
			}
		}
	}
	sd, err := s.Send(r.Context(), SendRequest{TestID: in.TestID, TestName: name, FirstName: in.FirstName, LastName: in.LastName, Email: in.Email})
	if err != nil {
		fail("The partner did not take the candidate: " + err.Error())
		return
	}
	see(w, r, fmt.Sprintf("Sent %s %s to %q: partner_interview_id %s.", sd.FirstName, sd.LastName, sd.TestID, sd.InterviewID))
}

func (s *Sandbox) pollForm(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if _, err := s.Poll(r.Context(), id); err != nil {
		see(w, r, "test_status failed: "+err.Error())
		return
	}
	see(w, r, fmt.Sprintf("Read test_status of take-home test %d.", id))
}

func (s *Sandbox) resendForm(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	got, err := s.Resend(r.Context(), id)
	if err != nil {
		see(w, r, "Repeated send_test failed: "+err.Error())
		return
	}
	see(w, r, fmt.Sprintf("Repeated the send of take-home test %d: the same partner_interview_id %s came back.", id, got))
}

func (s *Sandbox) faultForm(w http.ResponseWriter, r *http.Request) {
	endpoint := r.PostFormValue("endpoint")
	var f Fault
	var errs []string
	rate := func(name string) float64 {
		v := strings.TrimSpace(r.PostFormValue(name))
		if v == "" {
			return 0
		}
		n, err := strconv.ParseFloat(v, 64)
		if err != nil {
			errs = append(errs, name+" is not a number")
		}
		return n
	}
	num := func(name string) int { return int(rate(name)) }
	f.FailureRate, f.FailureStatus = rate("failure_rate"), num("failure_status")
	f.RateLimitRate, f.RetryAfter = rate("rate_limit_rate"), num("retry_after")
	f.TimeoutRate, f.DropRate, f.LatencyMS = rate("timeout_rate"), rate("drop_rate"), num("latency_ms")
	f.Hold = r.PostFormValue("hold") == "on"
	f.Count = num("count")
	if len(errs) > 0 {
		see(w, r, "Fault not set: "+strings.Join(errs, "; ")+".")
		return
	}
	if err := s.SetFault(endpoint, f); err != nil {
		see(w, r, "Fault not set: "+err.Error())
		return
	}
	if f.IsZero() {
		see(w, r, "Faults on "+endpoint+" cleared.")
		return
	}
	see(w, r, "Fault set on "+endpoint+".")
}

func (s *Sandbox) revokeForm(w http.ResponseWriter, r *http.Request) {
	see(w, r, fmt.Sprintf("Revoked the organization's grants (%d live).", s.RevokeGrants()))
}

// see redirects to the home page with a notice (post/redirect/get).
func see(w http.ResponseWriter, r *http.Request, notice string) {
	http.Redirect(w, r, "/?notice="+url.QueryEscape(notice), http.StatusSeeOther)
}

// authorizePage shows the consent page, or refuses the request.
func (s *Sandbox) authorizePage(w http.ResponseWriter, r *http.Request) {
	ar, redirectErr, pageErr := s.checkAuthorize(r.URL.Query())
	if pageErr != "" {
		s.render(w, http.StatusBadRequest, "authorize", &AuthorizePage{Title: "Authorization failed", Error: pageErr})
		return
	}
	if redirectErr != "" {
		redirectWith(w, r, ar.RedirectURI, url.Values{"error": {redirectErr}, "state": {ar.State}})
		return
	}
	s.render(w, http.StatusOK, "authorize", &AuthorizePage{Title: "Authorize access to Greenhouse", ClientID: ar.ClientID, RedirectURI: ar.RedirectURI,
		State: ar.State, Scope: strings.Join(ar.Scopes, " "), Scopes: ar.Scopes})
}

// authorizeDecision issues a code (or access_denied) and redirects back.
func (s *Sandbox) authorizeDecision(w http.ResponseWriter, r *http.Request) {
	q := url.Values{"client_id": {r.PostFormValue("client_id")}, "redirect_uri": {r.PostFormValue("redirect_uri")},
		"scope": {r.PostFormValue("scope")}, "state": {r.PostFormValue("state")}, "response_type": {"code"}}
	ar, redirectErr, pageErr := s.checkAuthorize(q)
	if pageErr != "" {
		s.render(w, http.StatusBadRequest, "authorize", &AuthorizePage{Title: "Authorization failed", Error: pageErr})
		return
	}
	if redirectErr != "" {
		redirectWith(w, r, ar.RedirectURI, url.Values{"error": {redirectErr}, "state": {ar.State}})
		return
	}
	as := r.PostFormValue("as")
	if r.PostFormValue("decision") != "allow" || (as != AsUser && as != AsServiceAccount && as != AsBasicUser) {
		s.grantEvent("denied", "the person declined the authorization")
		redirectWith(w, r, ar.RedirectURI, url.Values{"error": {"access_denied"}, "state": {ar.State}})
		return
	}
	code := s.IssueCode(ar.RedirectURI, ar.Scopes, as)
	redirectWith(w, r, ar.RedirectURI, url.Values{"code": {code}, "state": {ar.State}})
}
