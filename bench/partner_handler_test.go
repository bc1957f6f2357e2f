package bench

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// BenchmarkPartnerHandler calls the Assessment Partner API's read endpoints
// through the product's whole handler (middleware included), in process and
// one at a time, and reports the process's CPU time per call (cpu-ns/op,
// from getrusage: less sensitive to other processes on the machine than
// the wall time) and its allocations. test_status reads a completed
// candidate. Run:
//
//	go test ./bench -run '^$' -bench PartnerHandler -benchtime 5000x -count 3
//
// (PostgreSQL too when TEST_DATABASE_URL is set.)
func BenchmarkPartnerHandler(b *testing.B) {
	for _, db := range []string{"sqlite", "postgres"} {
		b.Run(db, func(b *testing.B) {
			dbURL := ""
			if db == "postgres" {
				dbURL = apptest.PostgresURL(b)
			}
			ctx := context.Background()
			cfg := apptest.Config(b, dbURL)
			cfg.Greenhouse.RateLimit = 100_000_000 // measure the endpoint, not the limiter
			inst := apptest.Start(b, cfg)
			org, err := inst.Accounts.CreateOrg(ctx, model.CommandLine(0), "Bench", "bench")
			if err != nil {
				b.Fatal(err)
			}
			doc, _ := os.ReadFile("../examples/postings/backend-engineer.json")
			p, err := inst.Postings.Import(ctx, model.CommandLine(org.ID), bytesReader(doc), true)
			if err != nil {
				b.Fatal(err)
			}
			issued, err := inst.APIKeys.Generate(ctx, model.CommandLine(org.ID), org.ID)
			if err != nil {
				b.Fatal(err)
			}
			h := inst.Server.Handler()
			req := func(method, p, body string) *http.Request {
				q := httptest.NewRequest(method, "http://bench"+p, strings.NewReader(body))
				q.SetBasicAuth(issued.Key, "")
				q.Header.Set("Content-Type", "application/json")
				return q
			}
			serve := func(r *http.Request) {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				if w.Code != http.StatusOK {
					b.Fatalf("%s: %d %s", r.URL.Path, w.Code, w.Body)
				}
			}
			serve(req(http.MethodPost, "/api/greenhouse/send_test", fmt.Sprintf(`{"partner_test_id":%q,
"candidate":{"first_name":"C","last_name":"1","email":"c1@example.test","greenhouse_profile_url":"https://app.greenhouse.io/people/1?application_id=1"},
"url":"https://app.greenhouse.io/integrations/testing_partners/take_home_tests/1"}`, p.PublicID)))
			c, err := store.OrgCandidate(ctx, inst.Store.DB, org.ID, 1)
			if err != nil {
				b.Fatal(err)
			}
			token := path.Base(inst.Candidates.Link(c))
			if err := inst.Candidates.Start(ctx, token, true); err != nil {
				b.Fatal(err)
			}
			if err := inst.Candidates.Submit(ctx, token); err != nil {
				b.Fatal(err)
			}
			for _, ep := range []string{"/api/greenhouse/test_status?partner_interview_id=1", "/api/greenhouse/list_tests"} {
				b.Run(strings.SplitN(path.Base(ep), "?", 2)[0], func(b *testing.B) {
					r := req(http.MethodGet, ep, "")
					b.ReportAllocs()
					start := processCPU()
					for b.Loop() {
						serve(r)
					}
					b.ReportMetric(float64(processCPU()-start)/float64(b.N), "cpu-ns/op")
				})
			}
		})
	}
}

// processCPU is the CPU time (user and system) this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
