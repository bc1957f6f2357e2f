package harvest_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/greenhouse/harvest"
	"github.com/talentsystems/talentsystems/internal/greenhouse/sandbox"
)

// counting counts the answers with status 429.
type counting struct {
	calls, limited atomic.Int64
}

func (c *counting) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	c.calls.Add(1)
	if err == nil && resp.StatusCode == http.StatusTooManyRequests {
		c.limited.Add(1)
	}
	return resp, err
}

// TestPaceByRemaining makes more calls than the sandbox's window allows:
// the client reads X-RateLimit-Remaining and waits for the window to reset
// before Greenhouse would answer 429, so no call is refused.
func TestPaceByRemaining(t *testing.T) {
	const window = time.Second
	sb := sandbox.New(sandbox.Config{RateLimit: 5, RateWindow: window})
	if err := sb.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	rt := &counting{}
	redirect := "http://127.0.0.1/callback"
	c := harvest.New(harvest.Config{ClientID: "sandbox-client", ClientSecret: "sandbox-secret", AuthURL: sb.URL(), HarvestURL: sb.URL(),
		RedirectURL: redirect, HTTP: &http.Client{Transport: rt}, PerPage: 7, RateWindow: window})
	ctx := context.Background()
	tok, err := c.Exchange(ctx, sb.IssueCode(redirect, harvest.Scopes, sandbox.AsUser))
	if err != nil {
		t.Fatal(err)
	}
	ts := func(context.Context, string) (string, error) { return tok.Access, nil }
	t0 := time.Now()
	for range 3 { // the open jobs at 7 a page: 4 calls each, 12 in all
		jobs, err := c.OpenJobs(ctx, ts)
		if err != nil {
			t.Fatal(err)
		}
		if len(jobs) == 0 {
			t.Fatal("no jobs")
		}
	}
	rt.calls.Add(-1) // the token exchange
	if n := rt.limited.Load(); n != 0 {
		t.Errorf("%d of %d calls were answered 429: the client did not pace by X-RateLimit-Remaining", n, rt.calls.Load())
	}
	// At most 4 calls a window (the low-water mark keeps one back): at
	// least (calls-1)/4 resets waited out.
	calls := rt.calls.Load()
	if want := time.Duration((calls-1)/4) * window; calls < 12 || time.Since(t0) < want {
		t.Errorf("%d calls took %s, want at least 12 calls and %s", calls, time.Since(t0), want)
	}
	if c.Remaining() < 0 {
		t.Errorf("remaining %d", c.Remaining())
	}
}
