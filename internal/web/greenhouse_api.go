package web

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/talentsystems/talentsystems/internal/apikey"
	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/candidates"
	"github.com/talentsystems/talentsystems/internal/greenhouse"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// ghCaller is the authenticated side of an API request.
type ghCaller struct {
	org *model.Org
	key *model.APIKey
}

type ghEndpoint struct {
	method string
	handle func(g *greenhouseHandlers, w http.ResponseWriter, r *http.Request, c *ghCaller)
}

var ghEndpoints = map[string]ghEndpoint{
	"list_tests":      {http.MethodGet, (*greenhouseHandlers).listTests},
	"send_test":       {http.MethodPost, (*greenhouseHandlers).sendTest},
	"test_status":     {http.MethodGet, (*greenhouseHandlers).testStatus},
	"response_errors": {http.MethodPost, (*greenhouseHandlers).responseErrors},
}

// apiError answers a JSON error with a status that has no apperror kind.
func apiError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"error": msg, "fields": nil})
}

// api serves /api/greenhouse/*: route, method, key, rate limit, content
// type and size, in that order, then the endpoint.
func (g *greenhouseHandlers) api(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/api/greenhouse/")
	ep, ok := ghEndpoints[name]
	if !ok {
		apiError(w, http.StatusNotFound, "There is no such endpoint. The Assessment Partner API has list_tests, send_test, test_status and response_errors under /api/greenhouse/.")
		return
	}
	allowed := r.Method == ep.method || (ep.method == http.MethodGet && r.Method == http.MethodHead)
	if !allowed {
		w.Header().Set("Allow", ep.method)
		apiError(w, http.StatusMethodNotAllowed, fmt.Sprintf("%s takes %s requests, not %s.", name, ep.method, r.Method))
		return
	}
	caller, ok := g.authenticate(w, r)
	if !ok {
		return
	}
	if d := g.limits.wait(caller.key.ID, g.now()); d > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds(d)))
		g.fail(w, r, apperror.New(apperror.TooMany, "Too many requests with this API key: try again in %d seconds.", retryAfterSeconds(d)))
		return
	}
	if now := g.now(); now.Sub(caller.key.LastUsedAt) >= time.Minute {
		if err := store.TouchAPIKey(r.Context(), g.store.DB, caller.key.ID, now); err != nil {
			logFrom(r.Context(), g.log).Warn("api key last use not recorded", "err", err)
		}
	}
	if ep.method == http.MethodPost {
		if ct := r.Header.Get("Content-Type"); ct != "" {
			mt, _, err := mime.ParseMediaType(ct)
			if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
				apiError(w, http.StatusUnsupportedMediaType, "The request body must be JSON (Content-Type: application/json).")
				return
			}
		}
		if r.ContentLength > greenhouse.MaxBodyBytes {
			g.fail(w, r, apperror.New(apperror.TooLarge, "The request body is larger than %d MiB.", greenhouse.MaxBodyBytes>>20))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, greenhouse.MaxBodyBytes)
	}
	ep.handle(g, w, r, caller)
}

// authenticate checks the request's key. A refusal is answered (401 with
// WWW-Authenticate); a rotated or revoked key is also recorded for its
// organization, whose Integrations card then says why Greenhouse fails.
func (g *greenhouseHandlers) authenticate(w http.ResponseWriter, r *http.Request) (*ghCaller, bool) {
	refuse := func(msg string) (*ghCaller, bool) {
		w.Header().Set("WWW-Authenticate", `Basic realm="`+greenhouse.Realm+`", charset="UTF-8"`)
		apiError(w, http.StatusUnauthorized, msg)
		return nil, false
	}
	key, err := greenhouse.ParseBasicAuth(r.Header.Get("Authorization"))
	if err != nil {
		return refuse(err.Error())
	}
	k, err := g.keys.Authenticate(r.Context(), key)
	if errors.Is(err, apikey.ErrEnded) {
		g.event(r.Context(), nil, k.OrgID, "auth", false, fmt.Sprintf("Greenhouse called %s with the key %s…, which was %s on %s: the request was refused.",
			path.Base(r.URL.Path), k.Prefix, k.Status, k.EndedAt.Format("2 Jan 2006 15:04 UTC")))
		return refuse(apperror.Message(err))
	}
	if apperror.KindOf(err) == apperror.Unauthorized {
		return refuse(apperror.Message(err))
	}
	if err != nil {
		g.fail(w, r, err)
		return nil, false
	}
	org, err := store.OrgByID(r.Context(), g.store.DB, k.OrgID)
	if err != nil {
		g.fail(w, r, err)
		return nil, false
	}
	return &ghCaller{org: org, key: k}, true
}

