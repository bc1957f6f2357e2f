package bench

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// scale sizes a load run: the benchmarks use the figures, the smoke
// test (TestBenchSmoke) tiny ones. BENCH_C, BENCH_N, BENCH_ROUNDS and
// BENCH_CANDIDATES override the defaults.
type scale struct {
	C          int // concurrent clients (closed loop)
	N          int // requests per round
	Rounds     int // A B pairs
	Candidates int // candidates seeded for the dashboards
	Limit      time.Duration
}

func fullScale() scale {
	return scale{C: envInt("BENCH_C", 32), N: envInt("BENCH_N", 3000), Rounds: envInt("BENCH_ROUNDS", 3),
		Candidates: envInt("BENCH_CANDIDATES", seeded), Limit: 60 * time.Second}
}

func smokeScale() scale { return scale{C: 2, N: 6, Rounds: 1, Candidates: 40, Limit: 20 * time.Second} }

func envInt(k string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(k)); err == nil && n > 0 {
		return n
	}
	return def
}

// result is one load run.
type result struct {
	N, Errs       int
	Elapsed       time.Duration
	P50, P95, P99 time.Duration
	FirstErr      error
}

func (r result) RPS() float64 { return float64(r.N) / r.Elapsed.Seconds() }

func (r result) String() string {
	return fmt.Sprintf("%6.0f req/s  p50 %6.2f ms  p95 %6.2f ms  p99 %6.2f ms  (%d req, %d errors)",
		r.RPS(), ms(r.P50), ms(r.P95), ms(r.P99), r.N, r.Errs)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// load runs c clients in a closed loop until n requests are done or limit
// passes; do(worker, i) makes request i as the given worker.
func load(c, n int, limit time.Duration, do func(worker, i int) error) result {
	var next atomic.Int64
	lat := make([][]time.Duration, c)
	errs := make([]int, c)
	var first atomic.Value
	deadline := time.Now().Add(limit)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range c {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n || time.Now().After(deadline) {
					return
				}
				t := time.Now()
				if err := do(w, i); err != nil {
					errs[w]++
					first.CompareAndSwap(nil, err)
				}
				lat[w] = append(lat[w], time.Since(t))
			}
		})
	}
	wg.Wait()
	r := result{Elapsed: time.Since(start)}
	var all []time.Duration
	for w := range c {
		all = append(all, lat[w]...)
		r.Errs += errs[w]
	}
	if e, ok := first.Load().(error); ok {
		r.FirstErr = e
	}
	r.N = len(all)
	if r.N == 0 {
		return r
	}
	slices.Sort(all)
	pct := func(p float64) time.Duration { return all[min(len(all)-1, int(float64(len(all))*p))] }
	r.P50, r.P95, r.P99 = pct(0.50), pct(0.95), pct(0.99)
	return r
}

// pair is the same load against a reference (A) and the product (B), run
// alternately A B A B … so that both see the same machine noise.
type pair struct{ A, B []result }

// alternate runs a and b once each unmeasured, so that both are measured
// warm (connections open, statements prepared, plans chosen), then rounds
// of A B.
func alternate(s scale, a, b func() result) pair {
	a()
	b()
	var p pair
	for range s.Rounds {
		p.A = append(p.A, a())
		p.B = append(p.B, b())
	}
	return p
}

// Ratio is the product's requests per second over the reference's, summed over rounds.
func (p pair) Ratio() float64 {
	var a, b float64
	for i := range p.A {
		a += p.A[i].RPS()
		b += p.B[i].RPS()
	}
	return b / a
}

// worst returns the round with the highest p99 (what a goal on p99 must meet).
func worst(rs []result) result {
	return slices.MaxFunc(rs, func(x, y result) int { return int(x.P99 - y.P99) })
}

// httpClient is a client with enough idle connections for c workers.
func httpClient(c int) *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: c + 4, MaxConnsPerHost: 0},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, Timeout: 30 * time.Second}
}

// call makes a request and checks its status; the body is read and dropped.
func call(cl *http.Client, req *http.Request, want int) error {
	resp, err := cl.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: status %d", req.Method, req.URL.Path, resp.StatusCode)
	}
	return nil
}

// report collects a scenario's lines; the benchmark prints them, the smoke
// test logs them.
type report struct {
	tb    testing.TB
	lines []string
}

func (r *report) printf(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	r.lines = append(r.lines, line)
	if _, ok := r.tb.(*testing.B); ok {
		fmt.Println(line)
	} else {
		r.tb.Log(line)
	}
}

// check fails the run when a result had errors (a benchmark of failing
// requests measures nothing).
func (r *report) check(name string, rs ...result) {
	for _, x := range rs {
		if x.Errs > 0 {
			r.tb.Fatalf("%s: %d of %d requests failed: %v", name, x.Errs, x.N, x.FirstErr)
		}
	}
}

// pairLines prints every round and the ratio.
func (r *report) pair(name string, p pair) {
	r.check(name, append(p.A, p.B...)...)
	for i := range p.A {
		r.printf("  %-28s round %d  bare    %s", name, i+1, p.A[i])
		r.printf("  %-28s round %d  product %s", name, i+1, p.B[i])
	}
	r.printf("%-30s ratio to bare %.3f×  (product worst p99 %.1f ms)", name, p.Ratio(), ms(worst(p.B).P99))
}

// bare serves body as a bare net/http handler on loopback: the reference.
func bare(tb testing.TB, body []byte) string {
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	})}
	ln := listen(tb)
	go srv.Serve(ln)
	tb.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

func dbName(url string) string {
	if url == "" {
		return "sqlite"
	}
	return "postgres"
}

func trimmed(s string) string { return strings.TrimSpace(s) }
