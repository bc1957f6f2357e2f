// Package sandbox is a local stand-in for Greenhouse that follows the
// contract (docs: ../shared/docs/greenhouse-contract.md) to the letter. It
// plays Greenhouse's assessment stage (it calls a partner's list_tests,
// send_test and test_status, takes the completion PATCH and reports contract
// violations to response_errors), Greenhouse OAuth (authorize, token,
// revocation) and Harvest v3 (jobs, job posts, candidates, applications,
// notes), with faults on demand. It never imports the product's own packages:
// it checks the partner's answers independently of the partner's encoders.
//
// Tests start it in-process with New and Start("127.0.0.1:0"); the
// greenhouse-sandbox command serves it for people.
package sandbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Config configures a Sandbox. Zero values take the defaults noted.
type Config struct {
	// PartnerURL is the partner's base URL; its Assessment Partner API lives
	// under PartnerURL + "/api/greenhouse/".
	PartnerURL string
	// APIKey is the partner's organization key: the HTTP Basic user name (empty
	// password) of every call to the partner and of the expected PATCH.
	APIKey string
	// PatchCredential, when set, is the "user:password" the completion PATCH
	// must carry in HTTP Basic in place of the partner's key as user name with
	// an empty password: the contract leaves the PATCH's credential
	// unconfirmed, and the partner makes it configurable.
	PatchCredential string
	// ClientID and ClientSecret are the OAuth client credentials the token
	// endpoint accepts (defaults "sandbox-client" and "sandbox-secret").
	ClientID, ClientSecret string
	// RedirectURIs, when set, are the only redirect URIs /authorize accepts.
	RedirectURIs []string
	// AccessTokenTTL (default 1 h), RefreshTokenTTL (default 24 h) and
	// CodeTTL (default 1 min) are the OAuth lifetimes.
	AccessTokenTTL, RefreshTokenTTL, CodeTTL time.Duration
	// RateLimit is how many Harvest requests an access token may make per
	// RateWindow (defaults 50 per 10 s), as Harvest's X-RateLimit-* headers say.
	RateLimit  int
	RateWindow time.Duration
	// Faults are the initial faults by endpoint (see Endpoints).
	Faults map[string]Fault
	// Seed makes fault decisions reproducible: the same seed and the same
	// sequence of requests give the same faults.
	Seed uint64
	// Legacy turns off the test_status read after a PATCH: the sandbox then
	// reads test_status only when polled, as Greenhouse's legacy hourly polling did.
	Legacy bool
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Log receives the sandbox's log (default: discarded).
	Log *slog.Logger
	// Client calls the partner (default: a client with a 15 s timeout).
	Client *http.Client
}

// Sandbox is a running stand-in for Greenhouse. Its methods are safe for
// concurrent use.
type Sandbox struct {
	cfg     Config
	now     func() time.Time
	log     *slog.Logger
	client  *http.Client
	handler http.Handler
	faults  *faults
	harvest *harvestData
	limiter *limiter

	mu      sync.Mutex
	state   State
	changed chan struct{} // closed and replaced on every change
	oauth   oauthState
	nextID  int64
	url     string

	srv *http.Server
	ln  net.Listener
	bg  sync.WaitGroup
}

// New returns a sandbox for cfg. It does not listen: use Start, or serve Handler.
func New(cfg Config) *Sandbox {
	if cfg.ClientID == "" {
		cfg.ClientID = "sandbox-client"
	}
	if cfg.ClientSecret == "" {
		cfg.ClientSecret = "sandbox-secret"
	}
	if cfg.AccessTokenTTL <= 0 {
		cfg.AccessTokenTTL = time.Hour
	}
	if cfg.RefreshTokenTTL <= 0 {
		cfg.RefreshTokenTTL = 24 * time.Hour
	}
	if cfg.CodeTTL <= 0 {
		cfg.CodeTTL = time.Minute
	}
	if cfg.RateLimit <= 0 {
		cfg.RateLimit = 50
	}
	if cfg.RateWindow <= 0 {
		cfg.RateWindow = 10 * time.Second
	}
	cfg.PartnerURL = strings.TrimRight(cfg.PartnerURL, "/")
	s := &Sandbox{cfg: cfg, now: cfg.Now, log: cfg.Log, client: cfg.Client, changed: make(chan struct{}), nextID: 98000}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.client == nil {
		s.client = &http.Client{Timeout: 15 * time.Second}
	}
	s.faults = newFaults(cfg.Seed, cfg.Faults)
	s.harvest = seedHarvest(s.now())
	s.limiter = &limiter{limit: cfg.RateLimit, window: cfg.RateWindow, used: map[string]*window{}}
	s.oauth = oauthState{codes: map[string]*authCode{}, access: map[string]*token{}, refresh: map[string]*token{}}
	s.handler = s.routes()
	return s
}

// Handler returns the sandbox's HTTP handler: Greenhouse's endpoints, the
// OAuth and Harvest endpoints, the pages and the admin endpoints. When it is
// served by another server than Start's, call SetURL with that server's URL
// first: callback URLs and Link headers are built from it.
func (s *Sandbox) Handler() http.Handler { return s.handler }

// Start listens on addr (e.g. "127.0.0.1:0") and serves in the background.
func (s *Sandbox) Start(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("sandbox: listen: %w", err)
	}
	s.mu.Lock()
	s.ln = ln
	s.url = "http://" + ln.Addr().String()
	s.srv = &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second}
	srv := s.srv
	s.mu.Unlock()
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("sandbox: serve", "err", err)
		}
	}()
	s.log.Info("greenhouse sandbox listening", "url", s.URL())
	return nil
}

// SetURL sets the sandbox's public base URL, when it is served by another
// server than Start's (the default is Start's listen address).
func (s *Sandbox) SetURL(u string) {
	s.mu.Lock()
	s.url = strings.TrimRight(u, "/")
	s.mu.Unlock()
}

// URL returns the sandbox's base URL, e.g. "http://127.0.0.1:41234".
func (s *Sandbox) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.url
}

// Addr returns the host:port the sandbox listens on, the value to allow for
// callbacks (TS_GREENHOUSE_SANDBOX_HOSTS).
func (s *Sandbox) Addr() string { return strings.TrimPrefix(s.URL(), "http://") }

// Close releases held requests, stops the server and waits for background
// calls (test_status reads after a PATCH, response error reports).
func (s *Sandbox) Close() error {
	s.faults.releaseAll()
	s.mu.Lock()
	srv := s.srv
	s.mu.Unlock()
	var err error
	if srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err = srv.Shutdown(ctx)
	}
	s.bg.Wait()
	return err
}

// id returns a new numeric id, unique within the sandbox.
func (s *Sandbox) id() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	return s.nextID
}
