package sandbox

import (
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Endpoints are the names faults are set by: the PATCH receiver, the OAuth
// token endpoint and each Harvest path.
var Endpoints = []string{"patch", "token", "jobs", "job_posts", "candidates", "applications", "notes"}

// Fault makes an endpoint misbehave. Rates are probabilities from 0 to 1,
// drawn once per request in the order drop, timeout, rate limit, failure:
// their sum should not exceed 1.
type Fault struct {
	// FailureRate answers FailureStatus (default 503) with a JSON error.
	FailureRate   float64 `json:"failure_rate,omitempty"`
	FailureStatus int     `json:"failure_status,omitempty"`
	// RateLimitRate answers 429 with Retry-After: RetryAfter seconds (default 1).
	RateLimitRate float64 `json:"rate_limit_rate,omitempty"`
	RetryAfter    int     `json:"retry_after,omitempty"`
	// TimeoutRate never answers: the request is held until the client gives
	// up (at most TimeoutSeconds, default 60), then the connection is closed.
	TimeoutRate    float64 `json:"timeout_rate,omitempty"`
	TimeoutSeconds int     `json:"timeout_seconds,omitempty"`
	// DropRate closes the connection without an answer.
	DropRate float64 `json:"drop_rate,omitempty"`
	// LatencyMS delays every request.
	LatencyMS int `json:"latency_ms,omitempty"`
	// Hold holds every request open until the fault is changed to Hold
	// false, the client gives up, or the sandbox closes.
	Hold bool `json:"hold,omitempty"`
	// Count, when positive, limits the fault to the endpoint's next Count
	// requests; the next fault of a sequence set with SetFaults (or none)
	// then takes over. Zero lasts until the fault is changed. A held fault
	// cannot be counted: it lasts until released.
	Count int `json:"count,omitempty"`
}

// IsZero reports whether the fault does nothing.
func (f Fault) IsZero() bool { return f == Fault{} }

// Validate checks the fault's values.
func (f Fault) Validate() error {
	for name, r := range map[string]float64{"failure_rate": f.FailureRate, "rate_limit_rate": f.RateLimitRate, "timeout_rate": f.TimeoutRate, "drop_rate": f.DropRate} {
		if r < 0 || r > 1 {
			return fmt.Errorf("%s must be between 0 and 1, not %g", name, r)
		}
	}
	if sum := f.FailureRate + f.RateLimitRate + f.TimeoutRate + f.DropRate; sum > 1.0000001 {
		return fmt.Errorf("the rates add up to %g, more than 1", sum)
	}
	if f.FailureStatus != 0 && (f.FailureStatus < 400 || f.FailureStatus > 599) {
		return fmt.Errorf("failure_status must be a 4xx or 5xx status, not %d", f.FailureStatus)
	}
	if f.LatencyMS < 0 || f.RetryAfter < 0 || f.TimeoutSeconds < 0 || f.Count < 0 {
		return errors.New("latency_ms, retry_after, timeout_seconds and count cannot be negative")
	}
	if f.Hold && f.Count > 0 {
		return errors.New("a held fault cannot be counted: it lasts until released")
	}
	return nil
}

// ParseFault reads a fault flag: "endpoint:key=value,key=value", e.g.
// "patch:failure_rate=0.5,latency=200ms" or "patch:failure_rate=1,count=3"
// (the next three PATCHes fail). Keys are the JSON names; "latency" takes a
// duration; "hold" takes true or false.
func ParseFault(s string) (string, Fault, error) {
	name, spec, ok := strings.Cut(s, ":")
	var f Fault
	if !ok || !slices.Contains(Endpoints, name) {
		return "", f, fmt.Errorf("fault %q: start with an endpoint (%s) and a colon", s, strings.Join(Endpoints, ", "))
	}
	for _, kv := range strings.Split(spec, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if !ok {
			return "", f, fmt.Errorf("fault %q: %q is not key=value", s, kv)
		}
		var err error
		switch k {
		case "failure_rate":
			f.FailureRate, err = strconv.ParseFloat(v, 64)
		case "failure_status":
			f.FailureStatus, err = strconv.Atoi(v)
		case "rate_limit_rate":
			f.RateLimitRate, err = strconv.ParseFloat(v, 64)
		case "retry_after":
			f.RetryAfter, err = strconv.Atoi(v)
		case "timeout_rate":
			f.TimeoutRate, err = strconv.ParseFloat(v, 64)
		case "timeout_seconds":
			f.TimeoutSeconds, err = strconv.Atoi(v)
		case "drop_rate":
			f.DropRate, err = strconv.ParseFloat(v, 64)
		case "latency_ms":
			f.LatencyMS, err = strconv.Atoi(v)
		case "latency":
			var d time.Duration
			d, err = time.ParseDuration(v)
			f.LatencyMS = int(d / time.Millisecond)
		case "hold":
			f.Hold, err = strconv.ParseBool(v)
		case "count":
			f.Count, err = strconv.Atoi(v)
		default:
			return "", f, fmt.Errorf("fault %q: unknown key %q", s, k)
		}
		if err != nil {
			return "", f, fmt.Errorf("fault %q: %s: %v", s, k, err)
		}
	}
	if err := f.Validate(); err != nil {
		return "", f, fmt.Errorf("fault %q: %v", s, err)
	}
	return name, f, nil
}

// faults holds the faults in force (a counted fault with the requests it
// has left), the faults queued after them, a random source per endpoint (so
// that requests to one endpoint do not change another's draws), and the
// channels that release held requests.
type faults struct {
	mu    sync.Mutex
	seed  uint64
	set   map[string]Fault
	queue map[string][]Fault
	rngs  map[string]*rand.Rand
	holds map[string]chan struct{}
}

func newFaults(seed uint64, initial map[string]Fault) *faults {
	f := &faults{seed: seed, set: map[string]Fault{}, queue: map[string][]Fault{}, rngs: map[string]*rand.Rand{}, holds: map[string]chan struct{}{}}
	for name, v := range initial {
		f.put(name, v)
	}
	return f
}

func (f *faults) rng(name string) *rand.Rand {
	r, ok := f.rngs[name]
	if !ok {
		h := fnv.New64a()
		h.Write([]byte(name))
		r = rand.New(rand.NewPCG(f.seed, h.Sum64()))
		f.rngs[name] = r
	}
	return r
}

// put sets an endpoint's fault, dropping any queued after the old one;
// ending a hold releases the held requests.
func (f *faults) put(name string, v Fault) { f.putSeq(name, []Fault{v}) }

// putSeq sets an endpoint's sequence of faults: the first is in force, the
// others wait for it to run out.
func (f *faults) putSeq(name string, seq []Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queue[name] = append([]Fault(nil), seq[1:]...)
	f.setLocked(name, seq[0])
}

// next puts the endpoint's next queued fault in force, or none; call with f.mu held.
func (f *faults) next(name string) {
	var v Fault
	if q := f.queue[name]; len(q) > 0 {
		v, f.queue[name] = q[0], q[1:]
	}
	f.setLocked(name, v)
}

// setLocked sets the fault in force; call with f.mu held.
func (f *faults) setLocked(name string, v Fault) {
	if len(f.queue[name]) == 0 {
		delete(f.queue, name)
	}
	if ch, ok := f.holds[name]; ok && !v.Hold {
		close(ch)
		delete(f.holds, name)
	}
	if v.Hold {
		if _, ok := f.holds[name]; !ok {
			f.holds[name] = make(chan struct{})
		}
	}
	if v.IsZero() {
		delete(f.set, name)
	} else {
		f.set[name] = v
	}
}

func (f *faults) all() map[string]Fault {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[string]Fault, len(f.set))
	for k, v := range f.set {
		out[k] = v
	}
	return out
}

