// Package stats holds the pure statistics behind the analytics pages:
// nearest-rank quantiles, a streaming item analysis (difficulty, corrected
// item–total correlation, Cronbach's alpha and alpha-if-item-deleted) and
// the percentile wording of a scorecard. It does no I/O; the analytics
// service feeds it rows as the database returns them.
package stats

import (
	"math"
	"sort"
)

// NearestRank returns the p-quantile (0 < p ≤ 1) of sorted values by the
// nearest-rank method: the value at rank ⌈p·n⌉ (1-based). It is the rank
// the store asks the database for, so both agree. Zero values give 0.
func NearestRank(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[RankIndex(len(sorted), p)]
}

// RankIndex is the 0-based index of the nearest-rank p-quantile among n
// sorted values.
func RankIndex(n int, p float64) int {
	k := int(math.Ceil(p*float64(n))) - 1
	return min(max(k, 0), n-1)
}

// Sorted returns a sorted copy of values.
func Sorted(values []float64) []float64 {
	s := append([]float64(nil), values...)
	sort.Float64s(s)
	return s
}

// MinPercentileSample is the number of completed candidates below which a
// percentile is not shown: with fewer, one candidate moves it by several points.
const MinPercentileSample = 30

// TopPercent is the "top P %" of a candidate ranked rank (1 is the best,
// ties share the best rank) among n: ⌈100·rank/n⌉.
func TopPercent(rank, n int) int {
	if n <= 0 {
		return 0
	}
	return int(math.Ceil(100 * float64(rank) / float64(n)))
}

// Moments accumulates a mean and a sample standard deviation in one pass
// (Welford), so a column of any length needs constant memory.
type Moments struct {
	N    int
	mean float64
	m2   float64
}

// Add adds one value.
func (m *Moments) Add(x float64) {
	m.N++
	d := x - m.mean
	m.mean += d / float64(m.N)
	m.m2 += d * (x - m.mean)
}

// Mean is the arithmetic mean (0 with no values).
func (m *Moments) Mean() float64 { return m.mean }

// SD is the sample standard deviation (divisor n − 1); 0 below two values.
func (m *Moments) SD() float64 {
	if m.N < 2 {
		return 0
	}
	return math.Sqrt(m.m2 / float64(m.N-1))
}
