package fairness

import "math"

// hypergeomPMF is P(X = x) for X the number of selected people in a group of
// n drawn from N people of whom K were selected.
func hypergeomPMF(N, K, n, x int) float64 {
	return math.Exp(lchoose(K, x) + lchoose(N-K, n-x) - lchoose(N, n))
}

func lchoose(n, k int) float64 {
	a, _ := math.Lgamma(float64(n + 1))
	b, _ := math.Lgamma(float64(k + 1))
	c, _ := math.Lgamma(float64(n - k + 1))
	return a - b - c
}

// FisherMidP is the two-sided mid-P value of Fisher's exact test on the 2×2
// table [[a, b], [c, d]] (row one: a selected, b not; row two: c selected,
// d not). Two-sided means summing the probabilities of every table with the
// same margins that is no more likely than the observed one, the way R and
// SciPy order tables; the mid-P counts the tables exactly as likely as the
// observed one (the observed one among them) at half weight, which removes
// the conservatism of the discrete test. It also returns the conventional
// two-sided p value (everything at full weight).
func FisherMidP(a, b, c, d int) (mid, conventional float64) {
	n := a + b // the first row
	K := a + c // the selected
	N := a + b + c + d
	if N == 0 || n == 0 || n == N || K == 0 || K == N {
		return 1, 1 // one margin is empty: every table is the observed one
	}
	obs := hypergeomPMF(N, K, n, a)
	// Relative tolerance as in R's fisher.test, so that tables equal in
	// exact arithmetic but not in floating point count as ties.
	const tol = 1e-7
	var less, ties float64
	for x := max(0, n-(N-K)); x <= min(K, n); x++ {
		p := hypergeomPMF(N, K, n, x)
		switch {
		case p < obs*(1-tol):
			less += p
		case p <= obs*(1+tol):
			ties += p
		}
	}
	return math.Min(1, less+ties/2), math.Min(1, less+ties)
}
