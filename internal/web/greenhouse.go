package web

import (
	"context"
	"math"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/talentsystems/talentsystems/internal/apikey"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// greenhouseHandlers serve the Greenhouse Assessment Partner API, the
// organization's Integrations page and the staff console's Greenhouse pages.
type greenhouseHandlers struct {
	*Server
	keys   *apikey.Service
	limits *keyLimits
}

// greenhouseRoutes registers the Greenhouse Assessment Partner API and the
// integration pages.
func (s *Server) greenhouseRoutes(mux *http.ServeMux) {
	g := &greenhouseHandlers{
		Server: s,
		keys:   &apikey.Service{Store: s.store, Box: s.candidates.Box, Now: s.now},
		limits: newKeyLimits(s.cfg.Greenhouse.RateLimit),
	}
	// One handler for the whole API, so that unknown paths and wrong methods
	// get JSON answers too (the mux's own 404 and 405 are not JSON).
	mux.HandleFunc("/api/greenhouse/", g.api)

	mux.HandleFunc("GET /settings/integrations", s.requireAdmin(legacy(g.integrationsPage)))
	mux.HandleFunc("POST /settings/integrations/greenhouse/request-setup", s.requireAdmin(legacy(g.requestSetup)))
	mux.HandleFunc("POST /settings/integrations/greenhouse/email", s.requireAdmin(legacy(g.setEmailCandidates)))

	mux.HandleFunc("GET /staff/greenhouse", s.requireStaff(legacy(g.staffOverview)))
	mux.HandleFunc("POST /staff/greenhouse/callbacks/{id}/retry", s.requireStaff(legacy(g.staffRetryCallback)))
	mux.HandleFunc("GET /staff/orgs/{id}/greenhouse", s.requireStaff(legacy(g.staffOrgPage)))
	mux.HandleFunc("POST /staff/orgs/{id}/greenhouse/keys/{action}", s.requireStaff(legacy(g.staffKeyAction)))
}

// event records something that happened between Greenhouse and an
// organization; a failure to record is logged, never fatal.
func (g *greenhouseHandlers) event(ctx context.Context, q store.Querier, orgID int64, kind string, ok bool, detail string) {
	if q == nil {
		q = g.store.DB
	}
	err := store.AddGreenhouseEvent(ctx, q, &model.GreenhouseEvent{OrgID: orgID, Kind: kind, OK: ok, Detail: detail, CreatedAt: g.now()})
	if err != nil {
		logFrom(ctx, g.log).Warn("greenhouse event not recorded", "err", err)
	}
}

// keyLimits rate-limits API requests per key, in this instance's memory
// (several instances each allow the rate).
type keyLimits struct {
	mu       sync.Mutex
	perMin   int
	limiters map[int64]*rate.Limiter
}

func newKeyLimits(perMinute int) *keyLimits {
	if perMinute <= 0 {
		perMinute = 1200
	}
	return &keyLimits{perMin: perMinute, limiters: map[int64]*rate.Limiter{}}
}

// wait reports how long the key must wait before its next request: zero
// when it may go now (the request is then counted).
func (l *keyLimits) wait(keyID int64, now time.Time) time.Duration {
	l.mu.Lock()
	lim, ok := l.limiters[keyID]
	if !ok {
		lim = rate.NewLimiter(rate.Limit(float64(l.perMin)/60), max(1, l.perMin/4))
		l.limiters[keyID] = lim
	}
	l.mu.Unlock()
	r := lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d
	}
	return 0
}

// retryAfterSeconds renders a wait as a Retry-After value (at least 1).
func retryAfterSeconds(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}
