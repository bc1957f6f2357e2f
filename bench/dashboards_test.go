package bench

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/model"
)

// BenchmarkDashboards measures the recruiter's dashboards (the posting's
// candidates page, the postings list, a scorecard) with 1 000 and with
// BENCH_CANDIDATES (default 100 000) candidates in one posting: one client
// (p50), and 8 clients (p95). It also prints the process's peak memory (the
// server and the load generator share the process). Run:
//
//	go test ./bench -run '^$' -bench Dashboards -benchtime 1x
func BenchmarkDashboards(b *testing.B) {
	runScenario(b, dashboardsScenario)
}

var loginCSRF = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func dashboardsScenario(r *report, dbURL string, s scale) {
	tb := r.tb
	db := dbName(dbURL)
	small := min(1000, s.Candidates)
	single := map[string]time.Duration{}
	sizes := []int{small}
	if s.Candidates > small {
		sizes = append(sizes, s.Candidates)
	}
	for _, n := range sizes {
		u := dbURL
		if db == "postgres" && n != small {
			u = apptest.PostgresURL(tb) // a fresh database per size
		}
		inst := apptest.Start(tb, apptest.Config(tb, u))
		t0 := time.Now()
		orgID, postingID := seed(tb, inst, n)
		ctx := context.Background()
		if _, err := inst.Accounts.CreateUser(ctx, model.CommandLine(0), accountUser(orgID)); err != nil {
			tb.Fatal(err)
		}
		var cid int64
		if err := inst.Store.DB.QueryRowContext(ctx, `SELECT MIN(id) + 1 FROM candidates WHERE posting_id = $1`, postingID).Scan(&cid); err != nil {
			tb.Fatal(err)
		}
		r.printf("Dashboards, %s, %d candidates (seeded in %s)", db, n, time.Since(t0).Round(time.Second))
		tr := &http.Transport{MaxIdleConnsPerHost: 16}
		jar, _ := cookiejar.New(nil)
		cl := &http.Client{Transport: tr, Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		w := &browser{cl: cl, base: inst.URL}
		page, err := w.get("/login", http.StatusOK)
		if err != nil {
			tb.Fatal(err)
		}
		m := loginCSRF.FindSubmatch(page)
		if m == nil {
			tb.Fatal("no CSRF token on /login")
		}
		resp, err := cl.PostForm(inst.URL+"/login", url.Values{"email": {"bench@example.test"}, "password": {"bench password 1"}, "csrf_token": {string(m[1])}})
		if err != nil || resp.StatusCode != http.StatusSeeOther {
			tb.Fatalf("sign in: %v %v", err, resp)
		}
		resp.Body.Close()
		pages := []struct{ name, path string }{
			{"posting's candidates", fmt.Sprintf("/postings/%d/candidates", postingID)},
			{"postings list", "/postings"},
			{"scorecard", fmt.Sprintf("/postings/%d/candidates/%d", postingID, cid)},
		}
		for _, pg := range pages {
			get := func(int, int) error { _, err := w.get(pg.path, http.StatusOK); return err }
			// Measured warm, as alternate does: the first request on each new
			// database connection pays for opening it and preparing statements.
			load(8, max(8, s.N/25), s.Limit, get)
			one := load(1, max(5, s.N/100), s.Limit, get)
			eight := load(8, max(8, s.N/25), s.Limit, get)
			r.check(pg.name, one, eight)
			r.printf("  %-22s %7d cand.  1 client p50 %7.2f ms | c=8 %s", pg.name, n, ms(one.P50), eight)
			if n == small {
				single[pg.name] = one.P50
			} else {
				r.printf("%-24s %s at %d: 1-client p50 %.2f× that at %d; c=8 p95 %.1f ms", pg.name, db, n, float64(one.P50)/float64(single[pg.name]), small, ms(eight.P95))
			}
		}
	}
	if st, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(st), "\n") {
			if strings.HasPrefix(line, "VmHWM") || strings.HasPrefix(line, "VmRSS") {
				r.printf("process memory (server + load generator + seeding) %s", strings.Join(strings.Fields(line), " "))
			}
		}
	}
}
