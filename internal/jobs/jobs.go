// Package jobs runs background work through River, a durable queue in the
// application's own database. Work is enqueued with InsertTx inside the same
// transaction as the change that causes it, so a change and its work commit
// (or roll back) together and survive restarts.
package jobs

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/talentsystems/talentsystems/internal/mail"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/secretbox"
	"github.com/talentsystems/talentsystems/internal/store"
)

// Queue is the job queue of one instance. Every instance on the same
// database shares it.
type Queue struct {
	client *river.Client[*sql.Tx]
	driver riverdriver.Driver[*sql.Tx]
	store  *store.Store
	box    *secretbox.Box
	now    func() time.Time
	// listener carries LISTEN/NOTIFY on PostgreSQL (nil elsewhere).
	listener *pgxpool.Pool
	// workers and sweeps are shared with River and the sweep worker; the
	// domains add to them through Register, before Start.
	workers *river.Workers
	sweeps  *[]sweepTask
	started bool
}

// Deps are what the workers need.
type Deps struct {
	Store *store.Store
	Mail  mail.Sender
	Log   *slog.Logger
	Now   func() time.Time
	// PollInterval is how often an idle instance looks for new jobs.
	PollInterval time.Duration
	// RescueAfter is how long a job may stay running before it is taken
	// for stuck and run again (default RescueAfter).
	RescueAfter time.Duration
	// Box seals mail bodies at rest.
	Box *secretbox.Box
	// MailRetention is how long a mail's body is kept once it is done
	// (delivered, failed or uncertain); the sweep deletes it then.
	MailRetention time.Duration
	// ListenURL is the PostgreSQL URL of the database: with it the queue
	// listens for new jobs (LISTEN/NOTIFY) and works them at once instead
	// of at the next poll. Empty on SQLite.
	ListenURL string
}

// RescueAfter is how long a job may stay running, by default, before River
// takes it for stuck (its instance crashed) and runs it again. It exceeds
// every worker's own timeout (a minute by default, the callback's request
// time plus 30 s). River's leader looks for stuck jobs at its start and
// every 30 s after.
const RescueAfter = 2 * time.Minute

// New builds the queue with its own workers (mail delivery, the sweep);
// the domains add theirs through Register. It does not start working.
func New(d Deps) (*Queue, error) {
	var driver riverdriver.Driver[*sql.Tx]
	var listener *pgxpool.Pool
	if d.Store.Dialect == store.Postgres && d.ListenURL != "" {
		cfg, err := pgxpool.ParseConfig(d.ListenURL)
		if err != nil {
			return nil, fmt.Errorf("jobs: listener: the database URL cannot be parsed")
		}
		cfg.MaxConns = 2
		if listener, err = pgxpool.NewWithConfig(context.Background(), cfg); err != nil {
			return nil, fmt.Errorf("jobs: listener: %w", err)
		}
		driver = riverdatabasesql.NewWithPgxListener(d.Store.DB, listener)
	} else if d.Store.Dialect == store.Postgres {
		driver = riverdatabasesql.New(d.Store.DB)
	} else {
		driver = riversqlite.New(d.Store.DB)
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &emailWorker{store: d.Store, sender: d.Mail, box: d.Box, now: d.Now})
	sweeps := new([]sweepTask)
	river.AddWorker(workers, &sweepWorker{tasks: sweeps})
	if d.MailRetention > 0 {
		*sweeps = append(*sweeps, sweepTask{name: "mail retention", run: func(ctx context.Context) error {
			now := d.Now()
			_, err := store.PurgeEmailBodies(ctx, d.Store.DB, now.Add(-d.MailRetention), now)
			return err
		}})
	}
	cooldown := min(d.PollInterval, river.FetchCooldownDefault)
	// River wants a job's time limit no longer than the rescue: a rescue
	// set below a minute (tests) shortens the default limit with it.
	rescue := cmp.Or(d.RescueAfter, RescueAfter)
	client, err := river.NewClient(driver, &river.Config{
		Queues: map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 10}},
		PeriodicJobs: []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(SweepInterval),
			func() (river.JobArgs, *river.InsertOpts) { return SweepArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true})},
		Workers:              workers,
		FetchPollInterval:    d.PollInterval,
		FetchCooldown:        cooldown,
		MaxAttempts:          12,
		RescueStuckJobsAfter: rescue,
		JobTimeout:           min(river.JobTimeoutDefault, rescue),
		RetryPolicy:          backoff{},
		// River reports its routine (job counts, leadership) at info; only its
		// warnings belong in the product's log.
		Logger: slog.New(quiet{d.Log.Handler()}).With("component", "jobs"),
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: new client: %w", err)
	}
	return &Queue{client: client, driver: driver, store: d.Store, box: d.Box, now: d.Now, listener: listener, workers: workers, sweeps: sweeps}, nil
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
	q.started = true
	if err := q.client.Start(ctx); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	return nil
}

