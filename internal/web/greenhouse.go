package web

import (
	"errors"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/greenhouse"
	"github.com/talentsystems/talentsystems/internal/greenhouse/connection"
	"github.com/talentsystems/talentsystems/internal/greenhouse/partner"
	"github.com/talentsystems/talentsystems/internal/model"
)

// greenhouseRoutes registers the Greenhouse Assessment Partner API and the
// integration pages. Every handler decodes, calls the partner service, and
// encodes.
func (s *Server) greenhouseRoutes(mux *http.ServeMux) {
	// One handler for the whole API, so that unknown paths and wrong methods
	// get JSON answers too (the mux's own 404 and 405 are not JSON).
	mux.HandleFunc("/api/greenhouse/", s.handle(s.greenhouseAPI))

	mux.HandleFunc("GET /settings/integrations", s.requireAdmin(s.integrationsPage))
	mux.HandleFunc("POST /settings/integrations/greenhouse/request-setup", s.requireAdmin(s.requestGreenhouseSetup))
	mux.HandleFunc("POST /settings/integrations/greenhouse/email", s.requireAdmin(s.setGreenhouseEmail))

	s.harvestRoutes(mux)

	mux.HandleFunc("GET /staff/greenhouse", s.requireStaff(s.staffGreenhouse))
	mux.HandleFunc("POST /staff/greenhouse/callbacks/{id}/retry", s.requireStaff(s.staffRetryCallback))
	mux.HandleFunc("POST /staff/greenhouse/notes/{id}/retry", s.requireStaff(s.staffRetryPush))
	mux.HandleFunc("GET /staff/orgs/{id}/greenhouse", s.requireStaff(s.staffGreenhouseOrg))
	mux.HandleFunc("POST /staff/orgs/{id}/greenhouse/keys/{action}", s.requireStaff(s.staffKeyAction))
}

// httpError is an error answered with a status no apperror kind has, or
// with extra headers.
type httpError struct {
	status int
	header http.Header
	err    error
}

func (e *httpError) Error() string { return e.err.Error() }
func (e *httpError) Unwrap() error { return e.err }

// apiEndpoint is one endpoint of the Assessment Partner API: serve runs
// after the key check, or, for an endpoint that checks the key in its own
// single query, authServe runs instead (with the same answers).
type apiEndpoint struct {
	method    string
	serve     func(s *Server, w http.ResponseWriter, r *http.Request, c *partner.Caller) error
	authServe func(s *Server, w http.ResponseWriter, r *http.Request) error
}

var apiEndpoints = map[string]apiEndpoint{
	"list_tests": {method: http.MethodGet, authServe: func(s *Server, w http.ResponseWriter, r *http.Request) error {
		out, err := s.greenhouse.AuthenticatedListTests(r.Context(), r.Header.Get("Authorization"))
		return answerJSON(w, greenhouse.TestList(out), err)
	}},
	"send_test": {method: http.MethodPost, serve: func(s *Server, w http.ResponseWriter, r *http.Request, c *partner.Caller) error {
		out, err := s.greenhouse.SendTest(r.Context(), c, r.Body)
		return answerJSON(w, out, err)
	}},
	"test_status": {method: http.MethodGet, authServe: func(s *Server, w http.ResponseWriter, r *http.Request) error {
		out, err := s.greenhouse.AuthenticatedTestStatus(r.Context(), r.Header.Get("Authorization"), r.URL.Query())
		return answerJSON(w, out, err)
	}},
	"response_errors": {method: http.MethodPost, serve: func(s *Server, w http.ResponseWriter, r *http.Request, c *partner.Caller) error {
		return answerJSON(w, map[string]int{"status": http.StatusOK}, s.greenhouse.ResponseErrors(r.Context(), c, r.Body))
	}},
}

func answerJSON(w http.ResponseWriter, v any, err error) error {
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// greenhouseAPI serves /api/greenhouse/*: route, method, key and rate limit,
// content type and size, in that order, then the endpoint.
func (s *Server) greenhouseAPI(w http.ResponseWriter, r *http.Request) error {
	name := strings.TrimPrefix(r.URL.Path, "/api/greenhouse/")
	ep, ok := apiEndpoints[name]
	if !ok {
		return apperror.New(apperror.NotFound, "There is no such endpoint. The Assessment Partner API has list_tests, send_test, test_status and response_errors under /api/greenhouse/.")
	}
	if r.Method != ep.method && !(ep.method == http.MethodGet && r.Method == http.MethodHead) {
		return &httpError{status: http.StatusMethodNotAllowed, header: http.Header{"Allow": {ep.method}},
			err: apperror.New(apperror.Invalid, "%s takes %s requests, not %s.", name, ep.method, r.Method)}
	}
	if ep.authServe != nil {
		return keyError(ep.authServe(s, w, r))
	}
	caller, err := s.greenhouse.Authenticate(r.Context(), r.Header.Get("Authorization"), name)
	if err != nil {
		return keyError(err)
	}
	if ep.method == http.MethodPost {
		if ct := r.Header.Get("Content-Type"); ct != "" {
			mt, _, err := mime.ParseMediaType(ct)
			if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
				return &httpError{status: http.StatusUnsupportedMediaType, err: apperror.New(apperror.Invalid, "The request body must be JSON (Content-Type: application/json).")}
			}
		}
		if r.ContentLength > greenhouse.MaxBodyBytes {
			return apperror.New(apperror.TooLarge, "The request body is larger than %d MiB.", greenhouse.MaxBodyBytes>>20)
		}
		r.Body = http.MaxBytesReader(w, r.Body, greenhouse.MaxBodyBytes)
	}
	return ep.serve(s, w, r, caller)
}

