package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// One person is one candidate per posting: adding the same email again (in
// any case) is refused with a precise 409 shown as an error, a CSV import
// previews who already is there and skips them, and no second link is made.
func TestDuplicateCandidates(t *testing.T) {
	t.Parallel()
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		e := start(t, dbURL)
		c, ann := e.member(t, "acme", "ann@acme.test", model.RoleRecruiter)
		p := importExample(t, e, ann, "data-analyst")
		base := fmt.Sprintf("/postings/%d/candidates", p.ID)
		r := c.Submit(base, base, url.Values{"first_name": {"Ada"}, "last_name": {"Lovelace"}, "email": {"ada@example.test"}})
		mustStatus(t, "add", r, http.StatusSeeOther)
		if page := c.Get(base); !strings.Contains(page.Body, `class="flash flash-success" role="status"`) {
			t.Error("the success message is not a status")
		}
		r = c.Submit(base, base, url.Values{"first_name": {"Ada"}, "last_name": {"L"}, "email": {" ADA@example.test"}})
		if r.Status != http.StatusConflict || !strings.Contains(r.Body, "already a candidate for this posting") {
			t.Fatalf("second add: %d", r.Status)
		}
		if !strings.Contains(r.Body, `class="flash flash-error" role="alert"`) {
			t.Error("the refusal is not shown as an error alert")
		}
		page := fmt.Sprintf("/postings/%d/candidates/import", p.ID)
		csv := "first_name,last_name,email\nAda,Lovelace,Ada@example.test\nAlan,Turing,alan@example.test\n"
		r = uploadTo(t, c, page, page, "file", "people.csv", []byte(csv), nil)
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "Already a candidate") || !strings.Contains(r.Body, "Import 1 candidate and send the invitation") {
			t.Fatalf("preview: %d\n%s", r.Status, r.Body)
		}
		mustStatus(t, "confirm", c.Submit(page, page, url.Values{"confirm": {"1"}, "content": {csv}}), http.StatusSeeOther)
		if got := c.Get(base).Body; !strings.Contains(got, "1 candidate imported") || !strings.Contains(got, "1 person was already on this posting") {
			t.Error("the import does not say who was skipped")
		}
		// The same file again adds nobody.
		r = uploadTo(t, c, page, page, "file", "people.csv", []byte(csv), nil)
		if !strings.Contains(r.Body, "there is nothing to import") {
			t.Error("a repeated file offers to import again")
		}
		mustStatus(t, "confirm again", c.Submit(page, page, url.Values{"confirm": {"1"}, "content": {csv}}), http.StatusSeeOther)
		_, total, _ := store.ListCandidates(ctx, e.Store.DB, model.CandidateFilter{OrgID: ann.OrgID, Now: time.Now()})
		if total != 2 {
			t.Fatalf("%d candidates, want 2", total)
		}
	})
}
