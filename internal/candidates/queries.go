package candidates

import (
	"context"
	"slices"
	"time"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/jobs"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// List returns one page of the actor's organization's candidates that match
// f (its OrgID is the actor's; a zero Now is the service's clock) and how
// many match in all.
func (s *Service) List(ctx context.Context, actor model.Actor, f model.CandidateFilter) ([]*model.Candidate, int, error) {
	f.OrgID = actor.OrgID
	if f.Status != "" && !slices.Contains(model.CandidateStatuses, f.Status) {
		return nil, 0, apperror.Field("status", "%q is not a status: use sent, started, completed or expired", f.Status)
	}
	if f.Source != "" && f.Source != model.SourceManual && f.Source != model.SourceGreenhouse {
		return nil, 0, apperror.Field("source", "%q is not a source: use manual or greenhouse", f.Source)
	}
	if f.Now.IsZero() {
		f.Now = s.Now()
	}
	return store.ListCandidates(ctx, s.Store.DB, f)
}

// Counts counts a posting's candidates by effective status.
func (s *Service) Counts(ctx context.Context, actor model.Actor, postingID int64) (model.StatusCounts, error) {
	return store.CandidateCounts(ctx, s.Store.DB, actor.OrgID, postingID, s.Now())
}

// CountsByPosting counts the candidates of each of the actor's
// organization's postings by effective status.
func (s *Service) CountsByPosting(ctx context.Context, actor model.Actor) (map[int64]model.StatusCounts, error) {
	return store.CandidateCountsByPosting(ctx, s.Store.DB, actor.OrgID, s.Now())
}

// Attempts returns every attempt of candidate c (got through Get), oldest first.
func (s *Service) Attempts(ctx context.Context, c *model.Candidate) ([]*model.Attempt, error) {
	return store.CandidateAttempts(ctx, s.Store.DB, c.ID)
}

// Resets returns when candidate c's links were reset, oldest first.
func (s *Service) Resets(ctx context.Context, c *model.Candidate) ([]time.Time, error) {
	return store.CandidateResets(ctx, s.Store.DB, c.ID)
}

// Answers returns attempt a's saved answers by question key.
func (s *Service) Answers(ctx context.Context, a *model.Attempt) (map[string]*model.Answer, error) {
	return store.AttemptAnswers(ctx, s.Store.DB, a.ID)
}

// Overrides returns attempt a's score overrides, oldest first.
func (s *Service) Overrides(ctx context.Context, a *model.Attempt) ([]*model.Override, error) {
	return store.AttemptOverrides(ctx, s.Store.DB, a.ID)
}

// Upload returns the file candidate c (got through Get) uploaded for the
// question key in their current attempt.
func (s *Service) Upload(ctx context.Context, c *model.Candidate, key string) (*model.Upload, error) {
	return store.GetUpload(ctx, s.Store.DB, c.AttemptID, key)
}

// RegisterJobs adds the candidates' housekeeping to the minute sweep:
// attempts whose time ran out are submitted (SubmitOverdue).
func (s *Service) RegisterJobs(r *jobs.Registry) {
	r.Sweep("overdue", func(ctx context.Context) error {
		_, err := s.SubmitOverdue(ctx)
		return err
	})
}