// keyError answers a refused key 401 with a challenge.
func keyError(err error) error {
	if errors.Is(err, partner.ErrBadKey) {
		return &httpError{status: http.StatusUnauthorized, header: http.Header{"Www-Authenticate": {`Basic realm="` + greenhouse.Realm + `", charset="UTF-8"`}}, err: err}
	}
	return err
}

// Integration is one integration on the Integrations page. Each kind fills
// its own section; today Greenhouse's Assessment Partner API, with room for
// its Harvest connection and others.
type Integration struct {
	ID, Name, Summary string
	// Partner is Greenhouse's Assessment Partner section.
	Partner *partner.Card
	// Harvest is Greenhouse's Harvest API section.
	Harvest *connection.Card
}

// IntegrationsPage is the view of Settings → Integrations.
type IntegrationsPage struct {
	Base
	Integrations []*Integration
}

func (s *Server) integrationsPage(w http.ResponseWriter, r *http.Request) error {
	card, err := s.greenhouse.Card(r.Context(), orgFrom(r.Context()).ID, actor(r))
	if err != nil {
		return err
	}
	hc, err := s.harvest.Card(r.Context(), orgFrom(r.Context()).ID)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "integrations", &IntegrationsPage{Base: Base{Title: "Integrations", Nav: "settings"},
		Integrations: []*Integration{{ID: "greenhouse", Name: "Greenhouse",
			Summary: "Greenhouse sends candidates who reach your Assessment stage to Talent Systems, and results flow back to Greenhouse when they are done.",
			Partner: card, Harvest: hc}}})
	return nil
}

func (s *Server) requestGreenhouseSetup(w http.ResponseWriter, r *http.Request) error {
	req, err := s.greenhouse.RequestSetup(r.Context(), userFrom(r.Context()).Actor())
	if err != nil {
		return err
	}
	switch {
	case req.AlreadyActive:
		s.flashAs(w, FlashWarning, "The Greenhouse integration is already active: there is nothing to request.")
	case req.Fresh:
		s.flash(w, "Setup requested. The Talent Systems team has been notified and will set up your API key.")
	default:
		s.flash(w, "Setup was already requested on "+actor(r).Moment(req.RequestedAt)+"; the Talent Systems team is on it.")
	}
	http.Redirect(w, r, "/settings/integrations", http.StatusSeeOther)
	return nil
}

func (s *Server) setGreenhouseEmail(w http.ResponseWriter, r *http.Request) error {
	on := r.PostForm.Get("email_candidates") == "on"
	if err := s.greenhouse.SetEmailCandidates(r.Context(), userFrom(r.Context()).Actor(), on); err != nil {
		return err
	}
	if on {
		s.flash(w, "Candidates sent from Greenhouse will now get their assessment link by email from Talent Systems.")
	} else {
		s.flash(w, "Candidates sent from Greenhouse get no email from Talent Systems: Greenhouse handles candidate communication.")
	}
	http.Redirect(w, r, "/settings/integrations", http.StatusSeeOther)
	return nil
}

// StaffGreenhousePage is the view of the staff console's Greenhouse page.
type StaffGreenhousePage struct {
	Base
	*partner.Overview
	Status model.CallbackStatus // the callback status filter
	// Back is where a retried callback returns to.
	Back string
	// Pushes are the Harvest notes that need a person: failed, uncertain, stuck.
	Pushes []*model.HarvestPushListing
}

// CallbackStatuses are the callback filters offered.
func (StaffGreenhousePage) CallbackStatuses() []model.CallbackStatus { return partner.CallbackStatuses }