// Stop stops fetching new jobs and waits for running ones until ctx ends.
func (q *Queue) Stop(ctx context.Context) error {
	err := q.client.Stop(ctx)
	q.Close()
	return err
}

// Close releases the listener's connections (the queue's own database is
// the store's). A queue never started needs only Close.
func (q *Queue) Close() {
	if q.listener != nil {
		q.listener.Close()
	}
}

// Insert enqueues a job in tx: it runs only if tx commits.
func (q *Queue) Insert(ctx context.Context, tx *sql.Tx, args river.JobArgs) error {
	if _, err := q.client.InsertTx(ctx, tx, args, nil); err != nil {
		return fmt.Errorf("jobs: insert %s: %w", args.Kind(), err)
	}
	return nil
}

// SendEmail stores e in the outbox and enqueues its delivery, both in tx.
// The bodies are sealed: links in them (invitations, resets, assessments)
// are live credentials, readable neither at rest nor by staff.
func (q *Queue) SendEmail(ctx context.Context, tx *sql.Tx, e *model.Email) error {
	sealed := *e
	sealed.Text, sealed.HTML, sealed.Sealed = q.box.Seal(e.Text, mailContext), q.box.Seal(e.HTML, mailContext), true
	if err := store.CreateEmail(ctx, tx, &sealed); err != nil {
		return err
	}
	e.ID, e.Status = sealed.ID, sealed.Status
	return q.Insert(ctx, tx, EmailArgs{EmailID: e.ID})
}

// mailContext binds sealed mail bodies to their use.
const mailContext = "mail body"

// OpenEmail returns e with its bodies unsealed.
func (q *Queue) OpenEmail(e *model.Email) (*model.Email, error) {
	return openEmail(q.box, e)
}

func openEmail(box *secretbox.Box, e *model.Email) (*model.Email, error) {
	if !e.Sealed {
		return e, nil
	}
	out := *e
	var err error
	if out.Text, err = box.Open(e.Text, mailContext); err != nil {
		return nil, fmt.Errorf("jobs: open mail %d: %w", e.ID, err)
	}
	if out.HTML, err = box.Open(e.HTML, mailContext); err != nil {
		return nil, fmt.Errorf("jobs: open mail %d: %w", e.ID, err)
	}
	out.Sealed = false
	return &out, nil
}

// ResendEmail queues a failed or uncertain mail again: a staff decision,
// audited.
func (q *Queue) ResendEmail(ctx context.Context, actor model.Actor, id int64) error {
	return q.store.Tx(ctx, func(tx *sql.Tx) error {
		if err := store.RequeueEmail(ctx, tx, id); err != nil {
			return err
		}
		if err := store.Audit(ctx, tx, 0, actor.UserID, "email.resend", fmt.Sprintf("mail %d", id), q.now()); err != nil {
			return err
		}
		return q.Insert(ctx, tx, EmailArgs{EmailID: id})
	})
}

// quiet passes on only warnings and errors.
type quiet struct{ slog.Handler }

func (q quiet) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && q.Handler.Enabled(ctx, l)
}

func (q quiet) WithAttrs(attrs []slog.Attr) slog.Handler { return quiet{q.Handler.WithAttrs(attrs)} }

func (q quiet) WithGroup(name string) slog.Handler { return quiet{q.Handler.WithGroup(name)} }
