package partner

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"github.com/talentsystems/talentsystems/internal/apikey"
	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// Overview is the staff console's view of the integration across
// organizations: setup requests, every organization's key, callbacks and
// reported errors.
type Overview struct {
	Requests  []*model.GreenhouseOrg
	Orgs      []*model.GreenhouseOrg
	Callbacks []*model.GreenhouseCallback
	Counts    model.CallbackCounts
	Errors    []*model.ResponseError
}

// CallbackStatuses are the callback statuses staff can filter by.
var CallbackStatuses = []model.CallbackStatus{model.CallbackPending, model.CallbackRetrying, model.CallbackDelivered, model.CallbackFailed, model.CallbackSuperseded}

// ValidCallbackStatus reports whether s is one of CallbackStatuses.
func ValidCallbackStatus(s model.CallbackStatus) bool {
	for _, c := range CallbackStatuses {
		if s == c {
			return true
		}
	}
	return false
}

// Overview returns the staff overview; status filters the callbacks ("" for all).
func (s *Service) Overview(ctx context.Context, status model.CallbackStatus) (*Overview, error) {
	v := &Overview{}
	s.Flush(ctx, 0) // the keys' last uses noted on this instance show at once
	orgs, err := store.GreenhouseOrgs(ctx, s.store.DB)
	if err != nil {
		return nil, err
	}
	for _, o := range orgs {
		if !o.SetupRequestedAt.IsZero() {
			v.Requests = append(v.Requests, o)
		}
	}
	v.Orgs = orgs
	if v.Callbacks, err = store.ListGreenhouseCallbacks(ctx, s.store.DB, model.CallbackFilter{Status: status, Limit: 100}); err != nil {
		return nil, err
	}
	s.markStuck(v.Callbacks)
	if v.Counts, err = store.GreenhouseCallbackCounts(ctx, s.store.DB, 0); err != nil {
		return nil, err
	}
	if v.Errors, err = store.ListResponseErrors(ctx, s.store.DB, 0, time.Time{}, 50); err != nil {
		return nil, err
	}
	return v, nil
}

// OrgView is the staff console's view of one organization's integration.
type OrgView struct {
	Target    *model.Org
	State     *State
	Keys      []*model.APIKey
	Callbacks []*model.GreenhouseCallback
	Errors    []*model.ResponseError
	Events    []*model.GreenhouseEvent
}

// OrgView returns one organization's integration for staff.
func (s *Service) OrgView(ctx context.Context, orgID int64) (*OrgView, error) {
	v := &OrgView{}
	s.Flush(ctx, orgID) // this instance's counted reads and key uses show at once
	var err error
	if v.Target, err = store.OrgByID(ctx, s.store.DB, orgID); err != nil {
		return nil, err
	}
	if v.State, err = s.State(ctx, orgID); err != nil {
		return nil, err
	}
	if v.Keys, err = store.OrgAPIKeys(ctx, s.store.DB, orgID, 20); err != nil {
		return nil, err
	}
	if v.Callbacks, err = store.ListGreenhouseCallbacks(ctx, s.store.DB, model.CallbackFilter{OrgID: orgID, Limit: 50}); err != nil {
		return nil, err
	}
	s.markStuck(v.Callbacks)
	if v.Errors, err = store.ListResponseErrors(ctx, s.store.DB, orgID, time.Time{}, 20); err != nil {
		return nil, err
	}
	if v.Events, err = store.RecentGreenhouseEvents(ctx, s.store.DB, orgID, false, time.Time{}, 30); err != nil {
		return nil, err
	}
	return v, nil
}

// KeyAction generates, rotates or revokes the organization orgID's key. A
// generated or rotated key is returned in clear once (Issued.Key); a revoke
// returns the ended key.
func (s *Service) KeyAction(ctx context.Context, actor model.Actor, orgID int64, action string) (*apikey.Issued, *model.APIKey, error) {
	if _, err := store.OrgByID(ctx, s.store.DB, orgID); err != nil {
		return nil, nil, err
	}
	switch action {
	case "generate":
		issued, err := s.keys.Generate(ctx, actor, orgID)
		return issued, nil, err
	case "rotate":
		issued, err := s.keys.Rotate(ctx, actor, orgID)
		return issued, nil, err
	case "revoke":
		k, err := s.keys.Revoke(ctx, actor, orgID)
		return nil, k, err
	}
	return nil, nil, apperror.New(apperror.NotFound, "There is no key action %q: generate, rotate or revoke.", action)
}

// StuckAfter is how long a pending or retrying callback may go untouched
// (and not due) before staff see it as stuck, with a retry: River rescues
// the job of a dead instance within a few minutes, so one left longer has
// lost its job.
const StuckAfter = 15 * time.Minute

// markStuck sets Stuck on the callbacks that are.
func (s *Service) markStuck(cbs []*model.GreenhouseCallback) {
	before := s.now().Add(-StuckAfter)
	for _, cb := range cbs {
		cb.Stuck = (cb.Status == model.CallbackPending || cb.Status == model.CallbackRetrying) &&
			cb.UpdatedAt.Before(before) && cb.NextTryAt.Before(before)
	}
}

// RetryCallback gives a failed or stuck callback a fresh set of tries.
func (s *Service) RetryCallback(ctx context.Context, actor model.Actor, id int64) (*model.GreenhouseCallback, error) {
	cb, err := store.GreenhouseCallbackByID(ctx, s.store.DB, id)
	if err != nil {
		return nil, err
	}
	err = s.store.Tx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		if err := store.RetryGreenhouseCallback(ctx, tx, id, now, now.Add(-StuckAfter)); err != nil {
			return err
		}
		if err := s.queue.Insert(ctx, tx, CallbackArgs{CallbackID: id}); err != nil {
			return err
		}
		return store.Audit(ctx, tx, cb.OrgID, actor.UserID, "greenhouse.callback_retry", "callback "+strconv.FormatInt(id, 10)+" for candidate "+strconv.FormatInt(cb.CandidateID, 10), now)
	})
	if err != nil {
		return nil, err
	}
	return cb, nil
}
