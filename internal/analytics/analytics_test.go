package analytics_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/analytics"
	"github.com/talentsystems/talentsystems/internal/app"
	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/postings"
)

var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

type fixture struct {
	a        *app.App
	us, them model.Actor
	p        *postings.Posting
	seeded   []*apptest.Seeded
}

func setup(t *testing.T, dbURL string, n int) *fixture {
	t.Helper()
	ctx := context.Background()
	a, _ := apptest.NewApp(t, dbURL, start)
	acme, _ := a.Accounts.CreateOrg(ctx, model.CommandLine(0), "Acme", "")
	other, _ := a.Accounts.CreateOrg(ctx, model.CommandLine(0), "Other", "")
	doc, err := os.ReadFile("../../examples/postings/data-analyst.json")
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.Postings.Import(ctx, model.CommandLine(acme.ID), bytes.NewReader(doc), true)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{a: a, us: model.CommandLine(acme.ID), them: model.CommandLine(other.ID), p: p}
	f.seeded = apptest.SeedCandidates(t, a, acme.ID, p.Doc, n, 7, start)
	return f
}

func nearestRank(v []float64, p float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	k := int(math.Ceil(p*float64(len(s)))) - 1
	return s[max(k, 0)]
}

func meanSD(v []float64) (float64, float64) {
	m := 0.0
	for _, x := range v {
		m += x
	}
	m /= float64(len(v))
	ss := 0.0
	for _, x := range v {
		ss += (x - m) * (x - m)
	}
	return m, math.Sqrt(ss / float64(len(v)-1))
}

func pearson(x, y []float64) float64 {
	mx, _ := meanSD(x)
	my, _ := meanSD(y)
	var sxy, sxx, syy float64
	for i := range x {
		sxy += (x[i] - mx) * (y[i] - my)
		sxx += (x[i] - mx) * (x[i] - mx)
		syy += (y[i] - my) * (y[i] - my)
	}
	return sxy / math.Sqrt(sxx*syy)
}

func alpha(cols [][]float64) float64 {
	k := float64(len(cols))
	total := make([]float64, len(cols[0]))
	sumVar := 0.0
	for _, c := range cols {
		_, sd := meanSD(c)
		sumVar += sd * sd
		for i, x := range c {
			total[i] += x
		}
	}
	_, sd := meanSD(total)
	return k / (k - 1) * (1 - sumVar/(sd*sd))
}

