package connection

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/riverqueue/river"

	"github.com/talentsystems/talentsystems/internal/jobs"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// RegisterJobs adds the service's workers and, when the connection is
// configured, the periodic refresh of idle connections and the outcome
// reads (jobs.Registrar).
func (s *Service) RegisterJobs(r *jobs.Registry) {
	river.AddWorker(r.Workers(), &PushWorker{s: s})
	river.AddWorker(r.Workers(), &RefreshWorker{s: s})
	river.AddWorker(r.Workers(), &OutcomesWorker{s: s})
	if !s.Enabled() {
		return
	}
	r.Periodic(
		river.NewPeriodicJob(river.PeriodicInterval(s.interval), func() (river.JobArgs, *river.InsertOpts) { return RefreshArgs{}, nil },
			&river.PeriodicJobOpts{RunOnStart: true}),
		river.NewPeriodicJob(river.PeriodicInterval(s.interval), func() (river.JobArgs, *river.InsertOpts) { return OutcomesArgs{}, nil },
			&river.PeriodicJobOpts{RunOnStart: true}),
	)
}

// RefreshArgs asks for idle connections to be refreshed.
type RefreshArgs struct{}

// Kind names the job kind.
func (RefreshArgs) Kind() string { return "harvest_refresh" }

// RefreshWorker refreshes the connections whose refresh token would lapse
// within 18 hours (of its 24): with the default hourly run a connection is
// refreshed about every six hours, however idle, and misses many runs
// before it lapses.
type RefreshWorker struct {
	river.WorkerDefaults[RefreshArgs]
	s *Service
}

// refreshAhead is how long before its refresh token expires a connection
// is refreshed.
const refreshAhead = 18 * time.Hour

// Work refreshes every due connection; one failing does not stop the others.
func (w *RefreshWorker) Work(ctx context.Context, _ *river.Job[RefreshArgs]) error {
	_, err := w.s.RefreshIdle(ctx)
	return err
}

// RefreshIdle refreshes the connections due and returns how many it refreshed.
func (s *Service) RefreshIdle(ctx context.Context) (int, error) {
	orgs, err := store.HarvestConnectionsDue(ctx, s.store.DB, s.now().Add(refreshAhead))
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, org := range orgs {
		_, err := s.refresh(ctx, org, "", true)
		switch {
		case err == nil:
			n++
		case errors.Is(err, ErrReconnect), errors.Is(err, ErrNotConnected):
			// recorded on the connection, admins mailed
		default:
			s.log.WarnContext(ctx, "harvest refresh failed", "org", org, "err", err)
			errs = append(errs, err)
		}
	}
	return n, errors.Join(errs...)
}

// OutcomesArgs asks for application outcomes to be read.
type OutcomesArgs struct{}

// Kind names the job kind.
func (OutcomesArgs) Kind() string { return "harvest_outcomes" }

// OutcomesWorker reads the applications of connected organizations'
// Greenhouse candidates and stores their outcomes. It only reads.
type OutcomesWorker struct {
	river.WorkerDefaults[OutcomesArgs]
	s *Service
}

// Work reads every connected organization's outcomes.
func (w *OutcomesWorker) Work(ctx context.Context, _ *river.Job[OutcomesArgs]) error {
	orgs, err := store.ConnectedHarvestOrgs(ctx, w.s.store.DB)
	if err != nil {
		return err
	}
	var errs []error
	for _, org := range orgs {
		if _, err := w.s.ReadOutcomes(ctx, org); err != nil && !errors.Is(err, ErrReconnect) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// ReadOutcomes reads the applications of the organization's Greenhouse
// candidates (status, current stage) and stores them; it returns how many.
func (s *Service) ReadOutcomes(ctx context.Context, orgID int64) (int, error) {
	ids, err := store.GreenhouseCandidateIDs(ctx, s.store.DB, orgID)
	if err != nil {
		return 0, err
	}
	ts := s.TokenSource(orgID)
	n := 0
	for _, raw := range ids {
		cid, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			continue
		}
		apps, err := s.client.Applications(ctx, ts, cid)
		if err != nil {
			return n, err
		}
		for _, a := range apps {
			o := &model.HarvestOutcome{OrgID: orgID, GHApplicationID: a.ID, GHCandidateID: a.CandidateID, GHJobID: a.JobID,
				Status: a.Status, FetchedAt: s.now()}
			if a.CurrentStage != nil {
				o.Stage = a.CurrentStage.Name
			}
			if a.RejectedAt != nil {
				o.RejectedAt = *a.RejectedAt
			}
			if a.HiredAt != nil {
				o.HiredAt = *a.HiredAt
			}
			if err := store.SaveHarvestOutcome(ctx, s.store.DB, o); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

// Outcomes lists the organization's stored application outcomes.
func (s *Service) Outcomes(ctx context.Context, orgID int64) ([]*model.HarvestOutcome, error) {
	return store.HarvestOutcomes(ctx, s.store.DB, orgID)
}
