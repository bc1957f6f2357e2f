package bench

import (
	"context"
	"fmt"
	"os"
	"path"
	"testing"

	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// partnerFixture is what the Assessment Partner API benches call: an
// instance (its rate limit out of the way: they measure the endpoint, not
// the limiter) with an organization, its active example posting and an API
// key.
type partnerFixture struct {
	inst     *apptest.Instance
	org      *model.Org
	publicID string
	key      string
}

func newPartnerFixture(tb testing.TB, dbURL string) *partnerFixture {
	ctx := context.Background()
	cfg := apptest.Config(tb, dbURL)
	cfg.Greenhouse.RateLimit = 100_000_000
	inst := apptest.Start(tb, cfg)
	org, err := inst.Accounts.CreateOrg(ctx, model.CommandLine(0), "Bench", "bench")
	if err != nil {
		tb.Fatal(err)
	}
	doc, _ := os.ReadFile("../examples/postings/backend-engineer.json")
	p, err := inst.Postings.Import(ctx, model.CommandLine(org.ID), bytesReader(doc), true)
	if err != nil {
		tb.Fatal(err)
	}
	issued, err := inst.APIKeys.Generate(ctx, model.CommandLine(org.ID), org.ID)
	if err != nil {
		tb.Fatal(err)
	}
	return &partnerFixture{inst: inst, org: org, publicID: p.PublicID, key: issued.Key}
}

// sendBody is send_test's body for Greenhouse test n (a new candidate for
// each n).
func (f *partnerFixture) sendBody(n int64) string {
	return fmt.Sprintf(`{"partner_test_id":%q,"candidate":{"first_name":"C","last_name":"%d","email":"c%d@example.test",
"greenhouse_profile_url":"https://app.greenhouse.io/people/%d?application_id=%d"},"url":"https://app.greenhouse.io/integrations/testing_partners/take_home_tests/%d"}`,
		f.publicID, n, n, n, n, n)
}

// complete takes candidate id's assessment from start to submission, so
// that test_status answers with a whole result.
func (f *partnerFixture) complete(tb testing.TB, id int64) {
	ctx := context.Background()
	c, err := store.OrgCandidate(ctx, f.inst.Store.DB, f.org.ID, id)
	if err != nil {
		tb.Fatal(err)
	}
	token := path.Base(f.inst.Candidates.Link(c))
	if err := f.inst.Candidates.Start(ctx, token, true); err != nil {
		tb.Fatal(err)
	}
	if err := f.inst.Candidates.Submit(ctx, token); err != nil {
		tb.Fatal(err)
	}
}
