package postings

import (
	"context"

	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// List returns the actor's organization's postings, newest first; an empty
// status lists them all.
func (s *Service) List(ctx context.Context, actor model.Actor, status model.PostingStatus) ([]*model.Posting, error) {
	return store.ListPostings(ctx, s.Store.DB, actor.OrgID, status)
}

// Counts counts the actor's organization's postings by status.
func (s *Service) Counts(ctx context.Context, actor model.Actor) (model.PostingCounts, error) {
	return store.CountPostings(ctx, s.Store.DB, actor.OrgID)
}