// TestListing is one entry of list_tests.
type TestListing struct {
	PartnerTestID   string `json:"partner_test_id"`
	PartnerTestName string `json:"partner_test_name"`
}

func (g *greenhouseHandlers) listTests(w http.ResponseWriter, r *http.Request, c *ghCaller) {
	list, err := store.ListPostings(r.Context(), g.store.DB, c.org.ID, model.PostingActive)
	if err != nil {
		g.fail(w, r, err)
		return
	}
	out := make([]TestListing, 0, len(list))
	for _, p := range list {
		name := p.Title
		if t := greenhouse.AssessmentTypeLabel(p.AssessmentType); t != "" {
			name += " — " + t
		}
		out = append(out, TestListing{PartnerTestID: p.PublicID, PartnerTestName: name})
	}
	detail := fmt.Sprintf("Greenhouse listed your postings: %d active.", len(out))
	if len(out) == 0 {
		detail = "Greenhouse listed your postings, and none is active: Greenhouse shows only active postings."
	}
	g.event(r.Context(), nil, c.org.ID, "list_tests", len(out) > 0, detail)
	writeJSON(w, http.StatusOK, out)
}

// SendTestResponse is send_test's answer.
type SendTestResponse struct {
	PartnerInterviewID string `json:"partner_interview_id"`
}

// candidateField maps a candidates.Person field to its name in send_test.
var candidateField = map[string]string{"first_name": "candidate.first_name", "last_name": "candidate.last_name",
	"email": "candidate.email", "phone": "candidate.phone_number"}