func (f *faults) releaseAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for name, ch := range f.holds {
		close(ch)
		delete(f.holds, name)
	}
}

// queued returns how many faults wait behind each endpoint's fault in force.
func (f *faults) queued() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[string]int, len(f.queue))
	for k, q := range f.queue {
		out[k] = len(q)
	}
	return out
}

// apply applies the endpoint's fault to a request. It returns what it did
// ("" for nothing) and whether the request was answered (or dropped) by it.
// A counted fault is used up by the request, whatever it does to it.
func (f *faults) apply(name string, w http.ResponseWriter, r *http.Request) (string, bool) {
	f.mu.Lock()
	v, ok := f.set[name]
	hold := f.holds[name]
	var u float64
	if ok {
		u = f.rng(name).Float64()
		if v.Count > 0 {
			if left := v.Count - 1; left > 0 {
				c := v
				c.Count = left
				f.set[name] = c
			} else {
				f.next(name)
			}
		}
	}
	f.mu.Unlock()
	if !ok {
		return "", false
	}
	ctx := r.Context()
	if v.LatencyMS > 0 {
		select {
		case <-time.After(time.Duration(v.LatencyMS) * time.Millisecond):
		case <-ctx.Done():
			return "latency (client gave up)", true
		}
	}
	if hold != nil {
		select {
		case <-hold:
		case <-ctx.Done():
			return "held (client gave up)", true
		}
	}
	switch {
	case u < v.DropRate:
		drop(w)
		return "dropped connection", true
	case u < v.DropRate+v.TimeoutRate:
		limit := time.Duration(orDefault(v.TimeoutSeconds, 60)) * time.Second
		select {
		case <-ctx.Done():
		case <-time.After(limit):
		}
		drop(w)
		return "timeout", true
	case u < v.DropRate+v.TimeoutRate+v.RateLimitRate:
		w.Header().Set("Retry-After", strconv.Itoa(orDefault(v.RetryAfter, 1)))
		writeJSON(w, http.StatusTooManyRequests, map[string]string{"error": "rate_limited", "message": "Too many requests (a sandbox fault)."})
		return "429", true
	case u < v.DropRate+v.TimeoutRate+v.RateLimitRate+v.FailureRate:
		code := orDefault(v.FailureStatus, http.StatusServiceUnavailable)
		writeJSON(w, code, map[string]string{"error": "sandbox_fault", "message": "A failure injected by the sandbox."})
		return strconv.Itoa(code), true
	}
	if v.LatencyMS > 0 {
		return fmt.Sprintf("latency %d ms", v.LatencyMS), false
	}
	return "", false
}

