package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
)

// SweepInterval is how often the leader instance runs the sweep.
const SweepInterval = time.Minute

// SweepArgs asks for the periodic housekeeping: each task the domains
// registered (submitting attempts whose time ran out while nobody had the
// page open, removing expired sessions, …), in the order registered.
type SweepArgs struct{}

// Kind names the job kind in the queue.
func (SweepArgs) Kind() string { return "sweep" }

type sweepTask struct {
	name string
	run  func(ctx context.Context) error
}

type sweepWorker struct {
	river.WorkerDefaults[SweepArgs]
	tasks *[]sweepTask
}

func (w *sweepWorker) Work(ctx context.Context, _ *river.Job[SweepArgs]) error {
	for _, t := range *w.tasks {
		if err := t.run(ctx); err != nil {
			return fmt.Errorf("sweep: %s: %w", t.name, err)
		}
	}
	return nil
}
