package bench

import (
	"context"
	"encoding/json"
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
	"github.com/talentsystems/talentsystems/internal/store"
)

// BenchmarkAnalytics seeds one posting of 15 questions (benchPosting) with
// TS_BENCH_ANALYTICS candidates (default 100 000; 70 % completed with
// results and an answer to each question: 1 050 000 answers) and
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
				analyticsScenario(&report{tb: b}, u, n, envInt("TS_BENCH_ROUNDS", 20), false)
			}
		})
	}
}

// benchPosting is the three example postings' questions in one posting of
// both sections: 15 questions (one of the support lead's left out) over 12
// competencies.
func benchPosting(tb testing.TB) []byte {
	var doc map[string]any
	var qs, comps []any
	for _, name := range []string{"backend-engineer", "customer-support-lead", "data-analyst"} {
		raw, err := os.ReadFile("../examples/postings/" + name + ".json")
		if err != nil {
			tb.Fatal(err)
		}
		var d map[string]any
		if err := json.Unmarshal(raw, &d); err != nil {
			tb.Fatal(err)
		}
		if doc == nil {
			doc = d
		}
		for _, q := range d["questions"].([]any) {
			if q.(map[string]any)["key"] != "ticket-timeline" {
				qs = append(qs, q)
			}
		}
		comps = append(comps, d["competencies"].([]any)...)
	}
	doc["title"], doc["assessment_type"], doc["questions"], doc["competencies"] = "Bench: fifteen questions", "both", qs, comps
	out, err := json.Marshal(doc)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// analyticsScenario seeds n candidates, requests each page rounds times and
// exports the posting; with check, it first recounts the derived tables
// (store.CheckDerived), which the seeding must have left as the product
// keeps them.
func analyticsScenario(r *report, dbURL string, n, rounds int, check bool) {
	tb := r.tb
	ctx := context.Background()
	inst := apptest.Start(tb, apptest.Config(tb, dbURL))
	org, err := inst.Accounts.CreateOrg(ctx, model.CommandLine(0), "Bench", "bench")
	if err != nil {
		tb.Fatal(err)
	}
	p, err := inst.Postings.Import(ctx, model.CommandLine(org.ID), bytesReader(benchPosting(tb)), true)
	if err != nil {
		tb.Fatal(err)
	}
	t0 := time.Now()
	seeded := apptest.SeedCandidates(tb, inst.App, org.ID, p.Doc, n, 1, time.Now())
	if _, err := inst.Store.DB.ExecContext(ctx, "ANALYZE"); err != nil {
		tb.Fatal(err)
	}
	var answers int
	if err := inst.Store.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM answers`).Scan(&answers); err != nil {
		tb.Fatal(err)
	}
	if check {
		if err := store.CheckDerived(ctx, inst.Store.DB); err != nil {
			tb.Fatal(err)
		}
	}
	if _, err := inst.Accounts.CreateUser(ctx, model.CommandLine(0), accountUser(org.ID)); err != nil {
		tb.Fatal(err)
	}
	r.printf("Analytics, %s, %d candidates, %d answers (seeded in %s)", dbName(dbURL), n, answers, time.Since(t0).Round(time.Second))
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
	for _, pg := range []struct{ name, path string }{
		{"candidate list", fmt.Sprintf("/postings/%d/candidates", p.ID)},
		{"list by percentile", fmt.Sprintf("/postings/%d/candidates?sort=percentile&dir=desc", p.ID)},
		{"posting analytics", fmt.Sprintf("/postings/%d/analytics", p.ID)},
		{"organization overview", "/analytics"},
		{"comparison of 6", cmp},
	} {
		get := func(int, int) error { _, err := w.get(pg.path, http.StatusOK); return err }
		load(1, 2, 10*time.Minute, get) // measured warm, as alternate does
		res := load(1, rounds, 10*time.Minute, get)
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