func close(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-6 {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

// TestPostingReport checks every figure of a posting's analytics against
// a computation on the seeded candidates.
func TestPostingReport(t *testing.T) {
	t.Parallel()
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		f := setup(t, dbURL, 80)
		r, err := f.a.Analytics.Posting(ctx, f.us, f.p.ID, time.Time{}, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		var want model.FunnelCounts
		var toStart, toComplete, scores []float64
		hist := make([]int, 10)
		recs := map[string]int{}
		comps := map[string][]float64{}
		outcomes := map[string]map[string]int{}
		for _, s := range f.seeded {
			want.Invited++
			if s.Source == model.SourceGreenhouse {
				want.GreenhouseInvited++
			}
			switch s.Status {
			case model.CandidateExpired:
				want.Expired++
			case model.CandidateCompleted:
				want.Completed++
				if s.Source == model.SourceGreenhouse {
					want.GreenhouseCompleted++
				}
			}
			if !s.StartedAt.IsZero() {
				want.Started++
				toStart = append(toStart, float64(s.StartedAt.Sub(s.CreatedAt)))
			}
			if s.Result == nil {
				continue
			}
			toComplete = append(toComplete, float64(s.Completed.Sub(s.StartedAt)))
			scores = append(scores, s.Result.Overall)
			hist[min(9, int(s.Result.Overall/10))]++
			recs[string(s.Result.Recommendation)]++
			for _, c := range s.Result.Competencies {
				comps[c.Key] = append(comps[c.Key], c.Score)
			}
			if s.Outcome != "" {
				band := "0–39"
				switch {
				case s.Result.Overall >= 80:
					band = "80–100"
				case s.Result.Overall >= 60:
					band = "60–79"
				case s.Result.Overall >= 40:
					band = "40–59"
				}
				if outcomes[band] == nil {
					outcomes[band] = map[string]int{}
				}
				outcomes[band][s.Outcome]++
			}
		}
		if r.Funnel != want {
			t.Errorf("funnel %+v, want %+v", r.Funnel, want)
		}
		if rate, _ := r.CompletionRate(); math.Abs(rate-100*float64(want.Completed)/float64(want.Invited)) > 1e-9 {
			t.Errorf("completion rate %v", rate)
		}
		// Step times are whole seconds, truncated.
		whole := func(d float64) float64 { return float64(time.Duration(d).Truncate(time.Second)) }
		if r.ToStart.N != len(toStart) || float64(r.ToStart.Median) != whole(nearestRank(toStart, 0.5)) {
			t.Errorf("to start %+v, want median %v of %d", r.ToStart, time.Duration(nearestRank(toStart, 0.5)), len(toStart))
		}
		if r.ToComplete.N != len(toComplete) || float64(r.ToComplete.Median) != whole(nearestRank(toComplete, 0.5)) ||
			float64(r.ToComplete.P90) != whole(nearestRank(toComplete, 0.9)) {
			t.Errorf("to complete %+v, want %v and %v", r.ToComplete, time.Duration(nearestRank(toComplete, 0.5)), time.Duration(nearestRank(toComplete, 0.9)))
		}
		for i := range hist {
			if r.Histogram[i] != hist[i] {
				t.Errorf("histogram %v, want %v", r.Histogram, hist)
				break
			}
		}
		for _, c := range r.Recommendations {
			if c.N != recs[c.Key] {
				t.Errorf("recommendation %s: %d, want %d", c.Key, c.N, recs[c.Key])
			}
		}
		if len(r.Competencies) != len(comps) {
			t.Errorf("%d competencies, want %d", len(r.Competencies), len(comps))
		}
		for _, c := range r.Competencies {
			m, sd := meanSD(comps[c.Key])
			close(t, c.Key+" mean", c.Mean, m)
			close(t, c.Key+" sd", c.SD, sd)
		}
		seen := 0
		for _, o := range r.Outcomes {
			w := outcomes[o.Label]
			if o.Active != w["active"] || o.Rejected != w["rejected"] || o.Hired != w["hired"] {
				t.Errorf("outcomes %s: %+v, want %v", o.Label, o, w)
			}
			seen += o.Active + o.Rejected + o.Hired
		}
		if seen == 0 {
			t.Error("no outcomes counted: the test data has none")
		}

		// A date range counts only the candidates invited in it.
		from, to := f.seeded[10].CreatedAt, f.seeded[30].CreatedAt
		r2, err := f.a.Analytics.Posting(ctx, f.us, f.p.ID, from, to)
		if err != nil || r2.Funnel.Invited != 20 {
			t.Errorf("range: %d invited (%v), want 20", r2.Funnel.Invited, err)
		}

		// Percentiles: rank is 1 + how many scored higher.
		for _, s := range f.seeded {
			c, err := f.a.Candidates.Get(ctx, f.us, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			pc, err := f.a.Analytics.Percentile(ctx, f.us, c)
			if err != nil {
				t.Fatal(err)
			}
			if s.Result == nil {
				if pc.Shown {
					t.Errorf("unscored candidate has a percentile %v", pc)
				}
				continue
			}
			higher := 0
			for _, x := range scores {
				if x > s.Result.Overall {
					higher++
				}
			}
			top := int(math.Ceil(100 * float64(higher+1) / float64(len(scores))))
			if !pc.Shown || pc.Top != top || pc.N != len(scores) || pc.String() != "top "+strconv.Itoa(top)+"% of "+strconv.Itoa(len(scores)) {
				t.Errorf("percentile of %v: %+v, want top %d of %d", s.Result.Overall, pc, top, len(scores))
			}
		}

		// Tenants are walls.
		if _, err := f.a.Analytics.Posting(ctx, f.them, f.p.ID, time.Time{}, time.Time{}); apperror.KindOf(err) != apperror.NotFound {
			t.Errorf("another organization's analytics: %v", err)
		}
	})
}

// TestPercentileNeedsSample hides the percentile below 30 scored candidates.
func TestPercentileNeedsSample(t *testing.T) {
	t.Parallel()
	f := setup(t, "", 20) // 14 completed
	ctx := context.Background()
	c, _ := f.a.Candidates.Get(ctx, f.us, f.seeded[3].ID)
	pc, err := f.a.Analytics.Percentile(ctx, f.us, c)
	if err != nil || pc.Shown || !strings.Contains(pc.String(), "14 of the 30") {
		t.Errorf("small sample: %+v %q %v", pc, pc.String(), err)
	}
}

// TestItems checks the item analysis against a direct computation on the
// seeded level matrix.
func TestItems(t *testing.T) {
	t.Parallel()
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		f := setup(t, dbURL, 90)
		r, err := f.a.Analytics.Items(ctx, f.us, model.AnalyticsScope{PostingID: f.p.ID}, 1)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		comp := map[string]string{}
		for _, q := range f.p.Doc.Questions {
			keys = append(keys, q.Key)
			comp[q.Key] = q.Competency
		}
		cols := make([][]float64, len(keys))
		times := make([][]float64, len(keys))
		for _, s := range f.seeded {
			if s.Result == nil {
				continue
			}
			for j, k := range keys {
				cols[j] = append(cols[j], float64(s.Levels[k]))
				times[j] = append(times[j], float64(s.TimeMS[k]))
			}
		}
		if r.N != len(cols[0]) || len(r.Items) != len(keys) {
			t.Fatalf("%d respondents, %d items; want %d, %d", r.N, len(r.Items), len(cols[0]), len(keys))
		}
		weak := 0
		for j, it := range r.Items {
			m, _ := meanSD(cols[j])
			close(t, it.Key+" difficulty", it.Difficulty, m/5)
			rest := make([]float64, len(cols[j]))
			for l := range cols {
				if l != j {
					for i, x := range cols[l] {
						rest[i] += x
					}
				}
			}
			close(t, it.Key+" discrimination", it.Discrimination, pearson(cols[j], rest))
			tm, _ := meanSD(times[j])
			close(t, it.Key+" time", it.MeanTimeMS, tm)
			for _, fl := range it.Flags {
				if strings.Contains(fl, "does not separate") {
					weak++
					if !strings.HasPrefix(fl, "question "+strconv.Itoa(j+1)+" ") {
						t.Errorf("flag %q on item %d", fl, j+1)
					}
				}
			}
			if it.Discrimination < analytics.WeakDiscrimination && len(it.Flags) == 0 {
				t.Errorf("item %d has r=%v and no flag", j+1, it.Discrimination)
			}
		}
		if weak == 0 {
			t.Error("the unrelated last question is not flagged")
		}
		close(t, "overall alpha", r.Overall.Alpha, alpha(cols))
		for _, c := range r.Competencies {
			var set [][]float64
			for j, k := range keys {
				if comp[k] == c.Key {
					set = append(set, cols[j])
				}
			}
			if len(set) < 2 {
				if c.HasAlpha {
					t.Errorf("%s: alpha of one question", c.Key)
				}
				continue
			}
			close(t, c.Key+" alpha", c.Alpha, alpha(set))
		}
		if _, err := f.a.Analytics.Items(ctx, f.them, model.AnalyticsScope{PostingID: f.p.ID}, 1); apperror.KindOf(err) != apperror.NotFound {
			t.Errorf("another organization's items: %v", err)
		}
		if _, err := f.a.Analytics.Items(ctx, f.us, model.AnalyticsScope{PostingID: f.p.ID}, 9); apperror.KindOf(err) != apperror.NotFound {
			t.Errorf("unknown version: %v", err)
		}
	})
}