func (g *greenhouseHandlers) sendTest(w http.ResponseWriter, r *http.Request, c *ghCaller) {
	ctx := r.Context()
	req, err := greenhouse.DecodeSendTest(r.Body)
	if err != nil {
		g.event(ctx, nil, c.org.ID, "send_test", false, "Greenhouse sent a candidate with a malformed request: "+apperror.Message(err))
		g.fail(w, r, err)
		return
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
		g.event(ctx, nil, c.org.ID, "send_test", false, "Greenhouse sent a candidate we could not accept: "+apperror.Message(err))
		g.fail(w, r, err)
		return
	}
	testKey := greenhouse.TestKey(req.URL)
	if existing, err := store.CandidateByGHTest(ctx, g.store.DB, c.org.ID, testKey); err == nil {
		g.repeatedSend(w, r, c, existing)
		return
	} else if apperror.KindOf(err) != apperror.NotFound {
		g.fail(w, r, err)
		return
	}
	sp, err := store.OrgPostingByPublicID(ctx, g.store.DB, c.org.ID, req.PartnerTestID)
	if apperror.KindOf(err) == apperror.NotFound {
		g.event(ctx, nil, c.org.ID, "send_test", false, fmt.Sprintf("Candidate not created: Greenhouse sent a candidate to posting id %q, which is not one of your postings. Check that the Greenhouse job is mapped to the correct posting.", req.PartnerTestID))
		msg := fmt.Sprintf("No posting has the partner_test_id %q.", req.PartnerTestID)
		g.fail(w, r, &apperror.Error{Kind: apperror.NotFound, Message: msg, Fields: map[string]string{"partner_test_id": msg}})
		return
	}
	if err != nil {
		g.fail(w, r, err)
		return
	}
	if sp.Status != model.PostingActive {
		g.event(ctx, nil, c.org.ID, "send_test", false, fmt.Sprintf("Candidate not created: Greenhouse sent a candidate to the posting %q, which is %s. Make sure the posting is active (not draft), or map the Greenhouse job to an active posting.", sp.Title, sp.Status))
		g.fail(w, r, apperror.New(apperror.NotFound, "The posting %s is not active (it is %s): it takes no candidates.", sp.PublicID, sp.Status))
		return
	}
	settings, err := store.OrgGreenhouseSettings(ctx, g.store.DB, c.org.ID)
	if err != nil {
		g.fail(w, r, err)
		return
	}
	ghCandidate, ghApplication := greenhouse.ParseProfileURL(req.Candidate.GreenhouseProfileURL)
	var cand *model.Candidate
	err = g.store.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		cand, err = g.candidates.AddTx(ctx, model.Actor{OrgID: c.org.ID}, tx, sp.ID, person, candidates.AddOptions{
			Source: model.SourceGreenhouse, SendEmail: settings.EmailCandidates,
			Greenhouse: &candidates.Greenhouse{TestID: testKey, CandidateID: ghCandidate, ApplicationID: ghApplication,
				ProfileURL: req.Candidate.GreenhouseProfileURL, CallbackURL: req.URL, SentBy: req.SentBy},
		})
		if err != nil {
			return err
		}
		detail := fmt.Sprintf("Greenhouse sent candidate #%d to %q", cand.ID, sp.Title)
		if req.SentBy != "" {
			detail += " (sent by " + req.SentBy + ")"
		}
		if settings.EmailCandidates {
			detail += "; their link was emailed"
		}
		g.event(ctx, tx, c.org.ID, "send_test", true, detail+".")
		return nil
	})
	if apperror.KindOf(err) == apperror.Conflict {
		// Another request for the same test won the race: answer with its candidate.
		if existing, lookup := store.CandidateByGHTest(ctx, g.store.DB, c.org.ID, testKey); lookup == nil {
			g.repeatedSend(w, r, c, existing)
			return
		}
		err = apperror.New(apperror.NotFound, "%s", apperror.Message(err))
	}
	if err != nil {
		g.fail(w, r, err)
		return
	}
	if _, err := (greenhouse.Guard{Sandbox: g.cfg.Greenhouse.SandboxHosts}).Check(req.URL); err != nil {
		g.event(ctx, nil, c.org.ID, "send_test", false, fmt.Sprintf("Candidate #%d's result will not be pushed to Greenhouse: %s. Greenhouse can still read it with test_status.", cand.ID, err))
	}
	writeJSON(w, http.StatusOK, SendTestResponse{PartnerInterviewID: strconv.FormatInt(cand.ID, 10)})
}

func (g *greenhouseHandlers) repeatedSend(w http.ResponseWriter, r *http.Request, c *ghCaller, existing *model.Candidate) {
	g.event(r.Context(), nil, c.org.ID, "send_test", true, fmt.Sprintf("Greenhouse sent candidate #%d again (same test): nothing new was created.", existing.ID))
	writeJSON(w, http.StatusOK, SendTestResponse{PartnerInterviewID: strconv.FormatInt(existing.ID, 10)})
}

// greenhouseCandidate returns the organization's Greenhouse candidate with the
// given partner_interview_id; anything else is NotFound.
func (g *greenhouseHandlers) greenhouseCandidate(ctx context.Context, orgID int64, interviewID string) (*model.Candidate, error) {
	notFound := apperror.New(apperror.NotFound, "No test has the partner_interview_id %q.", interviewID)
	id, err := strconv.ParseInt(interviewID, 10, 64)
	if err != nil || id <= 0 {
		return nil, notFound
	}
	c, err := store.OrgCandidate(ctx, g.store.DB, orgID, id)
	if apperror.KindOf(err) == apperror.NotFound || (err == nil && c.Source != model.SourceGreenhouse) {
		return nil, notFound
	}
	return c, err
}

