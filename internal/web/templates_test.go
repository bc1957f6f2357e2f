package web

import (
	"testing"

	"github.com/jba/templatecheck"
)

// templateViews maps each page template to its view type. Test files of
// other features add theirs in an init function.
var templateViews = map[string]any{
	"error":              ErrorPage{},
	"login":              LoginPage{},
	"postings":           PostingsPage{},
	"posting":            PostingPage{},
	"posting_basics":     BasicsPage{},
	"posting_import":     ImportPage{},
	"posting_preview":    PreviewPage{},
	"competency":         CompetencyPage{},
	"question":           QuestionPage{},
	"candidates":         CandidatesPage{},
	"posting_candidates": PostingCandidatesPage{},
	"candidates_import":  CSVPage{},
	"candidate":          ScorecardPage{},
	"review_queue":       ReviewQueuePage{},
	"review":             ReviewPage{},
	"review_settings":    ReviewSettingsPage{},
	"fairness":           FairnessPage{},
	"a_survey":           AssessSurveyPage{},
	"analytics":          AnalyticsPage{},
	"analytics_posting":  PostingAnalyticsPage{},
	"compare":            ComparePage{},
	"settings":           SettingsPage{},
	"confirm":            ConfirmPage{},
	"invite":             InvitePage{},
	"password_forgot":    ForgotPage{},
	"password_reset":     ResetPage{},
	"staff_orgs":         StaffOrgsPage{},
	"staff_org":          StaffOrgPage{},
	"staff_outbox":       OutboxPage{},
	"staff_email":        EmailPage{},
	"help":               HelpPage{},
}

// TestTemplatesTypeCheck checks every page template against its view type,
// so a misspelled field fails here instead of in front of a user.
func TestTemplatesTypeCheck(t *testing.T) {
	t.Parallel()
	a, _, err := loadAssets()
	if err != nil {
		t.Fatal(err)
	}
	ts, err := parseTemplates(a)
	if err != nil {
		t.Fatal(err)
	}
	for name, tmpl := range ts {
		view, ok := templateViews[name]
		if !ok {
			t.Errorf("template %s has no view type in this test", name)
			continue
		}
		if err := templatecheck.CheckHTML(tmpl.Lookup("layout.html"), view); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
