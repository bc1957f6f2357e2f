package partner

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/talentsystems/talentsystems/internal/apikey"
	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/candidates"
	"github.com/talentsystems/talentsystems/internal/greenhouse"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/ratelimit"
	"github.com/talentsystems/talentsystems/internal/store"
)

// Caller is the authenticated side of an API request: the organization
// whose key was presented. The read endpoints (AuthenticatedListTests,
// AuthenticatedTestStatus) know only its id, and of the key what checking
// it needs.
type Caller struct {
	Org *model.Org
	Key *model.APIKey
}

// ErrBadKey wraps every refusal of a request's credentials (answered 401
// with a WWW-Authenticate challenge).
var ErrBadKey = errors.New("greenhouse: bad credentials")

type badKey struct{ err error }

func (e badKey) Error() string     { return e.err.Error() }
func (e badKey) Unwrap() []error   { return []error{ErrBadKey, e.err} }
func refuseKey(msg string) error   { return badKey{apperror.New(apperror.Unauthorized, "%s", msg)} }
func refuseKeyErr(err error) error { return badKey{err} }
func (s *Service) tooMany(d time.Duration) error {
	return apperror.Wait(d, "Too many requests with this API key: try again in %d seconds.", ratelimit.RetryAfter(d))
}

// Authenticate checks the Authorization header of a call to endpoint and
// counts the call against the key's rate limit. A rotated or revoked key is
// also recorded for its organization, whose card then says why Greenhouse
// fails.
func (s *Service) Authenticate(ctx context.Context, authorization, endpoint string) (*Caller, error) {
	return s.authenticate(ctx, authorization, endpoint, s.keys.AuthenticateOrg)
}

// authenticate is Authenticate with the key looked up by lookup.
func (s *Service) authenticate(ctx context.Context, authorization, endpoint string, lookup func(ctx context.Context, key string) (*model.APIKey, *model.Org, error)) (*Caller, error) {
	raw, err := greenhouse.ParseBasicAuth(authorization)
	if err != nil {
		return nil, refuseKey(err.Error())
	}
	k, org, err := lookup(ctx, raw)
	if errors.Is(err, apikey.ErrEnded) {
		s.event(ctx, nil, k.OrgID, "auth", false, fmt.Sprintf("Greenhouse called %s with the key %s…, which was %s on %s: the request was refused.",
			endpoint, k.Prefix, k.Status, date(k.EndedAt)))
		return nil, refuseKeyErr(err)
	}
	if apperror.KindOf(err) == apperror.Unauthorized {
		return nil, refuseKeyErr(err)
	}
	if err != nil {
		return nil, err
	}
	now := s.now()
	if d := s.limits.Take(strconv.FormatInt(k.ID, 10), now); d > 0 {
		return nil, s.tooMany(d)
	}
	s.activity.used(k.ID, org.ID, now) // stored at the next Flush: a call writes nothing
	return &Caller{Org: org, Key: k}, nil
}

// AuthenticatedListTests is Authenticate and list_tests in one: the key and
// its organization's active postings are read in one query. It answers
// as the two would in turn (a refused key first).
func (s *Service) AuthenticatedListTests(ctx context.Context, authorization string) ([]greenhouse.TestListing, error) {
	var list []*model.Posting
	c, err := s.authenticate(ctx, authorization, "list_tests", func(ctx context.Context, key string) (*model.APIKey, *model.Org, error) {
		if !apikey.WellFormed(key) {
			return nil, nil, apperror.New(apperror.Unauthorized, "The API key is not valid.")
		}
		k, l, err := store.APIKeyAndActivePostingTitles(readContext(ctx), s.store.DB, apikey.Hash(key))
		if k, err = apikey.Check(key, k, err); err != nil {
			return k, nil, err
		}
		list = l
		return k, &model.Org{ID: k.OrgID}, nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]greenhouse.TestListing, 0, len(list))
	for _, p := range list {
		name := p.Title
		if t := greenhouse.AssessmentTypeLabel(p.AssessmentType); t != "" {
			name += " — " + t
		}
		out = append(out, greenhouse.TestListing{PartnerTestID: p.PublicID, PartnerTestName: name})
	}
	detail := fmt.Sprintf("Greenhouse listed your postings: %d active.", len(out))
	if len(out) == 0 {
		detail = "Greenhouse listed your postings, and none is active: Greenhouse shows only active postings."
	}
	if len(out) == 0 {
		s.event(ctx, nil, c.Org.ID, "list_tests", false, detail)
	} else {
		s.countRead(c.Org.ID, "list_tests", detail)
	}
	return out, nil
}

