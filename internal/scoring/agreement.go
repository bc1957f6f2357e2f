package scoring

import "math"

// Agreement between reviewers. Two figures, both from −1 (systematic
// disagreement) through 0 (chance) to 1 (perfect agreement); docs/scoring.md
// explains them for recruiters.

// ReviewLevel is the final level of an answer scored by several reviewers:
// the mean of their levels, rounded half up (3.5 is 4, 3.49 is 3). It is 0
// when there are no levels.
func ReviewLevel(levels []int) int {
	if len(levels) == 0 {
		return 0
	}
	sum := 0
	for _, l := range levels {
		sum += clampLevel(l)
	}
	// Rounded half up in integers: floor((2·sum + n) / (2·n)).
	n := len(levels)
	return clampLevel((2*sum + n) / (2 * n))
}

// Disagreement reports that reviewers' levels differ by two levels or more:
// the answer deserves a second look.
func Disagreement(levels []int) bool {
	if len(levels) < 2 {
		return false
	}
	lo, hi := levels[0], levels[0]
	for _, l := range levels[1:] {
		lo, hi = min(lo, l), max(hi, l)
	}
	return hi-lo >= 2
}

// WeightedKappa is Cohen's kappa with quadratic weights between two raters'
// levels (1..5) of the same answers: a[i] and b[i] rate answer i. With
// quadratic weights a disagreement by two levels costs four times one by a
// single level. It returns NaN with fewer than two answers, or when the
// expected disagreement is zero (both raters gave one and the same level
// throughout, where agreement is undefined).
func WeightedKappa(a, b []int) float64 {
	n := len(a)
	if n != len(b) || n < 2 {
		return math.NaN()
	}
	const k = MaxLevel - MinLevel + 1
	var obs [k][k]float64
	var ra, rb [k]float64
	for i := range a {
		x, y := clampLevel(a[i])-MinLevel, clampLevel(b[i])-MinLevel
		obs[x][y]++
		ra[x]++
		rb[y]++
	}
	var do, de float64
	for x := range k {
		for y := range k {
			w := float64((x - y) * (x - y))
			do += w * obs[x][y] / float64(n)
			de += w * ra[x] * rb[y] / float64(n*n)
		}
	}
	if de == 0 {
		return math.NaN()
	}
	return 1 - do/de
}

// ICC21 is the intraclass correlation ICC(2,1) of Shrout and Fleiss (1979):
// two-way random effects, absolute agreement, single rater. ratings[i][j] is
// rater j's level of answer i; every row must have the same number (k ≥ 2)
// of ratings. It returns NaN with fewer than two answers or when every
// rating is the same.
func ICC21(ratings [][]float64) float64 {
	n := len(ratings)
	if n < 2 {
		return math.NaN()
	}
	k := len(ratings[0])
	if k < 2 {
		return math.NaN()
	}
	var grand float64
	rowMean := make([]float64, n)
	colMean := make([]float64, k)
	for i, row := range ratings {
		if len(row) != k {
			return math.NaN()
		}
		for j, v := range row {
			rowMean[i] += v / float64(k)
			colMean[j] += v / float64(n)
			grand += v / float64(n*k)
		}
	}
	var ssr, ssc, sst float64
	for i, row := range ratings {
		ssr += float64(k) * (rowMean[i] - grand) * (rowMean[i] - grand)
		for _, v := range row {
			sst += (v - grand) * (v - grand)
		}
	}
	for j := range k {
		ssc += float64(n) * (colMean[j] - grand) * (colMean[j] - grand)
	}
	sse := sst - ssr - ssc
	msr := ssr / float64(n-1)
	msc := ssc / float64(k-1)
	mse := sse / float64((n-1)*(k-1))
	den := msr + float64(k-1)*mse + float64(k)*(msc-mse)/float64(n)
	if den == 0 {
		return math.NaN()
	}
	return (msr - mse) / den
}
