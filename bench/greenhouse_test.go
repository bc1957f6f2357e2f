package bench

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/talentsystems/talentsystems/internal/apptest"
)

// BenchmarkGreenhouseAPI measures the Assessment Partner endpoints as
// Greenhouse calls them, over HTTP on loopback, with parallel clients:
// send_test (each call a new candidate, so a write transaction each) and
// test_status of a candidate.
func BenchmarkGreenhouseAPI(b *testing.B) {
	for _, db := range []string{"sqlite", "postgres"} {
		b.Run(db, func(b *testing.B) {
			url := ""
			if db == "postgres" {
				url = apptest.PostgresURL(b)
			}
			f := newPartnerFixture(b, url)
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
			call := func(method, path, body string) int {
				req, _ := http.NewRequest(method, f.inst.URL+path, strings.NewReader(body))
				req.SetBasicAuth(f.key, "")
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				if err != nil {
					b.Error(err)
					return 0
				}
				resp.Body.Close()
				return resp.StatusCode
			}
			var seq atomic.Int64
			b.Run("send_test", func(b *testing.B) {
				b.SetParallelism(4)
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if s := call(http.MethodPost, "/api/greenhouse/send_test", f.sendBody(seq.Add(1))); s != http.StatusOK {
							b.Errorf("send_test: %d", s)
						}
					}
				})
			})
			b.Run("test_status", func(b *testing.B) {
				b.SetParallelism(4)
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if s := call(http.MethodGet, "/api/greenhouse/test_status?partner_interview_id=1", ""); s != http.StatusOK {
							b.Errorf("test_status: %d", s)
						}
					}
				})
			})
		})
	}
}
