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
	"github.com/talentsystems/talentsystems/internal/auth"
	"github.com/talentsystems/talentsystems/internal/candidates"
	"github.com/talentsystems/talentsystems/internal/config"
	"github.com/talentsystems/talentsystems/internal/greenhouse/connection"
	"github.com/talentsystems/talentsystems/internal/greenhouse/partner"
	"github.com/talentsystems/talentsystems/internal/jobs"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/postings"
	"github.com/talentsystems/talentsystems/internal/store"
)

// Server is the HTTP side of one instance.
type Server struct {
	cfg        *config.Config
	store      *store.Store
	queue      *jobs.Queue
	accounts   *account.Service
	postings   *postings.Service
	candidates *candidates.Service
	greenhouse *partner.Service
	harvest    *connection.Service
	log        *slog.Logger
	now        func() time.Time
	csrf       *auth.CSRF
	templates  map[string]*template.Template
	assets     assets
	static     map[string][]byte
	metrics    *metrics
	limits     *loginLimits
	// Ready reports whether the database is reachable and migrated.
	ready func(context.Context) error
}

// Deps are the parts a Server is built from.
type Deps struct {
	Config     *config.Config
	Store      *store.Store
	Queue      *jobs.Queue
	Accounts   *account.Service
	Postings   *postings.Service
	Candidates *candidates.Service
	Greenhouse *partner.Service
	Harvest    *connection.Service
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
		cfg: d.Config, store: d.Store, queue: d.Queue, accounts: d.Accounts, postings: d.Postings, candidates: d.Candidates, greenhouse: d.Greenhouse, harvest: d.Harvest, log: d.Log, now: d.Now,
		csrf: auth.NewCSRF(d.SecretKey), templates: t, assets: a, static: static,
		limits: newLoginLimits(), ready: d.Ready,
	}
	s.metrics = newMetrics(d.Store)
	return s, nil
}

