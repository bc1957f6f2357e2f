package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/app"
	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/candidates"
	"github.com/talentsystems/talentsystems/internal/config"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/posting"
	"github.com/talentsystems/talentsystems/internal/scoring"
)

const standInKey = "sk-stand-in-0123456789"

// standIn is a local stand-in for an OpenAI-compatible chat-completions
// endpoint. It marks every rubric item met, quoting the answer's first
// line, at level 5 — except for a question about an incident, where it
// quotes words the candidate never wrote.
func standIn(t *testing.T) (*httptest.Server, *int) {
	var mu sync.Mutex
	calls := new(int)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/chat/completions" || r.Method != http.MethodPost {
			http.NotFound(w, r)
			return
		}
		if r.Header.Get("Authorization") != "Bearer "+standInKey {
			http.Error(w, `{"error": "bad key"}`, http.StatusUnauthorized)
			return
		}
		var req struct {
			Model    string `json:"model"`
			Messages []struct{ Role, Content string }
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Model != "stand-in" || len(req.Messages) != 2 {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		mu.Lock()
		*calls++
		mu.Unlock()
		user := req.Messages[1].Content
		answer := user[strings.Index(user, "<<<ANSWER\n")+len("<<<ANSWER\n") : strings.LastIndex(user, "\nANSWER>>>")]
		quote := strings.SplitN(strings.TrimSpace(answer), "\n", 2)[0]
		if strings.Contains(user, "QUESTION:\n") && strings.Contains(strings.SplitN(user, "RUBRIC ITEMS:", 2)[0], "incident") {
			quote = "I have never had an incident in my career"
		}
		rubric := strings.SplitN(strings.SplitN(user, "RUBRIC ITEMS:\n", 2)[1], "\n\n", 2)[0]
		type item struct {
			Item   int      `json:"item"`
			Met    bool     `json:"met"`
			Quotes []string `json:"quotes"`
		}
		var items []item
		for i := range strings.Split(strings.TrimSpace(rubric), "\n") {
			items = append(items, item{Item: i + 1, Met: true, Quotes: []string{quote}})
		}
		content, _ := json.Marshal(map[string]any{"items": items, "level": 5, "rationale": "Every item is demonstrated."})
		json.NewEncoder(w).Encode(map[string]any{"choices": []any{map[string]any{"message": map[string]string{"role": "assistant", "content": string(content)}}}})
	}))
	t.Cleanup(srv.Close)
	return srv, calls
}