// TestExport reads the CSV back and compares it with the seeded candidates.
func TestExport(t *testing.T) {
	t.Parallel()
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		f := setup(t, dbURL, 40)
		var buf bytes.Buffer
		if err := f.a.Analytics.Export(ctx, f.us, model.CandidateFilter{PostingID: f.p.ID}, analytics.FormatCSV, &buf); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(buf.Bytes(), []byte("\xEF\xBB\xBF")) {
			t.Fatal("no UTF-8 byte-order mark")
		}
		rows, err := csv.NewReader(bytes.NewReader(buf.Bytes()[3:])).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != len(f.seeded)+1 {
			t.Fatalf("%d rows, want %d", len(rows)-1, len(f.seeded))
		}
		col := map[string]int{}
		for i, h := range rows[0] {
			col[h] = i
		}
		var scores []float64
		for _, s := range f.seeded {
			if s.Result != nil {
				scores = append(scores, s.Result.Overall)
			}
		}
		for i, s := range f.seeded {
			row := rows[i+1]
			wantFirst := s.FirstName
			if strings.HasPrefix(wantFirst, "=") {
				wantFirst = "'" + wantFirst
			}
			if row[col["id"]] != strconv.FormatInt(s.ID, 10) || row[col["first_name"]] != wantFirst || row[col["status"]] != string(s.Status) ||
				row[col["source"]] != string(s.Source) || row[col["greenhouse_application_id"]] != s.GHApplicationID {
				t.Errorf("row %d: %v", i, row)
			}
			if s.Result == nil {
				if row[col["overall"]] != "" {
					t.Errorf("unscored row %d has overall %q", i, row[col["overall"]])
				}
				continue
			}
			if row[col["overall"]] != strconv.FormatFloat(s.Result.Overall, 'f', 1, 64) {
				t.Errorf("row %d overall %q, want %v", i, row[col["overall"]], s.Result.Overall)
			}
			higher := 0
			for _, x := range scores {
				if x > s.Result.Overall {
					higher++
				}
			}
			if row[col["rank"]] != strconv.Itoa(higher+1) || row[col["percentile_top"]] != "" { // 28 scored: below the sample
				t.Errorf("row %d rank %q top %q, want %d and none", i, row[col["rank"]], row[col["percentile_top"]], higher+1)
			}
			var spent int64
			for _, ms := range s.TimeMS {
				spent += ms
			}
			if row[col["time_spent_seconds"]] != strconv.FormatInt((spent+500)/1000, 10) {
				t.Errorf("row %d time %q, want %d ms", i, row[col["time_spent_seconds"]], spent)
			}
			for j, q := range f.p.Doc.Questions {
				if got := row[col["q"+strconv.Itoa(j+1)+" level ("+q.Key+")"]]; got != strconv.Itoa(s.Levels[q.Key]) {
					t.Errorf("row %d %s level %q, want %d", i, q.Key, got, s.Levels[q.Key])
				}
			}
		}
		// The list's filters apply.
		buf.Reset()
		if err := f.a.Analytics.Export(ctx, f.us, model.CandidateFilter{PostingID: f.p.ID, Status: model.CandidateExpired}, analytics.FormatJSON, &buf); err != nil {
			t.Fatal(err)
		}
		if got := strings.Count(buf.String(), `"status": "expired"`); got != 4 || strings.Count(buf.String(), `"id":`) != 4 {
			t.Errorf("expired export: %d rows\n%s", got, buf.String())
		}
		if err := f.a.Analytics.Export(ctx, f.them, model.CandidateFilter{PostingID: f.p.ID}, analytics.FormatCSV, &buf); apperror.KindOf(err) != apperror.NotFound {
			t.Errorf("another organization's export: %v", err)
		}
		if err := f.a.Analytics.Export(ctx, f.us, model.CandidateFilter{PostingID: f.p.ID}, "xlsx", &buf); apperror.KindOf(err) != apperror.Invalid {
			t.Errorf("unknown format: %v", err)
		}
	})
}

