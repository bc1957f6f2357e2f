// Package app wires configuration, storage, the job queue and the HTTP server
// into one running instance. The command line and the tests both start it.
package app

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/talentsystems/talentsystems/internal/account"
	"github.com/talentsystems/talentsystems/internal/analytics"
	"github.com/talentsystems/talentsystems/internal/apikey"
	"github.com/talentsystems/talentsystems/internal/candidates"
	"github.com/talentsystems/talentsystems/internal/config"
	"github.com/talentsystems/talentsystems/internal/fairness"
	"github.com/talentsystems/talentsystems/internal/greenhouse/connection"
	"github.com/talentsystems/talentsystems/internal/greenhouse/harvest"
	"github.com/talentsystems/talentsystems/internal/greenhouse/partner"
	"github.com/talentsystems/talentsystems/internal/jobs"
	"github.com/talentsystems/talentsystems/internal/mail"
	"github.com/talentsystems/talentsystems/internal/outbound"
	"github.com/talentsystems/talentsystems/internal/postings"
	"github.com/talentsystems/talentsystems/internal/secretbox"
	"github.com/talentsystems/talentsystems/internal/store"
	"github.com/talentsystems/talentsystems/internal/web"
)

// App is one instance of the product.
type App struct {
	Config     *config.Config
	Store      *store.Store
	Queue      *jobs.Queue
	Accounts   *account.Service
	Postings   *postings.Service
	Candidates *candidates.Service
	APIKeys    *apikey.Service
	Greenhouse *partner.Service
	// Harvest is the Greenhouse Harvest API connection.
	Harvest *connection.Service
	// Fairness keeps self-identification and computes adverse-impact reports.
	Fairness *fairness.Service
	// Analytics reads the analytics, percentiles, comparisons and exports.
	Analytics *analytics.Service
	Log       *slog.Logger
	Server    *web.Server

	http     *http.Server
	listener net.Listener
	// metricsHTTP serves /metrics on TS_METRICS_ADDR, when set.
	metricsHTTP     *http.Server
	metricsListener net.Listener
	served          chan error
	// stopFlush stops the periodic flush of counted Greenhouse reads.
	stopFlush func()

	shutdown    sync.Once
	shutdownErr error

	// The readiness write probe and its cached result.
	probeMu   sync.Mutex
	probeAt   time.Time
	probeErr  error
	freeBytes func(dir string) (uint64, error)
}

// Options are the parts a caller may replace; zero values take the defaults.
type Options struct {
	Log *slog.Logger
	Now func() time.Time
	// FreeBytes measures the free space of the data folder (tests fake a full disk).
	FreeBytes func(dir string) (uint64, error)
}

// New opens the database, applies migrations and builds every part; it
// neither listens nor works jobs until Start.
func New(ctx context.Context, cfg *config.Config, opts Options) (*App, error) {
	log := opts.Log
	if log == nil {
		log = NewLogger(cfg, os.Stderr)
	}
	now := opts.Now
	if now == nil {
		now = func() time.Time { return time.Now().UTC() }
	}
	key, err := secretKey(cfg)
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, cfg.DatabaseURL.Reveal(), cfg.DataDir)
	if err != nil {
		return nil, err
	}
	a := &App{Config: cfg, Store: st, Log: log, freeBytes: opts.FreeBytes}
	if a.freeBytes == nil {
		a.freeBytes = freeBytes
	}
	if err := a.build(ctx, now, key); err != nil {
		if a.Queue != nil {
			a.Queue.Close()
		}
		st.Close()
		return nil, err
	}
	return a, nil
}

