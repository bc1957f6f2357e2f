package web_test

import (
	"encoding/csv"
	"fmt"
	"html"
	"math"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/model"
)

// rowValue reads the value cell of a data-table row labelled label in the
// table captioned caption.
func rowValue(t *testing.T, body, caption, label string) string {
	t.Helper()
	i := strings.Index(body, "<caption>"+caption+"</caption>")
	if i < 0 {
		t.Fatalf("no table %q", caption)
	}
	table := body[i : i+strings.Index(body[i:], "</table>")]
	m := regexp.MustCompile(`<th scope="row">` + regexp.QuoteMeta(label) + `</th><td>([^<]*)</td>`).FindStringSubmatch(table)
	if m == nil {
		t.Fatalf("table %q has no row %q", caption, label)
	}
	return html.UnescapeString(m[1])
}

// TestAnalyticsPages checks the figures the pages show against a
// computation on the seeded candidates, on both databases.
func TestAnalyticsPages(t *testing.T) {
	t.Parallel()
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		e := start(t, dbURL)
		c, ann := e.member(t, "acme", "ann@acme.test", model.RoleRecruiter)
		other, olga := e.member(t, "other", "olga@other.test", model.RoleRecruiter)
		p := importExample(t, e, ann, "data-analyst")
		seeded := apptest.SeedCandidates(t, e.App, ann.OrgID, p.Doc, 60, 11, time.Now())
		base := fmt.Sprintf("/postings/%d", p.ID)

		r := c.Get(base + "/analytics")
		if r.Status != http.StatusOK {
			t.Fatalf("analytics: %d", r.Status)
		}
		var invited, started, completed, expired int
		hist := make([]int, 10)
		recs := map[string]int{}
		comp := map[string][]float64{}
		var scores []float64
		var toComplete []time.Duration
		for _, s := range seeded {
			invited++
			if !s.StartedAt.IsZero() {
				started++
			}
			switch s.Status {
			case model.CandidateCompleted:
				completed++
			case model.CandidateExpired:
				expired++
			}
			if s.Result == nil {
				continue
			}
			scores = append(scores, s.Result.Overall)
			hist[min(9, int(s.Result.Overall)/10)]++
			recs[string(s.Result.Recommendation)]++
			toComplete = append(toComplete, s.Completed.Sub(s.StartedAt))
			for _, cs := range s.Result.Competencies {
				comp[cs.Name] = append(comp[cs.Name], cs.Score)
			}
		}
		for label, want := range map[string]int{"Invited": invited, "Started": started, "Completed": completed, "Expired unstarted": expired} {
			if got := rowValue(t, r.Body, "Candidates at each step", label); got != strconv.Itoa(want) {
				t.Errorf("funnel %s: %s, want %d", label, got, want)
			}
		}
		for i, n := range hist {
			label := fmt.Sprintf("%d–%d", i*10, i*10+9)
			if i == 9 {
				label = "90–100"
			}
			if got := rowValue(t, r.Body, "Overall scores of the scored candidates", label); got != strconv.Itoa(n) {
				t.Errorf("histogram %s: %s, want %d", label, got, n)
			}
		}
		for label, key := range map[string]string{"Strong yes": "strong_yes", "Yes": "yes", "No": "no", "Strong no": "strong_no"} {
			if got := rowValue(t, r.Body, "Recommendations", label); got != strconv.Itoa(recs[key]) {
				t.Errorf("recommendation %s: %s, want %d", label, got, recs[key])
			}
		}
		for name, v := range comp {
			m, sd := 0.0, 0.0
			for _, x := range v {
				m += x
			}
			m /= float64(len(v))
			for _, x := range v {
				sd += (x - m) * (x - m)
			}
			sd = math.Sqrt(sd / float64(len(v)-1))
			if got, want := rowValue(t, r.Body, "Mean competency scores out of 100", name), fmt.Sprintf("%.1f ± %.1f", m, sd); got != want {
				t.Errorf("competency %s: %s, want %s", name, got, want)
			}
		}
		rate := fmt.Sprintf("%.1f%%", 100*float64(completed)/float64(invited))
		if !strings.Contains(r.Body, rate+` <span class="hint">(completed ÷ invited)`) {
			t.Errorf("completion rate %s not shown", rate)
		}
		sort.Slice(toComplete, func(i, j int) bool { return toComplete[i] < toComplete[j] })
		med := toComplete[int(math.Ceil(0.5*float64(len(toComplete))))-1]
		if !strings.Contains(r.Body, fmt.Sprintf("Time to complete, median</dt><dd>%d min", int(med.Minutes()))) {
			t.Errorf("median time to complete %v not shown", med)
		}
		if !strings.Contains(r.Body, "does not separate strong from weak candidates") || !strings.Contains(r.Body, "Opened: <strong>not recorded</strong>") {
			t.Error("item flags or the opened step missing")
		}

		// Overview.
		r = c.Get("/analytics")
		if r.Status != http.StatusOK || !strings.Contains(r.Body, fmt.Sprintf(`<a href="/postings/%d/analytics">%s</a></th><td>%d</td><td>%d</td><td>%d</td><td>%d</td>`, p.ID, html.EscapeString(p.Doc.Title), invited, started, completed, expired)) {
			t.Errorf("overview: %d", r.Status)
		}

		// Percentile on the scorecard and the list.
		best := seeded[3]
		for _, s := range seeded {
			if s.Result != nil && s.Result.Overall > best.Result.Overall {
				best = s
			}
		}
		if r := c.Get(fmt.Sprintf("%s/candidates/%d", base, best.ID)); !strings.Contains(r.Body, fmt.Sprintf("top %d%% of %d", int(math.Ceil(100/float64(len(scores)))), len(scores))) {
			t.Errorf("scorecard of the best candidate has no percentile")
		}
		r = c.Get(base + "/candidates?sort=percentile&dir=desc")
		if !strings.Contains(r.Body, `name="c" value="`+strconv.FormatInt(best.ID, 10)+`"`) {
			t.Error("no compare checkbox for the best candidate")
		}
		if i, j := strings.Index(r.Body, fmt.Sprintf("/candidates/%d\"", best.ID)), strings.Index(r.Body, "<tbody>"); i < j || strings.Count(r.Body[j:i], "<tr>") != 1 {
			t.Error("sorting by percentile does not put the best candidate first")
		} else if k := strings.Index(r.Body[i:], "</tr>"); !strings.Contains(r.Body[i:i+k], fmt.Sprintf("<td>top %d%%</td>", int(math.Ceil(100/float64(len(scores)))))) {
			t.Error("the list's percentile column does not show the best candidate's percentile")
		}

		// Comparison.
		a, b := seeded[3], seeded[4]
		cmp := fmt.Sprintf("%s/compare?c=%d&c=%d", base, a.ID, b.ID)
		r = c.Get(cmp)
		if r.Status != http.StatusOK || !strings.Contains(r.Body, fmt.Sprintf("<strong>%s</strong> / 100", strconv.FormatFloat(b.Result.Overall, 'g', -1, 64))) {
			t.Errorf("compare: %d", r.Status)
		}
		r = c.Get(cmp + "&format=csv")
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Body, "\uFEFF"))).ReadAll()
		if err != nil || r.Header.Get("Content-Type") != "text/csv; charset=utf-8" || rows[2][0] != "overall" ||
			rows[2][1] != strconv.FormatFloat(a.Result.Overall, 'f', 1, 64) {
			t.Errorf("compare CSV: %v %v", err, rows)
		}

		// Export, with the list's filters.
		r = c.Get(base + "/candidates/export?status=completed")
		rows, err = csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Body, "\uFEFF"))).ReadAll()
		if r.Status != http.StatusOK || err != nil || len(rows) != completed+1 || !strings.HasPrefix(r.Body, "\uFEFF") ||
			!strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("export: %d %v %d rows, want %d", r.Status, err, len(rows)-1, completed)
		}

		// Bad input is a precise 4xx; other organizations get 404.
		for path, want := range map[string]int{
			base + "/analytics?from=2026-13-01":               http.StatusBadRequest,
			base + "/analytics?from=2026-03-02&to=2026-03-01": http.StatusBadRequest,
			base + "/analytics?version=x":                     http.StatusBadRequest,
			base + "/analytics?version=7":                     http.StatusNotFound,
			fmt.Sprintf("%s/compare?c=%d", base, a.ID):        http.StatusBadRequest,
			base + "/compare?c=x&c=1":                         http.StatusBadRequest,
			base + "/candidates/export?format=xlsx":           http.StatusBadRequest,
			base + "/candidates/export?status=lost":           http.StatusBadRequest,
			"/postings/99999/analytics":                       http.StatusNotFound,
		} {
			if r := c.Get(path); r.Status != want {
				t.Errorf("%s: %d, want %d", path, r.Status, want)
			}
		}
		for _, path := range []string{base + "/analytics", cmp, base + "/candidates/export"} {
			if r := other.Get(path); r.Status != http.StatusNotFound {
				t.Errorf("another organization %s: %d", path, r.Status)
			}
		}
		theirs := importExample(t, e, olga, "data-analyst")
		mine := fmt.Sprintf("/postings/%d/compare?c=%d&c=%d", theirs.ID, a.ID, b.ID)
		if r := other.Get(mine); r.Status != http.StatusNotFound {
			t.Errorf("comparing another organization's candidates: %d", r.Status)
		}
	})
}
