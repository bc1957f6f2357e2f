package stats

import "math"

// Items accumulates an item analysis over respondents, one row of item
// scores at a time, keeping only sums and cross-products: memory is
// O(items²) whatever the number of respondents.
type Items struct {
	k     int
	n     int
	sum   []float64
	cross [][]float64 // Σ x_i·x_j
}

// NewItems starts an analysis of k items.
func NewItems(k int) *Items {
	it := &Items{k: k, sum: make([]float64, k), cross: make([][]float64, k)}
	for i := range it.cross {
		it.cross[i] = make([]float64, k)
	}
	return it
}

// Add adds one respondent's scores, one per item in a fixed order.
func (it *Items) Add(row []float64) {
	it.n++
	for i, x := range row {
		it.sum[i] += x
		for j := i; j < it.k; j++ {
			it.cross[i][j] += x * row[j]
		}
	}
}

// N is the number of respondents added.
func (it *Items) N() int { return it.n }

// Mean is item i's mean score.
func (it *Items) Mean(i int) float64 {
	if it.n == 0 {
		return 0
	}
	return it.sum[i] / float64(it.n)
}

// Cov is the sample covariance (divisor n − 1) of items i and j.
func (it *Items) Cov(i, j int) float64 {
	if it.n < 2 {
		return 0
	}
	if j < i {
		i, j = j, i
	}
	return (it.cross[i][j] - it.sum[i]*it.sum[j]/float64(it.n)) / float64(it.n-1)
}

// sumCov is Σ cov(a, b) over the items in set (every ordered pair): the
// variance of their sum.
func (it *Items) sumCov(set []int) float64 {
	v := 0.0
	for _, a := range set {
		for _, b := range set {
			v += it.Cov(a, b)
		}
	}
	return v
}

// ItemTotal is the corrected item–total correlation of item i within set:
// the Pearson correlation of item i with the sum of the other items of set.
// ok is false when either side has no variance or set has one item.
func (it *Items) ItemTotal(i int, set []int) (r float64, ok bool) {
	var rest []int
	for _, j := range set {
		if j != i {
			rest = append(rest, j)
		}
	}
	if len(rest) == 0 {
		return 0, false
	}
	cov := 0.0
	for _, j := range rest {
		cov += it.Cov(i, j)
	}
	vi, vr := it.Cov(i, i), it.sumCov(rest)
	if vi <= 1e-12 || vr <= 1e-12 {
		return 0, false
	}
	return cov / math.Sqrt(vi*vr), true
}

// Alpha is Cronbach's alpha of the items in set:
// k/(k−1) · (1 − Σ var(item) / var(sum)). ok is false for fewer than two
// items or a sum without variance.
func (it *Items) Alpha(set []int) (a float64, ok bool) {
	k := len(set)
	if k < 2 || it.n < 2 {
		return 0, false
	}
	total := it.sumCov(set)
	if total <= 1e-12 {
		return 0, false
	}
	items := 0.0
	for _, i := range set {
		items += it.Cov(i, i)
	}
	return float64(k) / float64(k-1) * (1 - items/total), true
}

// AlphaWithout is Cronbach's alpha of set with item i left out.
func (it *Items) AlphaWithout(i int, set []int) (float64, bool) {
	var rest []int
	for _, j := range set {
		if j != i {
			rest = append(rest, j)
		}
	}
	return it.Alpha(rest)
}

// ItemsFromSums is the analysis of n respondents whose item scores sum to
// sum and whose cross-products sum to cross (cross[i][j] = Σ x_i·x_j for
// i ≤ j), as a database computed them: the same as adding the rows one by one.
func ItemsFromSums(n int, sum []float64, cross [][]float64) *Items {
	it := NewItems(len(sum))
	it.n = n
	copy(it.sum, sum)
	for i := range cross {
		for j := i; j < len(sum) && j < len(cross[i]); j++ {
			it.cross[i][j] = cross[i][j]
		}
	}
	return it
}
