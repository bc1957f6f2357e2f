package partner

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// activity counts the successful reads Greenhouse makes (list_tests,
// test_status) in memory, so that answering them writes nothing; Flush
// stores one event per organization and kind, carrying the newest call's
// detail and how many calls it stands for. Failures are not counted here:
// they are recorded at once, since the card's troubleshooting reads them.
//
// The last use of each API key is kept the same way and stored at Flush.
type activity struct {
	mu      sync.Mutex
	pending map[activityKey]*activityEntry
	keys    map[int64]keyUse // by key id
}

// keyUse is the newest call made with a key.
type keyUse struct {
	org int64
	at  time.Time
}

// used notes a call with key id of organization orgID at now.
func (a *activity) used(id, orgID int64, now time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.keys == nil {
		a.keys = map[int64]keyUse{}
	}
	if u, ok := a.keys[id]; !ok || now.After(u.at) {
		a.keys[id] = keyUse{orgID, now}
	}
}

// takeKeys removes and returns the key uses noted, of one organization (0: all).
func (a *activity) takeKeys(orgID int64) map[int64]keyUse {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := map[int64]keyUse{}
	for id, u := range a.keys {
		if orgID == 0 || u.org == orgID {
			out[id] = u
			delete(a.keys, id)
		}
	}
	return out
}

type activityKey struct {
	org  int64
	kind string
}

type activityEntry struct {
	n      int
	first  time.Time
	last   time.Time
	detail string
}

// count notes one successful call.
func (a *activity) count(orgID int64, kind, detail string, now time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.pending == nil {
		a.pending = map[activityKey]*activityEntry{}
	}
	k := activityKey{orgID, kind}
	e := a.pending[k]
	if e == nil {
		e = &activityEntry{first: now}
		a.pending[k] = e
	}
	e.n++
	e.last, e.detail = now, detail
}

// take removes and returns what was counted, for one organization (0: all).
func (a *activity) take(orgID int64) map[activityKey]*activityEntry {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := map[activityKey]*activityEntry{}
	for k, e := range a.pending {
		if orgID == 0 || k.org == orgID {
			out[k] = e
			delete(a.pending, k)
		}
	}
	return out
}

// countRead notes a successful list_tests or test_status, stored at the next Flush.
func (s *Service) countRead(orgID int64, kind, detail string) {
	s.activity.count(orgID, kind, detail, s.now())
}

// Flush stores the successful reads counted since the last flush (of one
// organization, or of all with 0) as events, and the keys' last uses.
func (s *Service) Flush(ctx context.Context, orgID int64) {
	for id, u := range s.activity.takeKeys(orgID) {
		if err := store.TouchAPIKey(ctx, s.store.DB, id, u.at); err != nil {
			s.log.WarnContext(ctx, "api key last use not recorded", "err", err)
		}
	}
	for k, e := range s.activity.take(orgID) {
		detail := e.detail
		if e.n > 1 {
			detail += fmt.Sprintf(" (The last of %d %s calls since %s.)", e.n, k.kind, date(e.first))
		}
		recordEvent(ctx, s.store.DB, s.log, &model.GreenhouseEvent{OrgID: k.org, Kind: k.kind, OK: true, Detail: detail, CreatedAt: e.last})
	}
}

// FlushEvery flushes the counted reads every interval until the returned
// stop is called; stop flushes once more and waits.
func (s *Service) FlushEvery(interval time.Duration) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-done:
				s.Flush(context.Background(), 0)
				return
			case <-t.C:
				s.Flush(context.Background(), 0)
			}
		}
	})
	var once sync.Once
	return func() { once.Do(func() { close(done); wg.Wait() }) }
}