// lockedBuffer collects log output from several goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestModelScorer configures the model scorer (TS_SCORER_MODEL_URL and its
// fellows) against a local stand-in and takes the backend-engineer posting
// through the service: the model's suggestion is used where its quotes are
// the candidate's words, refused (the rules' level, low confidence, review)
// where they are not, capped like the rules' on a keyword list, and the key
// never reaches the log.
func TestModelScorer(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../scoring/testdata/corpus.json")
	if err != nil {
		t.Fatal(err)
	}
	var cp corpus
	if err := json.Unmarshal(raw, &cp); err != nil {
		t.Fatal(err)
	}
	c := cp["backend-engineer.json"]
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		srv, calls := standIn(t)
		cfg := apptest.Config(t, dbURL)
		cfg.ScorerModel = config.ScorerModel{URL: srv.URL + "/v1", Model: "stand-in", Key: standInKey, Timeout: 5 * time.Second}
		var logs lockedBuffer
		clock := apptest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		a, err := app.New(ctx, cfg, app.Options{Now: clock.Now, Log: slog.New(slog.NewTextHandler(io.MultiWriter(&logs), &slog.HandlerOptions{Level: slog.LevelDebug}))})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.Close() })
		org, _ := a.Accounts.CreateOrg(ctx, model.CommandLine(0), "Acme", "")
		us := model.CommandLine(org.ID)
		doc, _ := os.ReadFile("../../examples/postings/backend-engineer.json")
		p, err := a.Postings.Import(ctx, us, bytes.NewReader(doc), true)
		if err != nil {
			t.Fatal(err)
		}
		take := func(email string, open func(q posting.Question) string) (scoring.Result, map[string]*model.AnswerCheck) {
			t.Helper()
			cand, err := a.Candidates.Add(ctx, us, p.ID, candidates.Person{FirstName: "Cand", LastName: "Date", Email: email}, candidates.AddOptions{Source: model.SourceManual})
			if err != nil {
				t.Fatal(err)
			}
			link := a.Candidates.Link(cand)
			token := link[strings.LastIndex(link, "/")+1:]
			if err := a.Candidates.Start(ctx, token, true); err != nil {
				t.Fatal(err)
			}
			ss, _ := a.Candidates.Open(ctx, token)
			for i, q := range ss.Questions {
				if !ss.Editable(i) {
					if err := a.Candidates.Advance(ctx, token); err != nil {
						t.Fatal(err)
					}
					ss, _ = a.Candidates.Open(ctx, token)
				}
				if err := a.Candidates.View(ctx, token, i); err != nil {
					t.Fatal(err)
				}
				ans := c.Closed[q.Key]
				if q.Kind == posting.KindFreeText || q.Kind == posting.KindTask {
					ans = scoring.Answer{Text: open(q)}
				}
				clock.Advance(8 * time.Minute)
				if err := a.Candidates.Save(ctx, token, i, ans, nil); err != nil {
					t.Fatal(err)
				}
			}
			if err := a.Candidates.Submit(ctx, token); err != nil {
				t.Fatal(err)
			}
			got, _ := a.Candidates.Get(ctx, us, cand.ID)
			at, _ := a.Candidates.Attempts(ctx, got)
			var res scoring.Result
			if err := json.Unmarshal(at[len(at)-1].Result, &res); err != nil {
				t.Fatal(err)
			}
			checks, err := a.Candidates.Checks(ctx, at[len(at)-1])
			if err != nil {
				t.Fatal(err)
			}
			return res, checks
		}

		res, checks := take("honest@example.test", func(q posting.Question) string { return c.Honest[q.Key][1] })
		for _, q := range res.Questions {
			t.Logf("honest %s: level %d by %s, %s confidence", q.Key, q.Level, q.Scorer, q.Confidence)
			switch q.Key {
			case "idempotent-webhook", "rate-limiter":
				if q.Scorer != "llm/v1 stand-in" || len(q.Evidence) == 0 || !q.Evidence[0].Found {
					t.Errorf("%s: scored by %q, evidence %+v; want the model's suggestion", q.Key, q.Scorer, q.Evidence)
				}
			case "incident-review":
				if q.Scorer != scoring.RulesName || q.Confidence != scoring.ConfidenceLow || !strings.Contains(reasons(q), "is not in the answer") {
					t.Errorf("%s: a quote the candidate never wrote gave %q, %s, %s", q.Key, q.Scorer, q.Confidence, reasons(q))
				}
				if ck := checks[q.Key]; ck == nil || !ck.NeedsReview {
					t.Errorf("%s: the refused model answer is not flagged for review", q.Key)
				}
			}
		}
		if !res.NeedsReview {
			t.Error("the result awaits no review although a model answer was refused")
		}

		res, checks = take("gamer@example.test", func(q posting.Question) string { return c.Gamed[q.Key]["bare list of every term"] })
		for _, q := range res.Questions {
			if q.Kind != posting.KindFreeText && q.Kind != posting.KindTask {
				continue
			}
			t.Logf("gamed %s: level %d by %s, %s confidence, cap %d", q.Key, q.Level, q.Scorer, q.Confidence, q.Cap)
			if q.Level >= 4 || q.Confidence != scoring.ConfidenceLow {
				t.Errorf("%s: the model's level 5 on a keyword list gave level %d, %s confidence (%s)", q.Key, q.Level, q.Confidence, reasons(q))
			}
			if ck := checks[q.Key]; ck == nil || !ck.NeedsReview {
				t.Errorf("%s: a gamed answer scored by the model is not flagged for review", q.Key)
			}
		}
		if *calls == 0 {
			t.Error("the stand-in was never called")
		}
		if out := logs.String(); strings.Contains(out, standInKey) || !strings.Contains(out, "model scorer on") {
			t.Errorf("log:\n%s", out)
		}
	})
}

func reasons(q scoring.QuestionScore) string {
	var r []string
	for _, x := range q.Reasons {
		r = append(r, x.Text)
	}
	return strings.Join(r, "; ")
}
