package stats

import (
	"encoding/json"
	"math"
	"os"
	"testing"
)

// fixture is one data set of testdata/items.json, generated with its
// expected values by testdata/reference.py (an independent Python
// implementation on the raw matrix; see its docstring for provenance).
type fixture struct {
	Name     string           `json:"name"`
	Rows     [][]float64      `json:"rows"`
	Groups   map[string][]int `json:"groups"`
	Expected struct {
		Items []struct {
			Difficulty     float64  `json:"difficulty"`
			Discrimination *float64 `json:"discrimination"`
		} `json:"items"`
		Groups []struct {
			Name           string     `json:"name"`
			Columns        []int      `json:"columns"`
			Alpha          *float64   `json:"alpha"`
			AlphaIfDeleted []*float64 `json:"alpha_if_deleted"`
		} `json:"groups"`
	} `json:"expected"`
}

func near(t *testing.T, what string, got float64, gotOK bool, want *float64) {
	t.Helper()
	if want == nil {
		if gotOK {
			t.Errorf("%s = %v, want undefined", what, got)
		}
		return
	}
	if !gotOK || math.Abs(got-*want) > 1e-9 {
		t.Errorf("%s = %v (ok %v), want %v", what, got, gotOK, *want)
	}
}

// TestItemsMatchReference compares the streaming analysis with the
// reference values on fixed data sets.
func TestItemsMatchReference(t *testing.T) {
	raw, err := os.ReadFile("testdata/items.json")
	if err != nil {
		t.Fatal(err)
	}
	var sets []fixture
	if err := json.Unmarshal(raw, &sets); err != nil {
		t.Fatal(err)
	}
	if len(sets) < 3 {
		t.Fatalf("only %d fixtures", len(sets))
	}
	for _, f := range sets {
		t.Run(f.Name, func(t *testing.T) {
			k := len(f.Rows[0])
			it := NewItems(k)
			for _, r := range f.Rows {
				it.Add(r)
			}
			all := make([]int, k)
			for i := range all {
				all[i] = i
			}
			for i, want := range f.Expected.Items {
				d := it.Mean(i) / 5
				near(t, "difficulty", d, true, &want.Difficulty)
				r, ok := it.ItemTotal(i, all)
				near(t, "discrimination", r, ok, want.Discrimination)
			}
			for _, g := range f.Expected.Groups {
				a, ok := it.Alpha(g.Columns)
				near(t, g.Name+" alpha", a, ok, g.Alpha)
				for j, c := range g.Columns {
					a, ok := it.AlphaWithout(c, g.Columns)
					near(t, g.Name+" alpha if deleted", a, ok, g.AlphaIfDeleted[j])
				}
			}
		})
	}
}

func TestNearestRankAndTopPercent(t *testing.T) {
	v := Sorted([]float64{5, 1, 4, 2, 3, 10, 9, 8, 7, 6})
	for _, c := range []struct{ p, want float64 }{{0.5, 5}, {0.9, 9}, {0.1, 1}, {1, 10}, {0.91, 10}} {
		if got := NearestRank(v, c.p); got != c.want {
			t.Errorf("NearestRank(%v) = %v, want %v", c.p, got, c.want)
		}
	}
	if got := TopPercent(1, 340); got != 1 {
		t.Errorf("best of 340: top %d%%", got)
	}
	if got := TopPercent(40, 340); got != 12 {
		t.Errorf("40th of 340: top %d%%", got)
	}
	var m Moments
	for _, x := range []float64{2, 4, 4, 4, 5, 5, 7, 9} {
		m.Add(x)
	}
	if m.Mean() != 5 || math.Abs(m.SD()-math.Sqrt(32.0/7)) > 1e-12 {
		t.Errorf("moments: %v %v", m.Mean(), m.SD())
	}
}
