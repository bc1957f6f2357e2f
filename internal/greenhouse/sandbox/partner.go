package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Errors of the stage's calls.
var (
	// ErrNoPartner is returned when no partner URL is configured.
	ErrNoPartner = errors.New("sandbox: no partner URL is configured (--partner-url)")
	// ErrNoSend is returned for a take-home test the sandbox did not send.
	ErrNoSend = errors.New("sandbox: no such take-home test")
)

// partner is where a call goes: the partner's base URL and organization key.
type partner struct {
	url, key string
}

// SetPartner points the sandbox at a partner and organization key, for
// list_tests and later sends (a test starts the sandbox before the partner).
func (s *Sandbox) SetPartner(url, key string) {
	s.mu.Lock()
	s.cfg.PartnerURL, s.cfg.APIKey = strings.TrimRight(url, "/"), key
	s.mu.Unlock()
}

// partnerFor returns the configured partner with the given overrides.
func (s *Sandbox) partnerFor(url, key string) partner {
	s.mu.Lock()
	p := partner{url: s.cfg.PartnerURL, key: s.cfg.APIKey}
	s.mu.Unlock()
	if url != "" {
		p.url = strings.TrimRight(url, "/")
	}
	if key != "" {
		p.key = key
	}
	return p
}

// callPartner makes one Assessment Partner API call as Greenhouse does:
// HTTP Basic with the key as user name and an empty password, JSON in and out.
func (s *Sandbox) callPartner(ctx context.Context, p partner, method, endpoint string, query url.Values, body any) (int, []byte, error) {
	if p.url == "" {
		return 0, nil, ErrNoPartner
	}
	u := p.url + "/api/greenhouse/" + endpoint
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return 0, nil, fmt.Errorf("sandbox: %s: %w", endpoint, err)
	}
	req.SetBasicAuth(p.key, "")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "Greenhouse-Sandbox/1")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("sandbox: %s: %w", endpoint, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return resp.StatusCode, nil, fmt.Errorf("sandbox: %s: read answer: %w", endpoint, err)
	}
	return resp.StatusCode, b, nil
}

// PartnerError is a partner's refusal (a non-2xx answer).
type PartnerError struct {
	// Call is the endpoint called, e.g. "send_test".
	Call string
	// Code is the partner's HTTP status.
	Code int
	// Body is the partner's answer.
	Body string
}

func (e *PartnerError) Error() string {
	return fmt.Sprintf("%s answered %d %s: %s", e.Call, e.Code, http.StatusText(e.Code), short(e.Body, 300))
}

// ListTests calls the partner's list_tests, checks the answer against the
// contract (reporting violations) and returns the tests.
func (s *Sandbox) ListTests(ctx context.Context) ([]Test, error) {
	p := s.partnerFor("", "")
	code, body, err := s.callPartner(ctx, p, http.MethodGet, "list_tests", nil, nil)
	if err != nil {
		return nil, err
	}
	if code < 200 || code > 299 {
		return nil, &PartnerError{Call: "list_tests", Code: code, Body: string(body)}
	}
	tests, errs := checkListTests(body)
	if len(errs) > 0 {
		s.report(ctx, p, Violation{APICall: "list_tests", Errors: errs})
	}
	return tests, nil
}

// SendRequest describes a dummy candidate to send.
type SendRequest struct {
	// TestID is the partner_test_id (required). TestName is shown with it.
	TestID, TestName string
	// FirstName, LastName (defaults "Harry", "Potter") and Email (required).
	FirstName, LastName, Email string
	// SentBy is the recruiter's email (default "recruiter@sandbox.greenhouse.test").
	SentBy string
	// LegacyURL sends url inside candidate, as very old integrations did.
	LegacyURL bool
	// PartnerURL and APIKey, when set, send to another partner or
	// organization than the configured one; the send's PATCH and
	// test_status reads then use them too.
	PartnerURL, APIKey string
}