// TestCompare lines up candidates and refuses bad selections.
func TestCompare(t *testing.T) {
	t.Parallel()
	f := setup(t, "", 40)
	ctx := context.Background()
	a, b := f.seeded[3], f.seeded[4]
	cmp, err := f.a.Analytics.Compare(ctx, f.us, f.p.ID, []int64{a.ID, b.ID, a.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(cmp.Candidates) != 2 || cmp.Candidates[0].Overall != a.Result.Overall || cmp.Candidates[1].Overall != b.Result.Overall {
		t.Fatalf("compared %+v", cmp.Candidates)
	}
	for j, q := range f.p.Doc.Questions {
		row := cmp.Questions[j]
		if row.Cells[0].Score != float64(a.Levels[q.Key]) || row.Cells[1].Score != float64(b.Levels[q.Key]) || !strings.Contains(row.Cells[1].Answer, "answer of 4") {
			t.Errorf("question %s: %+v", q.Key, row.Cells)
		}
	}
	for _, bad := range [][]int64{{a.ID}, {a.ID, a.ID}, {1, 2, 3, 4, 5, 6, 7}} {
		if _, err := f.a.Analytics.Compare(ctx, f.us, f.p.ID, bad); apperror.KindOf(err) != apperror.Invalid {
			t.Errorf("compare %v: %v", bad, err)
		}
	}
	if _, err := f.a.Analytics.Compare(ctx, f.them, f.p.ID, []int64{a.ID, b.ID}); apperror.KindOf(err) != apperror.NotFound {
		t.Errorf("another organization: %v", err)
	}
}
