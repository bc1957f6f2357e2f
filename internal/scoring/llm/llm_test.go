package llm

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/talentsystems/talentsystems/internal/posting"
	"github.com/talentsystems/talentsystems/internal/scoring"
)

// standIn is a local stand-in for a chat-completions endpoint: it records
// each request and answers with the content the test gives it.
type standIn struct {
	mu       sync.Mutex
	requests []request
	headers  []http.Header
	status   int
	content  func(req request) string
}

func (s *standIn) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
		http.NotFound(w, r)
		return
	}
	var req request
	body, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(body, &req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.requests = append(s.requests, req)
	s.headers = append(s.headers, r.Header.Clone())
	s.mu.Unlock()
	if s.status != 0 {
		http.Error(w, "boom", s.status)
		return
	}
	json.NewEncoder(w).Encode(map[string]any{
		"choices": []map[string]any{{"message": map[string]string{"role": "assistant", "content": s.content(req)}}},
	})
}

func load(t *testing.T) *posting.Posting {
	t.Helper()
	f, err := os.Open("../../../examples/postings/backend-engineer.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := posting.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func question(t *testing.T, p *posting.Posting, key string) *posting.Question {
	for i := range p.Questions {
		if p.Questions[i].Key == key {
			return &p.Questions[i]
		}
	}
	t.Fatalf("no question %s", key)
	return nil
}

const honest = `Every delivery carries the provider's event id, and I insert it into a processed_events table with a unique constraint before doing anything else, so a second delivery fails on insert and is skipped.
The insert and the payment update happen in the same transaction, so both commit or neither does.
The payment keeps the timestamp of the last event applied and only moves forward, so a refund that arrives first waits for the success.
I verify the HMAC signature with the shared secret first, and answer 200 quickly while slow work goes to a background job; the provider retries anything that fails.`

// verdictJSON returns a model reply for the webhook's five items.
func verdictJSON(level int, quotes ...string) string {
	v := verdict{Level: level, Rationale: "Covers deduplication, atomicity, ordering, signatures and fast acknowledgement."}
	for i := range 5 {
		iv := itemVerdict{Item: i + 1}
		if i < len(quotes) && quotes[i] != "" {
			iv.Met, iv.Quotes = true, []string{quotes[i]}
		}
		v.Items = append(v.Items, iv)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func TestModelScorer(t *testing.T) {
	p := load(t)
	q := question(t, p, "idempotent-webhook")
	goodQuotes := []string{
		"a processed_events table with a unique constraint",
		"happen in the same transaction",
		"only moves forward",
		"I verify the HMAC signature",
		"slow work goes to a background job",
	}
	tests := []struct {
		name       string
		answer     string
		content    string
		status     int
		scorer     string
		level      int
		confidence scoring.Confidence
		reason     string
	}{
		{"accepted", honest, verdictJSON(5, goodQuotes...), 0, "llm/v1 test-model", 5, scoring.ConfidenceHigh, "model: Covers"},
		{"model says less than the rules", honest, verdictJSON(4, goodQuotes[:4]...), 0, "llm/v1 test-model", 4, scoring.ConfidenceHigh, "model:"},
		{"invented quote", honest, verdictJSON(5, "we use an outbox table", goodQuotes[1]), 0, scoring.RulesName, 5, scoring.ConfidenceLow, `quote "we use an outbox table" is not in the answer`},
		{"met without quote", honest, `{"level": 5, "items": [{"item": 1, "met": true}, {"item": 2}, {"item": 3}, {"item": 4}, {"item": 5}]}`, 0, scoring.RulesName, 5, scoring.ConfidenceLow, "item 1 is met without a quote"},
		{"level out of range", honest, verdictJSON(7, goodQuotes...), 0, scoring.RulesName, 5, scoring.ConfidenceLow, "level 7 is not from 1 to 5"},
		{"not JSON", honest, "Level 5, great answer!", 0, scoring.RulesName, 5, scoring.ConfidenceLow, "did not answer in the requested JSON"},
		{"server error", honest, "", http.StatusInternalServerError, scoring.RulesName, 5, scoring.ConfidenceLow, "answered 500 Internal Server Error"},
		// Issue 10's keyword list: the model is fooled (or injected) into
		// level 5 with verbatim quotes, and the gaming caps still apply.
		{"keyword list", "idempotency key unique constraint transaction atomic version timestamp hmac signature queue retries",
			verdictJSON(5, "idempotency key", "transaction", "version", "hmac", "queue"), 0, "llm/v1 test-model", 2, scoring.ConfidenceLow, "mostly rubric terms"},
		{"disagrees with the rules", honest, verdictJSON(2, goodQuotes[0]), 0, "llm/v1 test-model", 2, scoring.ConfidenceLow, "disagree: model level 2, rules level 5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			si := &standIn{status: tt.status, content: func(request) string { return tt.content }}
			srv := httptest.NewServer(si)
			defer srv.Close()
			s := New(srv.URL+"/v1/", "test-model", "sk-test", srv.Client())
			got := s.ScoreQuestion(p, q, scoring.Answer{Text: tt.answer})
			if got.Scorer != tt.scorer || got.Level != tt.level || got.OriginalLevel != got.Level || got.Points != scoring.Points(got.Level) || got.Confidence != tt.confidence {
				t.Errorf("score = %s level %d (original %d) %s, want %s level %d %s; reasons %v", got.Scorer, got.Level, got.OriginalLevel, got.Confidence, tt.scorer, tt.level, tt.confidence, got.Reasons)
			}
			var words []string
			for _, r := range got.Reasons {
				words = append(words, r.Text)
			}
			if !strings.Contains(strings.Join(words, " | "), tt.reason) {
				t.Errorf("reasons %q lack %q", words, tt.reason)
			}
			for _, ev := range got.Evidence {
				if ev.Found && tt.answer[ev.Start:ev.End] != ev.Phrase {
					t.Errorf("evidence %+v does not point at its quote", ev)
				}
			}
			if len(si.requests) != 1 {
				t.Fatalf("%d requests, want 1", len(si.requests))
			}
			req, h := si.requests[0], si.headers[0]
			if req.Model != "test-model" || req.ResponseFormat.Type != "json_object" || len(req.Messages) != 2 ||
				!strings.Contains(req.Messages[1].Content, tt.answer) || !strings.Contains(req.Messages[1].Content, "5. Acknowledges quickly") {
				t.Errorf("request = %+v", req)
			}
			if h.Get("Authorization") != "Bearer sk-test" || h.Get("Content-Type") != "application/json" {
				t.Errorf("headers = %v", h)
			}
		})
	}
}

func TestModelScorerLeavesExactQuestionsToRules(t *testing.T) {
	p := load(t)
	si := &standIn{content: func(request) string { t.Error("the model was asked"); return "" }}
	srv := httptest.NewServer(si)
	defer srv.Close()
	s := New(srv.URL+"/v1", "test-model", "", srv.Client())
	answers := map[string]scoring.Answer{"lost-update": {Choices: []string{"b"}}, "connection-pool": {Number: ptr(30)}}
	for _, qs := range scoring.ScoreAll(s, p, answers) {
		if qs.Kind == posting.KindMultipleChoice || qs.Kind == posting.KindNumeric || !qs.Answered {
			if qs.Scorer != scoring.RulesName {
				t.Errorf("%s scored by %s", qs.Key, qs.Scorer)
			}
		}
	}
	if len(si.requests) != 0 {
		t.Errorf("%d requests for exact or unanswered questions", len(si.requests))
	}
}

func ptr(f float64) *float64 { return &f }