// readContext is ctx for a read endpoint's one short query: not cancelled
// with the request, so that neither database/sql nor the driver starts a
// goroutine to watch for it (two per query on SQLite, one on PostgreSQL).
func readContext(ctx context.Context) context.Context { return context.WithoutCancel(ctx) }

// candidateField maps a candidates.Person field to its name in send_test.
var candidateField = map[string]string{"first_name": "candidate.first_name", "last_name": "candidate.last_name",
	"email": "candidate.email", "phone": "candidate.phone_number"}

// SendTest answers send_test: it creates the candidate, once per
// Greenhouse test (a repeated or concurrent send of the same test answers
// with the first one's id and creates nothing).
func (s *Service) SendTest(ctx context.Context, c *Caller, body io.Reader) (*greenhouse.SendTestResponse, error) {
	req, err := greenhouse.DecodeSendTest(body)
	if err != nil {
		s.event(ctx, nil, c.Org.ID, "send_test", false, "Greenhouse sent a candidate with a malformed request: "+apperror.Message(err))
		return nil, err
	}
	person := candidates.Person{FirstName: req.Candidate.FirstName, LastName: req.Candidate.LastName, Email: req.Candidate.Email, Phone: req.Candidate.PhoneNumber}
	if err := person.Validate(); err != nil {
		for f, msg := range apperror.FieldsOf(err) {
			name, ok := candidateField[f]
			if !ok {
				name = "candidate." + f
			}
			err = apperror.Field(name, "%s: %s", name, msg)
		}
		s.event(ctx, nil, c.Org.ID, "send_test", false, "Greenhouse sent a candidate we could not accept: "+apperror.Message(err))
		return nil, err
	}
	testKey := greenhouse.TestKey(req.URL)
	sp, existing, emailCandidates, err := store.SendTestTarget(ctx, s.store.DB, c.Org.ID, req.PartnerTestID, testKey)
	if existing != 0 {
		return s.repeatedSend(ctx, c, existing), nil
	}
	if apperror.KindOf(err) == apperror.NotFound {
		// A test already sent stays answered even when its partner_test_id no longer names a posting.
		if existing, err := store.CandidateByGHTest(ctx, s.store.DB, c.Org.ID, testKey); err == nil {
			return s.repeatedSend(ctx, c, existing.ID), nil
		}
		s.event(ctx, nil, c.Org.ID, "send_test", false, fmt.Sprintf("Candidate not created: Greenhouse sent a candidate to posting id %q, which is not one of your postings. Check that the Greenhouse job is mapped to the correct posting.", req.PartnerTestID))
		msg := fmt.Sprintf("No posting has the partner_test_id %q.", req.PartnerTestID)
		return nil, &apperror.Error{Kind: apperror.NotFound, Message: msg, Fields: map[string]string{"partner_test_id": msg}}
	}
	if err != nil {
		return nil, err
	}
	if sp.Status != model.PostingActive {
		s.event(ctx, nil, c.Org.ID, "send_test", false, fmt.Sprintf("Candidate not created: Greenhouse sent a candidate to the posting %q, which is %s. Make sure the posting is active (not draft), or map the Greenhouse job to an active posting.", sp.Title, sp.Status))
		return nil, apperror.New(apperror.NotFound, "The posting %s is not active (it is %s): it takes no candidates.", sp.PublicID, sp.Status)
	}
	ghCandidate, ghApplication := greenhouse.ParseProfileURL(req.Candidate.GreenhouseProfileURL)
	after := fmt.Sprintf(" to %q", sp.Title)
	if req.SentBy != "" {
		after += " (sent by " + req.SentBy + ")"
	}
	if emailCandidates {
		after += "; their link was emailed"
	}
	var cand *model.Candidate
	err = s.store.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		cand, err = s.candidates.AddToPostingTx(ctx, model.Actor{OrgID: c.Org.ID}, tx, sp, person, candidates.AddOptions{
			Source: model.SourceGreenhouse, SendEmail: emailCandidates,
			Greenhouse: &candidates.Greenhouse{TestID: testKey, CandidateID: ghCandidate, ApplicationID: ghApplication,
				ProfileURL: req.Candidate.GreenhouseProfileURL, CallbackURL: req.URL, SentBy: req.SentBy},
			Event: &store.CandidateEvent{Kind: "send_test", Before: "Greenhouse sent candidate #", After: after + "."},
		})
		return err
	})
	if apperror.KindOf(err) == apperror.Conflict {
		// Another request for the same test won the race: answer with its candidate.
		if existing, lookup := store.CandidateByGHTest(ctx, s.store.DB, c.Org.ID, testKey); lookup == nil {
			return s.repeatedSend(ctx, c, existing.ID), nil
		}
		err = apperror.New(apperror.NotFound, "%s", apperror.Message(err))
	}
	if err != nil {
		return nil, err
	}
	if _, err := s.policy.Check(req.URL); err != nil {
		s.event(ctx, nil, c.Org.ID, "send_test", false, fmt.Sprintf("Candidate #%d's result will not be pushed to Greenhouse: %s. Greenhouse can still read it with test_status.", cand.ID, err))
	}
	return &greenhouse.SendTestResponse{PartnerInterviewID: strconv.FormatInt(cand.ID, 10)}, nil
}

