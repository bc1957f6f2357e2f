package scoring

import (
	"encoding/json"
	"math"
	"os"
	"testing"
)

// TestAgreementReference checks WeightedKappa and ICC21 against values
// computed independently by testdata/agreement/reference.py (exact
// fractions, from the textbook definitions).
func TestAgreementReference(t *testing.T) {
	raw, err := os.ReadFile("testdata/agreement/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Kappa []struct {
			A, B []int
			Want float64
		}
		ICC []struct {
			Rows [][]float64
			Want float64
		}
	}
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Kappa) == 0 || len(ref.ICC) == 0 {
		t.Fatal("no reference cases")
	}
	for i, c := range ref.Kappa {
		if got := WeightedKappa(c.A, c.B); math.Abs(got-c.Want) > 1e-9 {
			t.Errorf("kappa case %d = %.12f, want %.12f", i, got, c.Want)
		}
	}
	for i, c := range ref.ICC {
		if got := ICC21(c.Rows); math.Abs(got-c.Want) > 1e-9 {
			t.Errorf("ICC case %d = %.12f, want %.12f", i, got, c.Want)
		}
	}
	if !math.IsNaN(WeightedKappa([]int{3, 3}, []int{3, 3})) {
		t.Error("kappa of constant ratings should be undefined")
	}
}

func TestReviewLevel(t *testing.T) {
	for _, c := range []struct {
		levels []int
		want   int
	}{{nil, 0}, {[]int{4}, 4}, {[]int{3, 4}, 4}, {[]int{3, 3, 4}, 3}, {[]int{2, 5}, 4}, {[]int{1, 2}, 2}, {[]int{1, 1, 2}, 1}} {
		if got := ReviewLevel(c.levels); got != c.want {
			t.Errorf("ReviewLevel(%v) = %d, want %d", c.levels, got, c.want)
		}
	}
	if !Disagreement([]int{2, 4}) || Disagreement([]int{3, 4}) || Disagreement([]int{5}) {
		t.Error("Disagreement: wrong")
	}
}
