// Package ratelimit is the one keyed rate limiter of the product: a token
// bucket per key (a client address, an email, an API key) with eviction of
// keys not seen for a while, so that its memory stays bounded under attack.
// Limits are kept in the memory of one instance.
package ratelimit

import (
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Keyed limits events per key: a burst of Burst, refilled at one event per
// Every. It is safe for concurrent use.
type Keyed struct {
	every time.Duration
	burst int
	// idle is how long a key unseen is kept; MaxKeys bounds the map between sweeps.
	idle    time.Duration
	maxKeys int

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// New returns a limiter allowing burst events at once per key, then one per every.
func New(every time.Duration, burst int) *Keyed {
	return &Keyed{every: every, burst: max(1, burst), idle: max(10*time.Minute, every*time.Duration(max(1, burst))), maxKeys: 10000,
		buckets: map[string]*bucket{}}
}

// PerMinute returns a limiter allowing n events a minute per key, in bursts of burst.
func PerMinute(n, burst int) *Keyed {
	return New(time.Minute/time.Duration(max(1, n)), burst)
}

func (k *Keyed) get(key string, now time.Time) *bucket {
	if len(k.buckets) >= k.maxKeys {
		for key, b := range k.buckets {
			if now.Sub(b.seen) > k.idle {
				delete(k.buckets, key)
			}
		}
	}
	b, ok := k.buckets[key]
	if !ok {
		b = &bucket{lim: rate.NewLimiter(rate.Every(k.every), k.burst)}
		k.buckets[key] = b
	}
	b.seen = now
	return b
}

// Take counts one event for key at now. It returns zero when the event is
// allowed, or how long the key must wait (the event is then not counted).
func (k *Keyed) Take(key string, now time.Time) time.Duration {
	k.mu.Lock()
	defer k.mu.Unlock()
	r := k.get(key, now).lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d
	}
	return 0
}

// Wait reports how long key must wait before its next event, without
// counting one: zero when it may go now.
func (k *Keyed) Wait(key string, now time.Time) time.Duration {
	k.mu.Lock()
	defer k.mu.Unlock()
	b, ok := k.buckets[key]
	if !ok {
		return 0
	}
	if tokens := b.lim.TokensAt(now); tokens < 1 {
		return time.Duration((1 - tokens) * float64(k.every))
	}
	return 0
}

// Len is the number of keys held, for tests of the eviction.
func (k *Keyed) Len() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.buckets)
}

// RetryAfter renders a wait as a Retry-After value in whole seconds (at least 1).
func RetryAfter(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}

// Full reports whether key has its whole burst left: no event counted
// recently (or all of them refilled).
func (k *Keyed) Full(key string, now time.Time) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	b, ok := k.buckets[key]
	return !ok || b.lim.TokensAt(now) >= float64(k.burst)
}
