package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/talentsystems/talentsystems/internal/store"
)

// SweepInterval is how often the leader instance runs the sweep.
const SweepInterval = time.Minute

// SweepArgs asks for the periodic housekeeping: submitting attempts whose
// time ran out while nobody had the page open (so their result, and a
// Greenhouse callback, exist without waiting for the candidate), and
// removing expired sessions.
type SweepArgs struct{}

// Kind names the job kind in the queue.
func (SweepArgs) Kind() string { return "sweep" }

// Overdue submits attempts whose time is up and returns how many it submitted.
type Overdue func(ctx context.Context) (int, error)

type sweepWorker struct {
	river.WorkerDefaults[SweepArgs]
	store         *store.Store
	now           func() time.Time
	overdue       *Overdue
	mailRetention time.Duration
}

func (w *sweepWorker) Work(ctx context.Context, _ *river.Job[SweepArgs]) error {
	now := w.now()
	if _, err := store.DeleteExpiredSessions(ctx, w.store.DB, now); err != nil {
		return err
	}
	if w.mailRetention > 0 {
		if _, err := store.PurgeEmailBodies(ctx, w.store.DB, now.Add(-w.mailRetention), now); err != nil {
			return err
		}
	}
	if *w.overdue == nil {
		return nil
	}
	if _, err := (*w.overdue)(ctx); err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	return nil
}

// OnOverdue sets the function the sweep calls to submit overdue attempts;
// call it before Start.
func (q *Queue) OnOverdue(fn Overdue) { *q.overdue = fn }
