package postings_test

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/posting"
)

// TestCompetencyKeyFixedOncePublished: the postings service, not a page,
// refuses to rename a measured competency of a published posting, whatever
// edit does it, and changes nothing; a draft may, and a published posting
// may still move questions between its competencies and add or delete an
// unmeasured one.
func TestCompetencyKeyFixedOncePublished(t *testing.T) {
	t.Parallel()
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		a, _ := apptest.NewApp(t, dbURL, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		org, err := a.Accounts.CreateOrg(ctx, model.CommandLine(0), "Acme", "")
		if err != nil {
			t.Fatal(err)
		}
		us := model.CommandLine(org.ID)
		raw, err := os.ReadFile("../../examples/postings/data-analyst.json")
		if err != nil {
			t.Fatal(err)
		}
		rename := func(from, to string) func(d *posting.Posting) error {
			return func(d *posting.Posting) error {
				for i := range d.Competencies {
					if d.Competencies[i].Key == from {
						d.Competencies[i].Key = to
					}
				}
				for i := range d.Questions {
					if d.Questions[i].Competency == from {
						d.Questions[i].Competency = to
					}
				}
				return nil
			}
		}
		draft, err := a.Postings.Import(ctx, us, bytes.NewReader(raw), false)
		if err != nil {
			t.Fatal(err)
		}
		key := draft.Doc.Questions[0].Competency
		if _, err := a.Postings.Update(ctx, us, draft.ID, 0, rename(key, "renamed")); err != nil {
			t.Errorf("renaming on a draft: %v", err)
		}

		pub, err := a.Postings.Import(ctx, us, bytes.NewReader(raw), true)
		if err != nil {
			t.Fatal(err)
		}
		_, err = a.Postings.Update(ctx, us, pub.ID, 0, rename(key, "renamed"))
		if apperror.KindOf(err) != apperror.Invalid || apperror.FieldsOf(err)["key"] == "" {
			t.Fatalf("renaming a published posting's competency: %v", err)
		}
		after, err := a.Postings.Get(ctx, us, pub.ID)
		if err != nil {
			t.Fatal(err)
		}
		if after.Revision != pub.Revision || after.Doc.Questions[0].Competency != key {
			t.Errorf("a refused rename changed the posting: revision %d → %d, %q", pub.Revision, after.Revision, after.Doc.Questions[0].Competency)
		}
		// Still allowed once published: a question moved to a new
		// competency from one that other questions still measure, and back,
		// the new one deleted.
		q := -1
		for i, qq := range pub.Doc.Questions {
			n := 0
			for _, o := range pub.Doc.Questions {
				if o.Competency == qq.Competency {
					n++
				}
			}
			if n > 1 {
				q = i
				break
			}
		}
		if q < 0 {
			t.Fatal("no competency measured by two questions")
		}
		from := pub.Doc.Questions[q].Competency
		out := func(d *posting.Posting) error {
			d.Competencies = append(d.Competencies, posting.Competency{Key: "extra", Name: "Extra", Weight: posting.DefaultWeight})
			d.Questions[q].Competency = "extra"
			return nil
		}
		if _, err := a.Postings.Update(ctx, us, pub.ID, 0, out); err != nil {
			t.Errorf("moving a question to a new competency: %v", err)
		}
		back := func(d *posting.Posting) error {
			d.Questions[q].Competency = from
			d.Competencies = d.Competencies[:len(d.Competencies)-1]
			return nil
		}
		if _, err := a.Postings.Update(ctx, us, pub.ID, 0, back); err != nil {
			t.Errorf("moving it back and deleting the new competency: %v", err)
		}
	})
}