// orDefault returns v, or def when v is zero.
func orDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// drop closes the connection without an answer.
func drop(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// SetFault sets an endpoint's fault, replacing any sequence; the zero Fault
// clears it.
func (s *Sandbox) SetFault(endpoint string, f Fault) error { return s.SetFaults(endpoint, f) }

// SetFaults sets a sequence of faults on an endpoint, replacing what was
// there: each fault in turn for its Count requests, e.g. a 429, then a 503,
// then a 500, then nothing. Every fault but the last must be counted; a last
// fault without a Count lasts until changed. No faults clears the endpoint.
func (s *Sandbox) SetFaults(endpoint string, seq ...Fault) error {
	if !slices.Contains(Endpoints, endpoint) {
		return fmt.Errorf("sandbox: no endpoint %q (endpoints: %s)", endpoint, strings.Join(Endpoints, ", "))
	}
	if len(seq) == 0 {
		seq = []Fault{{}}
	}
	for i, f := range seq {
		if err := f.Validate(); err != nil {
			return fmt.Errorf("sandbox: %s: %w", endpoint, err)
		}
		if i < len(seq)-1 && f.Count == 0 {
			return fmt.Errorf("sandbox: %s: fault %d of %d has no count: it would never end", endpoint, i+1, len(seq))
		}
	}
	s.faults.putSeq(endpoint, seq)
	s.log.Info("sandbox fault set", "endpoint", endpoint, "faults", seq)
	return nil
}

// Faults returns the faults in force by endpoint; a counted fault has the
// requests it has left as its Count.
func (s *Sandbox) Faults() map[string]Fault { return s.faults.all() }
