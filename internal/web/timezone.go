package web

import (
	"sync"
	"time"

	"github.com/talentsystems/talentsystems/internal/account"
	"github.com/talentsystems/talentsystems/internal/model"
)

// zones caches loaded time zones by name.
var zones sync.Map

// userLocation is the zone the user's pages show times in: their profile's,
// else their organization's, else UTC.
func userLocation(u *model.User, org *model.Org) *time.Location {
	name := ""
	if u != nil {
		name = u.TimeZone
	}
	if name == "" && org != nil {
		name = org.TimeZone
	}
	if name == "" {
		return time.UTC
	}
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location)
	}
	loc, err := account.TimeZone(name)
	if err != nil {
		return time.UTC
	}
	zones.Store(name, loc)
	return loc
}

// Location is the zone the page shows times in.
func (b *Base) Location() *time.Location {
	if b.Loc == nil {
		return time.UTC
	}
	return b.Loc
}

// When shows a moment in the viewer's time zone, with its abbreviation;
// "—" when unset.
func (b *Base) When(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(b.Location()).Format(model.MomentLayout)
}

// ZoneName names the zone the page shows times in, e.g. "Europe/Berlin".
func (b *Base) ZoneName() string { return b.Location().String() }

// When shows a moment of the list in the viewer's time zone.
func (l *CandidateList) When(t time.Time) string {
	if l.page == nil {
		return (&Base{}).When(t)
	}
	return l.page.When(t)
}