func (a *App) build(ctx context.Context, now func() time.Time, key []byte) error {
	box, err := secretbox.New(key)
	if err != nil {
		return err
	}
	a.APIKeys = &apikey.Service{Store: a.Store, Box: box, Now: now}
	gh := a.Config.Greenhouse
	policy := outbound.Policy{Purpose: "callback", Domains: []string{"greenhouse.io"}, Trusted: gh.SandboxHosts}
	callbacks := partner.NewCallbackWorker(a.Store, partner.CallbackConfig{Keys: a.APIKeys, Policy: policy, Auth: gh.CallbackAuth,
		Credential: gh.CallbackCredential.Reveal(), Timeout: gh.CallbackTimeout, RetryBase: gh.CallbackRetryBase, RetryMax: gh.CallbackRetryMax,
		MaxTries: gh.CallbackMaxTries, UserAgent: "TalentSystems-Greenhouse-Callback/1 (+" + a.Config.BaseURL + ")"}, now, a.Log)
	a.Postings = &postings.Service{Store: a.Store, Now: now}
	// The Harvest API connection calls Greenhouse's OAuth server and Harvest
	// only: greenhouse.io hosts plus the operator's sandbox hosts.
	var hc *harvest.Client
	if gh.HarvestEnabled() {
		hp := outbound.Policy{Purpose: "Harvest", Domains: []string{"greenhouse.io"}, Trusted: gh.SandboxHosts}
		hc = harvest.New(harvest.Config{ClientID: gh.OAuthClientID, ClientSecret: gh.OAuthClientSecret.Reveal(), AuthURL: gh.AuthURL,
			HarvestURL: gh.HarvestURL, RedirectURL: a.Config.BaseURL + config.HarvestRedirectPath, HTTP: hp.Client(30 * time.Second), PerPage: gh.HarvestPageSize,
			UserAgent: "TalentSystems-Harvest/1 (+" + a.Config.BaseURL + ")"})
	}
	q, err := jobs.New(jobs.Deps{Store: a.Store, Mail: mail.New(a.Config.SMTP, a.Log), Log: a.Log, Now: now, PollInterval: a.Config.JobPollInterval, RescueAfter: a.Config.JobRescueAfter,
		Box: box, MailRetention: a.Config.MailRetention, ListenURL: a.Config.DatabaseURL.Reveal()})
	if err != nil {
		return err
	}
	a.Queue = q
	err = a.Store.WithMigrationLock(ctx, func() error {
		if err := a.Store.Migrate(ctx); err != nil {
			return err
		}
		return q.Migrate(ctx)
	})
	if err != nil {
		return err
	}
	a.Harvest = connection.New(connection.Deps{Store: a.Store, Queue: q, Box: box, Client: hc, Postings: a.Postings, BaseURL: a.Config.BaseURL,
		Visibility: gh.NoteVisibility, Interval: gh.HarvestRefreshInterval, Now: now, Log: a.Log})
	a.Accounts = &account.Service{Store: a.Store, Queue: q, BaseURL: a.Config.BaseURL, Now: now}
	notifier := &partner.Notifier{Queue: q, Now: now}
	sc, err := scorer(a.Config.ScorerModel, a.Log)
	if err != nil {
		return err
	}
	a.Candidates = &candidates.Service{Store: a.Store, Queue: q, Box: box, BaseURL: a.Config.BaseURL, Now: now, Scorer: sc,
		OnResult: candidates.Hooks(notifier.OnResult, a.Harvest.OnResult)}
	// Each domain registers its own workers and sweep tasks, before Start.
	if err := q.Register(a.Accounts, a.Candidates, callbacks, a.Harvest); err != nil {
		return err
	}
	a.Greenhouse = partner.New(partner.Deps{Store: a.Store, Queue: q, Candidates: a.Candidates, Keys: a.APIKeys, Policy: policy,
		BaseURL: a.Config.BaseURL, RateLimit: gh.RateLimit, Now: now, Log: a.Log})
	a.Fairness = &fairness.Service{Store: a.Store, Now: now}
	a.Analytics = &analytics.Service{Store: a.Store, Postings: a.Postings, Now: now}
	a.Server, err = web.New(web.Deps{Config: a.Config, Queue: q, Accounts: a.Accounts, Postings: a.Postings,
		Candidates: a.Candidates, Greenhouse: a.Greenhouse, Harvest: a.Harvest, Fairness: a.Fairness, Analytics: a.Analytics, Log: a.Log, Now: now,
		SecretKey: key, Ready: a.ready})
	return err
}

// ready checks that the database answers and its schema is current.
func (a *App) ready(ctx context.Context) error {
	if err := a.Store.DB.PingContext(ctx); err != nil {
		return errors.New("database unreachable")
	}
	n, err := a.Store.Pending(ctx)
	if err != nil {
		return errors.New("migration status unknown")
	}
	if n > 0 {
		return fmt.Errorf("%d migrations pending", n)
	}
	if pending, err := a.Queue.Pending(ctx); err != nil || pending {
		return errors.New("job queue migrations pending")
	}
	return a.writable(ctx)
}

// MinFreeBytes is the free space of the SQLite data folder below which the
// instance reports itself not ready: writes are about to fail.
const MinFreeBytes = 64 << 20

// readyProbeEvery is how long a write probe's result is reused, so that a
// busy load balancer polling /readyz does not turn into a stream of writes.
const readyProbeEvery = 5 * time.Second

// writable checks, at most once per readyProbeEvery, that the SQLite data
// folder has room and that a write commits.
func (a *App) writable(ctx context.Context) error {
	a.probeMu.Lock()
	defer a.probeMu.Unlock()
	if !a.probeAt.IsZero() && time.Since(a.probeAt) < readyProbeEvery {
		return a.probeErr
	}
	a.probeErr = nil
	if dir := a.Store.DataDir(); dir != "" {
		free, err := a.freeBytes(dir)
		if err == nil && free < MinFreeBytes {
			a.probeErr = fmt.Errorf("data folder nearly full: %d MiB free", free>>20)
		}
	}
	if a.probeErr == nil {
		if err := a.Store.ProbeWrite(ctx, time.Now()); err != nil {
			a.Log.Warn("write probe failed", "err", err)
			a.probeErr = errors.New("database refuses writes")
		}
	}
	a.probeAt = time.Now()
	return a.probeErr
}

// Start listens on the configured address and starts working jobs.
func (a *App) Start(ctx context.Context) error {
	ln, err := net.Listen("tcp", a.Config.Addr)
	if err != nil {
		return fmt.Errorf("app: listen on %s: %w", a.Config.Addr, err)
	}
	return a.StartOn(ctx, ln)
}

