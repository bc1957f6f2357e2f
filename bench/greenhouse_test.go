package bench

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/model"
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
			cfg := apptest.Config(b, url)
			cfg.Greenhouse.RateLimit = 1_000_000 // measure the endpoint, not the limiter
			inst := apptest.Start(b, cfg)
			ctx := context.Background()
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
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
			call := func(method, path, body string) int {
				req, _ := http.NewRequest(method, inst.URL+path, strings.NewReader(body))
				req.SetBasicAuth(issued.Key, "")
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
						n := seq.Add(1)
						body := fmt.Sprintf(`{"partner_test_id":%q,"candidate":{"first_name":"C","last_name":"%d","email":"c%d@example.test",
"greenhouse_profile_url":"https://app.greenhouse.io/people/%d?application_id=%d"},"url":"https://app.greenhouse.io/integrations/testing_partners/take_home_tests/%d"}`,
							p.PublicID, n, n, n, n, n)
						if s := call(http.MethodPost, "/api/greenhouse/send_test", body); s != http.StatusOK {
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
