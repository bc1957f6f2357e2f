package greenhouse

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/talentsystems/talentsystems/internal/memo"
	"github.com/talentsystems/talentsystems/internal/scoring"
)

// The partner_status values we answer.
const (
	StatusSent       = "sent"
	StatusInProgress = "in_progress"
	StatusComplete   = "complete"
	StatusExpired    = "expired"
)

// TestStatus is a Test Status answer (contract §1.4). Fields that do not
// apply are left out.
type TestStatus struct {
	PartnerStatus     string         `json:"partner_status"`
	PartnerProfileURL string         `json:"partner_profile_url,omitempty"`
	PartnerScore      *float64       `json:"partner_score,omitempty"`
	Metadata          map[string]any `json:"metadata,omitempty"`
}

// Assessment is what test_status reports about one candidate.
type Assessment struct {
	CandidateID, PostingID int64
	// Status is the stored candidate status: sent, started or completed.
	Status         string
	ExpiresAt      time.Time
	Score          *float64
	Recommendation string
	StartedAt      time.Time
	CompletedAt    time.Time
	// AssessmentType is the posting's: interview, practical or both.
	AssessmentType string
	// Result is the scored attempt, nil before completion.
	Result *scoring.Result
	// Provisional reports that the organization sends the provisional
	// result while open answers await review (docs/greenhouse.md).
	Provisional bool
}

// AwaitingReview reports that the assessment is completed but open answers
// still await a person's review, so its result is not final.
func (a *Assessment) AwaitingReview() bool {
	return a.Status == "completed" && a.Result != nil && a.Result.NeedsReview
}

// PartnerStatus maps a candidate's status to Greenhouse's words. A started
// attempt is in progress until it is submitted, even past the link's expiry:
// the attempt runs to its own time limit. A link that lapsed before
// completion is expired.
func (a *Assessment) PartnerStatus(now time.Time) string {
	switch {
	case a.AwaitingReview() && !a.Provisional:
		// Completed by the candidate, but not yet scored for good: an
		// answer awaits review. Greenhouse keeps showing it as in progress.
		return StatusInProgress
	case a.Status == "completed":
		return StatusComplete
	case a.Status == "started":
		return StatusInProgress
	case !now.Before(a.ExpiresAt):
		return StatusExpired
	default:
		return StatusSent
	}
}

// ProfileURL is the scorecard of a candidate: where partner_profile_url points.
func ProfileURL(baseURL string, postingID, candidateID int64) string {
	return fmt.Sprintf("%s/postings/%d/candidates/%d", strings.TrimRight(baseURL, "/"), postingID, candidateID)
}

// Metadata keys. Greenhouse shows them as labels.
const (
	KeyRecommendation = "Recommendation"
	KeyAssessmentType = "Assessment Type"
	KeyStartedAt      = "Started At"
	KeyCompletedAt    = "Completed At"
	// KeyReviewStatus is "provisional" while open answers await review
	// (sent only by organizations that chose provisional results) and
	// "final" afterwards.
	KeyReviewStatus = "review_status"
)

// BuildStatus answers Test Status. Once complete the answer has the
// scorecard link, the 0–100 score and flat metadata: the recommendation,
// the assessment type, start and completion times, and each competency's
// 0–100 score under its name.
func BuildStatus(a Assessment, baseURL string, now time.Time) TestStatus {
	st := TestStatus{PartnerStatus: a.PartnerStatus(now)}
	if st.PartnerStatus != StatusComplete {
		return st
	}
	st.PartnerProfileURL = ProfileURL(baseURL, a.PostingID, a.CandidateID)
	if a.Score != nil {
		score := math.Round(math.Max(0, math.Min(100, *a.Score))*10) / 10
		st.PartnerScore = &score
	}
	md := map[string]any{}
	if a.Recommendation != "" {
		md[KeyRecommendation] = RecommendationLabel(a.Recommendation)
	}
	if t := AssessmentTypeLabel(a.AssessmentType); t != "" {
		md[KeyAssessmentType] = t
	}
	if !a.StartedAt.IsZero() {
		md[KeyStartedAt] = a.StartedAt.UTC().Format(time.RFC3339)
	}
	if !a.CompletedAt.IsZero() {
		md[KeyCompletedAt] = a.CompletedAt.UTC().Format(time.RFC3339)
	}
	if a.Result != nil {
		for _, comp := range a.Result.Competencies {
			name := strings.TrimSpace(comp.Name)
			if name == "" {
				name = comp.Key
			}
			if _, taken := md[name]; taken {
				name = "Competency: " + name
			}
			if _, taken := md[name]; taken {
				name += " (" + comp.Key + ")"
			}
			md[name] = math.Round(comp.Score*10) / 10
		}
	}
	if a.Provisional {
		md[KeyReviewStatus] = "final"
		if a.AwaitingReview() {
			md[KeyReviewStatus] = "provisional"
		}
	}
	st.Metadata = md
	return st
}

// DecodeBrief reads what Greenhouse is told of a stored result brief
// (scoring.Result.Brief): the competencies' keys, names and scores, and
// whether it awaits review; nil when there is none. The rest of the brief
// is skipped, not decoded.
//
// Decoded briefs are kept by their bytes (package memo): Greenhouse asks for
// the same candidates' status again and again, and the decode was a quarter
// of test_status's CPU. The bytes are still read from the database on every
// call. The result is shared: callers read it and never modify it.
func DecodeBrief(raw []byte) *scoring.Result {
	if len(raw) == 0 {
		return nil
	}
	r, err := briefs.Get(raw, decodeBrief)
	if err != nil {
		return nil
	}
	return r
}

var briefs = memo.New[*scoring.Result](4096)

func decodeBrief(raw []byte) (*scoring.Result, error) {
	var r struct {
		Competencies []struct {
			Key   string  `json:"key"`
			Name  string  `json:"name"`
			Score float64 `json:"score"`
		} `json:"competencies"`
		NeedsReview bool `json:"needs_review"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, err
	}
	out := &scoring.Result{NeedsReview: r.NeedsReview, Competencies: make([]scoring.CompetencyScore, len(r.Competencies))}
	for i, c := range r.Competencies {
		out.Competencies[i] = scoring.CompetencyScore{Key: c.Key, Name: c.Name, Score: c.Score}
	}
	return out, nil
}

// RecommendationLabel is a recommendation in words: "Strong yes", "No"…
func RecommendationLabel(r string) string {
	s := strings.ReplaceAll(r, "_", " ")
	if s == "" {
		return ""
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// AssessmentTypeLabel names an assessment type for people.
func AssessmentTypeLabel(t string) string {
	switch t {
	case "interview":
		return "Interview"
	case "practical":
		return "Practical"
	case "both":
		return "Interview and practical"
	}
	return ""
}

// TestListing is one entry of list_tests (contract §1.1).
type TestListing struct {
	PartnerTestID   string `json:"partner_test_id"`
	PartnerTestName string `json:"partner_test_name"`
}

// SendTestResponse is send_test's answer (contract §1.2): the id is always a string.
type SendTestResponse struct {
	PartnerInterviewID string `json:"partner_interview_id"`
}
