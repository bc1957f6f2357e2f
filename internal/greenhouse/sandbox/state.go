package sandbox

import (
	"context"
	"time"
)

// State is everything the sandbox has received and done, oldest first.
type State struct {
	// Sends are the candidates sent to the partner with send_test.
	Sends []*Send
	// Patches are the requests received on take_home_tests/{id}.
	Patches []Patch
	// StatusReads are the test_status calls made.
	StatusReads []StatusRead
	// Violations are the contract violations found in the partner's answers,
	// each posted to its response_errors endpoint.
	Violations []Violation
	// Notes are the notes posted to Harvest.
	Notes []Note
	// Grants are the OAuth events: codes issued, tokens granted, refused, revoked.
	Grants []GrantEvent
}

// Send is one take-home test sent to the partner: a dummy candidate on a test job.
type Send struct {
	// ID is the take-home test's id, the last segment of URL.
	ID int64
	// URL is the completion callback URL given to the partner.
	URL string
	// TestID and TestName are the partner's test.
	TestID, TestName string
	// FirstName, LastName and Email describe the dummy candidate.
	FirstName, LastName, Email string
	// SentBy is the recruiter's email sent along.
	SentBy string
	// CandidateID and ApplicationID are the Greenhouse ids in the profile URL.
	CandidateID, ApplicationID int64
	// ProfileURL is the candidate's greenhouse_profile_url.
	ProfileURL string
	// InterviewID is the partner's partner_interview_id ("" when send_test failed).
	InterviewID string
	// SentAt is when send_test was called.
	SentAt time.Time
	// Error says why send_test failed, if it did.
	Error string
	// Status is the last valid test_status read, nil before any.
	Status *Status
	// StatusAt is when Status was read.
	StatusAt time.Time
	// PartnerURL is the partner the test was sent to.
	PartnerURL string
	// Resends are the partner_interview_ids answered to repeated sends of
	// the same test (same url); each must equal InterviewID.
	Resends []string

	partner partner        // with the organization key the PATCH must carry
	body    map[string]any // the send_test request, for a repeat
}

// Status is a test_status answer as Greenhouse shows it.
type Status struct {
	// PartnerStatus is partner_status, e.g. "complete".
	PartnerStatus string
	// ProfileURL is partner_profile_url, "" when absent.
	ProfileURL string
	// Score is partner_score, nil when absent.
	Score *float64
	// Metadata are the metadata entries in the partner's order.
	Metadata []MetadataEntry
	// Raw is the answer's body.
	Raw string
}

// MetadataEntry is one metadata label and value, as text.
type MetadataEntry struct {
	Label, Value string
}

// Patch is one request received on take_home_tests/{id}.
type Patch struct {
	// SendID is the path's take-home test id (0 when not a number).
	SendID int64
	// Method is the request's method; Path its path.
	Method, Path string
	// Auth says how the credential compared: "ok", "missing" or "wrong".
	Auth string
	// Body is the request body (Greenhouse expects it empty).
	Body string
	// Answer is the status the sandbox answered.
	Answer int
	// Fault names the fault applied, if any.
	Fault string
	// At is when it arrived.
	At time.Time
}

// StatusRead is one test_status call.
type StatusRead struct {
	// SendID is the take-home test read.
	SendID int64
	// Trigger is "patch" (read right after a PATCH) or "poll".
	Trigger string
	// Code is the partner's HTTP status (0 when it did not answer).
	Code int
	// Body is its answer, shortened.
	Body string
	// Error says what went wrong, if anything.
	Error string
	// Violations is how many contract violations the answer had.
	Violations int
	// At is when it was made.
	At time.Time
}

// Violation is one contract violation reported to response_errors.
type Violation struct {
	// APICall is the call that was answered badly: list_tests, send_test or test_status.
	APICall string
	// Errors describe the violations.
	Errors []string
	// PartnerTestID, PartnerTestName, PartnerInterviewID and CandidateEmail
	// are sent when the call concerned them.
	PartnerTestID, PartnerTestName, PartnerInterviewID, CandidateEmail string
	// ReportCode is the partner's status for the report (0 when it did not answer).
	ReportCode int
	// At is when it was found.
	At time.Time
}

// Note is a note posted to Harvest's /v3/notes.
type Note struct {
	// ID is the note's id; CandidateID the candidate it is on.
	ID, CandidateID int64
	// Body is the note's text.
	Body string
	// Visibility is admin_only, private or public.
	Visibility string
	// CreatedAt is when it was posted.
	CreatedAt time.Time
}

// GrantEvent is one OAuth event.
type GrantEvent struct {
	// Kind is "code", "authorization_code", "refresh_token", "refused",
	// "denied" or "revoked".
	Kind string
	// Detail says what happened.
	Detail string
	// At is when.
	At time.Time
}

// Snapshot returns a copy of the sandbox's state.
func (s *Sandbox) Snapshot() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.snapshotLocked()
}

func (s *Sandbox) snapshotLocked() State {
	st := State{
		Patches:     append([]Patch(nil), s.state.Patches...),
		StatusReads: append([]StatusRead(nil), s.state.StatusReads...),
		Violations:  append([]Violation(nil), s.state.Violations...),
		Notes:       append([]Note(nil), s.state.Notes...),
		Grants:      append([]GrantEvent(nil), s.state.Grants...),
	}
	for _, sd := range s.state.Sends {
		c := *sd
		c.Resends = append([]string(nil), sd.Resends...)
		st.Sends = append(st.Sends, &c)
	}
	return st
}

// Wait waits until cond holds for the sandbox's state or ctx ends, and
// returns the state it last saw.
func (s *Sandbox) Wait(ctx context.Context, cond func(State) bool) (State, error) {
	for {
		s.mu.Lock()
		st, ch := s.snapshotLocked(), s.changed
		s.mu.Unlock()
		if cond(st) {
			return st, nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return st, ctx.Err()
		}
	}
}

// update changes the state under the lock and wakes waiters.
func (s *Sandbox) update(fn func(st *State)) {
	s.mu.Lock()
	fn(&s.state)
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
}

// send returns the send with the given id, or nil; call with s.mu held.
func (s *Sandbox) sendLocked(id int64) *Send {
	for _, sd := range s.state.Sends {
		if sd.ID == id {
			return sd
		}
	}
	return nil
}
