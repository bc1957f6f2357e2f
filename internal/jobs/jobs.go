// Package jobs runs background work through River, a durable queue in the
// application's own database. Work is enqueued with InsertTx inside the same
// transaction as the change that causes it, so a change and its work commit
// (or roll back) together and survive restarts.
package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/talentsystems/talentsystems/internal/mail"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// Queue is the job queue of one instance. Every instance on the same
// database shares it.
type Queue struct {
	client *river.Client[*sql.Tx]
	driver riverdriver.Driver[*sql.Tx]
	store  *store.Store
	// overdue is shared with the sweep worker, which is built before the
	// services that can submit attempts.
	overdue *Overdue
}

// Deps are what the workers need.
type Deps struct {
	Store *store.Store
	Mail  mail.Sender
	Log   *slog.Logger
	Now   func() time.Time
	// PollInterval is how often an idle instance looks for new jobs.
	PollInterval time.Duration
	// Workers are the domains' own workers, each registering itself.
	Workers []Registrar
}

// Registrar adds a domain's workers to the queue. Domains register their own
// workers at construction, so the queue knows no domain.
type Registrar interface {
	Register(w *river.Workers)
}

// Scheduler is a Registrar that also has periodic jobs: the queue asks it
// for them at construction.
type Scheduler interface {
	Registrar
	Periodic() []*river.PeriodicJob
}

// New builds the queue and its workers; it does not start working.
func New(d Deps) (*Queue, error) {
	var driver riverdriver.Driver[*sql.Tx]
	if d.Store.Dialect == store.Postgres {
		driver = riverdatabasesql.New(d.Store.DB)
	} else {
		driver = riversqlite.New(d.Store.DB)
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &emailWorker{store: d.Store, sender: d.Mail, now: d.Now})
	periodic := []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(SweepInterval),
		func() (river.JobArgs, *river.InsertOpts) { return SweepArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true})}
	for _, r := range d.Workers {
		r.Register(workers)
		if sc, ok := r.(Scheduler); ok {
			periodic = append(periodic, sc.Periodic()...)
		}
	}
	overdue := new(Overdue)
	river.AddWorker(workers, &sweepWorker{store: d.Store, now: d.Now, overdue: overdue})
	cooldown := min(d.PollInterval, river.FetchCooldownDefault)
	client, err := river.NewClient(driver, &river.Config{
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 10}},
		PeriodicJobs:      periodic,
		Workers:           workers,
		FetchPollInterval: d.PollInterval,
		FetchCooldown:     cooldown,
		MaxAttempts:       12,
		RetryPolicy:       backoff{},
		// River reports its routine (job counts, leadership) at info; only its
		// warnings belong in the product's log.
		Logger: slog.New(quiet{d.Log.Handler()}).With("component", "jobs"),
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: new client: %w", err)
	}
	return &Queue{client: client, driver: driver, store: d.Store, overdue: overdue}, nil
}

// backoff retries after 1 s, 2 s, 4 s … up to an hour, with ±20 % jitter so
// that jobs failing together do not retry together.
type backoff struct{}

func (backoff) NextRetry(job *rivertype.JobRow) time.Time {
	d := time.Second << min(len(job.Errors), 12)
	d = min(d, time.Hour)
	jitter := time.Duration(rand.Int64N(int64(d)/5*2+1)) - d/5
	return time.Now().Add(d + jitter)
}

// Migrate applies River's own schema.
func (q *Queue) Migrate(ctx context.Context) error {
	m, err := rivermigrate.New(q.driver, nil)
	if err != nil {
		return fmt.Errorf("jobs: migrator: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	return nil
}

// Pending reports whether River's schema is behind.
func (q *Queue) Pending(ctx context.Context) (bool, error) {
	m, err := rivermigrate.New(q.driver, nil)
	if err != nil {
		return false, fmt.Errorf("jobs: migrator: %w", err)
	}
	have, err := m.ExistingVersions(ctx)
	if err != nil {
		return false, fmt.Errorf("jobs: migration versions: %w", err)
	}
	return len(have) < len(m.AllVersions()), nil
}

// Start begins working jobs until Stop.
func (q *Queue) Start(ctx context.Context) error {
	if err := q.client.Start(ctx); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	return nil
}

// Stop stops fetching new jobs and waits for running ones until ctx ends.
func (q *Queue) Stop(ctx context.Context) error {
	return q.client.Stop(ctx)
}

// Insert enqueues a job in tx: it runs only if tx commits.
func (q *Queue) Insert(ctx context.Context, tx *sql.Tx, args river.JobArgs) error {
	if _, err := q.client.InsertTx(ctx, tx, args, nil); err != nil {
		return fmt.Errorf("jobs: insert %s: %w", args.Kind(), err)
	}
	return nil
}

// SendEmail stores e in the outbox and enqueues its delivery, both in tx.
func (q *Queue) SendEmail(ctx context.Context, tx *sql.Tx, e *model.Email) error {
	if err := store.CreateEmail(ctx, tx, e); err != nil {
		return err
	}
	return q.Insert(ctx, tx, EmailArgs{EmailID: e.ID})
}

// quiet passes on only warnings and errors.
type quiet struct{ slog.Handler }

func (q quiet) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && q.Handler.Enabled(ctx, l)
}

func (q quiet) WithAttrs(attrs []slog.Attr) slog.Handler { return quiet{q.Handler.WithAttrs(attrs)} }

func (q quiet) WithGroup(name string) slog.Handler { return quiet{q.Handler.WithGroup(name)} }
