package account

import (
	"context"
	"strings"
	"time"
	_ "time/tzdata" // zone names work on machines without a zoneinfo database

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// TimeZone checks an IANA time zone name such as "Europe/Berlin" and returns
// its location; "" is UTC. A name that is not a zone is Invalid.
func TimeZone(name string) (*time.Location, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return time.UTC, nil
	}
	// "Local" would be the server's zone, not the user's.
	loc, err := time.LoadLocation(name)
	if err != nil || name == "Local" || len(name) > 64 {
		return nil, apperror.Field("time_zone", "%q is not a time zone: choose one from the list, such as Europe/Berlin or America/New_York", name)
	}
	return loc, nil
}

// SetTimeZone changes the zone the actor's pages show times in.
func (s *Service) SetTimeZone(ctx context.Context, actor model.Actor, name string) error {
	name = strings.TrimSpace(name)
	if _, err := TimeZone(name); err != nil {
		return err
	}
	return store.SetUserTimeZone(ctx, s.Store.DB, actor.UserID, name)
}

// SetOrgTimeZone changes the zone of the actor's organization's members who
// have not chosen their own (admins only).
func (s *Service) SetOrgTimeZone(ctx context.Context, actor model.Actor, name string) error {
	if actor.Role != model.RoleAdmin {
		return apperror.New(apperror.Forbidden, "Only an admin can change the organization's time zone.")
	}
	name = strings.TrimSpace(name)
	if _, err := TimeZone(name); err != nil {
		return apperror.Field("org_time_zone", "%s", apperror.FieldsOf(err)["time_zone"])
	}
	return store.SetOrgTimeZone(ctx, s.Store.DB, actor.OrgID, name)
}

// DefaultTimeZone sets the zone of a user who has none yet, from the one the
// browser reported at sign-in or sign-up; an unknown name is ignored, since
// the user did not type it.
func (s *Service) DefaultTimeZone(ctx context.Context, u *model.User, browser string) error {
	browser = strings.TrimSpace(browser)
	if u.TimeZone != "" || browser == "" {
		return nil
	}
	if _, err := TimeZone(browser); err != nil {
		return nil
	}
	if err := store.SetUserTimeZone(ctx, s.Store.DB, u.ID, browser); err != nil {
		return err
	}
	u.TimeZone = browser
	return nil
}