func (g *greenhouseHandlers) testStatus(w http.ResponseWriter, r *http.Request, c *ghCaller) {
	ctx := r.Context()
	interviewID, err := greenhouse.ParseInterviewID(r.URL.Query())
	if err != nil {
		g.fail(w, r, err)
		return
	}
	cand, err := g.greenhouseCandidate(ctx, c.org.ID, interviewID)
	if err != nil {
		if apperror.KindOf(err) == apperror.NotFound {
			g.event(ctx, nil, c.org.ID, "test_status", false, fmt.Sprintf("Greenhouse asked for the status of test %q, which is not one of your Greenhouse candidates.", interviewID))
		}
		g.fail(w, r, err)
		return
	}
	if cand.Status == model.CandidateStarted {
		// An attempt whose time is up is submitted (and scored) on the spot,
		// so that Greenhouse never sees a finished attempt as in progress.
		if link := g.candidates.Link(cand); link != "" {
			if _, err := g.candidates.Open(ctx, path.Base(link)); err != nil && apperror.KindOf(err) == apperror.Internal {
				logFrom(ctx, g.log).Warn("deadline check for test_status", "candidate", cand.ID, "err", err)
			}
			if cand, err = store.OrgCandidate(ctx, g.store.DB, c.org.ID, cand.ID); err != nil {
				g.fail(w, r, err)
				return
			}
		}
	}
	a := greenhouse.Assessment{CandidateID: cand.ID, PostingID: cand.PostingID, Status: string(cand.Status), ExpiresAt: cand.ExpiresAt,
		Score: cand.Score, Recommendation: cand.Recommendation, StartedAt: cand.StartedAt, CompletedAt: cand.CompletedAt}
	if sp, err := store.OrgPosting(ctx, g.store.DB, c.org.ID, cand.PostingID); err == nil {
		a.AssessmentType = sp.AssessmentType
	}
	if cand.Status == model.CandidateCompleted && cand.AttemptID != 0 {
		at, err := store.GetAttempt(ctx, g.store.DB, cand.ID, cand.AttemptID)
		if err != nil {
			g.fail(w, r, err)
			return
		}
		a.Result = greenhouse.DecodeResult(at.Result)
	}
	st := greenhouse.BuildStatus(a, g.cfg.BaseURL, g.now())
	detail := fmt.Sprintf("Greenhouse read the status of candidate #%d: %s", cand.ID, strings.ReplaceAll(st.PartnerStatus, "_", " "))
	if st.PartnerScore != nil {
		detail += fmt.Sprintf(", score %s", fmtNum(*st.PartnerScore))
	}
	g.event(ctx, nil, c.org.ID, "test_status", true, detail+".")
	writeJSON(w, http.StatusOK, st)
}

func (g *greenhouseHandlers) responseErrors(w http.ResponseWriter, r *http.Request, c *ghCaller) {
	ctx := r.Context()
	rep, err := greenhouse.DecodeResponseError(r.Body)
	if err != nil {
		g.fail(w, r, err)
		return
	}
	e := &model.ResponseError{OrgID: c.org.ID, APICall: rep.APICall, Errors: rep.Errors, PartnerTestID: rep.PartnerTestID,
		PartnerTestName: rep.PartnerTestName, PartnerInterviewID: rep.PartnerInterviewID, CandidateEmail: rep.CandidateEmail, CreatedAt: g.now()}
	err = g.store.Tx(ctx, func(tx *sql.Tx) error {
		if err := store.CreateResponseError(ctx, tx, e); err != nil {
			return err
		}
		g.event(ctx, tx, c.org.ID, "response_errors", false, fmt.Sprintf("Greenhouse reported an error in our answer to %s: %s", rep.APICall, strings.Join(rep.Errors, "; ")))
		return nil
	})
	if err != nil {
		g.fail(w, r, err)
		return
	}
	logFrom(ctx, g.log).Warn("greenhouse reported a response error", "org", c.org.Slug, "api_call", rep.APICall, "errors", rep.Errors)
	writeJSON(w, http.StatusOK, map[string]int{"status": http.StatusOK})
}
