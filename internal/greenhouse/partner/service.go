// Package partner is the Greenhouse Assessment Partner integration's
// service: the four endpoints Greenhouse calls (list_tests, send_test,
// test_status, response_errors) with their key check and rate limit, the
// completion callback that tells Greenhouse a result is ready, the
// organization's integration card with its troubleshooting rules and setup
// request, and the staff console's view of every organization's keys and
// callbacks. It owns these rules and their transactions; the wire format is
// package greenhouse, which knows no storage; web handlers only decode, call
// and encode.
package partner

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/talentsystems/talentsystems/internal/apikey"
	"github.com/talentsystems/talentsystems/internal/candidates"
	"github.com/talentsystems/talentsystems/internal/jobs"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/outbound"
	"github.com/talentsystems/talentsystems/internal/ratelimit"
	"github.com/talentsystems/talentsystems/internal/store"
)

// Service is the Assessment Partner integration.
type Service struct {
	store      *store.Store
	queue      *jobs.Queue
	candidates *candidates.Service
	keys       *apikey.Service
	policy     outbound.Policy
	baseURL    string
	now        func() time.Time
	log        *slog.Logger
	limits     *ratelimit.Keyed
	activity   activity
}

// Deps are what the service is built from.
type Deps struct {
	Store      *store.Store
	Queue      *jobs.Queue
	Candidates *candidates.Service
	Keys       *apikey.Service
	// Policy is the completion callback's outbound policy: send_test warns
	// when a callback URL would be refused.
	Policy  outbound.Policy
	BaseURL string
	// RateLimit is how many API requests a minute one key may make, in
	// bursts of a quarter of it (default 1200).
	RateLimit int
	Now       func() time.Time
	Log       *slog.Logger
}

// New builds the service.
func New(d Deps) *Service {
	perMin := d.RateLimit
	if perMin <= 0 {
		perMin = 1200
	}
	return &Service{store: d.Store, queue: d.Queue, candidates: d.Candidates, keys: d.Keys, policy: d.Policy,
		baseURL: strings.TrimRight(d.BaseURL, "/"), now: d.Now, log: d.Log, limits: ratelimit.PerMinute(perMin, max(1, perMin/4))}
}

// event records something that happened between Greenhouse and an
// organization, in q (a transaction, or the database when nil).
func (s *Service) event(ctx context.Context, q store.Querier, orgID int64, kind string, ok bool, detail string) {
	if q == nil {
		q = s.store.DB
	}
	recordEvent(ctx, q, s.log, &model.GreenhouseEvent{OrgID: orgID, Kind: kind, OK: ok, Detail: detail, CreatedAt: s.now()})
}

// recordEvent stores an event; a failure to record is logged, never fatal.
func recordEvent(ctx context.Context, q store.Querier, log *slog.Logger, e *model.GreenhouseEvent) {
	if err := store.AddGreenhouseEvent(ctx, q, e); err != nil {
		log.WarnContext(ctx, "greenhouse event not recorded", "err", err)
	}
}

// Endpoint is one URL an organization gives Greenhouse.
type Endpoint struct {
	ID, Field, URL string
}

// Endpoints are the four URLs of the Assessment Partner API.
func (s *Service) Endpoints() []Endpoint {
	base := s.baseURL + "/api/greenhouse/"
	return []Endpoint{
		{"gh-list", "List Tests URL", base + "list_tests"},
		{"gh-send", "Send Test URL", base + "send_test"},
		{"gh-status", "Test Status URL", base + "test_status"},
		{"gh-errors", "Error Notification URL", base + "response_errors"},
	}
}

// date formats a time the way the card and the events show it.
func date(t time.Time) string { return t.UTC().Format("2 Jan 2006 15:04 UTC") }