func (s *Server) staffGreenhouse(w http.ResponseWriter, r *http.Request) error {
	v := &StaffGreenhousePage{Base: Base{Title: "Greenhouse", Nav: "greenhouse"}, Status: model.CallbackStatus(r.URL.Query().Get("status")), Back: "/staff/greenhouse"}
	if !partner.ValidCallbackStatus(v.Status) {
		v.Status = ""
	} else {
		v.Back += "?status=" + string(v.Status)
	}
	var err error
	if v.Overview, err = s.greenhouse.Overview(r.Context(), v.Status); err != nil {
		return err
	}
	if v.Pushes, err = s.harvest.ProblemPushes(r.Context(), userFrom(r.Context()).Actor()); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "staff_greenhouse", v)
	return nil
}

// StaffGreenhouseOrgPage is the view of one organization's Greenhouse key page.
type StaffGreenhouseOrgPage struct {
	Base
	*partner.OrgView
	Endpoints []partner.Endpoint
	// NewKey is a key just generated or rotated: shown on this response only.
	NewKey   string
	Replaced *model.APIKey
	// Back is where a retried callback returns to.
	Back string
}

func (s *Server) staffGreenhouseOrg(w http.ResponseWriter, r *http.Request) error {
	return s.renderStaffGreenhouseOrg(w, r, http.StatusOK, &StaffGreenhouseOrgPage{})
}

func (s *Server) renderStaffGreenhouseOrg(w http.ResponseWriter, r *http.Request, status int, v *StaffGreenhouseOrgPage) error {
	id := pathID(r, "id")
	var err error
	if v.OrgView, err = s.greenhouse.OrgView(r.Context(), id); err != nil {
		return err
	}
	v.Title, v.Nav, v.Endpoints = v.Target.Name+" · Greenhouse", "greenhouse", s.greenhouse.Endpoints()
	v.Back = "/staff/orgs/" + strconv.FormatInt(id, 10) + "/greenhouse"
	s.render(w, r, status, "staff_greenhouse_org", v)
	return nil
}

// staffKeyAction generates, rotates or revokes an organization's key. A new
// key is shown in the response to this request and never again.
func (s *Server) staffKeyAction(w http.ResponseWriter, r *http.Request) error {
	orgID := pathID(r, "id")
	issued, revoked, err := s.greenhouse.KeyAction(r.Context(), userFrom(r.Context()).Actor(), orgID, r.PathValue("action"))
	switch {
	case apperror.KindOf(err) == apperror.Conflict:
		return s.renderStaffGreenhouseOrg(w, r, http.StatusConflict, &StaffGreenhouseOrgPage{Base: Base{Flash: apperror.Message(err)}})
	case err != nil:
		return err
	case revoked != nil:
		s.flash(w, "The key "+revoked.Prefix+"… is revoked: Greenhouse can no longer connect until a new key is generated.")
		http.Redirect(w, r, "/staff/orgs/"+strconv.FormatInt(orgID, 10)+"/greenhouse", http.StatusSeeOther)
		return nil
	}
	v := &StaffGreenhouseOrgPage{NewKey: issued.Key, Replaced: issued.Replaced}
	if issued.Replaced != nil {
		v.Flash = "Key rotated. The old key " + issued.Replaced.Prefix + "… stopped working. Copy the new key now: it is not shown again."
	} else {
		v.Flash = "Key generated. Copy it now: it is not shown again."
	}
	return s.renderStaffGreenhouseOrg(w, r, http.StatusOK, v)
}

// staffRetryCallback gives a failed callback a fresh set of tries.
func (s *Server) staffRetryCallback(w http.ResponseWriter, r *http.Request) error {
	cb, err := s.greenhouse.RetryCallback(r.Context(), userFrom(r.Context()).Actor(), pathID(r, "id"))
	if err != nil {
		return err
	}
	s.flash(w, "The callback for candidate #"+strconv.FormatInt(cb.CandidateID, 10)+" will be sent again.")
	back := r.PostForm.Get("back")
	if !strings.HasPrefix(back, "/staff/") || strings.HasPrefix(back, "//") || strings.HasPrefix(back, "/\\") {
		back = "/staff/greenhouse"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

// staffRetryPush retries a failed, uncertain or stuck Harvest note of any
// organization from the staff console.
func (s *Server) staffRetryPush(w http.ResponseWriter, r *http.Request) error {
	if err := s.harvest.RetryPush(r.Context(), userFrom(r.Context()).Actor(), 0, pathID(r, "id")); err != nil {
		return err
	}
	s.flash(w, "The note will be posted to Greenhouse again.")
	http.Redirect(w, r, "/staff/greenhouse#harvest-notes", http.StatusSeeOther)
	return nil
}

func init() { templateFuncs["callbackBadge"] = CallbackBadge }

// CallbackBadge is the CSS class of a callback status badge.
func CallbackBadge(status model.CallbackStatus) string {
	switch status {
	case model.CallbackDelivered:
		return "badge-active"
	case model.CallbackRetrying, model.CallbackPending:
		return "badge-queued"
	case model.CallbackFailed:
		return "badge-failed"
	}
	return "badge-closed"
}
