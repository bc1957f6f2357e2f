package analytics

import (
	"context"
	"time"

	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// Overview is the organization's figures across postings.
type Overview struct {
	Scope    model.AnalyticsScope
	Total    model.FunnelCounts
	Postings []*model.PostingFigures
	Activity []model.ActivityWeek
}

// CompletionRate is the organization's completed ÷ invited, 0–100.
func (o *Overview) CompletionRate() (float64, bool) { return rate(o.Total.Completed, o.Total.Invited) }

// Overview returns the actor's organization's figures per posting and its
// weekly activity, over the candidates invited in [from, to).
func (s *Service) Overview(ctx context.Context, actor model.Actor, from, to time.Time) (*Overview, error) {
	o := &Overview{Scope: model.AnalyticsScope{OrgID: actor.OrgID, From: from, To: to, Now: s.Now()}}
	db := s.Store.DB
	fns := []func() error{
		func() (err error) { o.Total, err = store.Funnel(ctx, db, o.Scope); return },
		func() (err error) { o.Postings, err = store.PostingFigures(ctx, db, o.Scope); return },
		func() (err error) { o.Activity, err = store.Activity(ctx, db, o.Scope); return },
	}
	if from.IsZero() && to.IsZero() {
		// Without a date range, from the counts kept with each change
		// (analytics_counts, candidate_counts, score_counts).
		fns = []func() error{
			func() (err error) { o.Total, err = store.KeptFunnel(ctx, db, actor.OrgID, 0, o.Scope.Now); return },
			func() (err error) {
				o.Postings, err = store.KeptPostingFigures(ctx, db, actor.OrgID, o.Scope.Now)
				return
			},
			func() (err error) { o.Activity, err = store.KeptActivity(ctx, db, actor.OrgID); return },
		}
	}
	err := parallel(fns...)
	if err != nil {
		return nil, err
	}
	return o, nil
}
