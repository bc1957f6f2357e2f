// Package web serves the dashboard, the staff console and the operational
// endpoints over HTTP.
package web

import (
	"bytes"
	"context"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/talentsystems/talentsystems/internal/account"
	"github.com/talentsystems/talentsystems/internal/analytics"
	"github.com/talentsystems/talentsystems/internal/auth"
	"github.com/talentsystems/talentsystems/internal/candidates"
	"github.com/talentsystems/talentsystems/internal/config"
	"github.com/talentsystems/talentsystems/internal/fairness"
	"github.com/talentsystems/talentsystems/internal/greenhouse/connection"
	"github.com/talentsystems/talentsystems/internal/greenhouse/partner"
	"github.com/talentsystems/talentsystems/internal/jobs"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/postings"
	"github.com/talentsystems/talentsystems/internal/ratelimit"
)

// Server is the HTTP side of one instance.
type Server struct {
	cfg        *config.Config
	queue      *jobs.Queue
	accounts   *account.Service
	postings   *postings.Service
	candidates *candidates.Service
	greenhouse *partner.Service
	harvest    *connection.Service
	fairness   *fairness.Service
	reports    *analytics.Service
	log        *slog.Logger
	now        func() time.Time
	csrf       *auth.CSRF
	templates  map[string]*template.Template
	assets     assets
	static     map[string][]byte
	metrics    *metrics
	// loginByAddr and loginByEmail throttle password reset requests.
	loginByAddr, loginByEmail *ratelimit.Keyed
	// signIn throttles failed sign-ins.
	signIn signInLimits
	// Ready reports whether the database is reachable and migrated.
	ready func(context.Context) error
}

// Deps are the parts a Server is built from.
type Deps struct {
	Config     *config.Config
	Queue      *jobs.Queue
	Accounts   *account.Service
	Postings   *postings.Service
	Candidates *candidates.Service
	Greenhouse *partner.Service
	Harvest    *connection.Service
	Fairness   *fairness.Service
	Analytics  *analytics.Service
	Log        *slog.Logger
	Now        func() time.Time
	SecretKey  []byte
	Ready      func(context.Context) error
}

// New builds the server and its routes.
func New(d Deps) (*Server, error) {
	a, static, err := loadAssets()
	if err != nil {
		return nil, err
	}
	t, err := parseTemplates(a)
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg: d.Config, queue: d.Queue, accounts: d.Accounts, postings: d.Postings, candidates: d.Candidates, greenhouse: d.Greenhouse, harvest: d.Harvest, fairness: d.Fairness, reports: d.Analytics, log: d.Log, now: d.Now,
		csrf: auth.NewCSRF(d.SecretKey), templates: t, assets: a, static: static,
		loginByAddr: ratelimit.New(6*time.Second, 10), loginByEmail: ratelimit.New(30*time.Second, 5), ready: d.Ready,
		signIn: newSignInLimits(),
	}
	s.metrics = newMetrics(d.Queue)
	return s, nil
}

func (s *Server) metricsHandler() http.Handler {
	return s.metricsAuth(promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{
		ErrorHandling: promhttp.ContinueOnError, ErrorLog: slogPrinter{s.log},
	}))
}

// MetricsHandler serves /metrics alone (with the bearer token when one is
// set), for the separate listen address TS_METRICS_ADDR; everything else
// there is 404.
func (s *Server) MetricsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", s.metricsHandler())
	return mux
}

