package candidates

import (
	"context"

	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// helpContact returns whom a candidate can ask for help: the recruiter who
// added them while they are a member, else the organization's first admin
// (Greenhouse candidates, or a recruiter who left), or "".
func helpContact(ctx context.Context, q store.Querier, orgID, createdBy int64) string {
	if createdBy != 0 {
		if u, err := store.OrgUser(ctx, q, orgID, createdBy); err == nil {
			return u.Email
		}
	}
	users, err := store.ListOrgUsers(ctx, q, orgID)
	if err != nil {
		return ""
	}
	for _, u := range users {
		if u.Role == model.RoleAdmin {
			return u.Email
		}
	}
	return ""
}

// retiredSession is the session of a replaced or erased link: its state,
// and whom to ask, so the page is not a dead end.
func (s *Service) retiredSession(ctx context.Context, hash string) (*Session, error) {
	reason, orgID, err := store.RetiredTokenOrg(ctx, s.Store.DB, hash)
	if err != nil {
		return nil, err
	}
	ss := &Session{State: StateReset}
	if reason == "erased" {
		ss.State = StateErased
	}
	if ss.Org, err = store.OrgByID(ctx, s.Store.DB, orgID); err != nil {
		return nil, err
	}
	ss.Contact = helpContact(ctx, s.Store.DB, orgID, 0)
	return ss, nil
}