// Handler returns the root handler with every route and middleware.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /static/{file}", s.serveStatic)

	mux.HandleFunc("GET /{$}", s.home)
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /logout", s.logout)
	mux.HandleFunc("GET /password/forgot", s.forgotPage)
	mux.HandleFunc("POST /password/forgot", s.forgot)
	mux.HandleFunc("GET /password/reset/{token}", s.resetPage)
	mux.HandleFunc("POST /password/reset/{token}", s.reset)
	mux.HandleFunc("GET /invite/{token}", s.invitePage)
	mux.HandleFunc("POST /invite/{token}", s.acceptInvite)

	mux.HandleFunc("GET /postings", s.requireOrg(legacy(s.postingsList)))
	mux.HandleFunc("GET /postings/new", s.requireOrg(legacy(s.newPostingPage)))
	mux.HandleFunc("POST /postings", s.requireOrg(legacy(s.createPosting)))
	mux.HandleFunc("GET /postings/import", s.requireOrg(legacy(s.importPage)))
	mux.HandleFunc("POST /postings/import", s.requireOrg(legacy(s.importPosting)))
	mux.HandleFunc("GET /postings/{id}", s.requireOrg(legacy(s.postingPage)))
	mux.HandleFunc("GET /postings/{id}/edit", s.requireOrg(legacy(s.editPostingPage)))
	mux.HandleFunc("POST /postings/{id}/edit", s.requireOrg(legacy(s.updatePosting)))
	mux.HandleFunc("POST /postings/{id}/actions/{action}", s.requireOrg(legacy(s.postingAction)))
	mux.HandleFunc("GET /postings/{id}/export", s.requireOrg(legacy(s.exportPosting)))
	mux.HandleFunc("GET /postings/{id}/preview", s.requireOrg(legacy(s.previewPosting)))
	mux.HandleFunc("GET /postings/{id}/new-competency", s.requireOrg(legacy(s.competencyPage)))
	mux.HandleFunc("POST /postings/{id}/competencies", s.requireOrg(legacy(s.saveCompetency)))
	mux.HandleFunc("GET /postings/{id}/competencies/{key}", s.requireOrg(legacy(s.competencyPage)))
	mux.HandleFunc("POST /postings/{id}/competencies/{key}", s.requireOrg(legacy(s.saveCompetency)))
	mux.HandleFunc("POST /postings/{id}/competencies/{key}/delete", s.requireOrg(legacy(s.deleteCompetency)))
	mux.HandleFunc("POST /postings/{id}/competencies/{key}/move", s.requireOrg(legacy(s.moveCompetency)))
	mux.HandleFunc("GET /postings/{id}/new-question", s.requireOrg(legacy(s.questionPage)))
	mux.HandleFunc("POST /postings/{id}/questions", s.requireOrg(legacy(s.saveQuestion)))
	mux.HandleFunc("GET /postings/{id}/questions/{key}", s.requireOrg(legacy(s.questionPage)))
	mux.HandleFunc("POST /postings/{id}/questions/{key}", s.requireOrg(legacy(s.saveQuestion)))
	mux.HandleFunc("POST /postings/{id}/questions/{key}/move", s.requireOrg(legacy(s.moveQuestion)))
	mux.HandleFunc("POST /postings/{id}/questions/{key}/delete", s.requireOrg(legacy(s.deleteQuestion)))
	mux.HandleFunc("GET /candidates", s.requireOrg(legacy(s.allCandidates)))
	mux.HandleFunc("GET /postings/{id}/candidates", s.requireOrg(legacy(s.postingCandidates)))
	mux.HandleFunc("POST /postings/{id}/candidates", s.requireOrg(legacy(s.addCandidate)))
	mux.HandleFunc("GET /postings/{id}/candidates/import", s.requireOrg(legacy(s.csvPage)))
	mux.HandleFunc("POST /postings/{id}/candidates/import", s.requireOrg(legacy(s.importCSV)))
	mux.HandleFunc("GET /postings/{id}/candidates/{cid}", s.requireOrg(legacy(s.scorecard)))
	mux.HandleFunc("POST /postings/{id}/candidates/{cid}/{action}", s.requireOrg(legacy(s.candidateAction)))
	mux.HandleFunc("GET /postings/{id}/candidates/{cid}/files/{key}", s.requireOrg(legacy(s.candidateFile)))
	mux.HandleFunc("GET /analytics", s.requireOrg(legacy(s.analytics)))
	mux.HandleFunc("GET /settings", s.requireUser(legacy(s.settingsPage)))
	mux.HandleFunc("POST /settings/profile", s.requireUser(legacy(s.updateProfile)))
	mux.HandleFunc("POST /settings/teammates", s.requireAdmin(legacy(s.inviteTeammate)))
	mux.HandleFunc("POST /settings/teammates/{id}/role", s.requireAdmin(legacy(s.changeRole)))

	mux.HandleFunc("GET /staff", s.requireStaff(legacy(s.staffOrgs)))
	mux.HandleFunc("POST /staff/orgs", s.requireStaff(legacy(s.staffCreateOrg)))
	mux.HandleFunc("GET /staff/orgs/{id}", s.requireStaff(legacy(s.staffOrg)))
	mux.HandleFunc("POST /staff/orgs/{id}/invitations", s.requireStaff(legacy(s.staffInvite)))
	mux.HandleFunc("GET /staff/outbox", s.requireStaff(legacy(s.staffOutbox)))
	mux.HandleFunc("GET /staff/outbox/{id}", s.requireStaff(legacy(s.staffEmail)))

	s.assessmentRoutes(mux)
	s.greenhouseRoutes(mux)

	mux.HandleFunc("/", s.notFound)

	var h http.Handler = mux
	h = s.checkCSRF(h)
	h = s.authenticate(h)
	h = http.NewCrossOriginProtection().Handler(h)
	h = securityHeaders(h)
	return s.observe(h)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	if err := s.ready(ctx); err != nil {
		logFrom(r.Context(), s.log).Warn("not ready", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) {
	b, ok := s.static[r.PathValue("file")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	http.ServeContent(w, r, r.PathValue("file"), time.Time{}, bytes.NewReader(b))
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusNotFound, "error", &ErrorPage{Base: Base{Title: "Not found"}, Status: http.StatusNotFound,
		Message: "There is no page at this address."})
}

// home sends each kind of user to their start page.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	switch {
	case u == nil:
		http.Redirect(w, r, "/login", http.StatusSeeOther)
	case u.Role == model.RoleStaff:
		http.Redirect(w, r, "/staff", http.StatusSeeOther)
	default:
		http.Redirect(w, r, "/postings", http.StatusSeeOther)
	}
}

// SectionPage is the view of a dashboard section that has no content yet.
type SectionPage struct{ Base }

// analytics is the Analytics section, which has no content yet.
func (s *Server) analytics(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "analytics", &SectionPage{Base: Base{Title: "Analytics", Nav: "analytics"}})
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

func newMetrics(st *store.Store) *metrics {
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
	m.registry.MustRegister(m.requests, m.latency, queueDepth{st: st},
		prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	return m
}

// queueDepth reports the job queue's jobs by state, read at scrape time.
type queueDepth struct{ st *store.Store }

var queueDepthDesc = prometheus.NewDesc("talentsystems_jobs", "Jobs in the durable queue by state.", []string{"state"}, nil)

func (q queueDepth) Describe(ch chan<- *prometheus.Desc) { ch <- queueDepthDesc }

func (q queueDepth) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	counts, err := store.JobCounts(ctx, q.st.DB)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(queueDepthDesc, err)
		return
	}
	for state, n := range counts {
		ch <- prometheus.MustNewConstMetric(queueDepthDesc, prometheus.GaugeValue, float64(n), state)
	}
}