// Handler returns the root handler with every route and middleware.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.handle(s.healthz))
	mux.HandleFunc("GET /readyz", s.handle(s.readyz))
	if s.cfg.MetricsAddr == "" {
		mux.Handle("GET /metrics", s.metricsHandler())
	}
	mux.HandleFunc("GET /static/{file}", s.handle(s.serveStatic))
	mux.HandleFunc("GET /favicon.ico", s.handle(s.favicon))

	mux.HandleFunc("GET /{$}", s.handle(s.home))
	mux.HandleFunc("GET /login", s.handle(s.loginPage))
	mux.HandleFunc("POST /login", s.handle(s.login))
	mux.HandleFunc("POST /logout", s.handle(s.logout))
	mux.HandleFunc("GET /password/forgot", s.handle(s.forgotPage))
	mux.HandleFunc("POST /password/forgot", s.handle(s.forgot))
	mux.HandleFunc("GET /password/reset/{token}", s.handle(s.resetPage))
	mux.HandleFunc("POST /password/reset/{token}", s.handle(s.reset))
	mux.HandleFunc("GET /invite/{token}", s.handle(s.invitePage))
	mux.HandleFunc("POST /invite/{token}", s.handle(s.acceptInvite))

	mux.HandleFunc("GET /postings", s.requireOrg(s.postingsList))
	mux.HandleFunc("GET /postings/new", s.requireOrg(s.newPostingPage))
	mux.HandleFunc("POST /postings", s.requireOrg(s.createPosting))
	mux.HandleFunc("GET /postings/import", s.requireOrg(s.importPage))
	mux.HandleFunc("POST /posting-templates/{key}", s.requireOrg(s.fromTemplate))
	mux.HandleFunc("GET /posting-templates/{file}", s.requireOrg(s.templateFile))
	mux.HandleFunc("GET /help/posting-format", s.requireUser(s.postingFormatHelp))
	mux.HandleFunc("GET /help/posting.schema.json", s.requireUser(s.postingSchema))
	mux.HandleFunc("POST /postings/import", s.requireOrg(s.importPosting))
	mux.HandleFunc("GET /postings/{id}", s.requireOrg(s.postingPage))
	mux.HandleFunc("GET /postings/{id}/edit", s.requireOrg(s.editPostingPage))
	mux.HandleFunc("POST /postings/{id}/edit", s.requireOrg(s.updatePosting))
	mux.HandleFunc("POST /postings/{id}/actions/{action}", s.requireOrg(s.postingAction))
	mux.HandleFunc("GET /postings/{id}/export", s.requireOrg(s.exportPosting))
	mux.HandleFunc("GET /postings/{id}/preview", s.requireOrg(s.previewPosting))
	mux.HandleFunc("GET /postings/{id}/new-competency", s.requireOrg(s.competencyPage))
	mux.HandleFunc("POST /postings/{id}/competencies", s.requireOrg(s.saveCompetency))
	mux.HandleFunc("GET /postings/{id}/competencies/{key}", s.requireOrg(s.competencyPage))
	mux.HandleFunc("POST /postings/{id}/competencies/{key}", s.requireOrg(s.saveCompetency))
	mux.HandleFunc("POST /postings/{id}/competencies/{key}/delete", s.requireOrg(s.deleteCompetency))
	mux.HandleFunc("POST /postings/{id}/competencies/{key}/move", s.requireOrg(s.moveCompetency))
	mux.HandleFunc("GET /postings/{id}/new-question", s.requireOrg(s.questionPage))
	mux.HandleFunc("POST /postings/{id}/questions", s.requireOrg(s.saveQuestion))
	mux.HandleFunc("GET /postings/{id}/questions/{key}", s.requireOrg(s.questionPage))
	mux.HandleFunc("POST /postings/{id}/questions/{key}", s.requireOrg(s.saveQuestion))
	mux.HandleFunc("POST /postings/{id}/questions/{key}/move", s.requireOrg(s.moveQuestion))
	mux.HandleFunc("POST /postings/{id}/questions/{key}/delete", s.requireOrg(s.deleteQuestion))
	mux.HandleFunc("GET /candidates", s.requireOrg(s.allCandidates))
	mux.HandleFunc("GET /postings/{id}/candidates", s.requireOrg(s.postingCandidates))
	mux.HandleFunc("POST /postings/{id}/candidates", s.requireOrg(s.addCandidate))
	mux.HandleFunc("GET /postings/{id}/candidates/import", s.requireOrg(s.csvPage))
	mux.HandleFunc("POST /postings/{id}/candidates/bulk", s.requireOrg(s.bulkCandidates))
	mux.HandleFunc("POST /candidates/bulk", s.requireOrg(s.bulkCandidates))
	mux.HandleFunc("POST /postings/{id}/candidates/import", s.requireOrg(s.importCSV))
	mux.HandleFunc("GET /postings/{id}/candidates/{cid}", s.requireOrg(s.scorecard))
	mux.HandleFunc("POST /postings/{id}/candidates/{cid}/{action}", s.requireOrg(s.candidateAction))
	mux.HandleFunc("GET /postings/{id}/candidates/{cid}/files/{key}", s.requireOrg(s.candidateFile))
	mux.HandleFunc("GET /analytics", s.requireOrg(s.analytics))
	mux.HandleFunc("GET /review", s.requireOrg(s.reviewQueue))
	mux.HandleFunc("GET /postings/{id}/review-settings", s.requireOrg(s.reviewSettingsPage))
	mux.HandleFunc("POST /postings/{id}/review-settings", s.requireOrg(s.saveReviewSettings))
	mux.HandleFunc("GET /review/{cid}/{key}", s.requireOrg(s.reviewAnswer))
	mux.HandleFunc("POST /review/{cid}/{key}", s.requireOrg(s.submitReview))
	mux.HandleFunc("GET /postings/{id}/analytics", s.requireOrg(s.postingAnalytics))
	mux.HandleFunc("GET /postings/{id}/compare", s.requireOrg(s.compare))
	mux.HandleFunc("GET /postings/{id}/candidates/export", s.requireOrg(s.exportCandidates))
	mux.HandleFunc("GET /settings", s.requireUser(s.settingsPage))
	mux.HandleFunc("POST /settings/profile", s.requireUser(s.updateProfile))
	mux.HandleFunc("GET /settings/logo", s.requireOrg(s.ownLogo))
	mux.HandleFunc("POST /settings/time-zone", s.requireAdmin(s.updateOrgTimeZone))
	mux.HandleFunc("POST /settings/logo", s.requireAdmin(s.uploadLogo))
	mux.HandleFunc("POST /settings/logo/delete", s.requireAdmin(s.removeLogo))
	mux.HandleFunc("POST /settings/teammates", s.requireAdmin(s.inviteTeammate))
	mux.HandleFunc("POST /settings/teammates/{id}/role", s.requireAdmin(s.changeRole))
	mux.HandleFunc("POST /settings/teammates/{id}/remove", s.requireAdmin(s.removeTeammate))
	mux.HandleFunc("POST /settings/invitations/{id}/{action}", s.requireAdmin(s.invitationAction))

	mux.HandleFunc("GET /staff", s.requireStaff(s.staffOrgs))
	mux.HandleFunc("POST /staff/orgs", s.requireStaff(s.staffCreateOrg))
	mux.HandleFunc("GET /staff/orgs/{id}", s.requireStaff(s.staffOrg))
	mux.HandleFunc("POST /staff/orgs/{id}/invitations", s.requireStaff(s.staffInvite))
	mux.HandleFunc("GET /staff/outbox", s.requireStaff(s.staffOutbox))
	mux.HandleFunc("GET /staff/outbox/{id}", s.requireStaff(s.staffEmail))
	mux.HandleFunc("POST /staff/outbox/{id}/resend", s.requireStaff(s.staffResendEmail))

	s.assessmentRoutes(mux)
	s.greenhouseRoutes(mux)
	s.fairnessRoutes(mux)

	mux.HandleFunc("/", s.handle(s.notFound))

	var h http.Handler = mux
	h = s.rejectControls(h)
	h = s.checkCSRF(h)
	h = s.authenticate(h)
	h = http.NewCrossOriginProtection().Handler(h)
	h = securityHeaders(h)
	h = s.hsts(h)
	return s.observe(h)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	if err := s.ready(ctx); err != nil {
		logFrom(r.Context(), s.log).Warn("not ready", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": err.Error()})
		return nil
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	return nil
}

func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) error {
	b, ok := s.static[r.PathValue("file")]
	if !ok {
		http.NotFound(w, r)
		return nil
	}
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	http.ServeContent(w, r, r.PathValue("file"), time.Time{}, bytes.NewReader(b))
	return nil
}

