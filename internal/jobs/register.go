package jobs

import (
	"context"
	"errors"

	"github.com/riverqueue/river"
)

// Registrar is a domain that runs work on the queue: it adds its own
// workers and sweep tasks to a Registry. The queue knows no domain; the
// wiring hands each domain's service to Queue.Register before Start.
type Registrar interface {
	RegisterJobs(r *Registry)
}

// Registry is what a Registrar adds its work to.
type Registry struct {
	workers  *river.Workers
	sweeps   *[]sweepTask
	periodic *river.PeriodicJobBundle
}

// Workers is the River worker bundle, for river.AddWorker(r.Workers(), w).
func (r *Registry) Workers() *river.Workers { return r.workers }

// Periodic schedules jobs the domain wants run at intervals.
func (r *Registry) Periodic(jobs ...*river.PeriodicJob) { r.periodic.AddMany(jobs) }

// Sweep adds a task to the minute sweep. Tasks run in the order added; an
// error ends that sweep, and the next one runs a minute later.
func (r *Registry) Sweep(name string, run func(ctx context.Context) error) {
	*r.sweeps = append(*r.sweeps, sweepTask{name: name, run: run})
}

// Register lets each domain add its workers and sweep tasks. River fixes
// the job kinds it fetches when it starts, so call Register before Start.
func (q *Queue) Register(domains ...Registrar) error {
	if q.started {
		return errors.New("jobs: Register after Start")
	}
	for _, d := range domains {
		d.RegisterJobs(&Registry{workers: q.workers, sweeps: q.sweeps, periodic: q.client.PeriodicJobs()})
	}
	return nil
}