func (s *Service) repeatedSend(ctx context.Context, c *Caller, existing int64) *greenhouse.SendTestResponse {
	s.event(ctx, nil, c.Org.ID, "send_test", true, fmt.Sprintf("Greenhouse sent candidate #%d again (same test): nothing new was created.", existing))
	return &greenhouse.SendTestResponse{PartnerInterviewID: strconv.FormatInt(existing, 10)}
}

// TestStatus answers test_status for the query's partner_interview_id.
func (s *Service) TestStatus(ctx context.Context, c *Caller, query url.Values) (*greenhouse.TestStatus, error) {
	interviewID, id, err := interviewID(query)
	if err != nil {
		return nil, err
	}
	var row *model.GreenhouseStatus
	if id > 0 {
		row, err = store.GreenhouseStatus(ctx, s.store.DB, c.Org.ID, id)
	}
	return s.testStatus(ctx, c, interviewID, id, row, err)
}

// AuthenticatedTestStatus is Authenticate and TestStatus in one: the key and
// its organization's candidate are read in one query. It answers as the
// two would in turn (a refused key first, then a bad or unknown id).
func (s *Service) AuthenticatedTestStatus(ctx context.Context, authorization string, query url.Values) (*greenhouse.TestStatus, error) {
	interviewID, id, idErr := interviewID(query)
	var row *model.GreenhouseStatus
	c, err := s.authenticate(ctx, authorization, "test_status", func(ctx context.Context, key string) (*model.APIKey, *model.Org, error) {
		if !apikey.WellFormed(key) {
			return nil, nil, apperror.New(apperror.Unauthorized, "The API key is not valid.")
		}
		k, r, err := store.APIKeyAndGreenhouseStatus(readContext(ctx), s.store.DB, apikey.Hash(key), id)
		if k, err = apikey.Check(key, k, err); err != nil {
			return k, nil, err
		}
		row = r
		return k, &model.Org{ID: k.OrgID}, nil
	})
	if err != nil {
		return nil, err
	}
	if idErr != nil {
		return nil, idErr
	}
	var rowErr error
	if row == nil {
		rowErr = apperror.New(apperror.NotFound, "candidate not found")
	}
	return s.testStatus(ctx, c, interviewID, id, row, rowErr)
}

// interviewID reads the query's partner_interview_id: the id as sent, and
// as a number (0 when it is not one of ours).
func interviewID(query url.Values) (string, int64, error) {
	raw, err := greenhouse.ParseInterviewID(query)
	if err != nil {
		return "", 0, err
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return raw, 0, nil
	}
	return raw, id, nil
}