// favicon answers browsers that ask for /favicon.ico with the site's icon.
func (s *Server) favicon(w http.ResponseWriter, r *http.Request) error {
	http.Redirect(w, r, s.assets["favicon.svg"], http.StatusMovedPermanently)
	return nil
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusNotFound, "error", &ErrorPage{Base: Base{Title: "Not found"}, Status: http.StatusNotFound,
		Message: "There is no page at this address."})
	return nil
}

// home sends each kind of user to their start page.
func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	u := userFrom(r.Context())
	switch {
	case u == nil:
		http.Redirect(w, r, "/login", http.StatusSeeOther)
	case u.Role == model.RoleStaff:
		http.Redirect(w, r, "/staff", http.StatusSeeOther)
	default:
		http.Redirect(w, r, "/postings", http.StatusSeeOther)
	}
	return nil
}

// pathID reads a numeric id from the request path; a malformed one is 0,
// which no record has, so looking it up answers "not found" like any unknown id.
func pathID(r *http.Request, name string) int64 {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil {
		return 0
	}
	return id
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// metrics are the instance's Prometheus collectors, in their own registry.
type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics(q *jobs.Queue) *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "talentsystems_http_requests_total", Help: "HTTP requests by route, method and status code.",
		}, []string{"route", "method", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "talentsystems_http_request_duration_seconds", Help: "HTTP request latency by route and method.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route", "method"}),
	}
	collectErrors := prometheus.NewCounter(prometheus.CounterOpts{
		Name: "talentsystems_metrics_collect_errors_total", Help: "Scrapes in which a collector (the queue depth) could not read its values; the other metrics were served.",
	})
	m.registry.MustRegister(m.requests, m.latency, collectErrors, queueDepth{q: q, errors: collectErrors},
		prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	return m
}

// queueDepth reports the job queue's jobs by state, read at scrape time.
type queueDepth struct {
	q      *jobs.Queue
	errors prometheus.Counter
}

var queueDepthDesc = prometheus.NewDesc("talentsystems_jobs", "Jobs in the durable queue by state.", []string{"state"}, nil)

func (q queueDepth) Describe(ch chan<- *prometheus.Desc) { ch <- queueDepthDesc }

func (q queueDepth) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	counts, err := q.q.Counts(ctx)
	if err != nil {
		// Leave the metric out (the gauge goes absent) rather than fail the
		// whole scrape: process and HTTP metrics matter most when the
		// database is down.
		q.errors.Inc()
		return
	}
	for state, n := range counts {
		ch <- prometheus.MustNewConstMetric(queueDepthDesc, prometheus.GaugeValue, float64(n), state)
	}
}
