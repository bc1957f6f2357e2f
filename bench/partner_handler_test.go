package bench

import (
	"net/http"
	"net/http/httptest"
	"path"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/apptest"
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
			f := newPartnerFixture(b, dbURL)
			h := f.inst.Server.Handler()
			req := func(method, p, body string) *http.Request {
				q := httptest.NewRequest(method, "http://bench"+p, strings.NewReader(body))
				q.SetBasicAuth(f.key, "")
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
			serve(req(http.MethodPost, "/api/greenhouse/send_test", f.sendBody(1)))
			f.complete(b, 1)
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