// Send sends a dummy candidate with send_test: its url points at this
// sandbox's take_home_tests/{id}, its greenhouse_profile_url at
// app.greenhouse.io/people/{cid}?application_id={aid}. The send is recorded
// even when the partner refuses it.
func (s *Sandbox) Send(ctx context.Context, in SendRequest) (*Send, error) {
	if in.TestID == "" || in.Email == "" {
		return nil, errors.New("sandbox: a send needs a test id and an email")
	}
	if in.FirstName == "" {
		in.FirstName = "Harry"
	}
	if in.LastName == "" {
		in.LastName = "Potter"
	}
	if in.SentBy == "" {
		in.SentBy = "recruiter@sandbox.greenhouse.test"
	}
	id := s.id()
	sd := &Send{ID: id, URL: s.URL() + "/integrations/testing_partners/take_home_tests/" + strconv.FormatInt(id, 10),
		TestID: in.TestID, TestName: in.TestName, FirstName: in.FirstName, LastName: in.LastName, Email: in.Email, SentBy: in.SentBy,
		CandidateID: 17000000 + id, ApplicationID: 26000000 + id, SentAt: s.now(), partner: s.partnerFor(in.PartnerURL, in.APIKey)}
	sd.PartnerURL = sd.partner.url
	sd.ProfileURL = fmt.Sprintf("https://app.greenhouse.io/people/%d?application_id=%d", sd.CandidateID, sd.ApplicationID)
	candidate := map[string]any{"first_name": sd.FirstName, "last_name": sd.LastName, "preferred_name": nil, "email": sd.Email,
		"phone_number": "123-456-7890", "resume_url": nil, "greenhouse_profile_url": sd.ProfileURL}
	body := map[string]any{"partner_test_id": sd.TestID, "candidate": candidate, "sent_by": sd.SentBy}
	if in.LegacyURL {
		candidate["url"] = sd.URL
	} else {
		body["url"] = sd.URL
	}
	sd.body = body
	code, answer, err := s.callPartner(ctx, sd.partner, http.MethodPost, "send_test", nil, body)
	switch {
	case err != nil:
		sd.Error = err.Error()
	case code < 200 || code > 299:
		err = &PartnerError{Call: "send_test", Code: code, Body: string(answer)}
		sd.Error = err.Error()
	default:
		var errs []string
		sd.InterviewID, errs = checkSendTest(answer)
		if len(errs) > 0 {
			sd.Error = "the answer breaks the contract"
			s.report(ctx, sd.partner, Violation{APICall: "send_test", Errors: errs, PartnerTestID: sd.TestID, PartnerTestName: sd.TestName, CandidateEmail: sd.Email})
			err = fmt.Errorf("sandbox: send_test: %v", errs)
		}
	}
	s.update(func(st *State) { st.Sends = append(st.Sends, sd) })
	c := *sd
	return &c, err
}

// ErrDuplicate is returned when a repeated send_test got another partner_interview_id.
var ErrDuplicate = errors.New("sandbox: a repeated send_test with the same url got another partner_interview_id")

// Resend repeats a send's send_test request as is (same url), as Greenhouse
// may when a request is retried. The contract asks for the same
// partner_interview_id and nothing new; another id is ErrDuplicate.
func (s *Sandbox) Resend(ctx context.Context, sendID int64) (string, error) {
	s.mu.Lock()
	sd := s.sendLocked(sendID)
	var sent Send
	if sd != nil {
		sent = *sd
	}
	s.mu.Unlock()
	if sd == nil || sent.InterviewID == "" {
		return "", fmt.Errorf("%w: %d", ErrNoSend, sendID)
	}
	code, answer, err := s.callPartner(ctx, sent.partner, http.MethodPost, "send_test", nil, sent.body)
	if err != nil {
		return "", err
	}
	if code < 200 || code > 299 {
		return "", &PartnerError{Call: "send_test", Code: code, Body: string(answer)}
	}
	id, errs := checkSendTest(answer)
	if len(errs) > 0 {
		s.report(ctx, sent.partner, Violation{APICall: "send_test", Errors: errs, PartnerTestID: sent.TestID, PartnerTestName: sent.TestName, CandidateEmail: sent.Email})
		return "", fmt.Errorf("sandbox: send_test: %v", errs)
	}
	s.update(func(*State) {
		if sd := s.sendLocked(sendID); sd != nil {
			sd.Resends = append(sd.Resends, id)
		}
	})
	if id != sent.InterviewID {
		return id, fmt.Errorf("%w: %s, then %s", ErrDuplicate, sent.InterviewID, id)
	}
	return id, nil
}

