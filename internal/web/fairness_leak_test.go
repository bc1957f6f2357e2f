package web_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/app"
	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/greenhouse/sandbox"
	"github.com/talentsystems/talentsystems/internal/model"
)

// lockedBuffer is a log destination safe for the server's goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestSurveyAnswersNeverLeave: a Greenhouse candidate completes, answers the
// voluntary survey, and Greenhouse reads the result again; the answers are
// in no log line (at debug level), in no answer to Greenhouse, and in no
// export or comparison of the posting.
func TestSurveyAnswersNeverLeave(t *testing.T) {
	t.Parallel()
	gh := newGreenhouse(t, sandbox.Config{})
	logs := &lockedBuffer{}
	cfg := apptest.Config(t, "")
	ghConfig(cfg, gh)
	inst := apptest.StartWith(t, cfg, app.Options{Log: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	e := &env{Instance: inst}
	ann, u := e.member(t, "acme", "ann@acme.test", model.RoleAdmin)
	p := importExample(t, e, u, "backend-engineer")
	finalLevels(t, e, u, p.ID)
	issued, err := e.APIKeys.Generate(context.Background(), model.CommandLine(u.OrgID), u.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	gh.SetPartner(e.URL, issued.Key)
	sd, cand := ghSend(t, e, gh, u, p.PublicID, "grace@example.test")
	complete(t, e, cand, goodAnswers(p.Doc))
	apptest.Eventually(t, 20*time.Second, "Greenhouse to read the result", func() bool {
		for _, r := range gh.Snapshot().StatusReads {
			if r.SendID == sd.ID && strings.Contains(r.Body, "complete") {
				return true
			}
		}
		return false
	})

	token := tokenOf(e, cand)
	survey := "/a/" + token + "/survey"
	cc := apptest.NewClient(t, e.URL)
	expectRedirect(t, "survey", cc.Submit(survey, survey, url.Values{"sex": {"female"}, "race": {"pacific"}}), "/a/"+token)
	if _, err := gh.Poll(context.Background(), sd.ID); err != nil {
		t.Fatal(err)
	}

	leaks := []string{"female", "pacific", "islander"}
	check := func(where, text string) {
		t.Helper()
		lower := strings.ToLower(text)
		for _, l := range leaks {
			if strings.Contains(lower, l) {
				t.Errorf("%s contains %q", where, l)
			}
		}
	}
	st := gh.Snapshot()
	if len(st.StatusReads) < 2 {
		t.Fatalf("Greenhouse read the status %d times, want at least 2", len(st.StatusReads))
	}
	for i, r := range st.StatusReads {
		check(fmt.Sprintf("test_status answer %d", i+1), r.Body)
	}
	for _, n := range st.Notes {
		check("a Greenhouse note", n.Body)
	}
	for _, path := range []string{
		fmt.Sprintf("/postings/%d/candidates/export", p.ID),
		fmt.Sprintf("/postings/%d/candidates/export?format=json", p.ID),
		fmt.Sprintf("/postings/%d/analytics", p.ID),
		fmt.Sprintf("/postings/%d/candidates/%d", p.ID, cand.ID),
	} {
		r := ann.Get(path)
		if r.Status != http.StatusOK {
			t.Fatalf("%s: %d", path, r.Status)
		}
		check(path, r.Body)
	}
	if !strings.Contains(logs.String(), "/survey") {
		t.Fatal("the log has no line for the survey request: the check below would prove nothing")
	}
	check("the log", logs.String())
}
