package bench

import (
	"context"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
)

func listen(tb testing.TB) net.Listener {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	return ln
}

// BenchmarkPartnerRatio measures the Assessment Partner API at c clients
// (default 32) against a bare net/http handler serving the same JSON, started
// in the same run and alternated with the product round by round; it prints
// each round and the ratio. Run:
//
//	go test ./bench -run '^$' -bench PartnerRatio -benchtime 1x
//
// (PostgreSQL too when TEST_DATABASE_URL is set.)
func BenchmarkPartnerRatio(b *testing.B) {
	runScenario(b, partnerScenario)
}

func partnerScenario(r *report, dbURL string, s scale) {
	tb := r.tb
	ctx := context.Background()
	f := newPartnerFixture(tb, dbURL)
	inst := f.inst
	cl := httpClient(s.C)
	req := func(method, base, p, body string) *http.Request {
		q, _ := http.NewRequest(method, base+p, strings.NewReader(body))
		q.SetBasicAuth(f.key, "")
		q.Header.Set("Content-Type", "application/json")
		return q
	}
	var seq atomic.Int64
	send := func(int, int) error {
		return call(cl, req(http.MethodPost, inst.URL, "/api/greenhouse/send_test", f.sendBody(seq.Add(1))), http.StatusOK)
	}
	if err := send(0, 0); err != nil {
		tb.Fatal(err)
	}
	f.complete(tb, 1) // so that test_status carries the whole result
	fetch := func(p string) []byte {
		resp, err := cl.Do(req(http.MethodGet, inst.URL, p, ""))
		if err != nil {
			tb.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			tb.Fatalf("%s: %d %s", p, resp.StatusCode, body)
		}
		return body
	}
	db := dbName(dbURL)
	r.printf("Partner API, %s, c=%d, %d requests a round, %d rounds", db, s.C, s.N, s.Rounds)
	for _, ep := range []string{"/api/greenhouse/test_status?partner_interview_id=1", "/api/greenhouse/list_tests"} {
		ref := bare(tb, fetch(ep))
		run := func(base string) func() result {
			return func() result {
				return load(s.C, s.N, s.Limit, func(int, int) error { return call(cl, req(http.MethodGet, base, ep, ""), http.StatusOK) })
			}
		}
		name := strings.TrimPrefix(strings.SplitN(ep, "?", 2)[0], "/api/greenhouse/")
		r.pair(db+" "+name, alternate(s, run(ref), run(inst.URL)))
	}
	// A round to warm up, then the statistics PostgreSQL's autovacuum would
	// have gathered by then in production (it analyzes a table once a tenth
	// of it has changed): plans prepared on an empty table may otherwise
	// look up a Greenhouse test by the organization alone.
	if r := load(s.C, s.N/3+1, s.Limit, send); r.Errs > 0 {
		tb.Fatalf("send_test warm-up: %v", r.FirstErr)
	}
	if dbURL != "" {
		if _, err := inst.Store.DB.ExecContext(ctx, "ANALYZE"); err != nil {
			tb.Fatal(err)
		}
	}
	var sends []result
	for range s.Rounds {
		sends = append(sends, load(s.C, s.N, s.Limit, send))
	}
	r.check("send_test", sends...)
	for i, x := range sends {
		r.printf("  %-28s round %d  product %s", db+" send_test", i+1, x)
	}
	rates := make([]float64, len(sends))
	for i, x := range sends {
		rates[i] = x.RPS()
	}
	r.printf("%-30s worst p99 %.1f ms, %.0f–%.0f creates/s", db+" send_test", ms(worst(sends).P99), slices.Min(rates), slices.Max(rates))
}
