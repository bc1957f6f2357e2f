package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/model"
)

// BenchmarkAnalytics seeds one posting with TS_BENCH_ANALYTICS candidates
// (default 100 000; 70 % completed with results and five answers each) and
// measures, with one client, the p95 of the candidate list, the posting's
// analytics (with item analysis), the organization overview and a
// comparison of six candidates, then the time of the whole CSV export and
// the growth of the Go heap while it streams. Run:
//
//	go test ./bench -run '^$' -bench Analytics -benchtime 1x
func BenchmarkAnalytics(b *testing.B) {
	n := envInt("TS_BENCH_ANALYTICS", 100_000)
	for _, db := range []string{"sqlite", "postgres"} {
		b.Run(db, func(b *testing.B) {
			u := ""
			if db == "postgres" {
				u = apptest.PostgresURL(b)
			}
			for b.Loop() {
				analyticsScenario(&report{tb: b}, u, n)
			}
		})
	}
}

func analyticsScenario(r *report, dbURL string, n int) {
	tb := r.tb
	ctx := context.Background()
	inst := apptest.Start(tb, apptest.Config(tb, dbURL))
	org, err := inst.Accounts.CreateOrg(ctx, model.CommandLine(0), "Bench", "bench")
	if err != nil {
		tb.Fatal(err)
	}
	doc, _ := os.ReadFile("../examples/postings/data-analyst.json")
	p, err := inst.Postings.Import(ctx, model.CommandLine(org.ID), bytesReader(doc), true)
	if err != nil {
		tb.Fatal(err)
	}
	t0 := time.Now()
	seeded := apptest.SeedCandidates(tb, inst.App, org.ID, p.Doc, n, 1, time.Now())
	if _, err := inst.Store.DB.ExecContext(ctx, "ANALYZE"); err != nil {
		tb.Fatal(err)
	}
	if _, err := inst.Accounts.CreateUser(ctx, model.CommandLine(0), accountUser(org.ID)); err != nil {
		tb.Fatal(err)
	}
	r.printf("Analytics, %s, %d candidates (seeded in %s)", dbName(dbURL), n, time.Since(t0).Round(time.Second))
	jar, _ := cookiejar.New(nil)
	cl := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	w := &browser{cl: cl, base: inst.URL}
	page, err := w.get("/login", http.StatusOK)
	if err != nil {
		tb.Fatal(err)
	}
	m := loginCSRF.FindSubmatch(page)
	resp, err := cl.PostForm(inst.URL+"/login", url.Values{"email": {"bench@example.test"}, "password": {"bench password 1"}, "csrf_token": {string(m[1])}})
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		tb.Fatalf("sign in: %v %v", err, resp)
	}
	resp.Body.Close()
	cmp := fmt.Sprintf("/postings/%d/compare?", p.ID)
	picked := 0
	for _, s := range seeded {
		if s.Result != nil && picked < 6 {
			cmp += fmt.Sprintf("c=%d&", s.ID)
			picked++
		}
	}
	rounds := envInt("TS_BENCH_ROUNDS", 20)
	for _, pg := range []struct{ name, path string }{
		{"candidate list", fmt.Sprintf("/postings/%d/candidates", p.ID)},
		{"list by percentile", fmt.Sprintf("/postings/%d/candidates?sort=percentile&dir=desc", p.ID)},
		{"posting analytics", fmt.Sprintf("/postings/%d/analytics", p.ID)},
		{"organization overview", "/analytics"},
		{"comparison of 6", cmp},
	} {
		res := load(1, rounds, 10*time.Minute, func(int, int) error { _, err := w.get(pg.path, http.StatusOK); return err })
		r.check(pg.name, res)
		r.printf("  %-22s p50 %8.1f ms  p95 %8.1f ms  (%d requests)", pg.name, ms(res.P50), ms(res.P95), res.N)
	}

	// The export: time to the last byte, and the heap's peak above its
	// level before the request, sampled every 2 ms.
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				if ms.HeapAlloc > peak.Load() {
					peak.Store(ms.HeapAlloc)
				}
			}
		}
	}()
	t1 := time.Now()
	resp, err = cl.Get(inst.URL + fmt.Sprintf("/postings/%d/candidates/export", p.ID))
	if err != nil {
		tb.Fatal(err)
	}
	size, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	took := time.Since(t1)
	close(done)
	if err != nil || resp.StatusCode != http.StatusOK {
		tb.Fatalf("export: %v %d", err, resp.StatusCode)
	}
	growth := int64(peak.Load()) - int64(before.HeapAlloc)
	r.printf("  export of %d rows: %s, %.1f MB written, heap growth at peak %.1f MB", n, took.Round(time.Millisecond), float64(size)/1e6, float64(growth)/1e6)
}
