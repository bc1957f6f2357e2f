#!/usr/bin/env python3
"""Reference values for FisherMidP, written independently of the Go code.

SciPy could not be installed on the machine that generated these values
(pip found no distribution), so this script computes Fisher's exact test in
exact rational arithmetic (fractions.Fraction and math.comb): no floating
point and no tolerance, so ties between tables are exact. The two-sided
p value sums the probabilities of the tables with the observed margins that
are no more likely than the observed one (the definition of R's fisher.test
and scipy.stats.fisher_exact); the mid-P counts the tables exactly as likely
as the observed one at half weight.

Run: python3 fisher_reference.py > fisher_reference.json
"""
import json
from fractions import Fraction
from math import comb

def pmf(N, K, n, x):
    return Fraction(comb(K, x) * comb(N - K, n - x), comb(N, n))

def fisher(a, b, c, d):
    n, K, N = a + b, a + c, a + b + c + d
    if N == 0 or n in (0, N) or K in (0, N):
        return 1.0, 1.0
    obs = pmf(N, K, n, a)
    less = ties = Fraction(0)
    for x in range(max(0, n - (N - K)), min(K, n) + 1):
        p = pmf(N, K, n, x)
        if p < obs:
            less += p
        elif p == obs:
            ties += p
    return float(min(1, less + ties / 2)), float(min(1, less + ties))

TABLES = [
    [3, 1, 1, 3], [1, 9, 11, 3], [2, 8, 8, 2], [0, 5, 5, 0], [5, 5, 5, 5],
    [10, 20, 25, 15], [7, 3, 2, 8], [0, 10, 3, 7], [12, 30, 40, 18],
    [1, 4, 9, 1], [4, 6, 10, 2], [3, 9, 9, 3], [20, 80, 40, 60],
    [667, 723, 555, 626], [0, 0, 3, 4], [6, 0, 0, 6], [2, 3, 2, 3],
    [9, 11, 14, 6], [1, 1, 30, 2], [50, 150, 90, 110],
    # the comparisons of the service test's posting (service_test.go)
    [3, 7, 8, 2], [3, 3, 6, 2], [2, 4, 6, 2], [1, 4, 4, 1],
]

out = []
for t in TABLES:
    mid, conv = fisher(*t)
    out.append({"table": t, "mid_p": mid, "p": conv})
print(json.dumps({"source": "fisher_reference.py (exact rational arithmetic, Python 3 fractions)", "cases": out}, indent=1))
