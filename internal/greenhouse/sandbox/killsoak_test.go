package sandbox_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/candidates"
	"github.com/talentsystems/talentsystems/internal/greenhouse/sandbox"
	"github.com/talentsystems/talentsystems/internal/secretbox"
	"github.com/talentsystems/talentsystems/internal/store"
)

// TestKillSoak is the crash soak with real processes: the binary is built
// and run as subprocesses against the sandbox, which fails about 30 % of
// the completion PATCHes (20 % answered 503, 10 % held until the product's
// request times out) with latency, while Greenhouse candidates complete
// their assessments over HTTP. Mid-run an instance is SIGKILLed and
// restarted. Every completion must reach Greenhouse (a 200 PATCH), none may
// be lost, and none may count twice: one submitted attempt per candidate,
// and every test_status Greenhouse reads after a PATCH says the same
// complete result. On SQLite one instance is killed and restarted; on
// PostgreSQL three instances share the database and one is killed and
// restarted. TS_SOAK_CANDIDATES (default 8) and TS_SOAK_KILLS (default 1)
// size it; docs/reliability.md has the long run's command and figures.
func TestKillSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("soak")
	}
	n, kills := envInt("TS_SOAK_CANDIDATES", 8), envInt("TS_SOAK_KILLS", 1)
	bin := filepath.Join(t.TempDir(), "talentsystems")
	build := exec.Command("go", "build", "-o", bin, "github.com/talentsystems/talentsystems/cmd/talentsystems")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	// The two run side by side: most of each is waiting for a killed
	// instance's jobs to be rescued.
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		killSoak(t, bin, "", 1, n, kills)
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		killSoak(t, bin, apptest.PostgresURL(t), 3, n, kills)
	})
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// proc is one instance of the binary.
type proc struct {
	t    *testing.T
	bin  string
	env  []string
	addr string
	log  string

	mu   sync.Mutex
	cmd  *exec.Cmd
	up   bool
	runs int
}

func (p *proc) url() string { return "http://" + p.addr }

func (p *proc) alive() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.up
}