// Poll reads test_status for a send now, as Greenhouse's legacy hourly
// polling did, and returns what it read.
func (s *Sandbox) Poll(ctx context.Context, sendID int64) (*Status, error) {
	return s.readStatus(ctx, sendID, "poll")
}

// readStatus calls test_status for a send, checks the answer and records it.
func (s *Sandbox) readStatus(ctx context.Context, sendID int64, trigger string) (*Status, error) {
	s.mu.Lock()
	sd := s.sendLocked(sendID)
	var sent Send
	if sd != nil {
		sent = *sd
	}
	s.mu.Unlock()
	if sd == nil {
		return nil, fmt.Errorf("%w: %d", ErrNoSend, sendID)
	}
	if sent.InterviewID == "" {
		return nil, fmt.Errorf("%w: %d was refused by the partner (no partner_interview_id)", ErrNoSend, sendID)
	}
	read := StatusRead{SendID: sendID, Trigger: trigger, At: s.now()}
	code, body, err := s.callPartner(ctx, sent.partner, http.MethodGet, "test_status", url.Values{"partner_interview_id": {sent.InterviewID}}, nil)
	read.Code, read.Body = code, short(string(body), 2000)
	var st *Status
	switch {
	case err != nil:
		read.Error = err.Error()
	case code < 200 || code > 299:
		err = &PartnerError{Call: "test_status", Code: code, Body: string(body)}
		read.Error = err.Error()
	default:
		var errs []string
		st, errs = checkTestStatus(body)
		read.Violations = len(errs)
		if len(errs) > 0 {
			s.report(ctx, sent.partner, Violation{APICall: "test_status", Errors: errs, PartnerTestID: sent.TestID, PartnerTestName: sent.TestName,
				PartnerInterviewID: sent.InterviewID, CandidateEmail: sent.Email})
			err = fmt.Errorf("sandbox: test_status: %v", errs)
		}
	}
	s.update(func(state *State) {
		state.StatusReads = append(state.StatusReads, read)
		if st != nil && err == nil {
			if sd := s.sendLocked(sendID); sd != nil {
				sd.Status, sd.StatusAt = st, read.At
			}
		}
	})
	return st, err
}

// report records a violation and posts it to the partner's response_errors
// in the documented shape.
func (s *Sandbox) report(ctx context.Context, p partner, v Violation) {
	v.At = s.now()
	body := map[string]any{"api_call": v.APICall, "errors": v.Errors}
	for k, val := range map[string]string{"partner_test_id": v.PartnerTestID, "partner_test_name": v.PartnerTestName,
		"partner_interview_id": v.PartnerInterviewID, "candidate_email": v.CandidateEmail} {
		if val != "" {
			body[k] = val
		}
	}
	code, answer, err := s.callPartner(context.WithoutCancel(ctx), p, http.MethodPost, "response_errors", nil, body)
	v.ReportCode = code
	if err != nil || code != http.StatusOK {
		s.log.Warn("sandbox: response error report not taken", "code", code, "err", err, "answer", short(string(answer), 200))
	}
	s.update(func(st *State) { st.Violations = append(st.Violations, v) })
}
