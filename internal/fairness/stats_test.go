package fairness

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"testing"

	"github.com/talentsystems/talentsystems/internal/store"
)

// reference is testdata/fisher_reference.json, written by
// testdata/fisher_reference.py in exact rational arithmetic.
type reference struct {
	Cases []struct {
		Table [4]int  `json:"table"`
		MidP  float64 `json:"mid_p"`
		P     float64 `json:"p"`
	} `json:"cases"`
}

func loadReference(t *testing.T) reference {
	t.Helper()
	b, err := os.ReadFile("testdata/fisher_reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref reference
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Cases) < 20 {
		t.Fatalf("only %d reference cases", len(ref.Cases))
	}
	return ref
}

func close(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

func TestFisherMidPMatchesReference(t *testing.T) {
	for _, c := range loadReference(t).Cases {
		mid, p := FisherMidP(c.Table[0], c.Table[1], c.Table[2], c.Table[3])
		if !close(mid, c.MidP) || !close(p, c.P) {
			t.Errorf("%v: mid-P %.12g p %.12g, reference %.12g %.12g", c.Table, mid, p, c.MidP, c.P)
		}
	}
}

// TestLocalLaw144Example reproduces the impact ratios of the scoring-rate
// example in 6 RCNY §5-301 (the "culture fit" tables), from the counts its
// rates imply (e.g. 54.3 % of 92 men is 50). The rule prints 64.2 % for
// 18 of 28 (64.29 %, truncated); its ratios are two-decimal roundings.
func TestLocalLaw144Example(t *testing.T) {
	cases := []struct {
		name   string
		groups []groupCount
		rates  []string
		ratios []string
	}{
		{"sex", []groupCount{{"Male", 92, 50}, {"Female", 76, 34}}, []string{"54.3", "44.7"}, []string{"1.00", "0.82"}},
		{"race/ethnicity", []groupCount{{"Hispanic or Latino", 28, 18}, {"White", 40, 15}, {"Black or African American", 32, 16},
			{"Native Hawaiian or Pacific Islander", 8, 5}, {"Asian", 24, 10}},
			[]string{"64.3", "37.5", "50.0", "62.5", "41.7"}, []string{"1.00", "0.58", "0.78", "0.97", "0.65"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tab := tabulate(c.groups, 168, DefaultMinCount)
			if len(tab.Rows) != len(c.groups) {
				t.Fatalf("%d rows, want %d", len(tab.Rows), len(c.groups))
			}
			for i, row := range tab.Rows {
				if got := fmt.Sprintf("%.1f", 100*row.Rate); got != c.rates[i] {
					t.Errorf("%s rate %s, rule %s", row.Category, got, c.rates[i])
				}
				if got := fmt.Sprintf("%.2f", row.Ratio); got != c.ratios[i] {
					t.Errorf("%s ratio %s, rule %s", row.Category, got, c.ratios[i])
				}
			}
		})
	}
}

func TestTabulateHidesAndSetsApart(t *testing.T) {
	tab := tabulate([]groupCount{{"A", 200, 100}, {"B", 150, 60}, {"C", 4, 4}, {"D", 6, 1}}, 400, 5)
	if len(tab.Hidden) != 1 || tab.Hidden[0].Category != "C" {
		t.Errorf("hidden %+v, want C (4 people < 5)", tab.Hidden)
	}
	// D: 6 of 400 = 1.5 % < 2 %.
	if len(tab.SetApart) != 1 || tab.SetApart[0].Category != "D" || tab.SetApart[0].HasRatio {
		t.Errorf("set apart %+v, want D without a ratio", tab.SetApart)
	}
	if len(tab.Rows) != 2 || !tab.Rows[0].Highest || tab.Rows[1].Flag {
		t.Errorf("rows %+v: A highest, B (0.8 of A) not flagged", tab.Rows)
	}
	if r := tab.Rows[1].Ratio; !close(r, 0.4/0.5) {
		t.Errorf("B ratio %v", r)
	}
}

func TestBuildScoringMedian(t *testing.T) {
	var samples []store.FairnessSample
	for i, s := range []float64{10, 20, 30, 40, 50, 60} {
		sex := "female"
		if i%2 == 1 {
			sex = "male"
		}
		samples = append(samples, store.FairnessSample{Sex: sex, Race: "", Score: s})
	}
	r := Build(samples, Scoring, "", 2)
	if r.Median != 35 {
		t.Fatalf("median %v, want 35", r.Median)
	}
	// Above 35: female 50; male 40, 60.
	sex := r.Tables[0]
	if len(sex.Rows) != 2 || sex.Rows[0].Favourable != 1 || sex.Rows[1].Favourable != 2 {
		t.Fatalf("sex rows %+v", sex.Rows)
	}
	if r.Tables[1].Unknown != 6 {
		t.Errorf("race unknown %d, want 6", r.Tables[1].Unknown)
	}
}