// start runs the binary and waits until /readyz answers 200.
func (p *proc) start() {
	p.t.Helper()
	p.mu.Lock()
	p.runs++
	logf, err := os.OpenFile(p.log, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		p.mu.Unlock()
		p.t.Fatal(err)
	}
	fmt.Fprintf(logf, "--- run %d\n", p.runs)
	cmd := exec.Command(p.bin, "serve")
	cmd.Env = append(os.Environ(), p.env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		p.mu.Unlock()
		p.t.Fatal(err)
	}
	p.cmd = cmd
	p.mu.Unlock()
	go func() { cmd.Wait(); logf.Close() }()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(p.url() + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				p.mu.Lock()
				p.up = true
				p.mu.Unlock()
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	b, _ := os.ReadFile(p.log)
	p.t.Fatalf("instance %s did not become ready:\n%s", p.addr, b)
}

// kill sends SIGKILL: no grace for requests or jobs.
func (p *proc) kill() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd != nil && p.up {
		p.cmd.Process.Kill()
		p.up = false
	}
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func killSoak(t *testing.T, bin, dbURL string, instances, n, kills int) {
	ctx := context.Background()
	began := time.Now()
	seed := uint64(envInt("TS_SOAK_SEED", 0))
	if seed == 0 {
		seed = rand.Uint64()
	}
	t.Logf("fault seed %d (TS_SOAK_SEED repeats the sandbox's draws)", seed)
	s := sandbox.New(sandbox.Config{Log: apptest.Logger(t), Seed: seed})
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.SetFault("patch", sandbox.Fault{FailureRate: 0.2, TimeoutRate: 0.1, TimeoutSeconds: 3, LatencyMS: 40}); err != nil {
		t.Fatal(err)
	}
	// The organization, posting and key are made by an in-process instance
	// on the same database, stopped before the binaries start.
	seeded := startProduct(t, dbURL, s.Addr())
	cfg := seeded.Config
	if err := seeded.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, cfg.DatabaseURL.Reveal(), cfg.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })

	procs := make([]*proc, instances)
	for i := range procs {
		addr := freeAddr(t)
		procs[i] = &proc{t: t, bin: bin, addr: addr, log: filepath.Join(t.TempDir(), fmt.Sprintf("instance-%d.log", i)), env: []string{
			"TS_ADDR=" + addr, "TS_BASE_URL=http://" + addr, "TS_DATA_DIR=" + cfg.DataDir, "DATABASE_URL=" + cfg.DatabaseURL.Reveal(),
			"TS_SECRET_KEY=" + soakSecretKey, "TS_LOG_LEVEL=warn", "TS_JOB_POLL_INTERVAL=50ms",
			// A job of a killed instance is rescued after 3 s (the default is
			// 2 minutes); the callback's request time is 1 s, so no live job
			// runs that long.
			"TS_JOB_RESCUE_AFTER=3s", "TS_GREENHOUSE_SANDBOX_HOSTS=" + s.Addr(), "TS_GREENHOUSE_CALLBACK_TIMEOUT=1s",
			"TS_GREENHOUSE_CALLBACK_RETRY_BASE=100ms", "TS_GREENHOUSE_CALLBACK_RETRY_MAX=1s"}}
		procs[i].start()
	}
	t.Cleanup(func() {
		for _, p := range procs {
			p.kill()
		}
	})
	victim := procs[0]
	// Greenhouse sends to an instance that is not killed (on SQLite, the one).
	front := procs[len(procs)-1]
	s.SetPartner(front.url(), seeded.key)
	tests, err := s.ListTests(ctx)
	if err != nil || len(tests) != 1 {
		t.Fatalf("list_tests: %v %+v", err, tests)
	}
	var sends []*sandbox.Send
	for i := range n {
		sd, err := s.Send(ctx, sandbox.SendRequest{TestID: tests[0].ID, TestName: tests[0].Name, Email: "k" + strconv.Itoa(i) + "@example.edu"})
		if err != nil || sd.InterviewID == "" {
			t.Fatalf("send_test %d: %v %s", i, err, sd.Error)
		}
		sends = append(sends, sd)
	}

	// Candidates complete at once, each on an instance of its own (several
	// on the victim), retrying a step whose instance is down on another, or
	// on the same one once it is back, as a person would reload.
	var submitted atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i, sd := range sends {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := takeTolerant(ctx, db, seeded.orgID, sd.InterviewID, procs, i); err != nil {
				errs <- fmt.Errorf("candidate %d: %w", i, err)
				return
			}
			submitted.Add(1)
		}()
	}
	for k := range kills {
		// Kill while candidates answer and callbacks fly (or wait to retry).
		want := max(1, int64(n*(k+1)/(kills+2)))
		if k == 0 {
			want = max(1, int64(n/4))
		}
		for submitted.Load() < want && time.Since(began) < 2*time.Minute {
			time.Sleep(20 * time.Millisecond)
		}
		time.Sleep(time.Duration(rand.IntN(300)) * time.Millisecond)
		victim.kill()
		t.Logf("SIGKILL %s after %d of %d submitted", victim.addr, submitted.Load(), n)
		time.Sleep(300 * time.Millisecond)
		victim.start()
	}
	wg.Wait()
	t.Logf("every candidate submitted after %s", time.Since(began).Round(100*time.Millisecond))
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		dumpLogs(t, procs)
		t.FailNow()
	}

	wctx, stop := context.WithTimeout(ctx, 3*time.Minute)
	defer stop()
	delivered := func(st sandbox.State) map[int64]int {
		ok := map[int64]int{}
		for _, p := range st.Patches {
			if p.Answer == http.StatusOK {
				ok[p.SendID]++
			}
		}
		return ok
	}
	st, err := s.Wait(wctx, func(st sandbox.State) bool { return len(delivered(st)) == n })
	if err != nil || os.Getenv("TS_SOAK_TRACE") != "" {
		for _, p := range st.Patches {
			t.Logf("PATCH send %d at +%s: %d %s", p.SendID, p.At.Sub(began).Round(100*time.Millisecond), p.Answer, p.Fault)
		}
	}
	if err != nil {
		dumpLogs(t, procs)
		t.Fatalf("%d of %d completions reached Greenhouse (%d PATCHes in all)", len(delivered(st)), n, len(st.Patches))
	}
	// None twice in effect: one submitted attempt per candidate, and what
	// Greenhouse read after each PATCH is one complete result per send.
	for _, sd := range sends {
		var attempts int
		db.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM attempts WHERE candidate_id = $1 AND status = 'submitted'`, sd.InterviewID).Scan(&attempts)
		if attempts != 1 {
			t.Errorf("candidate %s has %d submitted attempts, want 1", sd.InterviewID, attempts)
		}
	}
	scores := map[int64]string{}
	for _, r := range st.StatusReads {
		if r.Trigger != "patch" || r.Code != http.StatusOK {
			continue
		}
		got := scoreRe.FindString(r.Body)
		if !strings.Contains(r.Body, `"complete"`) {
			t.Errorf("send %d: Greenhouse read %.200s after a PATCH", r.SendID, r.Body)
		}
		if prev, seen := scores[r.SendID]; seen && prev != got {
			t.Errorf("send %d: Greenhouse read two results: %s and %s", r.SendID, prev, got)
		}
		scores[r.SendID] = got
	}
	patches, refused, twice := len(st.Patches), 0, 0
	for _, p := range st.Patches {
		if p.Answer != http.StatusOK {
			refused++
		}
	}
	for _, c := range delivered(st) {
		twice += c - 1
	}
	t.Logf("%d instance(s), %d SIGKILL(s): %d completions, %d PATCHes, %d refused or timed out by the fault, %d delivered again (same result), all delivered after %s",
		instances, kills, n, patches, refused, twice, time.Since(began).Round(time.Second))
}

// soakSecretKey is apptest.Config's secret key, which the seed instance used.
const soakSecretKey = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="

var scoreRe = regexp.MustCompile(`"partner_score":\s*[0-9.]+`)

func dumpLogs(t *testing.T, procs []*proc) {
	for i, p := range procs {
		b, _ := os.ReadFile(p.log)
		if len(b) > 8000 {
			b = b[len(b)-8000:]
		}
		t.Logf("instance %d (%s) log tail:\n%s", i, p.addr, b)
	}
}

var csrfRe = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// takeTolerant answers a candidate's pages over HTTP like takeAssessment,
// but survives instances dying under it: a step that gets no answer (or a
// 5xx) is tried again on another live instance after a pause, and a step
// already done (its page redirects) is skipped.
func takeTolerant(ctx context.Context, db *store.Store, orgID int64, interviewID string, procs []*proc, i int) error {
	id, err := strconv.ParseInt(interviewID, 10, 64)
	if err != nil {
		return err
	}
	cand, err := store.OrgCandidate(ctx, db.DB, orgID, id)
	if err != nil {
		return err
	}
	key, _ := base64.StdEncoding.DecodeString(soakSecretKey)
	box, err := secretbox.New(key)
	if err != nil {
		return err
	}
	path := candidates.LinkOf(box, "", cand)
	if !strings.HasPrefix(path, "/a/") {
		return fmt.Errorf("no link for candidate %d", id)
	}
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	pick := func(try int) string {
		for k := range procs {
			if p := procs[(i+try+k)%len(procs)]; p.alive() {
				return p.url()
			}
		}
		return procs[i%len(procs)].url()
	}
	steps := []struct {
		page, action string
		form         url.Values
	}{
		{path, path + "/start", url.Values{"consent": {"yes"}}},
		{path + "/q/1", path + "/q/1", url.Values{"answer": {"a"}, "action": {"next"}}},
		{path + "/q/2", path + "/q/2", url.Values{"answer": {"Retry 5xx answers with backoff and honour Retry-After."}, "action": {"review"}}},
		{path + "/review", path + "/submit", nil},
	}
	deadline := time.Now().Add(90 * time.Second)
	time.Sleep(time.Duration(i%8) * 250 * time.Millisecond) // candidates start over 2 s
	for _, st := range steps {
		for try := 0; ; try++ {
			if time.Now().After(deadline) {
				return fmt.Errorf("step %s: no instance answered in time", st.action)
			}
			time.Sleep(time.Duration(100+rand.IntN(400)) * time.Millisecond) // a person reads
			base := pick(try)
			code, body, err := get(hc, base+st.page)
			if err != nil || code >= 500 {
				time.Sleep(100 * time.Millisecond)
				continue
			}
			if code == http.StatusSeeOther || code == http.StatusFound {
				break // done already (e.g. submitted before the instance died)
			}
			m := csrfRe.FindStringSubmatch(body)
			if code != http.StatusOK || m == nil {
				return fmt.Errorf("step %s: page %s answered %d", st.action, st.page, code)
			}
			form := url.Values{"csrf_token": {m[1]}}
			for k, v := range st.form {
				form[k] = v
			}
			resp, err := hc.PostForm(base+st.action, form)
			if err != nil {
				time.Sleep(100 * time.Millisecond)
				continue
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode >= 500 {
				continue
			}
			if resp.StatusCode != http.StatusSeeOther {
				return fmt.Errorf("step %s: %d", st.action, resp.StatusCode)
			}
			break
		}
	}
	for try := 0; time.Now().Before(deadline); try++ {
		code, body, err := get(hc, pick(try)+path)
		if err == nil && code == http.StatusOK && strings.Contains(body, "Thank you") {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("the candidate's page never said Thank you")
}

func get(hc *http.Client, u string) (int, string, error) {
	resp, err := hc.Get(u)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}