// StartOn serves on ln (which it closes at shutdown) and starts working jobs.
func (a *App) StartOn(ctx context.Context, ln net.Listener) error {
	var mln net.Listener
	if a.Config.MetricsAddr != "" {
		var err error
		if mln, err = net.Listen("tcp", a.Config.MetricsAddr); err != nil {
			ln.Close()
			return fmt.Errorf("app: listen for metrics on %s: %w", a.Config.MetricsAddr, err)
		}
	}
	a.listener = ln
	if err := a.Queue.Start(context.WithoutCancel(ctx)); err != nil {
		ln.Close()
		if mln != nil {
			mln.Close()
		}
		return err
	}
	if mln != nil {
		a.metricsListener = mln
		a.metricsHTTP = &http.Server{Handler: a.Server.MetricsHandler(), ReadHeaderTimeout: 10 * time.Second,
			WriteTimeout: 60 * time.Second, ErrorLog: slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn)}
		go a.metricsHTTP.Serve(mln)
		a.Log.Info("metrics listening", "addr", mln.Addr().String())
	}
	a.http = &http.Server{
		Handler:           a.Server.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn),
	}
	a.stopFlush = a.Greenhouse.FlushEvery(eventFlushInterval)
	a.served = make(chan error, 1)
	go func() { a.served <- a.http.Serve(ln) }()
	a.Log.Info("listening", "addr", ln.Addr().String(), "base_url", a.Config.BaseURL, "database", string(a.Store.Dialect))
	return nil
}

// Addr is the address the server listens on, once started.
func (a *App) Addr() string { return a.listener.Addr().String() }

// MetricsAddr is the address of the separate /metrics listener, "" when
// TS_METRICS_ADDR is not set.
func (a *App) MetricsAddr() string {
	if a.metricsListener == nil {
		return ""
	}
	return a.metricsListener.Addr().String()
}

// Run starts the instance and serves until ctx ends, then shuts down gracefully.
func (a *App) Run(ctx context.Context) error {
	if err := a.Start(ctx); err != nil {
		return err
	}
	select {
	case <-ctx.Done():
	case err := <-a.served:
		return fmt.Errorf("app: serve: %w", err)
	}
	return a.Shutdown(context.Background())
}

// Shutdown stops taking requests, lets in-flight requests and jobs finish
// (up to 30 seconds), then closes the database.
func (a *App) Shutdown(ctx context.Context) error {
	a.shutdown.Do(func() { a.shutdownErr = a.stop(ctx) })
	return a.shutdownErr
}

func (a *App) stop(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	a.Log.Info("shutting down")
	var errs []error
	if a.http != nil {
		errs = append(errs, a.http.Shutdown(ctx))
	}
	if a.metricsHTTP != nil {
		errs = append(errs, a.metricsHTTP.Shutdown(ctx))
	}
	if a.listener != nil {
		errs = append(errs, a.Queue.Stop(ctx))
	} else {
		a.Queue.Close()
	}
	if a.stopFlush != nil {
		a.stopFlush() // the last counted Greenhouse reads, before the database closes
	}
	errs = append(errs, a.Store.Close())
	return errors.Join(errs...)
}

// eventFlushInterval is how often the successful Greenhouse reads counted in
// memory are stored as events (the card also flushes its own instance's).
const eventFlushInterval = 15 * time.Second

// Close releases the database of an App that was never started.
func (a *App) Close() error {
	a.Queue.Close()
	return a.Store.Close()
}

// NewLogger returns the configured slog logger writing to w.
func NewLogger(cfg *config.Config, w interface{ Write([]byte) (int, error) }) *slog.Logger {
	var level slog.Level
	level.UnmarshalText([]byte(cfg.LogLevel))
	o := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, o))
	}
	return slog.New(slog.NewTextHandler(w, o))
}

// secretKey returns the configured key, or reads or creates DataDir/secret.key.
func secretKey(cfg *config.Config) ([]byte, error) {
	if cfg.SecretKey != "" {
		return base64.StdEncoding.DecodeString(cfg.SecretKey.Reveal())
	}
	path := filepath.Join(cfg.DataDir, "secret.key")
	if b, err := os.ReadFile(path); err == nil {
		k, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
		if err != nil || len(k) != 32 {
			return nil, fmt.Errorf("app: %s is not a base64 32-byte key; fix or remove it", path)
		}
		return k, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("app: the data folder %s is not usable: %w", cfg.DataDir, err)
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("app: the data folder %s cannot be created: %w", cfg.DataDir, err)
	}
	k := make([]byte, 32)
	rand.Read(k)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return secretKey(cfg) // another process created it first
	}
	if err != nil {
		return nil, fmt.Errorf("app: the data folder %s is not writable: %w", cfg.DataDir, err)
	}
	defer f.Close()
	if _, err := f.WriteString(base64.StdEncoding.EncodeToString(k) + "\n"); err != nil {
		return nil, fmt.Errorf("app: write secret key: %w", err)
	}
	return k, f.Sync()
}
