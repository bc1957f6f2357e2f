package greenhouse

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/scoring"
)

// encoded is what encoding/json's Encoder writes for v (the way the API
// answered before AppendJSON), or nil when it refuses v.
func encoded(t *testing.T, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		return nil
	}
	return buf.Bytes()
}

func checkAppend(t *testing.T, v interface{ AppendJSON([]byte) ([]byte, bool) }) {
	t.Helper()
	want := encoded(t, v)
	got, ok := v.AppendJSON([]byte("prefix"))
	if !ok {
		if string(got) != "prefix" {
			t.Fatalf("a refused value changed the buffer: %q", got)
		}
		if want != nil && isPlain(v) {
			t.Fatalf("AppendJSON refused %#v, which encoding/json encodes as %s", v, want)
		}
		return
	}
	if want == nil || string(got) != "prefix"+string(want) {
		t.Fatalf("AppendJSON(%#v)\n got %q\nwant %q", v, got, want)
	}
}

// isPlain reports whether v holds only strings and finite numbers, which
// AppendJSON must encode itself.
func isPlain(v any) bool {
	st, ok := v.(*TestStatus)
	if !ok {
		return true
	}
	finite := func(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }
	if st.PartnerScore != nil && !finite(*st.PartnerScore) {
		return false
	}
	for _, x := range st.Metadata {
		switch x := x.(type) {
		case string:
		case float64:
			if !finite(x) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

var awkward = []string{"", "plain", `quote " backslash \ slash /`, "<b>&amp;</b>", "tab\tnew\nline\rcr\bb\ff\x00\x1f\x7f",
	"é ü 日本", "\u2028\u2029", "bad \xff utf8 \xc3", "emoji 😀", "Competency: x (y)"}

func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	now := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	score := 87.46
	res := &scoring.Result{NeedsReview: true, Competencies: []scoring.CompetencyScore{{Key: "a", Name: "API design", Score: 91.25},
		{Key: "b", Name: "Recommendation", Score: 0}, {Key: "c", Name: " ", Score: 100}, {Key: "d", Name: "<script>", Score: 33.33}}}
	for _, a := range []Assessment{
		{Status: "sent", ExpiresAt: now.Add(time.Hour)},
		{Status: "sent", ExpiresAt: now},
		{Status: "started"},
		{CandidateID: 7, PostingID: 3, Status: "completed", Score: &score, Recommendation: "strong_yes", StartedAt: now.Add(-time.Hour),
			CompletedAt: now, AssessmentType: "both", Result: res},
		{CandidateID: 7, PostingID: 3, Status: "completed", Result: res, Provisional: true},
		{CandidateID: 7, PostingID: 3, Status: "completed"},
	} {
		st := BuildStatus(a, "https://ts.example/<x>&", now)
		checkAppend(t, &st)
	}
	for _, s := range awkward {
		checkAppend(t, &TestStatus{PartnerStatus: s, PartnerProfileURL: s, Metadata: map[string]any{s: s, s + "2": 1.5}})
	}
	for _, f := range []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 99.95, 1e-6, 9.99e-7, 1e-7, 1.5e-10, 1e20, 1e21, 123456789012345678901234.0, math.MaxFloat64,
		math.SmallestNonzeroFloat64, math.NaN(), math.Inf(1), math.Inf(-1)} {
		checkAppend(t, &TestStatus{PartnerStatus: "complete", PartnerScore: &f})
		checkAppend(t, &TestStatus{PartnerStatus: "complete", Metadata: map[string]any{"x": f}})
	}
	checkAppend(t, &TestStatus{PartnerStatus: "complete", Metadata: map[string]any{"n": 3, "b": true}})
	checkAppend(t, TestList(nil))
	checkAppend(t, TestList{})
	var list TestList
	for _, s := range awkward {
		list = append(list, TestListing{PartnerTestID: s, PartnerTestName: s + " — Interview"})
		checkAppend(t, list)
	}
}

func FuzzAppendJSON(f *testing.F) {
	for _, s := range awkward {
		f.Add(s, s, 42.5)
	}
	f.Fuzz(func(t *testing.T, a, b string, x float64) {
		checkAppend(t, &TestStatus{PartnerStatus: a, PartnerProfileURL: b, PartnerScore: &x, Metadata: map[string]any{a: b, b: x, "Started At": a}})
		checkAppend(t, TestList{{PartnerTestID: a, PartnerTestName: b}, {PartnerTestID: b, PartnerTestName: a}})
	})
}
