package fairness_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/account"
	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/candidates"
	"github.com/talentsystems/talentsystems/internal/fairness"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// person is a group of identical candidates of the test posting.
type person struct {
	sex, race string // "" = did not answer the survey
	selected  bool
	count     int
}

// people: men 8 of 10 selected, women 3 of 10; race and intersections
// follow; 5 of unknown sex, 4 of unknown race (see fisher_reference.py for
// the tables compared).
var people = []person{
	{"male", "white", true, 4}, {"male", "white", false, 1}, {"male", "asian", true, 2}, {"male", "black", true, 1},
	{"male", "hispanic", true, 1}, {"male", "asian", false, 1},
	{"female", "white", true, 2}, {"female", "white", false, 1}, {"female", "black", true, 1}, {"female", "black", false, 4},
	{"female", "asian", false, 2},
	{fairness.NotSaid, "asian", true, 1}, {fairness.NotSaid, fairness.NotSaid, false, 1},
	{"", "", true, 2}, {"", "", false, 1},
}

func referenceP(t *testing.T, a, b, c, d int) float64 {
	t.Helper()
	raw, err := os.ReadFile("testdata/fisher_reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Cases []struct {
			Table [4]int  `json:"table"`
			MidP  float64 `json:"mid_p"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	for _, x := range ref.Cases {
		if x.Table == [4]int{a, b, c, d} {
			return x.MidP
		}
	}
	t.Fatalf("no reference for %v", [4]int{a, b, c, d})
	return 0
}

// seed builds the posting of people and returns the admin and the ids of
// the candidates, in the order of people.
func seed(t *testing.T, inst *apptest.Instance) (model.Actor, int64, []int64) {
	t.Helper()
	ctx := context.Background()
	org, err := inst.Accounts.CreateOrg(ctx, model.CommandLine(0), "Acme", "acme")
	if err != nil {
		t.Fatal(err)
	}
	u, err := inst.Accounts.CreateUser(ctx, model.CommandLine(0), account.NewUser{OrgID: org.ID, Email: "ann@acme.test", Name: "Ann", Password: "correct horse battery", Role: model.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("../../examples/postings/backend-engineer.json")
	if err != nil {
		t.Fatal(err)
	}
	p, err := inst.Postings.Import(ctx, u.Actor(), bytes.NewReader(b), true)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	n := 0
	for _, g := range people {
		for range g.count {
			n++
			c, err := inst.Candidates.Add(ctx, u.Actor(), p.ID, candidates.Person{FirstName: "C", LastName: fmt.Sprint(n), Email: fmt.Sprintf("c%d@example.test", n)}, candidates.AddOptions{Source: model.SourceManual})
			if err != nil {
				t.Fatal(err)
			}
			score, rec := 40.0+float64(n), "no"
			if g.selected {
				score, rec = 60+float64(n), "yes"
			}
			c.Status, c.Score, c.Recommendation, c.CompletedAt = model.CandidateCompleted, &score, rec, time.Now()
			if err := store.UpdateCandidate(ctx, inst.Store.DB, c, time.Now()); err != nil {
				t.Fatal(err)
			}
			if g.sex != "" {
				if err := inst.Fairness.Record(ctx, c, g.sex, g.race); err != nil {
					t.Fatal(err)
				}
			}
			ids = append(ids, c.ID)
		}
	}
	return u.Actor(), p.ID, ids
}

// expected tallies people by key (no answer and "not said" are unknown).
func expected(key func(person) string) (counts, sel map[string]int, unknown int) {
	counts, sel = map[string]int{}, map[string]int{}
	for _, g := range people {
		k := key(g)
		if k == "" {
			unknown += g.count
			continue
		}
		counts[k] += g.count
		if g.selected {
			sel[k] += g.count
		}
	}
	return
}

func label(options []fairness.Option, code string) string {
	if code == "" || code == fairness.NotSaid {
		return ""
	}
	for _, o := range options {
		if o.Code == code {
			return o.Label
		}
	}
	panic(code)
}

func TestReportOnBothDatabases(t *testing.T) {
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		inst := apptest.Start(t, apptest.Config(t, dbURL))
		actor, postingID, ids := seed(t, inst)
		ctx := context.Background()
		rep, err := inst.Fairness.Report(ctx, actor, fairness.Options{PostingID: postingID, Basis: fairness.Selection, Level: "yes"})
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for _, g := range people {
			total += g.count
		}
		if rep.Total != total {
			t.Fatalf("total %d, want %d", rep.Total, total)
		}
		keys := []func(person) string{
			func(g person) string { return label(fairness.SexOptions, g.sex) },
			func(g person) string { return label(fairness.RaceOptions, g.race) },
			func(g person) string {
				s, r := label(fairness.SexOptions, g.sex), label(fairness.RaceOptions, g.race)
				if s == "" || r == "" {
					return ""
				}
				return r + " · " + s
			},
		}
		for i, tab := range rep.Tables {
			counts, sel, unknown := expected(keys[i])
			if tab.Unknown != unknown {
				t.Errorf("%s: unknown %d, want %d", tab.Title, tab.Unknown, unknown)
			}
			// The highest rate among the groups of at least 5.
			top, topSel, topN := 0.0, 0, 0
			for k, n := range counts {
				if n >= fairness.DefaultMinCount && float64(sel[k])/float64(n) > top {
					top, topSel, topN = float64(sel[k])/float64(n), sel[k], n
				}
			}
			shown := 0
			for _, row := range tab.Rows {
				shown++
				n, k := counts[row.Category], sel[row.Category]
				if row.Assessed != n || row.Favourable != k || math.Abs(row.Rate-float64(k)/float64(n)) > 1e-12 {
					t.Errorf("%s %s: %d/%d rate %v, want %d/%d", tab.Title, row.Category, row.Favourable, row.Assessed, row.Rate, k, n)
				}
				ratio := float64(k) / float64(n) / top
				if math.Abs(row.Ratio-ratio) > 1e-12 || row.Flag != (ratio < 0.8) {
					t.Errorf("%s %s: ratio %v flag %v, want %v", tab.Title, row.Category, row.Ratio, row.Flag, ratio)
				}
				if row.Highest {
					continue
				}
				if want := referenceP(t, k, n-k, topSel, topN-topSel); math.Abs(row.MidP-want) > 1e-9 {
					t.Errorf("%s %s: mid-P %v, reference %v", tab.Title, row.Category, row.MidP, want)
				}
				if row.Flag {
					more := float64(min(k+2, n)) / float64(n)
					if survives := more/math.Max(more, top) < 0.8; row.Survives != survives {
						t.Errorf("%s %s: survives %v, want %v", tab.Title, row.Category, row.Survives, survives)
					}
				}
			}
			for _, h := range tab.Hidden {
				if counts[h.Category] >= fairness.DefaultMinCount || counts[h.Category] == 0 {
					t.Errorf("%s: %s hidden with %d people", tab.Title, h.Category, counts[h.Category])
				}
			}
			hidden := 0
			for _, n := range counts {
				if n < fairness.DefaultMinCount {
					hidden++
				}
			}
			if len(tab.Hidden) != hidden || shown+hidden != len(counts) {
				t.Errorf("%s: %d shown, %d hidden, want %d hidden of %d", tab.Title, shown, len(tab.Hidden), hidden, len(counts))
			}
		}
		if n := len(rep.Tables[2].Rows); n != 2 {
			t.Errorf("intersection rows %d, want 2 (White · Male, Black · Female)", n)
		}

		// Another organization's actor sees nothing of this posting.
		other := model.Actor{OrgID: actor.OrgID + 1000, Role: model.RoleAdmin}
		if _, err := inst.Fairness.Report(ctx, other, fairness.Options{PostingID: postingID}); apperror.KindOf(err) != apperror.NotFound {
			t.Errorf("other org's report: %v, want not found", err)
		}
		if _, err := inst.Fairness.Report(ctx, actor, fairness.Options{Level: "maybe"}); apperror.KindOf(err) != apperror.Invalid {
			t.Errorf("bad level: %v, want invalid", err)
		}

		// Erasure removes the answers: the first man becomes unknown.
		if err := inst.Candidates.Erase(ctx, actor, ids[0]); err != nil {
			t.Fatal(err)
		}
		if has, err := store.HasSelfIdentification(ctx, inst.Store.DB, ids[0]); err != nil || has {
			t.Fatalf("self-identification after erasure: %v %v", has, err)
		}
		after, err := inst.Fairness.Report(ctx, actor, fairness.Options{PostingID: postingID})
		if err != nil {
			t.Fatal(err)
		}
		if after.Tables[0].Unknown != rep.Tables[0].Unknown+1 || after.Tables[0].Rows[1].Assessed != rep.Tables[0].Rows[1].Assessed-1 {
			t.Errorf("after erasure: unknown %d, men %d", after.Tables[0].Unknown, after.Tables[0].Rows[1].Assessed)
		}
	})
}
