#!/usr/bin/env python3
"""Independent reference values for scoring.WeightedKappa and scoring.ICC21.

Run: python3 internal/scoring/testdata/agreement/reference.py > internal/scoring/testdata/agreement/reference.json

Written from the textbook definitions, not from the Go code:
* weighted kappa (Cohen 1968) with agreement weights 1 - (i-j)^2/(k-1)^2,
  kappa_w = (p_o - p_e) / (1 - p_e), over the 5 levels;
* ICC(2,1) (Shrout & Fleiss 1979, table 1) from the two-way ANOVA mean
  squares: (BMS - EMS) / (BMS + (k-1) EMS + k (JMS - EMS) / n).
Pure Python with fractions, so no library version matters.
"""
import json
from fractions import Fraction as F

def kappa(a, b, levels=5):
    n = len(a)
    w = [[1 - F((i - j) ** 2, (levels - 1) ** 2) for j in range(levels)] for i in range(levels)]
    po = sum(w[x - 1][y - 1] for x, y in zip(a, b)) / F(n)
    pa = [F(sum(1 for x in a if x == i + 1), n) for i in range(levels)]
    pb = [F(sum(1 for y in b if y == i + 1), n) for i in range(levels)]
    pe = sum(w[i][j] * pa[i] * pb[j] for i in range(levels) for j in range(levels))
    return float((po - pe) / (1 - pe))

def icc21(rows):
    n, k = len(rows), len(rows[0])
    g = F(sum(sum(r) for r in rows), n * k)
    rm = [F(sum(r), k) for r in rows]
    cm = [F(sum(r[j] for r in rows), n) for j in range(k)]
    bss = k * sum((m - g) ** 2 for m in rm)
    jss = n * sum((m - g) ** 2 for m in cm)
    tss = sum((v - g) ** 2 for r in rows for v in r)
    ess = tss - bss - jss
    bms, jms, ems = bss / (n - 1), jss / (k - 1), ess / ((n - 1) * (k - 1))
    return float((bms - ems) / (bms + (k - 1) * ems + k * (jms - ems) / n))

cases = {
    "kappa": [
        {"a": [1, 2, 3, 4, 5, 3, 4, 2], "b": [1, 2, 3, 4, 5, 3, 4, 2]},
        {"a": [3, 4, 2, 5, 4, 3, 1, 2, 4, 5], "b": [3, 3, 2, 4, 5, 3, 2, 2, 4, 4]},
        {"a": [1, 5, 1, 5, 3, 3], "b": [5, 1, 5, 1, 3, 3]},
        {"a": [2, 3, 3, 4, 4, 4, 5, 2, 3, 1, 4, 3], "b": [2, 4, 3, 4, 3, 5, 5, 3, 3, 2, 4, 2]},
    ],
    "icc": [
        # Shrout & Fleiss (1979) table 2: 6 targets, 4 judges; ICC(2,1) = 0.29.
        {"rows": [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]},
        {"rows": [[3, 4, 3], [2, 2, 3], [5, 4, 5], [1, 2, 1], [4, 4, 3], [3, 3, 3], [2, 1, 2]]},
        {"rows": [[4, 4], [3, 2], [5, 5], [2, 3], [1, 1]]},
    ],
}
for c in cases["kappa"]:
    c["want"] = round(kappa(c["a"], c["b"]), 12)
for c in cases["icc"]:
    c["want"] = round(icc21(c["rows"]), 12)
print(json.dumps(cases, indent=1))