// testStatus answers test_status from the candidate read (row, or the
// read's error) for id.
func (s *Service) testStatus(ctx context.Context, c *Caller, interviewID string, id int64, row *model.GreenhouseStatus, err error) (*greenhouse.TestStatus, error) {
	notFound := func() error {
		s.event(ctx, nil, c.Org.ID, "test_status", false, fmt.Sprintf("Greenhouse asked for the status of test %q, which is not one of your Greenhouse candidates.", interviewID))
		return apperror.New(apperror.NotFound, "No test has the partner_interview_id %q.", interviewID)
	}
	if id <= 0 {
		return nil, notFound()
	}
	// One indexed read answers a settled candidate; a started one whose
	// time may be up goes through the deadline check first.
	if apperror.KindOf(err) == apperror.NotFound || (err == nil && row.Source != model.SourceGreenhouse) {
		return nil, notFound()
	}
	if err != nil {
		return nil, err
	}
	if row.Status == model.CandidateStarted && row.MayBeOverdue(s.now()) {
		// An attempt whose time is up is submitted (and scored) on the spot,
		// so that Greenhouse never sees a finished attempt as in progress.
		cand, err := store.OrgCandidate(ctx, s.store.DB, c.Org.ID, id)
		if err != nil {
			return nil, err
		}
		if link := s.candidates.Link(cand); link != "" {
			if _, err := s.candidates.Open(ctx, path.Base(link)); err != nil && apperror.KindOf(err) == apperror.Internal {
				s.log.WarnContext(ctx, "deadline check for test_status", "candidate", cand.ID, "err", err)
			}
			if row, err = store.GreenhouseStatus(ctx, s.store.DB, c.Org.ID, id); err != nil {
				return nil, err
			}
		}
	}
	a := greenhouse.Assessment{CandidateID: row.ID, PostingID: row.PostingID, Status: string(row.Status), ExpiresAt: row.ExpiresAt,
		Score: row.Score, Recommendation: row.Recommendation, StartedAt: row.StartedAt, CompletedAt: row.CompletedAt,
		AssessmentType: row.AssessmentType, Provisional: row.Provisional}
	if row.Status == model.CandidateCompleted && row.AttemptID != 0 {
		a.Result = greenhouse.DecodeBrief(row.Result)
	}
	st := greenhouse.BuildStatus(a, s.baseURL, s.now())
	detail := fmt.Sprintf("Greenhouse read the status of candidate #%d: %s", row.ID, strings.ReplaceAll(st.PartnerStatus, "_", " "))
	if st.PartnerScore != nil {
		detail += ", score " + strconv.FormatFloat(*st.PartnerScore, 'g', -1, 64)
	}
	s.countRead(c.Org.ID, "test_status", detail+".")
	return &st, nil
}

// ResponseErrors records an error Greenhouse reports in one of our answers.
func (s *Service) ResponseErrors(ctx context.Context, c *Caller, body io.Reader) error {
	rep, err := greenhouse.DecodeResponseError(body)
	if err != nil {
		return err
	}
	e := &model.ResponseError{OrgID: c.Org.ID, APICall: rep.APICall, Errors: rep.Errors, PartnerTestID: rep.PartnerTestID,
		PartnerTestName: rep.PartnerTestName, PartnerInterviewID: rep.PartnerInterviewID, CandidateEmail: rep.CandidateEmail, CreatedAt: s.now()}
	err = s.store.Tx(ctx, func(tx *sql.Tx) error {
		if err := store.CreateResponseError(ctx, tx, e); err != nil {
			return err
		}
		s.event(ctx, tx, c.Org.ID, "response_errors", false, fmt.Sprintf("Greenhouse reported an error in our answer to %s: %s", rep.APICall, strings.Join(rep.Errors, "; ")))
		return nil
	})
	if err != nil {
		return err
	}
	s.log.WarnContext(ctx, "greenhouse reported a response error", "org", c.Org.Slug, "api_call", rep.APICall, "errors", rep.Errors)
	return nil
}
